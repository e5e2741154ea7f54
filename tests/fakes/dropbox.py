"""A fake Dropbox: the OAuth 2.0 token endpoint (refresh-token grant) and API v2's files calls
on one server (RPC calls as api.dropboxapi.com answers them, uploads and downloads as
content.dropboxapi.com does, their argument in `Dropbox-API-Arg`): list_folder (+continue, paged
by `limit`), search_v2 (+continue_v2), download, upload, create_folder_v2, delete_v2, move_v2,
copy_v2 and users/get_current_account, over an in-memory tree (a move or copy takes one entry,
not a folder's contents), with Dropbox's error shapes
(409 `error_summary`, 401 for a bad token, 400 plain text for a malformed call)."""

from __future__ import annotations

import hashlib
import itertools
import json
import posixpath
import secrets
from typing import Any

from tests.fakes import Answer, FakeService, Received

APP_KEY = "k9x2ab3cd4ef5gh"
APP_SECRET = "s3cr3t-app-0f-acme"
REFRESH_TOKEN = "rT-ada-offline-0123456789abcdef"
ROOT_NAMESPACE = "3235641"
NOW = "2026-12-06T10:00:00Z"


def dropbox_error(summary: str, tag: str, inner: str) -> Answer:
    return Answer(
        409, {"error_summary": f"{summary}/..", "error": {".tag": tag, tag: {".tag": inner}}}
    )


def not_found(tag: str = "path") -> Answer:
    return dropbox_error(f"{tag}/not_found", tag, "not_found")


