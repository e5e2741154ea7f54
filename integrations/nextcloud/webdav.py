"""Nextcloud's WebDAV (the address the credential holds), over httpx through the guarded
transport: GET and PUT a file, PROPFIND (Depth 1) a folder, MKCOL, DELETE, MOVE and COPY (with
a `Destination` header holding the full target URL).

Requests carry HTTP Basic (user and app password). Errors are Sabre's XML,
`<d:error><s:exception>…</s:exception><s:message>…</s:message></d:error>`; its message is
quoted. 401 names the credential (403 is a permission answer, quoted).
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as xml_fromstring

from integrations import http
from integrations.nextcloud.credentials import AppPassword
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

DAV = "{DAV:}"
MESSAGE = re.compile(r"<s:message>(.*?)</s:message>", re.S)
PROPFIND = (
    '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getlastmodified/>'
    "<d:getcontentlength/><d:getcontenttype/><d:resourcetype/><d:getetag/></d:prop></d:propfind>"
)


def _error_text(body: Any) -> str | None:
    found = MESSAGE.search(body) if isinstance(body, str) else None
    return found[1].strip() if found and found[1].strip() else None


API = http.Api("Nextcloud", error_text=_error_text, auth_statuses=frozenset({401}))


def clean_path(path: str) -> str:
    """A path below the WebDAV root, without leading or trailing slashes."""
    return path.strip().strip("/")


def url(fields: AppPassword, path: str) -> str:
    return f"{fields.base_url.rstrip('/')}/{quote(clean_path(path))}"


def send(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> http.Reply:
    fields = read_fields(AppPassword, secret)
    pair = f"{fields.user}:{fields.password.get_secret_value()}".encode()
    headers = {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    headers |= body.pop("headers", {})
    if "destination" in body:
        headers["Destination"] = url(fields, body.pop("destination"))
    return http.send(API, secret, method, url(fields, path), what=what, headers=headers, **body)


def listing(secret: Secret, path: str) -> list[dict[str, Any]]:
    """A folder's entries (not the folder itself), as n8n lists them: path (below the WebDAV
    root), lastModified, contentLength, contentType, type (file or folder), eTag."""
    reply = send(
        secret,
        "PROPFIND",
        path,
        what="list_folder",
        headers={"Depth": "1", "Content-Type": "application/xml"},
        content=PROPFIND.encode(),
    )
    try:
        root = xml_fromstring(reply.body if isinstance(reply.body, str) else "")
    except (ParseError, DefusedXmlException):
        raise NodeError(
            "Nextcloud answered list_folder with something that is not WebDAV XML; check the "
            "credential's WebDAV address."
        ) from None
    base = unquote(urlsplit(read_fields(AppPassword, secret).base_url).path).rstrip("/")
    entries = []
    for response in root.findall(f"{DAV}response")[1:]:
        href = unquote(response.findtext(f"{DAV}href") or "")
        prop = response.find(f"{DAV}propstat/{DAV}prop")
        entry: dict[str, Any] = {"path": href.removeprefix(base).lstrip("/")}
        if prop is None:
            entries.append(entry)
            continue
        for tag, name in (
            ("getlastmodified", "lastModified"),
            ("getcontentlength", "contentLength"),
            ("getcontenttype", "contentType"),
        ):
            value = prop.findtext(f"{DAV}{tag}")
            if value is not None:
                entry[name] = value
        kind = prop.find(f"{DAV}resourcetype")
        folder = kind is not None and kind.find(f"{DAV}collection") is not None
        entry["type"] = "folder" if folder else "file"
        entry["eTag"] = (prop.findtext(f"{DAV}getetag") or "").strip('"')
        entries.append(entry)
    return entries


def check_login(secret: Secret) -> str:
    """PROPFIND (Depth 0) on the WebDAV root: the user's files are reachable, nothing changes."""
    fields = read_fields(AppPassword, secret)
    send(secret, "PROPFIND", "", what="PROPFIND", headers={"Depth": "0"})
    return f"Connected to Nextcloud as {fields.user}."
