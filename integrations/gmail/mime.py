"""Messages as Gmail carries them: MIME built with the stdlib email package for sending
(base64url `raw`, as users.messages.send and users.drafts.create take it), and a message read
back in n8n's two shapes, so expressions written for n8n's Gmail node find their fields.

* `parsed` (n8n's "simple" off, format=raw): what n8n's mailparser gives: `id`, `threadId`,
  `labelIds`, `sizeEstimate`, `headers` (lower-cased name -> the whole "Name: value" line),
  `subject`, `date` (ISO 8601, UTC, milliseconds), `messageId`, `inReplyTo`, `references`,
  `from`/`to`/`cc`/`bcc`/`replyTo` as `{value: [{address, name}], text, html}`, `text`, `html`
  (false when there is none) and `textAsHtml`.
* `simplified` (n8n's "simple", format=metadata): the API's message with `labels` ({id, name})
  for `labelIds` and each metadata header (From, To, Cc, Bcc, Subject) as a field of its own.
"""

from __future__ import annotations

import base64
import binascii
import html as html_lib
import re
from collections.abc import Sequence
from datetime import UTC
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

from integrations.email.attachments import Attachment
from workfuse.lib import files
from workfuse.lib.cpu_budget import BudgetExceeded, cpu_budget
from workfuse.lib.node_run import NodeError

ADDRESS_HEADERS = {"from": "from", "to": "to", "cc": "cc", "bcc": "bcc", "reply-to": "replyTo"}
METADATA_HEADERS = ("From", "To", "Cc", "Bcc", "Subject")
PARSE_CPU_SECONDS = 5.0  # a real message, even of 2 MB with attachments, parses in well under 1 s
BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table"})


def compose(
    *,
    sender: str = "",
    to: list[str],
    cc: list[str],
    bcc: list[str],
    subject: str,
    text: str,
    html: str,
    reply_to: str = "",
    in_reply_to: str = "",
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """The message; Gmail sends it to To, Cc and Bcc and takes the Bcc header out."""
    message = EmailMessage()
    if sender:
        message["From"] = sender
    if to:
        message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if bcc:
        message["Bcc"] = ", ".join(bcc)
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    if text:
        message.set_content(text)
    if html:
        if text:
            message.add_alternative(html, subtype="html")
        else:
            message.set_content(html, subtype="html")
    for attachment in attachments:
        main, _, sub = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data, maintype=main, subtype=sub, filename=attachment.filename
        )
    return message


def raw(message: EmailMessage) -> str:
    """The message as the API's `raw`: base64url of its bytes."""
    return base64.urlsafe_b64encode(message.as_bytes(policy=policy.SMTP)).decode("ascii")


def parsed(message: dict[str, Any], download_attachments: bool = False) -> dict[str, Any]:
    """A format=raw message in n8n's parsed shape (its attachments as file values in
    `attachments` when asked). Parsing runs under a CPU budget: hostile MIME (thousands of
    multiparts inside each other) costs the stdlib parser time quadratic in the nesting; such a
    message is a NodeError."""
    try:
        with cpu_budget(PARSE_CPU_SECONDS):
            return _parsed(message, download_attachments)
    except (RecursionError, BudgetExceeded):
        raise NodeError(
            f"Gmail message {message.get('id')} nests its parts too deeply to read (over "
            f"{PARSE_CPU_SECONDS:g} s of CPU time); read it with simple on."
        ) from None


def _parsed(message: dict[str, Any], download_attachments: bool) -> dict[str, Any]:
    out: dict[str, Any] = {k: message.get(k) for k in ("id", "threadId", "labelIds")}
    out["sizeEstimate"] = message.get("sizeEstimate")
    data = _unb64(str(message.get("raw") or ""))
    return {**out, **mailparser(data, download_attachments)}


