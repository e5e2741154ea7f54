"""A fake uProc API v2: HTTP Basic `email:api_key`, `GET /api/v2/profile`, and
`POST /api/v2/process` running two tools (get-url-screenshot: a screenshot URL; get-company-by-
name: a company record), refusing unknown processors and missing parameters with
`{"message"}`, and answering 402 once the credits run out."""

from __future__ import annotations

import base64
from typing import Any

from tests.fakes import Answer, FakeService, Received

EMAIL = "ada@example.com"
API_KEY = "uproc-key-0123456789abcdef"
REQUIRED = {"get-url-screenshot": ("url",), "get-company-by-name": ("name",)}


class FakeUproc(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.credits = 100

    def respond(self, request: Received) -> Answer:
        basic = base64.b64encode(f"{EMAIL}:{API_KEY}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {basic}":
            return Answer(401, {"message": "Invalid credentials"})
        if request.path == "/api/v2/profile":
            return Answer(200, {"email": EMAIL, "credits": self.credits})
        if request.path != "/api/v2/process" or request.method != "POST":
            return Answer(404, {"message": "Not found"})
        body = request.json
        name, params = body.get("processor"), body.get("params") or {}
        if name not in REQUIRED:
            return Answer(400, {"message": f"Processor {name} not found"})
        missing = [p for p in REQUIRED[name] if not params.get(p)]
        if missing:
            return Answer(400, {"message": f"Parameter {missing[0]} is required"})
        if self.credits <= 0:
            return Answer(402, {"message": "Not enough credits"})
        self.credits -= 1
        return Answer(
            200, {"processor": name, "params": params, "result": self._result(name, params)}
        )

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "get-url-screenshot":
            full = "full" if params.get("fullpage") == "yes" else "fold"
            return f"https://cdn.uproc.io/shots/{params.get('width') or '1280'}-{full}.png"
        return {
            "name": params["name"],
            "country": params.get("country") or "",
            "domain": "acme.test",
        }
