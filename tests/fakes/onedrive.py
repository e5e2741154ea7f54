"""A fake OneDrive beside the fake Outlook (one Microsoft: its token endpoint, the scope each
token was granted recorded): Microsoft Graph v1.0's drive API for `/me/drive` over an in-memory
tree: the drive, items (get, children paged with `@odata.nextLink`, search, delete), simple
uploads (`PUT …:/name:/content`), folder creation (`POST …/children`, conflictBehavior fail), and
pre-authenticated download URLs (`@microsoft.graph.downloadUrl`) that answer without a token,
with Graph's error shape."""

from __future__ import annotations

import itertools
import re
import secrets
from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, Received
from tests.fakes.outlook import FakeOutlook, graph_error

DRIVE = "/v1.0/me/drive"
ROOT = "01ROOT"


def item_not_found() -> Answer:
    return graph_error(404, "itemNotFound", "The resource could not be found.")


class FakeOneDrive(FakeOutlook):
    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, dict[str, Any]] = {
            ROOT: {"id": ROOT, "name": "root", "folder": {"childCount": 0}, "root": {}}
        }
        self.contents: dict[str, bytes] = {}
        self.downloads: dict[str, str] = {}  # download token -> item id
        self.scopes: list[str] = []
        self._ids = itertools.count(1)

    def add(self, name: str, data: bytes | None = None, parent: str = ROOT, **meta: Any) -> str:
        """A file (with `data`) or a folder (without) in `parent`."""
        item_id = meta.pop("id", None) or f"01BYE5RZ{next(self._ids):04d}"
        item: dict[str, Any] = {
            "id": item_id,
            "name": name,
            "webUrl": f"https://onedrive.live.com/?id={item_id}",
            "parentReference": {"driveId": "b!drive", "id": parent},
            "createdDateTime": "2026-12-06T10:00:00Z",
        }
        if data is None:
            item["folder"] = {"childCount": 0}
        else:
            item.update(size=len(data), file={"mimeType": meta.pop("mime", "text/plain")})
            self.contents[item_id] = data
        self.items[item_id] = {**item, **meta}
        return item_id

    def respond(self, request: Received) -> Answer:
        if request.path.startswith("/download/"):
            item_id = self.downloads.get(request.path.removeprefix("/download/"))
            if item_id is None or "authorization" in request.headers:
                return Answer(401, "a download URL takes no token")
            return Answer(200, self.contents[item_id])
        if request.path == "/common/oauth2/v2.0/token":
            self.scopes.append(request.form.get("scope", ""))
        if not request.path.startswith(DRIVE):
            return super().respond(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return graph_error(401, "InvalidAuthenticationToken", "Access token is empty.")
        rest = unquote(request.path[len(DRIVE) :]).lstrip("/")
        if rest == "":
            owner = {"user": {"displayName": "Ada Lovelace"}}
            return Answer(200, {"id": "b!drive", "driveType": "personal", "owner": owner})
        if upload := re.match(r"^(root|items/([^/:]+)):/([^/]+):/content$", rest):
            return self._upload(upload.group(2) or ROOT, upload.group(3), request)
        if search := re.match(r"^root/search\(q='(.*)'\)$", rest):
            words = search.group(1).replace("''", "'").lower()
            found = [i for i in self.items.values() if words in i["name"].lower()]
            return self._page(found, request)
        match = re.match(r"^(root|items/([^/]+))(/children)?$", rest)
        if match is None:
            return graph_error(400, "invalidRequest", "Invalid request.")
        item_id = match.group(2) or ROOT
        item = self.items.get(item_id)
        if item is None:
            return item_not_found()
        if match.group(3):
            if request.method == "POST":
                return self._folder(item_id, request.json)
            return self._page(
                [i for i in self.items.values() if self._parent(i) == item_id], request
            )
        if request.method == "DELETE":
            self.items.pop(item_id)
            return Answer(204)
        if "file" in item:
            token = secrets.token_urlsafe(8)
            self.downloads[token] = item_id
            return Answer(
                200, {**item, "@microsoft.graph.downloadUrl": f"{self.url}/download/{token}"}
            )
        return Answer(200, item)

    def _parent(self, item: dict[str, Any]) -> str | None:
        return (item.get("parentReference") or {}).get("id")

    def _page(self, found: list[dict[str, Any]], request: Received) -> Answer:
        q = {k: v[-1] for k, v in request.query.items()}
        top, skip = int(q.get("$top") or 200), int(q.get("$skiptoken") or 0)
        body: dict[str, Any] = {"value": found[skip : skip + top]}
        if skip + top < len(found):
            body["@odata.nextLink"] = f"{self.url}{request.path}?$top={top}&$skiptoken={skip + top}"
        return Answer(200, body)

    def _upload(self, parent: str, name: str, request: Received) -> Answer:
        if parent not in self.items:
            return item_not_found()
        for item_id, item in self.items.items():
            if item["name"] == name and self._parent(item) == parent:
                self.contents[item_id] = request.body
                item.update(size=len(request.body))
                return Answer(200, item)
        mime = request.headers.get("content-type", "application/octet-stream")
        return Answer(201, self.items[self.add(name, request.body, parent, mime=mime)])

    def _folder(self, parent: str, body: dict[str, Any]) -> Answer:
        name = body.get("name", "")
        if any(i["name"] == name and self._parent(i) == parent for i in self.items.values()):
            return graph_error(409, "nameAlreadyExists", "The specified item name already exists.")
        return Answer(201, self.items[self.add(name, None, parent)])
