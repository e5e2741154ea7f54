"""A message read over IMAP in the shapes of n8n's Email Trigger (IMAP), so expressions written
for n8n (`$json.subject`, `$json.textPlain`, `$json.metadata['message-id']`) keep working:

* `simple` (n8n's default): `textHtml` and `textPlain` (the first HTML and plain-text parts,
  decoded), `metadata` (every other header, lower-cased, first occurrence, encoded words
  decoded), and `from`, `to`, `cc`, `subject`, `date` at the top as the header's text; with
  attachments asked, `attachments`: the parts sent as attachments, as file values (n8n's
  binary `attachment_0`, …).
* `resolved`: mailparser's whole message (integrations/gmail/mime.py `mailparser`), with its
  attachments as file values.
* `raw`: `raw`, the message's body as sent (n8n's TEXT part).

Each item also carries `id` (`<UIDVALIDITY>:<UID>`, what a poll remembers) and `uid`.
"""

from __future__ import annotations

from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from typing import Any

from integrations.gmail import mime
from integrations.imap.client import Fetched
from workfuse.lib import files
from workfuse.lib.cpu_budget import BudgetExceeded, cpu_budget
from workfuse.lib.node_run import NodeError

TOP_LEVEL = ("cc", "date", "from", "subject", "to")  # n8n's topLevelProperties
PARSE_CPU_SECONDS = 5.0


def item(message: Fetched, shape: str, download_attachments: bool) -> dict[str, Any]:
    """The message in `shape` (simple, resolved or raw). NodeError for a message whose MIME
    nests too deeply to read in PARSE_CPU_SECONDS."""
    try:
        with cpu_budget(PARSE_CPU_SECONDS):
            if shape == "resolved":
                body = mime.mailparser(message.data, download_attachments=True)
            elif shape == "raw":
                body = {"raw": _body_text(message.data)}
            else:
                body = simple(message.data, download_attachments)
    except (RecursionError, BudgetExceeded):
        raise NodeError(
            f"The message with UID {message.uid} nests its parts too deeply to read (over "
            f"{PARSE_CPU_SECONDS:g} s of CPU time); read it with the raw format."
        ) from None
    if not message.whole:
        body["headersOnly"] = True  # over the size limit: read by its header only
    return {**body, "id": message.key, "uid": message.uid}


def simple(data: bytes, download_attachments: bool) -> dict[str, Any]:
    mail = BytesParser(policy=policy.compat32).parsebytes(data)
    out: dict[str, Any] = {
        "textHtml": _first_text(mail, "text/html"),
        "textPlain": _first_text(mail, "text/plain"),
        "metadata": {},
    }
    for name, value in mail.items():
        key, text = name.lower(), _header_text(value)
        if not text:
            continue
        target = out if key in TOP_LEVEL else out["metadata"]
        target.setdefault(key, text)  # node-imap lists every occurrence; n8n takes the first
    if download_attachments:
        out["attachments"] = [f.value() for f in _attachments(mail)]
    return out


def _header_text(value: Any) -> str:
    try:
        text = str(make_header(decode_header(str(value))))
    except (LookupError, ValueError, UnicodeDecodeError):
        text = str(value)
    return " ".join(text.split())


def _first_text(mail: Message, kind: str) -> str:
    """n8n's getText: the first part of the type, decoded ("" when there is none)."""
    for part in mail.walk():
        if part.get_content_type() == kind and not part.is_multipart():
            return _decoded(part)
    return ""


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset: keep what decodes
        return payload.decode("utf-8", errors="replace")


def _attachments(mail: Message) -> list[files.File]:
    found: list[files.File] = []
    for part in mail.walk():
        if part.is_multipart() or part.get_content_disposition() != "attachment":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        name = _header_text(part.get_filename() or "") or "attachment"
        try:  # n8n's prepareBinaryData guesses the type from the name
            found.append(files.make(payload, name, where=f"the attachment {name}"))
        except files.FileError:
            continue  # over the size limit: not downloaded, as gmail's reader does
    return found


def _body_text(data: bytes) -> str:
    """The message after its header (n8n's raw format gives the TEXT part)."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        _, found, body = data.partition(separator)
        if found:
            return body.decode("utf-8", errors="replace")
    return ""
