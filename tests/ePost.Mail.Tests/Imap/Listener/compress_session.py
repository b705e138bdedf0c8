"""A second opinion on COMPRESS=DEFLATE (RFC 4978): Python's own zlib, raw DEFLATE over a TLS socket.

Usage: compress_session.py PORT. Exits non-zero (with the failing step on stderr) when anything is off.
"""
import socket
import ssl
import sys
import zlib

port = int(sys.argv[1])
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE

plain = socket.create_connection(("127.0.0.1", port), timeout=20)
reader = plain.makefile("rb")
reader.readline()
plain.sendall(b"s STARTTLS\r\n")
reader.readline()
tls = context.wrap_socket(plain)
reader = tls.makefile("rb")


def command(line, until):
    tls.sendall(line + b"\r\n")
    lines = []
    while True:
        lines.append(reader.readline())
        if lines[-1].startswith(until):
            return lines


if not command(b"a LOGIN alice secret", b"a ")[-1].startswith(b"a OK"):
    sys.exit("login failed")
if not command(b"c COMPRESS DEFLATE", b"c ")[-1].startswith(b"c OK"):
    sys.exit("compress refused")

deflate = zlib.compressobj(wbits=-15)
inflate = zlib.decompressobj(wbits=-15)
pending = b""


def send(data):
    tls.sendall(deflate.compress(data) + deflate.flush(zlib.Z_SYNC_FLUSH))


def receive_until(tag):
    global pending
    while True:
        if pending.endswith(b"\r\n") and any(line.startswith(tag) for line in pending.split(b"\r\n")):
            out, pending = pending, b""
            return out
        chunk = tls.recv(65536)
        if not chunk:
            sys.exit(f"connection closed; so far {pending[-200:]!r}")
        pending += inflate.decompress(chunk)


message = b"Subject: zlib\r\n\r\n" + b"".join(b"line %d of a compressed append\r\n" % i for i in range(3000))
send(b"p APPEND INBOX {%d+}\r\n" % len(message) + message + b"\r\n")
if b"p OK [APPENDUID" not in receive_until(b"p OK"):
    sys.exit("append under compression failed")
send(b"x SELECT INBOX\r\n")
receive_until(b"x OK")
send(b"f FETCH 1 BODY.PEEK[]\r\n")
fetched = receive_until(b"f OK")
if message not in fetched:
    sys.exit(f"fetch differs: {fetched[:200]!r}")
send(b"d COMPRESS DEFLATE\r\n")
again = receive_until(b"d ")
if b"d NO [COMPRESSIONACTIVE]" not in again:
    sys.exit(f"second COMPRESS: {again!r}")
send(b"l LOGOUT\r\n")
if b"l OK" not in receive_until(b"l OK"):
    sys.exit("logout")
print("compress session complete")
