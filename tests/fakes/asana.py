"""A fake Asana API 1.0: the token as a bearer token, `GET /api/1.0/users/me`, tasks (POST
`/tasks` with `{data}` naming a known workspace, GET/PUT/DELETE `/tasks/<gid>`, GET `/tasks`
filtered by project or by assignee and workspace, paged by `limit`/`offset` with
`next_page.offset`), answers wrapped in `data` and Asana's `{"errors": [{"message", "help"}]}`."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "1/1201234567890:0a1b2c3d4e5f60718293a4b5c6d7e8f9"
WORKSPACE = "1201000000000001"
TASK = re.compile(r"^/api/1.0/tasks/(?P<gid>\d+)$")


def error(status: int, message: str) -> Answer:
    help_text = "For more information on API status codes see https://developers.asana.com"
    return Answer(status, {"errors": [{"message": message, "help": help_text}]})


class FakeAsana(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tasks: dict[str, dict[str, Any]] = {}

    def add(self, name: str, **fields: Any) -> dict[str, Any]:
        gid = str(1204000000000000 + len(self.tasks) + 1)
        task = {"gid": gid, "resource_type": "task", "name": name, "completed": False}
        self.tasks[gid] = task | {"notes": "", "workspace": {"gid": WORKSPACE}} | fields
        return self.tasks[gid]

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return error(401, "Not Authorized")
        if request.path == "/api/1.0/users/me":
            return Answer(200, {"data": {"gid": "1", "name": "Ada Lovelace"}})
        if request.path == "/api/1.0/tasks":
            if request.method == "POST":
                return self._create(request.json)
            return self._list({k: v[-1] for k, v in request.query.items()})
        match = TASK.match(request.path)
        task = self.tasks.get(match["gid"]) if match else None
        if task is None:
            return error(404, "task: Unknown object: " + request.path.rsplit("/", 1)[-1])
        if request.method == "PUT":
            task.update(request.json["data"])
        elif request.method == "DELETE":
            del self.tasks[task["gid"]]
            return Answer(200, {"data": {}})
        return Answer(200, {"data": task})

    def _create(self, body: dict[str, Any]) -> Answer:
        data = body.get("data")
        if not isinstance(data, dict):
            return error(400, "data: Missing input")
        if data.get("workspace") != WORKSPACE:
            return error(400, "workspace: Not a recognized ID: " + str(data.get("workspace")))
        fields = {k: v for k, v in data.items() if k not in ("name", "workspace")}
        return Answer(201, {"data": self.add(str(data.get("name", "")), **fields)})

    def _list(self, query: dict[str, str]) -> Answer:
        if "project" not in query and not ("assignee" in query and "workspace" in query):
            return error(
                400, "Must specify exactly one of project, tag, section, or assignee + workspace"
            )
        found = [
            {"gid": t["gid"], "name": t["name"], "resource_type": "task"}
            for t in self.tasks.values()
            if query.get("project") in t.get("projects", [])
            or (query.get("assignee") and t.get("assignee") == query["assignee"])
        ]
        limit, start = int(query.get("limit", 100)), int(query.get("offset") or 0)
        page = found[start : start + limit]
        more = start + limit < len(found)
        return Answer(
            200, {"data": page, "next_page": {"offset": str(start + limit)} if more else None}
        )
