"""Talking to an IMAP server with the standard library's imaplib, behind the private-network
guard (as integrations/email/smtp.py does for SMTP): the server's name is resolved once, every
address checked by `netguard`, the socket opened to a checked one, and TLS still verifies the
certificate against the name.

Messages are read with BODY.PEEK[], which leaves them unread (RFC822 and BODY[] would mark
them seen); marking them read is a separate UID STORE, done only when asked.
"""

from __future__ import annotations

import imaplib
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from integrations import http
from integrations.imap.credentials import ImapServer
from integrations.service import read_fields
from workfuse.lib import netguard, redaction
from workfuse.lib.node_run import NodeError, Secret

TIMEOUT_SECONDS = 30.0
MAX_MESSAGE_BYTES = 10 * 1024 * 1024  # larger messages are read by their headers only
SERVER = http.Api("The IMAP server")
TEXT_LIMIT = 300
FLAGS = frozenset(
    {
        "ALL", "ANSWERED", "DELETED", "DRAFT", "FLAGGED", "NEW", "OLD", "RECENT", "SEEN",
        "UNANSWERED", "UNDELETED", "UNDRAFT", "UNFLAGGED", "UNSEEN",
    }
)  # fmt: skip
TEXT_KEYS = frozenset({"BCC", "BODY", "CC", "FROM", "KEYWORD", "SUBJECT", "TEXT", "TO"})
TEXT_KEYS = TEXT_KEYS | {"UNKEYWORD"}
DATE_KEYS = frozenset({"BEFORE", "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE"})
SIZE_KEYS = frozenset({"LARGER", "SMALLER"})
UID_SET = re.compile(r"^[0-9*]+(:[0-9*]+)?(,[0-9*]+(:[0-9*]+)?)*$")
FETCHED = re.compile(rb"UID (\d+)")
SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d-%b-%Y", "%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class Fetched:
    """One message as the server holds it: its UID in the mailbox's UIDVALIDITY, and its bytes
    (only its header when it is over MAX_MESSAGE_BYTES: `whole` is then False)."""

    uid: int
    uidvalidity: str
    data: bytes
    whole: bool = True

    @property
    def key(self) -> str:
        return f"{self.uidvalidity}:{self.uid}"


def _guarded_socket(host: str, port: int, timeout: float | None) -> socket.socket:
    error: OSError = OSError(f"no address found for host {host}")
    for address in netguard.checked_addresses(host, port):
        try:
            return socket.create_connection((str(address), port), timeout)
        except (TimeoutError, ConnectionError) as exc:
            error = exc
    raise error


class GuardedIMAP4(imaplib.IMAP4):
    def _create_socket(self, timeout: float | None) -> socket.socket:
        return _guarded_socket(self.host, self.port, timeout)


class GuardedIMAP4_SSL(imaplib.IMAP4_SSL):
    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = _guarded_socket(self.host, self.port, timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


@contextmanager
def session(secret: Secret) -> Iterator[imaplib.IMAP4]:
    """A logged-in connection to the credential's server (in TLS as its security asks). Raises
    NodeError for anything that goes wrong, here or in the body of the `with`."""
    fields = read_fields(ImapServer, secret)
    context = ssl.create_default_context()
    client: imaplib.IMAP4 | None = None
    try:
        if fields.security == "ssl":
            client = GuardedIMAP4_SSL(
                fields.host, fields.port_number, ssl_context=context, timeout=TIMEOUT_SECONDS
            )
        else:
            client = GuardedIMAP4(fields.host, fields.port_number, timeout=TIMEOUT_SECONDS)
            if fields.security == "starttls":
                client.starttls(ssl_context=context)
        try:
            user = quoted(fields.user, "The user name")
        except ValueError as exc:
            raise NodeError(f"{exc}: IMAP's LOGIN cannot carry it.") from None
        try:
            # imaplib quotes the password but sends the user name as it is: quoted here, so a
            # name with a space or a backslash (DOMAIN\user) arrives whole.
            client.login(user, fields.password.get_secret_value())
        except imaplib.IMAP4.error as exc:
            if isinstance(exc, imaplib.IMAP4.abort):
                raise
            raise http.auth_error(SERVER, secret, _said(exc)) from None
        yield client
    except NodeError:
        raise
    except Exception as exc:
        raise failure(exc, fields) from None
    finally:
        if client is not None:
            _logout(client)


def quoted(text: str, where: str) -> str:
    """`text` as an IMAP quoted string. ValueError for what a quoted string cannot carry."""
    if any(c in text for c in "\r\n") or not text.isascii():
        raise ValueError(f"{where} {text!r} must be ASCII text on one line")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def search_terms(criteria: list[Any]) -> str:
    """n8n's (node-imap's) search criteria as an IMAP SEARCH: "UNSEEN", ["FROM", "a@b.c"],
    ["SINCE", "2026-05-20"], ["UID", "10:*"], ["HEADER", "X-Tag", "x"]. ValueError naming the
    entry WorkFuse cannot send."""
    terms: list[str] = []
    for index, entry in enumerate(criteria):
        where = f"entry {index + 1}"
        if isinstance(entry, str) and entry.upper() in FLAGS:
            terms.append(entry.upper())
            continue
        if not isinstance(entry, list) or not entry or not isinstance(entry[0], str):
            raise ValueError(
                f"{where} ({entry!r}) is not a search term: use a flag such as UNSEEN or a "
                'list such as ["FROM", "a@example.com"]'
            )
        name, values = entry[0].upper(), [str(v) for v in entry[1:]]
        if name in TEXT_KEYS and len(values) == 1:
            terms.append(f"{name} {quoted(values[0], where)}")
        elif name in DATE_KEYS and len(values) == 1:
            terms.append(f"{name} {_imap_date(values[0], where)}")
        elif name in SIZE_KEYS and len(values) == 1 and values[0].isdigit():
            terms.append(f"{name} {values[0]}")
        elif name == "UID" and len(values) == 1 and UID_SET.match(values[0]):
            terms.append(f"UID {values[0]}")
        elif name == "HEADER" and len(values) == 2:
            terms.append(f"HEADER {quoted(values[0], where)} {quoted(values[1], where)}")
        else:
            raise ValueError(
                f"{where} ({entry!r}) is not a search WorkFuse sends: use flags, "
                f"{', '.join(sorted(TEXT_KEYS | DATE_KEYS | SIZE_KEYS))}, UID or HEADER"
            )
    return " ".join(terms) or "ALL"


def _imap_date(value: str, where: str) -> str:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip()[:19], pattern).strftime("%d-%b-%Y")
        except ValueError:
            continue
    raise ValueError(f"{where}: {value!r} is not a date (write it as 2026-05-20)")


