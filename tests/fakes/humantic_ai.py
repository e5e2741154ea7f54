"""A fake Humantic AI API v1: the key as the `apikey` query parameter (401 `{"message"}`
otherwise); `/v1/user-profile/create` analysing a person (GET), or adding a resume (POST,
multipart `resume`) or text (POST, JSON `{"text"}`); `/v1/user-profile` reading the analysis
for personas; an unknown person refused with a 200 whose `data.status` is "error", as
Humantic AI does."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "humantic-fake-key-31"


class FakeHumantic(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.profiles: dict[str, dict[str, Any]] = {}

    def respond(self, request: Received) -> Answer:
        if request.query.get("apikey") != [KEY]:
            return Answer(401, {"message": "Invalid API key"})
        user = request.query.get("userid", [""])[-1]
        if request.path == "/v1/user-profile/create" and request.method == "GET":
            self.profiles[user] = {"userid": user, "sources": ["linkedin"]}
            results = {"userid": user, "status": "IN_PROGRESS"}
            return Answer(200, {"results": results, "usage_stats": {"credits": 1}, "metadata": {}})
        profile = self.profiles.get(user)
        if profile is None:
            return Answer(200, {"data": {"status": "error", "message": f"No profile for {user}"}})
        if request.path == "/v1/user-profile/create":
            if b'name="resume"' in request.body:
                profile["sources"].append("resume")
            else:
                profile["text"] = request.json["text"]
            return Answer(200, {"data": {"userid": user, "status": "UPDATED"}})
        personas = request.query.get("persona", [""])[-1].split(",")
        found = {p: {"score": 7} for p in personas if p}
        return Answer(200, {"results": {**profile, "persona": found}})
