"""A second opinion on the IMAP server: Python's imaplib drives a whole session and checks every answer.

Usage: imaplib_session.py PORT. Exits non-zero (with the failing step on stderr) when anything is off.
"""
import imaplib
import ssl
import sys

port = int(sys.argv[1])
message = (b"From: Python <py@example.org>\r\nSubject: from imaplib\r\n"
           b"Date: Tue, 07 Jan 2025 08:00:00 +0000\r\n\r\nHello from Python.\r\n")


def check(step, result, expect="OK"):
    typ, data = result
    if typ != expect:
        sys.exit(f"{step}: expected {expect}, got {typ} {data!r}")
    return data


context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE

imap = imaplib.IMAP4("127.0.0.1", port)
check("starttls", imap.starttls(context))
check("login", imap.login("alice", "secret"))
check("create", imap.create('"Python/&ANw-bung"'))
listed = check("list", imap.list('""', '"Python/*"'))
if listed != [b'(\\HasNoChildren) "/" Python/&ANw-bung']:
    sys.exit(f"list: {listed!r}")
# LIST-EXTENDED: the unsubscribed parent of a subscribed folder is explained by CHILDINFO; a bad option is BAD.
check("subscribe", imap.subscribe('"Python/&ANw-bung"'))
typ, data = imap._simple_command("LIST", "(SUBSCRIBED RECURSIVEMATCH)", '""', "%")
listed = [line for line in imap._untagged_response(typ, data, "LIST")[1] if line and b'"Python' in line or line and b" Python" in line]
if listed != [b'(\\HasChildren) "/" Python ("CHILDINFO" ("SUBSCRIBED"))']:
    sys.exit(f"list-extended: {listed!r}")
try:
    imap._simple_command("LIST", "(BOGUS)", '""', "*")
    sys.exit("list-extended: a bad selection option was accepted")
except imaplib.IMAP4.error as refused:
    if "Unknown LIST selection option BOGUS" not in str(refused):
        sys.exit(f"list-extended: {refused}")
appended = check("append", imap.append("INBOX", r"(\Flagged)", imaplib.Time2Internaldate(1736236800), message))
if not appended[0].startswith(b"[APPENDUID "):
    sys.exit(f"append: no APPENDUID in {appended!r}")
count = check("select", imap.select("INBOX"))
if count != [b"1"]:
    sys.exit(f"select: {count!r}")
found = check("search", imap.search(None, "FLAGGED", "SUBJECT", '"from imaplib"'))
if found != [b"1"]:
    sys.exit(f"search: {found!r}")
fetched = check("fetch", imap.uid("FETCH", "1", "(RFC822.SIZE BODY.PEEK[])"))
if fetched[0][1] != message:
    sys.exit(f"fetch: body differs: {fetched[0][1]!r}")
if f"RFC822.SIZE {len(message)}".encode() not in fetched[0][0]:
    sys.exit(f"fetch: size missing in {fetched[0][0]!r}")
previewed = check("preview", imap.fetch("1", "(PREVIEW)"))
if previewed != [b'1 (PREVIEW "Hello from Python.")']:
    sys.exit(f"preview: {previewed!r}")
check("store", imap.store("1", "+FLAGS", r"(\Deleted)"))
check("copy", imap.copy("1", '"Python/&ANw-bung"'))
expunged = check("expunge", imap.expunge())
if expunged != [b"1"]:
    sys.exit(f"expunge: {expunged!r}")
status = check("status", imap.status('"Python/&ANw-bung"', "(MESSAGES UIDNEXT)"))
if status != [b'"Python/&ANw-bung" (MESSAGES 1 UIDNEXT 2)'] and status != [b'Python/&ANw-bung (MESSAGES 1 UIDNEXT 2)']:
    sys.exit(f"status: {status!r}")
check("close", imap.close())
# UTF8=ACCEPT: once enabled, imaplib sends and reads mailbox names as UTF-8 (its own UTF8 APPEND is not used: CPython
# puts "UTF8 (" inside the literal instead of sending a literal8).
# imaplib keeps the capabilities of the greeting; after login they are asked again, as a client should.
imap.capabilities = tuple(check("capability", imap.capability())[-1].decode().upper().split())
check("enable", imap.enable("UTF8=ACCEPT"))
check("create-utf8", imap.create('"Python/Grüße"'))
listed = check("list-utf8", imap.list('""', '"Python/*"'))
if listed != ['(\\HasNoChildren) "/" "Python/Grüße"'.encode(), '(\\HasNoChildren) "/" "Python/Übung"'.encode()]:
    sys.exit(f"list-utf8: {listed!r}")
check("logout", imap.logout(), "BYE")
print("imaplib session complete")
