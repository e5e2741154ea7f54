"""A fake Linear GraphQL API (`POST /graphql`): the API key as the `Authorization` header, the
operations app.linear sends told apart by their operation names (`IssueCreate`, `IssueUpdate`,
`Issue`, `Issues` with `first`/`after` cursors, `IssueDelete`, `viewer`), issues addressed by
id or identifier, and Linear's errors: `{"errors": [{"message", "extensions": {"code",
"userPresentableMessage"}}]}` under HTTP 400 (authentication, invalid input, not found,
rate limit)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.fakes import Answer, FakeService, Received

API_KEY = "lin_api_fake0123456789abcdefghijklmnopqrstuv"
TEAM_ID = "1c721608-321d-4132-ac32-6e92d04bb487"
TEAM = {"id": TEAM_ID, "name": "Engineering"}
OPERATION = re.compile(r"^\s*(?:query|mutation)\s+(\w+)|^\s*query\s*\{\s*(viewer)")


def error(code: str, message: str, status: int = 400) -> Answer:
    extensions = {"code": code, "type": code.lower(), "userPresentableMessage": message}
    return Answer(status, {"errors": [{"message": message, "extensions": extensions}]})


class FakeLinear(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.issues: list[dict[str, Any]] = []

    def add(self, title: str, **fields: Any) -> dict[str, Any]:
        number = len(self.issues) + 1
        issue = {
            "id": str(uuid.uuid4()),
            "identifier": f"ENG-{number}",
            "title": title,
            "priority": 0,
            "archivedAt": None,
            "assignee": None,
            "state": {"id": "s-todo", "name": "Todo"},
            "createdAt": f"2026-12-06T10:{number % 60:02d}:00.000Z",
            "creator": {"id": "u1", "displayName": "ada", "email": "ada@example.com"},
            "team": TEAM,
            "description": None,
            "dueDate": None,
            "cycle": None,
            **fields,
        }
        self.issues.append(issue)
        return issue

    def _find(self, key: str) -> dict[str, Any] | None:
        return next((i for i in self.issues if key in (i["id"], i["identifier"])), None)

    def _write(self, issue: dict[str, Any], values: dict[str, Any]) -> Answer | None:
        if "teamId" in values and values["teamId"] not in (TEAM_ID, "t-support"):
            return error("INVALID_INPUT", "Argument Validation Error: teamId must be a UUID.")
        for key, value in values.items():
            if key == "teamId":
                issue["team"] = TEAM if value == TEAM_ID else {"id": value, "name": "Support"}
            elif key == "stateId":
                issue["state"] = {"id": value, "name": "In Progress"}
            elif key == "assigneeId":
                issue["assignee"] = {"id": value, "displayName": "bob", "email": "b@example.com"}
            else:
                issue[key] = value
        return None

    def respond(self, request: Received) -> Answer:
        if request.path != "/graphql" or request.method != "POST":
            return Answer(404, "Not Found")
        if request.headers.get("authorization") != API_KEY:
            return error("AUTHENTICATION_ERROR", "Authentication required, not authenticated")
        body = request.json
        match = OPERATION.match(body.get("query", ""))
        name = (match[1] or match[2]) if match else ""
        variables = body.get("variables") or {}
        if name == "viewer":
            return Answer(200, {"data": {"viewer": {"id": "u1", "name": "Ada", "email": "a@x"}}})
        if name == "IssueCreate":
            values = dict(variables["input"])
            issue = self.add(values.pop("title", ""))
            failed = self._write(issue, values)
            if failed:
                self.issues.remove(issue)
                return failed
            return Answer(200, {"data": {"issueCreate": {"success": True, "issue": issue}}})
        if name == "Issues":
            start = int(variables.get("after") or 0)
            first = int(variables.get("first") or 50)
            chunk = self.issues[start : start + first]
            more = start + first < len(self.issues)
            page = {"hasNextPage": more, "endCursor": str(start + first) if more else None}
            return Answer(200, {"data": {"issues": {"nodes": chunk, "pageInfo": page}}})
        issue = self._find(str(variables.get("id", "")))
        if issue is None:
            return error("ENTITY_NOT_FOUND", "Entity not found: Issue")
        if name == "IssueUpdate":
            failed = self._write(issue, variables["input"])
            return failed or Answer(
                200, {"data": {"issueUpdate": {"success": True, "issue": issue}}}
            )
        if name == "IssueDelete":
            self.issues.remove(issue)
            return Answer(200, {"data": {"issueDelete": {"success": True}}})
        return Answer(200, {"data": {"issue": issue}})
