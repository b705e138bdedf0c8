"""A second opinion on BINARY (RFC 3516): Python's imaplib fetches decoded parts, literal8 responses included.

Usage: binary_session.py PORT. Exits non-zero (with the failing step on stderr) when anything is off.
"""
import base64
import imaplib
import sys

port = int(sys.argv[1])
payload = bytes(range(256)) * 4  # every octet value, NUL included
message = (b"From: bob@ring.test\r\nSubject: binary\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n"
           b"--zz\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
           b"caf=C3=A9 au lait=\r\n!\r\n"
           b"--zz\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + base64.encodebytes(payload).replace(b"\n", b"\r\n") +
           b"--zz\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
           b"begin 644 x\r\n#86)C\r\n`\r\nend\r\n"
           b"--zz--\r\n")


def check(step, result, expect="OK"):
    typ, data = result
    if typ != expect:
        sys.exit(f"{step}: expected {expect}, got {typ} {data!r}")
    return data


def literal(step, data, name):
    # imaplib gives a literal as (b"1 (NAME {n}", bytes); a literal8 "~{n}" ends the same way.
    if not data or not isinstance(data[0], tuple) or not data[0][0].endswith(b"}") or name not in data[0][0]:
        sys.exit(f"{step}: no literal for {name!r} in {data!r}")
    return data[0][0], data[0][1]


imap = imaplib.IMAP4("127.0.0.1", port)
check("login", imap.login("alice", "secret"))
imap.capabilities = tuple(check("capability", imap.capability())[0].decode().upper().split())
if "BINARY" not in imap.capabilities:
    sys.exit(f"capability: BINARY missing from {imap.capabilities!r}")
check("append", imap.append("INBOX", None, None, message))
check("select", imap.select("INBOX", readonly=True))

head, text = literal("text", check("text", imap.fetch("1", "(BINARY.PEEK[1])")), b"BINARY[1]")
if text != "café au lait!".encode() or b"~{" in head:
    sys.exit(f"text: {head!r} {text!r}")
head, data = literal("octets", check("octets", imap.fetch("1", "(BINARY.PEEK[2])")), b"BINARY[2]")
if data != payload or not head.endswith(b"~{1024}"):
    sys.exit(f"octets: {head!r}, {len(data)} bytes, equal: {data == payload}")
head, data = literal("range", check("range", imap.fetch("1", "(BINARY.PEEK[2]<250.10>)")), b"BINARY[2]<250>")
if data != payload[250:260]:
    sys.exit(f"range: {head!r} {data!r}")
sizes = check("size", imap.fetch("1", "(BINARY.SIZE[1] BINARY.SIZE[2])"))
if sizes != [b"1 (BINARY.SIZE[1] 14 BINARY.SIZE[2] 1024)"]:
    sys.exit(f"size: {sizes!r}")
refused = check("uuencode", imap.fetch("1", "(BINARY.PEEK[3])"), "NO")
if not refused or not refused[0].startswith(b"[UNKNOWN-CTE]"):
    sys.exit(f"uuencode: {refused!r}")
check("logout", imap.logout(), "BYE")
print("binary session complete")
