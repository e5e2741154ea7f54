"""A fake Clockify API v1: the key in `X-Api-Key`, `/api/v1/user`, a workspace's projects (GET
`/api/v1/workspaces/<w>/projects` with `name`, `archived`, `page`, `page-size`; POST to create;
GET and DELETE `/api/v1/workspaces/<w>/projects/<id>`, a project deleted only once archived, as
Clockify does), and Clockify's `{"message", "code"}` errors."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "YjE2ZmFrZS1jbG9ja2lmeS1rZXk"
WORKSPACE = "5f1a2b3c4d5e6f7a8b9c0d1e"
PROJECTS = re.compile(r"^/api/v1/workspaces/(?P<ws>\w+)/projects(?:/(?P<id>\w+))?$")


def error(status: int, message: str, code: int) -> Answer:
    return Answer(status, {"message": message, "code": code})


class FakeClockify(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.projects: dict[str, dict[str, Any]] = {}

    def add(self, name: str, archived: bool = False, **fields: Any) -> dict[str, Any]:
        project_id = f"60b{len(self.projects):021d}"
        project = {"id": project_id, "name": name, "archived": archived, "workspaceId": WORKSPACE}
        self.projects[project_id] = project | fields
        return self.projects[project_id]

    def respond(self, request: Received) -> Answer:
        if request.headers.get("x-api-key") != KEY:
            return error(401, "Full authentication is required to access this resource", 1000)
        if request.path == "/api/v1/user":
            return Answer(200, {"id": "u1", "name": "Ada", "email": "ada@example.com"})
        match = PROJECTS.match(request.path)
        if match is None or match["ws"] != WORKSPACE:
            return error(403, "Access denied to workspace", 1003)
        if match["id"] is None:
            if request.method == "POST":
                body = request.json
                if any(p["name"] == body.get("name") for p in self.projects.values()):
                    return error(400, "Project with this name already exists", 501)
                return Answer(201, self.add(**body))
            return Answer(200, self._listed({k: v[-1] for k, v in request.query.items()}))
        project = self.projects.get(match["id"])
        if project is None:
            return error(404, "Project doesn't belong to Workspace", 501)
        if request.method == "DELETE":
            if not project["archived"]:
                return error(400, "Cannot delete an active project", 501)
            del self.projects[match["id"]]
        return Answer(200, project)

    def _listed(self, query: dict[str, str]) -> list[dict[str, Any]]:
        found = list(self.projects.values())
        if "name" in query:
            found = [p for p in found if query["name"].lower() in p["name"].lower()]
        if "archived" in query:
            found = [p for p in found if p["archived"] == (query["archived"] == "true")]
        page, size = int(query.get("page", 1)), int(query.get("page-size", 50))
        return found[(page - 1) * size : page * size]
