"""A fake Bannerbear API v2: a bearer key (401 `{"message"}` otherwise), `/v2/auth`, images
created from a template (POST `/v2/images`, answered `pending` and completed after
`renders_after` reads of GET `/v2/images/<uid>`), and `{"message"}` errors (404 for an unknown
template or image)."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "bb_pr_fakeBannerbearKey"
TEMPLATE = "A89wavQyY3Bebk3djP"


class FakeBannerbear(FakeService):
    def __init__(self, renders_after: int = 1) -> None:
        super().__init__()
        self.renders_after = renders_after
        self.images: dict[str, dict[str, Any]] = {}
        self.reads: dict[str, int] = {}

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return Answer(401, {"message": "Unauthorized"})
        if request.path == "/v2/auth":
            return Answer(200, {"message": "Authorized", "project": "Social"})
        if request.path == "/v2/images" and request.method == "POST":
            body = request.json
            if body.get("template") != TEMPLATE:
                return Answer(404, {"message": "Template Not Found"})
            uid = f"img{len(self.images) + 1}"
            self.images[uid] = {"uid": uid, "status": "pending", "image_url": None, **body}
            self.reads[uid] = 0
            return Answer(202, self.images[uid])
        uid = request.path.removeprefix("/v2/images/")
        image = self.images.get(uid)
        if image is None:
            return Answer(404, {"message": "Image Not Found"})
        self.reads[uid] += 1
        if self.reads[uid] >= self.renders_after:
            image |= {"status": "completed", "image_url": f"https://cdn.bannerbear.com/{uid}.png"}
        return Answer(200, image)