def select(client: imaplib.IMAP4, mailbox: str) -> str:
    """Open `mailbox` for reading and writing flags; its UIDVALIDITY."""
    try:
        name = quoted(mailbox, "The mailbox")
    except ValueError as exc:
        raise NodeError(f"{exc} (WorkFuse reads mailboxes with ASCII names).") from None
    status, said = client.select(name)
    if status != "OK":
        raise NodeError(f"The IMAP server has no mailbox {mailbox!r}: {_text(said)}.")
    _, validity = client.response("UIDVALIDITY")
    return _text(validity) or "0"


def search(client: imaplib.IMAP4, terms: str) -> list[int]:
    status, said = client.uid("SEARCH", terms)
    if status != "OK":
        raise NodeError(f"The IMAP server refused the search {terms}: {_text(said)}.")
    return sorted(int(uid) for uid in b" ".join(s for s in said if s).split())


def fetch(client: imaplib.IMAP4, uids: list[int], uidvalidity: str) -> list[Fetched]:
    """The messages, left unread; a message over MAX_MESSAGE_BYTES by its header only."""
    if not uids:
        return []
    sizes: dict[int, int] = {}
    _, said = client.uid("FETCH", ",".join(map(str, uids)), "(RFC822.SIZE)")
    for line in said:
        text = line if isinstance(line, bytes) else b""
        named, size = FETCHED.search(text), SIZE.search(text)
        if named and size:
            sizes[int(named.group(1))] = int(size.group(1))
    found: list[Fetched] = []
    for uid in uids:
        whole = sizes.get(uid, 0) <= MAX_MESSAGE_BYTES
        part = "BODY.PEEK[]" if whole else "BODY.PEEK[HEADER]"
        status, said = client.uid("FETCH", str(uid), f"({part})")
        data = b"".join(entry[1] for entry in said if isinstance(entry, tuple))
        if status == "OK" and data:
            found.append(Fetched(uid, uidvalidity, data, whole))
    return found


def mark_seen(client: imaplib.IMAP4, uids: list[int]) -> None:
    status, said = client.uid("STORE", ",".join(map(str, uids)), "+FLAGS", "(\\Seen)")
    if status != "OK":
        raise NodeError(f"The IMAP server did not mark the messages read: {_text(said)}.")


def check(secret: Secret) -> str:
    """Log in, open INBOX and log out: nothing is read."""
    fields = read_fields(ImapServer, secret)
    with session(secret) as client:
        status, said = client.select("INBOX", readonly=True)
    count = _text(said) if status == "OK" else "?"
    tls = "TLS" if fields.security != "none" else "no encryption"
    return (
        f"Connected to the IMAP server {fields.host}:{fields.port_number} with {tls}, logged "
        f"in as {fields.user}; INBOX holds {count} messages."
    )


def _logout(client: imaplib.IMAP4) -> None:
    try:
        client.logout()
    except (imaplib.IMAP4.error, OSError):
        client.shutdown()


def _text(said: Any) -> str:
    parts = said if isinstance(said, list) else [said]
    text = " ".join(
        p.decode(errors="replace") if isinstance(p, bytes) else str(p)
        for p in parts
        if p is not None
    )
    return redaction.truncate(" ".join(text.split()), TEXT_LIMIT)


def _said(exc: Exception) -> str:
    return _text(exc.args[0] if exc.args else str(exc))


def failure(exc: Exception, fields: ImapServer) -> NodeError:
    """The NodeError for what imaplib, ssl or the socket raised."""
    where = f"IMAP server {fields.host}:{fields.port_number}"
    if isinstance(exc, netguard.PrivateTargetError):
        return NodeError(str(exc), detail={"host": exc.host})
    if isinstance(exc, UnicodeEncodeError):
        # It would quote the offending character, maybe of the password: never pass it on.
        return NodeError(
            f"Could not log in to the {where}: the user name or password has characters "
            "IMAP's LOGIN cannot carry (only ASCII)."
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return NodeError(
            f"TLS with the {where} failed: its certificate is not valid for {fields.host} "
            f"({exc.verify_message})."
        )
    if isinstance(exc, ssl.SSLError):
        return NodeError(
            f"TLS with the {where} failed ({exc.reason or exc}): check the security and port "
            "(ssl is usually port 993, starttls 143)."
        )
    if isinstance(exc, imaplib.IMAP4.abort | ConnectionError | TimeoutError | OSError):
        what = "did not answer in time" if isinstance(exc, TimeoutError) else "was unreachable"
        return NodeError(
            f"The {where} {what}: {_said(exc) or type(exc).__name__}",
            retryable=True,
            detail={"error": type(exc).__name__},
        )
    if isinstance(exc, imaplib.IMAP4.error):
        return NodeError(f"The {where} refused: {_said(exc)}", detail={"error": "imap"})
    raise exc
