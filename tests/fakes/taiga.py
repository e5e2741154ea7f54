"""A fake Taiga API (`/api/v1`): sign-in (`POST /auth`, type normal) handing out a bearer
`auth_token`, issues (POST `/issues`, GET/PATCH/DELETE `/issues/<id>`; PATCH needs the current
`version`, as Taiga's optimistic locking does), a project's issues (GET `/issues?project=`,
pages of 30 by `page` with `x-pagination-next`), and Taiga's `{"_error_message"}` and per-field
errors."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

USER = "ada"
PASSWORD = "correct horse battery staple"
AUTH_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.taiga"
PROJECT = 385605
ISSUE = re.compile(r"/api/v1/issues/(?P<id>\d+)$")
PAGE = 30


class FakeTaiga(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.issues: list[dict[str, Any]] = []
        self.sign_ins = 0

    def add(self, subject: str, project: int = PROJECT, **fields: Any) -> dict[str, Any]:
        issue = {
            "id": 1000 + len(self.issues),
            "ref": len(self.issues) + 1,
            "project": project,
            "subject": subject,
            "description": "",
            "status": 1,
            "priority": 2,
            "tags": [],
            "version": 1,
            **fields,
        }
        self.issues.append(issue)
        return issue

    def respond(self, request: Received) -> Answer:
        if request.path == "/api/v1/auth" and request.method == "POST":
            body = request.json
            if (body.get("type"), body.get("username"), body.get("password")) != (
                "normal",
                USER,
                PASSWORD,
            ):
                return Answer(
                    401,
                    {
                        "_error_message": "Username or password does not matches user.",
                        "_error_type": "taiga.base.exceptions.WrongArguments",
                    },
                )
            self.sign_ins += 1
            return Answer(
                200,
                {"id": 7, "username": USER, "full_name": "Ada Lovelace", "auth_token": AUTH_TOKEN},
            )
        if request.headers.get("authorization") != f"Bearer {AUTH_TOKEN}":
            return Answer(401, {"detail": "Invalid token"})
        if request.path == "/api/v1/issues" and request.method == "POST":
            body = request.json
            if not body.get("subject"):
                return Answer(400, {"subject": ["This field is required."]})
            return Answer(201, self.add(**body))
        if request.path == "/api/v1/issues":
            project = int(request.query.get("project", ["0"])[-1])
            found = [i for i in self.issues if i["project"] == project]
            page = int(request.query.get("page", ["1"])[-1])
            chunk = found[(page - 1) * PAGE : page * PAGE]
            more = page * PAGE < len(found)
            headers = {
                "x-pagination-next": f"{self.url}/api/v1/issues?page={page + 1}" if more else ""
            }
            return Answer(200, chunk, headers)
        match = ISSUE.match(request.path)
        issue = next((i for i in self.issues if match and i["id"] == int(match["id"])), None)
        if issue is None:
            return Answer(
                404,
                {
                    "_error_message": "No Issue matches the given query.",
                    "_error_type": "taiga.base.exceptions.NotFound",
                },
            )
        if request.method == "DELETE":
            self.issues.remove(issue)
            return Answer(204)
        if request.method == "PATCH":
            body = dict(request.json)
            if body.pop("version", None) != issue["version"]:
                return Answer(
                    400, {"_error_message": "The version doesn't match with the current one"}
                )
            issue.update(body, version=issue["version"] + 1)
        return Answer(200, issue)
