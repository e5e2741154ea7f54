"""A fake Tapfiliate API 1.6: the key in `Api-Key`, affiliates (POST `/1.6/affiliates/`,
GET/DELETE `/1.6/affiliates/<id>/`), metadata (PUT `/1.6/affiliates/<id>/meta-data/<key>/`
with `{"value"}`), programs (GET `/1.6/programs/`, POST `/1.6/programs/<id>/affiliates/`), and
Tapfiliate's `{"errors": [{"message"}]}`."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b"
PROGRAM = "testing-program-5"
AFFILIATE = re.compile(r"/1\.6/affiliates/(?P<id>[\w-]+)/(?:meta-data/(?P<key>[\w-]+)/)?$")
ENROL = re.compile(r"/1\.6/programs/(?P<id>[\w-]+)/affiliates/$")


def errors(status: int, *messages: str) -> Answer:
    return Answer(status, {"errors": [{"message": m} for m in messages]})


class FakeTapfiliate(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.affiliates: dict[str, dict[str, Any]] = {}
        self.enrolled: list[tuple[str, str, dict[str, Any]]] = []

    def respond(self, request: Received) -> Answer:
        if request.headers.get("api-key") != KEY:
            return Answer(401, {"message": "Unauthorized"})
        if request.path == "/1.6/programs/":
            return Answer(200, [{"id": PROGRAM, "title": "Testing"}])
        if request.path == "/1.6/affiliates/" and request.method == "POST":
            body = request.json
            missing = [f for f in ("firstname", "lastname", "email") if not body.get(f)]
            if missing:
                return errors(400, *(f"{f} must not be blank" for f in missing))
            affiliate_id = f"{body['firstname']}{body['lastname']}".lower()
            affiliate = {"id": affiliate_id, **body, "meta_data": {}}
            self.affiliates[affiliate_id] = affiliate
            return Answer(201, affiliate)
        match = ENROL.match(request.path)
        if match:
            if match["id"] != PROGRAM:
                return errors(404, "Program not found")
            body = request.json
            affiliate_id = (body.get("affiliate") or {}).get("id", "")
            if affiliate_id not in self.affiliates:
                return errors(400, "Affiliate not found")
            self.enrolled.append((PROGRAM, affiliate_id, body))
            answer = {"affiliate": {"id": affiliate_id}, "approved": body.get("approved", True)}
            return Answer(201, answer)
        match = AFFILIATE.match(request.path)
        affiliate = self.affiliates.get(match["id"]) if match else None
        if match is None or affiliate is None:
            return errors(404, "Affiliate not found")
        if match["key"]:
            affiliate["meta_data"][match["key"]] = request.json["value"]
            return Answer(200, affiliate["meta_data"])
        if request.method == "DELETE":
            del self.affiliates[match["id"]]
            return Answer(204)
        return Answer(200, affiliate)
