"""A second opinion on IMAP4rev2, OBJECTID, SAVEDATE and ESEARCH/SEARCHRES: Python's imaplib drives them raw.

Usage: rev2_session.py PORT. Exits non-zero (with the failing step on stderr) when anything is off.
"""
import imaplib
import re
import sys

port = int(sys.argv[1])
message = b"Message-ID: <py@example.org>\r\nSubject: rev2\r\n\r\nHello.\r\n"


def check(step, result, expect="OK"):
    typ, data = result
    if typ != expect:
        sys.exit(f"{step}: expected {expect}, got {typ} {data!r}")
    return data


def untagged(name, result):
    typ, data = result
    return imap._untagged_response(typ, data, name)[1]


imap = imaplib.IMAP4("127.0.0.1", port)
check("login", imap.login("alice", "secret"))
# imaplib keeps the greeting's capabilities; the extensions are announced after login.
imap.capabilities = tuple(check("capability", imap.capability())[0].decode().upper().split())
for capability in ("IMAP4REV1", "IMAP4REV2", "OBJECTID", "SAVEDATE", "ESEARCH", "SEARCHRES"):
    if capability not in imap.capabilities:
        sys.exit(f"capability: {capability} missing from {imap.capabilities!r}")
check("append", imap.append("INBOX", None, None, message))
check("append", imap.append("INBOX", "(\\Seen)", None, message))
enabled = untagged("ENABLED", imap._simple_command("ENABLE", "IMAP4rev2", "X-NOT-A-THING"))
if enabled != [b"IMAP4rev2"]:
    sys.exit(f"enable: {enabled!r}")
imap.untagged_responses.clear()
check("select", imap.select("INBOX"))
if "RECENT" in imap.untagged_responses:
    sys.exit(f"select: RECENT after ENABLE IMAP4rev2: {imap.untagged_responses!r}")
# imaplib files a response code under its name: "* OK [MAILBOXID (F1000)] Ok" becomes MAILBOXID: [b"(F1000)"].
mailbox_id = imap.untagged_responses.get("MAILBOXID", [])
if len(mailbox_id) != 1 or not re.fullmatch(rb"\(F[0-9]+\)", mailbox_id[0]):
    sys.exit(f"select: no MAILBOXID in {imap.untagged_responses!r}")
esearch = untagged("ESEARCH", imap._simple_command("SEARCH", "UNSEEN"))
if len(esearch) != 1 or not re.fullmatch(rb'\(TAG "\w+"\) ALL 1', esearch[0]):
    sys.exit(f"search: {esearch!r}")
fetched = check("fetch", imap.fetch("1:2", "(EMAILID THREADID SAVEDATE)"))
if len(fetched) != 2 or not all(re.search(rb"EMAILID \(M\w+\) THREADID \(T\w+\) SAVEDATE \"", f) for f in fetched):
    sys.exit(f"fetch: {fetched!r}")
# Both messages have the same bytes: identical content may share one EMAILID (RFC 8474 §5.1), and here does.
ids = {re.search(rb"EMAILID \((M\w+)\)", f).group(1) for f in fetched}
if len(ids) != 1:
    sys.exit(f"fetch: identical content should share an EMAILID: {fetched!r}")
status = check("status", imap.status("INBOX", "(MAILBOXID DELETED MESSAGES)"))
if not re.fullmatch(rb'INBOX \(MAILBOXID \(F[0-9]+\) DELETED 0 MESSAGES 2\)', status[0]):
    sys.exit(f"status: {status!r}")
check("search save", imap._simple_command("SEARCH", "RETURN", "(SAVE)", "SEEN"))
saved = check("fetch $", imap.fetch("$", "(UID)"))
if saved != [b"2 (UID 2)"]:
    sys.exit(f"fetch $: {saved!r}")
for bad in (("SEARCH", "RETURN", "(BOGUS)", "ALL"), ("SEARCH", "SAVEDON", "notadate"), ("SEARCH", "EMAILID", '"quoted"')):
    try:
        imap._simple_command(*bad)
        sys.exit(f"bad input accepted: {bad!r}")
    except imaplib.IMAP4.error:
        pass
check("logout", imap.logout(), "BYE")
print("rev2 session complete")
