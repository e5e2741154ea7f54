"""A fake Facebook Graph API: the token in the `access_token` query parameter, `/me`, Instagram
publishing (POST `/<version>/<account>/media` with `image_url` and `caption` makes a container,
GET `/<version>/<container>?fields=` reads it, POST `/<version>/<account>/media_publish` with
`creation_id` publishes it), DELETE of an object, and Meta's `{"error": {"message", "type",
"code"}}` (an unknown token: 400 with code 190; the app's rate limit: 403 with code 4)."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "EAAGm0PX4ZCpsBAKfake0token0for0tests"
ACCOUNT = "17841400000000001"
PATH = re.compile(r"^/(?:v\d+\.\d+/)?(?P<node>[\w.-]+)(?:/(?P<edge>\w+))?$")


def error(status: int, message: str, code: int, kind: str = "OAuthException") -> Answer:
    return Answer(status, {"error": {"message": message, "type": kind, "code": code}})


class FakeGraph(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.containers: dict[str, dict[str, Any]] = {}
        self.published: dict[str, dict[str, Any]] = {}

    def respond(self, request: Received) -> Answer:
        query = {k: v[-1] for k, v in request.query.items()}
        if query.pop("access_token", None) != TOKEN:
            return error(400, "Invalid OAuth access token - Cannot parse access token", 190)
        match = PATH.match(request.path)
        if match is None:
            return error(400, "Unknown path components", 2500)
        node, edge = match["node"], match["edge"]
        if node == "me" and request.method == "GET":
            return Answer(200, {"id": ACCOUNT, "name": "Acme Page"})
        if node == ACCOUNT and edge == "media" and request.method == "POST":
            if not query.get("image_url"):
                return error(400, "The parameter image_url is required", 100, "IGApiException")
            container = str(17900000000000000 + len(self.containers))
            self.containers[container] = {
                "id": container,
                "status": "Finished: Media container is ready",
                "status_code": "FINISHED",
                **query,
            }
            return Answer(200, {"id": container})
        if node == ACCOUNT and edge == "media_publish" and request.method == "POST":
            container = self.containers.get(query.get("creation_id", ""))
            if container is None:
                return error(400, "Media ID is not available", 9007, "IGApiException")
            media = str(18000000000000000 + len(self.published))
            self.published[media] = {"id": media, "caption": container.get("caption", "")}
            return Answer(200, {"id": media})
        found = self.containers.get(node) or self.published.get(node)
        if found is None or edge:
            return error(
                400, f"Unsupported get request. Object with ID '{node}' does not exist", 100
            )
        if request.method == "DELETE":
            self.containers.pop(node, None)
            self.published.pop(node, None)
            return Answer(200, {"success": True})
        wanted = (query.get("fields") or "id").split(",")
        return Answer(200, {k: found[k] for k in wanted if k in found})
