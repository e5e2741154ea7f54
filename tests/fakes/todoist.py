"""A fake Todoist API v1 (`/api/v1`): a bearer token, `/user`, tasks (POST `/tasks`, GET/POST/
DELETE `/tasks/<id>`, POST `/tasks/<id>/close`), the active tasks listed by `project_id`,
`section_id`, `label` or `ids` (GET `/tasks`) or by a filter (GET `/tasks/filter?query=`; this
fake knows `today` and `#<project name>`), paged by `limit` and `cursor`, and Todoist's
`{"error", "error_code", "error_tag", "http_code"}` errors."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "0123456789abcdef0123456789abcdef01234567"
INBOX = "6Jf8VQXxpwv56VQ7"
TASK = re.compile(r"/api/v1/tasks/(?P<id>\w+)(?P<close>/close)?$")


def error(status: int, tag: str, message: str) -> Answer:
    body = {"error": message, "error_code": 478, "error_tag": tag, "http_code": status}
    return Answer(status, body)


class FakeTodoist(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tasks: list[dict[str, Any]] = []

    def add(self, content: str, **fields: Any) -> dict[str, Any]:
        task = {
            "id": f"6X{len(self.tasks) + 1:014d}",
            "content": content,
            "description": "",
            "project_id": INBOX,
            "section_id": None,
            "labels": [],
            "priority": 1,
            "due": None,
            "checked": False,
            "added_at": "2026-12-06T10:00:00.000000Z",
            **fields,
        }
        self.tasks.append(task)
        return task

    def _apply(self, task: dict[str, Any], body: dict[str, Any]) -> Answer | None:
        priority = body.get("priority", 1)
        if not isinstance(priority, int) or not 1 <= priority <= 4:
            return error(400, "INVALID_ARGUMENT_VALUE", "Invalid argument value: priority")
        for key, value in body.items():
            if key in ("due_string", "due_datetime"):
                task["due"] = {"string": value, "date": str(value)[:10], "is_recurring": False}
            else:
                task[key] = value
        return None

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Answer(401, "Unauthorized")  # Todoist answers a bad token in plain text
        if request.path == "/api/v1/user":
            return Answer(200, {"id": "1", "full_name": "Ada Lovelace", "email": "a@x.test"})
        query = {k: v[-1] for k, v in request.query.items()}
        if request.path == "/api/v1/tasks" and request.method == "POST":
            task = self.add("")
            failed = self._apply(task, request.json)
            if failed:
                self.tasks.remove(task)
                return failed
            return Answer(200, task)
        if request.path == "/api/v1/tasks":
            found = [t for t in self.tasks if not t["checked"]]
            for key in ("project_id", "section_id"):
                if key in query:
                    found = [t for t in found if t[key] == query[key]]
            if "label" in query:
                found = [t for t in found if query["label"] in t["labels"]]
            if "ids" in query:
                found = [t for t in found if t["id"] in query["ids"].split(",")]
            return self._page(found, query)
        if request.path == "/api/v1/tasks/filter":
            if query.get("query") != "today":
                return error(400, "INVALID_SEARCH_QUERY", "Invalid search query")
            found = [t for t in self.tasks if (t["due"] or {}).get("string") == "today"]
            return self._page(found, query)
        match = TASK.match(request.path)
        task = next((t for t in self.tasks if match and t["id"] == match["id"]), None)
        if task is None:
            return error(404, "NOT_FOUND", "Task not found")
        if match and match["close"]:
            task["checked"] = True
            return Answer(204)
        if request.method == "DELETE":
            self.tasks.remove(task)
            return Answer(204)
        if request.method == "POST":
            return self._apply(task, request.json) or Answer(200, task)
        return Answer(200, task)

    def _page(self, found: list[dict[str, Any]], query: dict[str, str]) -> Answer:
        start, limit = int(query.get("cursor") or 0), int(query.get("limit") or 50)
        more = start + limit < len(found)
        cursor = str(start + limit) if more else None
        return Answer(200, {"results": found[start : start + limit], "next_cursor": cursor})
