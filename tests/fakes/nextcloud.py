"""A fake Nextcloud WebDAV (`/remote.php/dav/files/<user>/`): HTTP Basic with the user and app
password, GET and PUT of files, PROPFIND with Depth 0 or 1 answering a `d:multistatus` as Sabre
does (the folder first, then its entries), MKCOL, DELETE, MOVE and COPY (to the full URL in
`Destination`), and Sabre's XML errors."""

from __future__ import annotations

import base64
from email.utils import formatdate
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from tests.fakes import Answer, FakeService, Received

USER = "ada"
PASSWORD = "Xk2pQ-7wLmz-Rt4Yb-9NcVd-3HsJe"
ROOT = f"/remote.php/dav/files/{USER}"
WEBDAV_VERBS = ("PROPFIND", "MKCOL", "MOVE", "COPY")


def sabre_error(status: int, exception: str, message: str) -> Answer:
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n<d:error xmlns:d="DAV:" '
        f'xmlns:s="http://sabredav.org/ns"><s:exception>Sabre\\DAV\\Exception\\{exception}'
        f"</s:exception><s:message>{message}</s:message></d:error>"
    )
    return Answer(status, body, {"Content-Type": "application/xml; charset=utf-8"})


class FakeNextcloud(FakeService):
    def __init__(self) -> None:
        super().__init__()
        handler = self.server.RequestHandlerClass
        for verb in WEBDAV_VERBS:  # http.server dispatches on do_<VERB>
            setattr(handler, f"do_{verb}", handler.do_GET)  # type: ignore[attr-defined]
        self.files: dict[str, bytes] = {}
        self.folders: set[str] = {""}

    @property
    def webdav_url(self) -> str:
        return self.url + ROOT

    def put(self, path: str, data: bytes) -> None:
        self.files[path] = data
        parts = path.split("/")[:-1]
        for n in range(1, len(parts) + 1):
            self.folders.add("/".join(parts[:n]))

    def _entry(self, path: str) -> str:
        href = quote(f"{ROOT}/{path}" + ("/" if path in self.folders else ""))
        if path in self.folders:
            props = "<d:resourcetype><d:collection/></d:resourcetype>"
        else:
            props = (
                f"<d:resourcetype/><d:getcontentlength>{len(self.files[path])}"
                "</d:getcontentlength><d:getcontenttype>application/octet-stream"
                "</d:getcontenttype>"
            )
        modified = formatdate(1796000000, usegmt=True)
        tag = sum(path.encode()) + len(self.files.get(path, b""))
        etag = f"&quot;{tag:08d}&quot;"
        return (
            f"<d:response><d:href>{href}</d:href><d:propstat><d:prop>"
            f"<d:getlastmodified>{modified}</d:getlastmodified>{props}"
            f"<d:getetag>{etag}</d:getetag></d:prop>"
            "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
        )

    def _propfind(self, path: str, depth: str) -> Answer:
        if path not in self.folders and path not in self.files:
            return sabre_error(404, "NotFound", f"File with name {path} could not be located")
        inside = []
        if depth == "1" and path in self.folders:
            prefix = f"{path}/" if path else ""
            children = {
                p for p in self.files.keys() | self.folders if p.startswith(prefix) and p != path
            }
            inside = sorted(c for c in children if "/" not in c[len(prefix) :])
        body = (
            '<?xml version="1.0"?>\n<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns">'
            + "".join(self._entry(p) for p in [path, *inside])
            + "</d:multistatus>"
        )
        return Answer(207, body, {"Content-Type": "application/xml; charset=utf-8"})

    def respond(self, request: Received) -> Answer:
        auth = request.headers.get("authorization", "")
        pair = base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else ""
        if pair != f"{USER}:{PASSWORD}":
            return sabre_error(401, "NotAuthenticated", "No public access to this resource.")
        if not request.path.startswith(ROOT):
            return sabre_error(404, "NotFound", "Principal not found")
        path = unquote(request.path[len(ROOT) :]).strip("/")
        parent = path.rpartition("/")[0]
        if request.method == "PROPFIND":
            return self._propfind(path, request.headers.get("depth", "1"))
        if request.method == "GET":
            if path not in self.files:
                return sabre_error(404, "NotFound", f"File with name {path} could not be located")
            return Answer(200, self.files[path])
        if request.method in ("PUT", "MKCOL") and parent not in self.folders:
            return sabre_error(409, "Conflict", "Parent node does not exist")
        if request.method == "PUT":
            status = 204 if path in self.files else 201
            self.files[path] = request.body
            return Answer(status)
        if request.method == "MKCOL":
            if path in self.folders or path in self.files:
                return sabre_error(
                    405, "MethodNotAllowed", "The resource you tried to create already exists"
                )
            self.folders.add(path)
            return Answer(201)
        found = path in self.files or path in self.folders
        if not found:
            return sabre_error(404, "NotFound", f"File with name {path} could not be located")
        if request.method == "DELETE":
            self._remove(path)
            return Answer(204)
        target = unquote(urlsplit(request.headers.get("destination", "")).path)[len(ROOT) :].strip(
            "/"
        )
        self._copy(path, target)
        if request.method == "MOVE":
            self._remove(path)
        return Answer(201)

    def _copy(self, source: str, target: str) -> None:
        for name in list(self.files):
            if name == source or name.startswith(f"{source}/"):
                self.put(target + name[len(source) :], self.files[name])
        for name in list(self.folders):
            if name == source or name.startswith(f"{source}/"):
                self.folders.add(target + name[len(source) :])

    def _remove(self, path: str) -> None:
        self.files = {
            k: v for k, v in self.files.items() if k != path and not k.startswith(f"{path}/")
        }
        self.folders = {f for f in self.folders if f != path and not f.startswith(f"{path}/")}


def entry_paths(entries: list[dict[str, Any]]) -> list[str]:
    return [e["path"] for e in entries]
