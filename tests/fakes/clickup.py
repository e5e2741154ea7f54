"""A fake ClickUp API v2 (`/api/v2`): the token in `Authorization`, `/user`, a list's tasks
(POST and GET `/list/<id>/task`, paged by `page` with `last_page`), one task (GET, PUT, DELETE
`/task/<id>`), and ClickUp's `{"err", "ECODE"}` errors."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "pk_4410023_CANARYLESSTOKEN0123456789"
LIST = "901207046581"
LIST_TASKS = re.compile(r"/api/v2/list/(?P<list>\w+)/task$")
TASK = re.compile(r"/api/v2/task/(?P<id>\w+)$")


def error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"err": message, "ECODE": code})


class FakeClickUp(FakeService):
    page_size = 100

    def __init__(self) -> None:
        super().__init__()
        self.tasks: list[dict[str, Any]] = []

    def add(self, name: str, **fields: Any) -> dict[str, Any]:
        task = {
            "id": f"86a{len(self.tasks) + 1:04d}",
            "name": name,
            "description": "",
            "status": {"status": "to do"},
            "priority": None,
            "due_date": None,
            "tags": [],
            "assignees": [],
            "list": {"id": LIST},
            **fields,
        }
        self.tasks.append(task)
        return task

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != TOKEN:
            return error(401, "OAUTH_025", "Oauth token not found")
        if request.path == "/api/v2/user":
            return Answer(200, {"user": {"id": 1, "username": "Ada", "email": "ada@acme.test"}})
        if found := LIST_TASKS.match(request.path):
            if found["list"] != LIST:
                return error(404, "ITEM_015", "List not found")
            if request.method == "POST":
                body = request.json
                if not body.get("name"):
                    return error(400, "INPUT_002", "Task name invalid")
                status = body.pop("status", "to do")
                return Answer(200, self.add(body.pop("name"), status={"status": status}, **body))
            page = int((request.query.get("page") or ["0"])[-1])
            start = page * self.page_size
            chunk = self.tasks[start : start + self.page_size]
            last = start + self.page_size >= len(self.tasks)
            return Answer(200, {"tasks": chunk, "last_page": last})
        if found := TASK.match(request.path):
            task = next((t for t in self.tasks if t["id"] == found["id"]), None)
            if task is None:
                return error(404, "ITEM_013", "Task not found, deleted")
            if request.method == "GET":
                return Answer(200, task)
            if request.method == "PUT":
                changes = dict(request.json)
                if "status" in changes:
                    changes["status"] = {"status": changes["status"]}
                task.update(changes)
                return Answer(200, task)
            if request.method == "DELETE":
                self.tasks.remove(task)
                return Answer(204)
        return error(404, "APP_001", "Route not found")