def mailparser(data: bytes, download_attachments: bool = False) -> dict[str, Any]:
    """A message's bytes in mailparser's shape (what n8n's nodes that read whole messages
    give: Gmail with simple off, the IMAP trigger's resolved format). No CPU budget here: the
    caller runs it under one."""
    mail = BytesParser(policy=policy.default).parsebytes(data)
    out: dict[str, Any] = {}
    out["headers"] = {name.lower(): f"{name}: {value}" for name, value in mail.items()}
    texts, htmls, found = _bodies(mail)
    text = "\n".join(texts) if texts else ""
    if not texts and htmls:
        text = html_to_text("<br/>\n".join(htmls))
    out["html"] = "<br/>\n".join(htmls) if htmls else False
    out["text"] = text
    out["textAsHtml"] = text_to_html(text) if text else ""
    out["subject"] = str(mail.get("Subject", ""))
    out["date"] = _date(mail.get("Date"))
    for header, key in ADDRESS_HEADERS.items():
        if mail.get(header) is not None:
            out[key] = addresses(str(mail.get(header)))
    out["messageId"] = _message_id(mail.get("Message-ID"))
    if mail.get("In-Reply-To"):
        out["inReplyTo"] = _message_id(mail.get("In-Reply-To"))
    if mail.get("References"):
        refs = [_message_id(r) for r in str(mail.get("References")).split()]
        out["references"] = refs[0] if len(refs) == 1 else refs
    if download_attachments:
        out["attachments"] = [f.value() for f in found]
    return out


def simplified(message: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    """A format=metadata message in n8n's simple shape; `labels` names the label ids."""
    item = dict(message)
    if "labelIds" in item:
        ids = item.pop("labelIds") or []
        item["labels"] = [{"id": i, "name": labels[i]} for i in labels if i in ids]
    payload = item.get("payload")
    if isinstance(payload, dict) and "headers" in payload:
        payload = dict(payload)
        for header in payload.pop("headers") or []:
            item[str(header.get("name"))] = header.get("value")
        item["payload"] = payload
    return item


def addresses(value: str) -> dict[str, Any]:
    """mailparser's address object: {value: [{address, name}], html, text}."""
    found = [{"address": a, "name": n} for n, a in getaddresses([value]) if a or n]
    text = ", ".join(
        f'"{e["name"]}" <{e["address"]}>' if e["name"] else e["address"] for e in found
    )
    spans = []
    for entry in found:
        link = (
            f'<a href="mailto:{html_lib.escape(entry["address"])}" class="mp_address_email">'
            f"{html_lib.escape(entry['address'])}</a>"
        )
        if entry["name"]:
            name = f'<span class="mp_address_name">{html_lib.escape(entry["name"])}</span>'
            link = f"{name} &lt;{link}&gt;"
        spans.append(f'<span class="mp_address_group">{link}</span>')
    return {"value": found, "html": ", ".join(spans), "text": text}


def text_to_html(text: str) -> str:
    """mailparser's textAsHtml (without its link detection): paragraphs and line breaks."""
    body = re.sub(r"[ \t]+$", "", html_lib.escape(text).strip(), flags=re.MULTILINE).strip()
    return "<p>" + re.sub(r"\n\n+", "</p><p>", body).replace("\n", "<br/>") + "</p>"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The text of an HTML body (a linear pass of the stdlib parser)."""
    reader = _Text()
    reader.feed(markup)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _bodies(mail: EmailMessage) -> tuple[list[str], list[str], list[files.File]]:
    texts: list[str] = []
    htmls: list[str] = []
    found: list[files.File] = []
    for part in mail.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        disposition = part.get_content_disposition()
        if kind in ("text/plain", "text/html") and disposition != "attachment":
            content = _decoded(part).replace("\r\n", "\n")
            (texts if kind == "text/plain" else htmls).append(content)
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            name = part.get_filename() or "attachment"
            try:
                found.append(files.make(payload, name, kind, where=f"the attachment {name}"))
            except files.FileError:
                continue  # over the size limit: not downloaded (n8n's binary data is bounded too)
    return texts, htmls, found


def _decoded(part: EmailMessage) -> str:
    try:
        return str(part.get_content())
    except (LookupError, ValueError):  # an unknown or lying charset: keep what decodes
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""


def _date(value: Any) -> str | None:
    if value is None:
        return None
    try:
        when = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _message_id(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    return (text if text.startswith("<") else f"<{text}") + ("" if text.endswith(">") else ">")


def _unb64(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return b""


def header(message: dict[str, Any], name: str) -> str:
    """A metadata header's value in an API message ("" when absent)."""
    headers = (message.get("payload") or {}).get("headers") or []
    return next((str(h.get("value")) for h in headers if str(h.get("name")).lower() == name), "")
