"""A fake Google Drive API (v3) next to the fake Sheets API (one Google, one token endpoint):
files.list with Drive's query language (the clauses n8n's search builds), files.get (metadata,
`alt=media`), files.export, multipart uploads (create and update), files.update (rename, trash,
addParents/removeParents), files.copy, files.delete and permissions.create, `orderBy`, over in-memory files,
with Drive's error shapes and its `fields` selection."""

from __future__ import annotations

import json
import re
import secrets
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from tests.fakes import Answer, Received
from tests.fakes.google_sheets import FakeGoogle

FOLDER = "application/vnd.google-apps.folder"
DEFAULT_FIELDS = ("kind", "id", "name", "mimeType")
CLAUSE = re.compile(
    r"^(?:name contains '(?P<name>(?:[^'\\]|\\.)*)'"
    r"|'(?P<parent>[^']+)' in parents"
    r"|mimeType (?P<op>!?=) '(?P<mime>[^']+)'"
    r"|trashed = (?P<trashed>true|false))$"
)


def drive_error(code: int, reason: str, message: str) -> Answer:
    return Answer(
        code,
        {
            "error": {
                "code": code,
                "message": message,
                "errors": [{"message": message, "domain": "global", "reason": reason}],
            }
        },
    )


def _split(q: str, word: str) -> list[str]:
    """`q` split on ` and ` / ` or ` outside quotes and parentheses."""
    parts, depth, quoted, start, i = [], 0, False, 0, 0
    sep = f" {word} "
    while i < len(q):
        char = q[i]
        if char == "\\" and quoted:
            i += 2
            continue
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and q.startswith(sep, i):
            parts.append(q[start:i])
            start = i = i + len(sep)
            continue
        i += 1
    parts.append(q[start:])
    return [p.strip() for p in parts if p.strip()]


def _select(meta: dict[str, Any], fields: str | None) -> dict[str, Any]:
    if fields is None:
        return {k: meta[k] for k in DEFAULT_FIELDS if k in meta}
    names = [f.strip() for f in fields.split(",") if f.strip()]
    if "*" in names:
        return dict(meta)
    return {k: meta[k] for k in names if k in meta}