class FakeDropbox(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()
        self.entries: dict[str, dict[str, Any]] = {}  # lower-case path -> metadata
        self.contents: dict[str, bytes] = {}
        self.path_roots: list[str | None] = []  # each files call's Dropbox-API-Path-Root
        self._ids = itertools.count(1)
        # cursor -> (what is left, page size, the answer's list key)
        self._cursors: dict[str, tuple[list[dict[str, Any]], int, str]] = {}

    def add(self, path: str, data: bytes | None = None) -> dict[str, Any]:
        """A file (with `data`) or a folder (without), its parents made as needed."""
        parent = posixpath.dirname(path)
        if parent != "/" and parent.lower() not in self.entries:
            self.add(parent)
        meta: dict[str, Any] = {
            ".tag": "folder" if data is None else "file",
            "name": posixpath.basename(path),
            "path_lower": path.lower(),
            "path_display": path,
            "id": f"id:a4ayc_{next(self._ids):04d}",
        }
        if data is not None:
            meta.update(
                client_modified=NOW,
                server_modified=NOW,
                rev=secrets.token_hex(8),
                size=len(data),
                is_downloadable=True,
                content_hash=hashlib.sha256(data).hexdigest(),
            )
            self.contents[path.lower()] = data
        self.entries[path.lower()] = meta
        return meta

    def respond(self, request: Received) -> Answer:
        if request.path == "/oauth2/token":
            return self._token(request.form)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return Answer(
                401,
                {
                    "error_summary": "invalid_access_token/...",
                    "error": {".tag": "invalid_access_token"},
                },
            )
        if request.path == "/2/users/get_current_account":
            if request.body:
                return Answer(400, "Error in call to API function: request body must be empty")
            return Answer(200, self._account())
        self.path_roots.append(request.headers.get("dropbox-api-path-root"))
        if request.path in ("/2/files/download", "/2/files/upload"):
            try:
                arg = json.loads(request.headers.get("dropbox-api-arg", ""))
            except ValueError:
                return Answer(400, "Error in call to API function: bad Dropbox-API-Arg header")
            if request.path.endswith("download"):
                return self._download(arg)
            return self._upload(arg, request)
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            return Answer(400, 'Error in call to API function: bad HTTP "Content-Type" header')
        body = request.json or {}
        handler = {
            "/2/files/list_folder": self._list,
            "/2/files/list_folder/continue": self._continue,
            "/2/files/search_v2": self._search,
            "/2/files/search/continue_v2": self._continue,
            "/2/files/create_folder_v2": self._create_folder,
            "/2/files/delete_v2": self._delete,
            "/2/files/move_v2": lambda b: self._relocate(b, move=True),
            "/2/files/copy_v2": lambda b: self._relocate(b, move=False),
        }.get(request.path)
        if handler is None:
            return Answer(400, f"Unknown API function: {request.path!r}")
        return handler(body)

    def _token(self, form: dict[str, str]) -> Answer:
        if (form.get("client_id"), form.get("client_secret")) != (APP_KEY, APP_SECRET):
            return Answer(400, {"error": "invalid_client", "error_description": "Invalid client"})
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != REFRESH_TOKEN:
            return Answer(
                400,
                {"error": "invalid_grant", "error_description": "refresh token is malformed"},
            )
        token = f"sl.{secrets.token_urlsafe(16)}"
        self.tokens.add(token)
        return Answer(200, {"access_token": token, "token_type": "bearer", "expires_in": 14400})

    def _account(self) -> dict[str, Any]:
        return {
            "account_id": "dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc",
            "name": {"display_name": "Ada Lovelace", "given_name": "Ada"},
            "email": "ada@example.com",
            "root_info": {
                ".tag": "user",
                "root_namespace_id": ROOT_NAMESPACE,
                "home_namespace_id": ROOT_NAMESPACE,
            },
        }

    def _children(self, folder: str, recursive: bool) -> list[dict[str, Any]]:
        prefix = folder.lower().rstrip("/") + "/"
        return [
            m
            for path, m in sorted(self.entries.items())
            if path.startswith(prefix) and (recursive or "/" not in path[len(prefix) :])
        ]

    def _page(self, found: list[dict[str, Any]], size: int, key: str) -> Answer:
        page, rest = found[:size], found[size:]
        cursor = secrets.token_hex(8)
        self._cursors[cursor] = (rest, size, key)
        return Answer(200, {key: page, "cursor": cursor, "has_more": bool(rest)})

    def _list(self, body: dict[str, Any]) -> Answer:
        path = body.get("path", "")
        if path and path.lower() not in self.entries:
            return not_found()
        found = self._children(path, bool(body.get("recursive")))
        return self._page(found, int(body.get("limit") or 2000), "entries")

    def _continue(self, body: dict[str, Any]) -> Answer:
        cursor = body.get("cursor", "")
        if cursor not in self._cursors:
            return dropbox_error("reset", "reset", "reset")
        return self._page(*self._cursors.pop(cursor))

    def _search(self, body: dict[str, Any]) -> Answer:
        options = body.get("options") or {}
        words = str(body.get("query", "")).lower().split()
        extensions = set(options.get("file_extensions") or [])
        found = [
            {"match_type": {".tag": "filename"}, "metadata": {".tag": "metadata", "metadata": m}}
            for m in self._children(options.get("path", ""), True)
            if all(w in m["name"].lower() for w in words)
            and (not extensions or posixpath.splitext(m["name"])[1].lstrip(".") in extensions)
        ]
        return self._page(found, int(options.get("max_results") or 100), "matches")

    def _download(self, arg: dict[str, Any]) -> Answer:
        meta = self.entries.get(str(arg.get("path", "")).lower())
        if meta is None or meta[".tag"] != "file":
            return not_found()
        headers = {
            "Dropbox-API-Result": json.dumps(meta),
            "Content-Type": "application/octet-stream",
        }
        return Answer(200, self.contents[meta["path_lower"]], headers)

    def _upload(self, arg: dict[str, Any], request: Received) -> Answer:
        if request.headers.get("content-type") != "application/octet-stream":
            return Answer(400, 'Error in call to API function: bad HTTP "Content-Type" header')
        path = str(arg.get("path", ""))
        parent = posixpath.dirname(path)
        if parent != "/" and parent.lower() not in self.entries:
            # Dropbox makes the missing folders of an upload.
            self.add(parent)
        return Answer(200, self.add(path, request.body))

    def _create_folder(self, body: dict[str, Any]) -> Answer:
        path = body["path"]
        if path.lower() in self.entries:
            return dropbox_error("path/conflict/folder", "path", "conflict")
        meta = self.add(path)
        return Answer(200, {"metadata": {k: v for k, v in meta.items() if k != ".tag"}})

    def _delete(self, body: dict[str, Any]) -> Answer:
        path = body["path"].lower()
        meta = self.entries.get(path)
        if meta is None:
            return not_found("path_lookup")
        for key in [k for k in self.entries if k == path or k.startswith(path + "/")]:
            self.entries.pop(key)
            self.contents.pop(key, None)
        return Answer(200, {"metadata": meta})

    def _relocate(self, body: dict[str, Any], move: bool) -> Answer:
        source = self.entries.get(body["from_path"].lower())
        if source is None:
            return not_found("from_lookup")
        target = body["to_path"]
        if target.lower() in self.entries:
            return dropbox_error("to/conflict/file", "to", "conflict")
        data = self.contents.get(source["path_lower"])
        made = self.add(target, data)
        if move:
            self.entries.pop(source["path_lower"])
            self.contents.pop(source["path_lower"], None)
        return Answer(200, {"metadata": made})
