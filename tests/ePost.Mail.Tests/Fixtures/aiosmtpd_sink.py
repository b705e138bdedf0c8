"""A real SMTP server for the outbound delivery tests (Debian's python3-aiosmtpd).

Usage: aiosmtpd_sink.py PORT OUTDIR [USER:PASSWORD]. With credentials, AUTH (PLAIN, LOGIN) is required and only that
login is accepted. Every accepted message is written to OUTDIR/NNNN.msg: one JSON line with the
envelope ({"from": ..., "to": [...]}) and then the message bytes exactly as received. Recipients whose local part
starts with "reject" are refused with 550 5.1.1, "later" with 451 4.2.0. Prints "ready" once listening.
"""
import asyncio
import json
import os
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 No such mailbox here"
        if local.startswith("later"):
            return "451 4.2.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.outdir, "%04d" % self.count)
        with open(path + ".tmp", "wb") as f:
            f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos}).encode() + b"\n")
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path + ".msg")
        return "250 2.0.0 Queued"


class Login:
    def __init__(self, credentials):
        self.user, self.password = credentials.split(":", 1)

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.user and auth_data.password.decode() == self.password
        # handled=False: aiosmtpd then answers 535 itself (the default, handled=True, would leave the client waiting).
        return AuthResult(success=ok, handled=False)


async def main(port, outdir, credentials):
    loop = asyncio.get_running_loop()
    auth = {} if credentials is None else {"authenticator": Login(credentials), "auth_required": True, "auth_require_tls": False}
    sink = Sink(outdir)  # one for all connections, so message numbers never repeat
    server = await loop.create_server(lambda: SMTP(sink, decode_data=False, enable_SMTPUTF8=True, **auth), "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None))