class FakeDrive(FakeGoogle):
    def __init__(self, public_key: Any) -> None:
        super().__init__(public_key)
        self.files: dict[str, dict[str, Any]] = {}  # id -> metadata
        self.contents: dict[str, bytes] = {}  # id -> bytes (not for Google's own files)
        self.exports: dict[str, dict[str, bytes]] = {}  # id -> export type -> bytes
        self.permissions: dict[str, list[dict[str, Any]]] = {}
        self.uploads: list[tuple[dict[str, Any], str, bytes]] = []  # metadata, type, content

    def add(self, name: str, mime: str, data: bytes = b"", **meta: Any) -> str:
        file_id = meta.pop("id", None) or f"1{secrets.token_hex(8)}"
        self.files[file_id] = {
            "kind": "drive#file",
            "id": file_id,
            "name": name,
            "mimeType": mime,
            "parents": meta.pop("parents", ["root"]),
            "trashed": False,
            "webViewLink": f"https://drive.google.com/file/d/{file_id}/view",
            **meta,
        }
        if not mime.startswith("application/vnd.google-apps."):
            self.contents[file_id] = data
            self.files[file_id]["size"] = str(len(data))
        return file_id

    def respond(self, request: Received) -> Answer:
        if not request.path.startswith(("/drive/v3/", "/upload/drive/v3/")):
            return super().respond(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return drive_error(401, "authError", "Invalid Credentials")
        q = {k: v[-1] for k, v in request.query.items()}
        if request.path.startswith("/upload/"):
            return self._upload(request, q)
        match = re.match(
            r"^/drive/v3/files(?:/([^/]+))?(/copy|/export|/permissions)?$", request.path
        )
        if not match:
            return drive_error(404, "notFound", "Not Found")
        file_id, action = match.groups()
        if file_id is None:
            if request.method == "POST":
                return self._create(request.json, b"", q)
            return self._list(q)
        meta = self.files.get(file_id)
        if meta is None:
            return drive_error(404, "notFound", f"File not found: {file_id}.")
        if action == "/copy":
            data = self.contents.get(file_id, b"")
            body = {"name": f"Copy of {meta['name']}", "parents": meta["parents"], **request.json}
            return self._create({"mimeType": meta["mimeType"], **body}, data, q)
        if action == "/export":
            return self._export(file_id, q)
        if action == "/permissions":
            permission = {"kind": "drive#permission", "id": secrets.token_hex(6), **request.json}
            self.permissions.setdefault(file_id, []).append({**permission, "query": q})
            return Answer(200, permission)
        if request.method == "DELETE":
            del self.files[file_id]
            return Answer(204)
        if request.method == "PATCH":
            return self._patch(file_id, request.json or {}, None, q)
        if q.get("alt") == "media":
            if file_id not in self.contents:
                return drive_error(
                    403,
                    "fileNotDownloadable",
                    "Only files with binary content can be downloaded. Use Export with Docs "
                    "Editors files.",
                )
            return Answer(200, self.contents[file_id], {"Content-Type": meta["mimeType"]})
        return Answer(200, _select(meta, q.get("fields")))

    def _list(self, q: dict[str, str]) -> Answer:
        found = [m for m in self.files.values() if self._matches(m, q.get("q", ""))]
        for key in reversed([k.strip() for k in q.get("orderBy", "").split(",") if k.strip()]):
            name, _, direction = key.partition(" ")
            found.sort(key=lambda m: str(m.get(name, "")), reverse=direction == "desc")
        start = int(q.get("pageToken") or 0)
        size = int(q.get("pageSize") or 100)
        page = found[start : start + size]
        fields = q.get("fields", "")
        inner = re.search(r"files\(([^)]*)\)", fields)
        body: dict[str, Any] = {
            "files": [_select(m, inner.group(1) if inner else None) for m in page]
        }
        if start + size < len(found):
            body["nextPageToken"] = str(start + size)
        return Answer(200, body)

    def _matches(self, meta: dict[str, Any], q: str) -> bool:
        for clause in _split(q, "and"):
            if clause.startswith("(") and clause.endswith(")"):
                if not any(self._matches(meta, part) for part in _split(clause[1:-1], "or")):
                    return False
                continue
            found = CLAUSE.match(clause)
            if found is None:
                raise ValueError(f"the fake does not read the clause {clause!r}")
            if found["name"] is not None:
                wanted = re.sub(r"\\(.)", r"\1", found["name"]).lower()
                ok = wanted in meta["name"].lower()
            elif found["parent"] is not None:
                ok = found["parent"] in meta["parents"]
            elif found["mime"] is not None:
                ok = (meta["mimeType"] == found["mime"]) == (found["op"] == "=")
            else:
                ok = meta["trashed"] == (found["trashed"] == "true")
            if not ok:
                return False
        return True

    def _export(self, file_id: str, q: dict[str, str]) -> Answer:
        target = q.get("mimeType", "")
        exported = self.exports.get(file_id, {}).get(target)
        if exported is None:
            return drive_error(400, "badRequest", "The requested conversion is not supported.")
        return Answer(200, exported, {"Content-Type": target})

    def _create(self, meta: dict[str, Any], data: bytes, q: dict[str, str]) -> Answer:
        meta = dict(meta)
        name = meta.pop("name", "Untitled")
        mime = meta.pop("mimeType", None) or "application/octet-stream"
        file_id = self.add(name, mime, data, parents=meta.pop("parents", ["root"]), **meta)
        if mime.startswith("application/vnd.google-apps.document"):
            self.exports[file_id] = {"text/plain": data}
        return Answer(200, _select(self.files[file_id], q.get("fields")))

    def _patch(
        self, file_id: str, body: dict[str, Any], data: bytes | None, q: dict[str, str]
    ) -> Answer:
        meta = self.files[file_id]
        meta.update({k: v for k, v in body.items() if k in ("name", "trashed", "description")})
        if q.get("addParents"):
            removed = set(filter(None, q.get("removeParents", "").split(",")))
            meta["parents"] = [p for p in meta["parents"] if p not in removed]
            meta["parents"].append(q["addParents"])
        if data is not None:
            self.contents[file_id] = data
            meta["size"] = str(len(data))
        return Answer(200, _select(meta, q.get("fields")))

    def _upload(self, request: Received, q: dict[str, str]) -> Answer:
        if q.get("uploadType") != "multipart":
            return drive_error(400, "badRequest", "Unsupported upload type.")
        header = f"Content-Type: {request.headers.get('content-type', '')}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(header + request.body)
        parts = list(message.iter_parts()) if message.is_multipart() else []
        if len(parts) != 2 or parts[0].get_content_type() != "application/json":
            return drive_error(400, "badMultipart", "Invalid multipart request.")
        metadata = json.loads(parts[0].get_payload(decode=True) or b"{}")
        data = parts[1].get_payload(decode=True) or b""
        self.uploads.append((dict(metadata), parts[1].get_content_type(), data))
        match = re.match(r"^/upload/drive/v3/files(?:/([^/]+))?$", request.path)
        file_id = match.group(1) if match else None
        if file_id is None:
            if not metadata.get("mimeType"):
                metadata["mimeType"] = parts[1].get_content_type()
            return self._create(metadata, data, q)
        if file_id not in self.files:
            return drive_error(404, "notFound", f"File not found: {file_id}.")
        return self._patch(file_id, metadata, data, q)
