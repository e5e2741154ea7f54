"""An email's attachments (app.email, app.gmail, app.outlook): each is fetched from a URL
(through the guarded transport, as every outbound HTTP call) or decoded from base64 content, and
bounded in size.

An attachment is an object: {"url": "https://…/invoice.pdf", "filename": "invoice.pdf"} or
{"content": "<base64>", "filename": "report.csv", "content_type": "text/csv"}; `filename` is
optional with a URL (its last path segment) and `content_type` always (guessed from the name,
or the answer's Content-Type). A file value another step outputs (workfuse/lib/files.py) is such
an object with its `size` beside: a setting may hold one, or a list of them.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from integrations import http
from integrations.operations import json_list
from workfuse.lib import files, netguard
from workfuse.lib.node_run import NodeError, Secret

MAX_BYTES = 10 * 1024 * 1024  # one attachment; mail servers refuse messages past 10 to 25 MB
MAX_TOTAL_BYTES = 20 * 1024 * 1024  # all of them, before base64 adds a third
MAX_REDIRECTS = 5
FETCH = http.Api("The attachment's server", auth_statuses=frozenset())
NO_CREDENTIAL = Secret("url", None)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def checked(value: Any) -> Any:
    """An attachments setting, checked as a field validator does (before templates are filled
    in, and again once they are): one file value (as '{{ nodes.download.file }}' renders) as a
    list of it, or a list, JSON text of one, or a template; ValueError naming a wrong entry."""
    if files.is_file(value):
        value = [value]
    value = json_list(value, "attachments")
    if isinstance(value, list):
        for index, entry in enumerate(value):
            _check_entry(entry, index)
    return value


def read(value: Any) -> list[Attachment]:
    """The attachments of a setting `checked` once rendered, read (`load`); NodeError when
    its template rendered to text rather than a list."""
    if not isinstance(value, list | None):
        raise NodeError("attachments did not render to a list of files.")
    return load(value or [])


def load(entries: list[dict[str, Any]]) -> list[Attachment]:
    """The attachments, read; NodeError naming the one that could not be (attachments[i])."""
    loaded: list[Attachment] = []
    total = 0
    for index, entry in enumerate(entries):
        where = f"attachments[{index}]"
        attachment = _from_url(entry, where) if entry.get("url") else _decoded(entry, where)
        total += len(attachment.data)
        if total > MAX_TOTAL_BYTES:
            raise NodeError(
                f"The attachments are over {MAX_TOTAL_BYTES // 2**20} MB together "
                f"(at {where}): mail servers refuse messages that large; send a link instead."
            )
        loaded.append(attachment)
    return loaded


def _check_entry(entry: dict[str, Any], index: int) -> None:
    """ValueError unless `entry` is an attachment's object (before templates are filled in,
    a template value passes)."""
    # A file value's content may be empty (an empty download); its size is informative only.
    url, content = entry.get("url"), entry.get("content") is not None
    unknown = set(entry) - {"url", "content", "filename", "content_type", "size"}
    if unknown:
        raise ValueError(
            f"attachment {index + 1} has unknown fields ({', '.join(sorted(unknown))}); use "
            "url or content, filename and content_type"
        )
    if bool(url) == content:
        raise ValueError(f"attachment {index + 1} needs either a url or base64 content")
    if content and not entry.get("filename"):
        raise ValueError(f"attachment {index + 1} needs a filename with its content")


def _decoded(entry: dict[str, Any], where: str) -> Attachment:
    try:
        data = base64.b64decode(str(entry["content"]), validate=True)
    except (binascii.Error, ValueError):
        raise NodeError(f"{where}.content is not valid base64.") from None
    if len(data) > MAX_BYTES:
        raise NodeError(f"{where} is over {MAX_BYTES // 2**20} MB.")
    filename = str(entry["filename"])
    return Attachment(filename, _content_type(entry, filename), data)


def _from_url(entry: dict[str, Any], where: str) -> Attachment:
    data, served_type, final_url = _fetch(str(entry["url"]).strip(), where)
    name = unquote(urlsplit(final_url).path.rsplit("/", 1)[-1])
    filename = str(entry.get("filename") or name or "attachment")
    return Attachment(filename, _content_type(entry, filename, served_type), data)


def _content_type(entry: dict[str, Any], filename: str, served: str | None = None) -> str:
    given = str(entry.get("content_type") or "").strip()
    guessed = mimetypes.guess_type(filename)[0]
    kind = given or (served or "").split(";")[0].strip() or guessed or "application/octet-stream"
    return kind if kind.count("/") == 1 else "application/octet-stream"


def _fetch(url: str, where: str) -> tuple[bytes, str | None, str]:
    """GET `url`, following redirects hop by hop (each connection checked by the guard): the
    bytes, their Content-Type and the URL they came from."""
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise NodeError(f"{where}.url must be an http:// or https:// URL.")
    try:
        with netguard.httpx_client() as client:
            for _ in range(MAX_REDIRECTS + 1):
                request = client.build_request("GET", url, headers={"User-Agent": http.USER_AGENT})
                request.extensions["timeout"] = httpx.Timeout(http.TIMEOUT_SECONDS).as_dict()
                response = client.send(request, stream=True)
                try:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if not response.is_success:
                        reply = http.Reply(response.status_code, response.headers, "")
                        raise http.failure(FETCH, NO_CREDENTIAL, reply, f"{where}.url")
                    return _read(response, where), response.headers.get("content-type"), url
                finally:
                    response.close()
    except httpx.HTTPError as exc:
        refused = netguard.refusal(exc)
        if refused is not None:
            raise NodeError(f"{where}.url: {refused}", detail={"host": refused.host}) from None
        retryable = isinstance(exc, httpx.TimeoutException | httpx.NetworkError)
        raise NodeError(
            f"Could not fetch {where}.url: {exc or type(exc).__name__}", retryable=retryable
        ) from None
    except httpx.InvalidURL:
        raise NodeError(f"{where}.url is not a valid URL.") from None
    except netguard.PrivateTargetError as refused:
        raise NodeError(f"{where}.url: {refused}", detail={"host": refused.host}) from None
    raise NodeError(f"{where}.url redirected more than {MAX_REDIRECTS} times.")


def _read(response: httpx.Response, where: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_BYTES:
            raise NodeError(f"{where} is over {MAX_BYTES // 2**20} MB; stopped reading.")
        chunks.append(chunk)
    return b"".join(chunks)
