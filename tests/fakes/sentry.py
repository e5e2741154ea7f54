"""A fake Sentry web API (`/api/0`): the token as a bearer token; an organization's releases
created (POST, JSON `{version, projects, url?, dateReleased?}`, 201), read, listed by pages
(a `Link` header whose `rel="next"` entry says `results="true"` and carries the cursor, `query`
filtering versions by prefix), updated (PUT) and deleted (204); a project's issues listed (the
same pages, `query` matched against the title, `statsPeriod` echoed as each issue's `stats`
key) and an issue read, updated (PUT) and deleted; `/api/0/organizations/`; Sentry's
`{"detail"}` and field errors."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, FakeService, Received

TOKEN = "sentry-fake-token-2d"
ORG = "acme"
ISSUES = re.compile(r"^/api/0/projects/(?P<org>[^/]+)/(?P<project>[^/]+)/issues/$")
ISSUE = re.compile(r"^/api/0/issues/(?P<id>\d+)/$")
RELEASES = re.compile(r"^/api/0/organizations/(?P<org>[^/]+)/releases/(?:(?P<version>[^/]+)/)?$")


class FakeSentry(FakeService):
    def __init__(self, page: int = 2) -> None:
        super().__init__()
        self.page = page
        self.projects = {"web", "api"}
        self.releases: list[dict[str, Any]] = []
        self.issues: list[dict[str, Any]] = []

    def add_issue(self, title: str, project: str = "web") -> dict[str, Any]:
        issue: dict[str, Any] = {"id": str(100 + len(self.issues)), "title": title}
        issue["status"] = "unresolved"
        issue |= {"project": {"slug": project}, "assignedTo": None, "isBookmarked": False}
        self.issues.append(issue)
        return issue

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Answer(401, {"detail": "Invalid token"})
        if request.path == "/api/0/organizations/":
            return Answer(200, [{"slug": ORG, "name": "Acme"}])
        if ISSUES.match(request.path) or ISSUE.match(request.path):
            return self._issue(request)
        match = RELEASES.match(request.path)
        if match is None or match["org"] != ORG:
            return Answer(404, {"detail": "The requested resource does not exist"})
        if match["version"] is None:
            return self._create(request.json) if request.method == "POST" else self._list(request)
        version = unquote(match["version"])
        found = next((r for r in self.releases if r["version"] == version), None)
        if found is None:
            return Answer(404, {"detail": "The requested resource does not exist"})
        if request.method == "DELETE":
            self.releases.remove(found)
            return Answer(204)
        if request.method == "PUT":
            found.update(request.json)
        return Answer(200, found)

    def _create(self, body: dict[str, Any]) -> Answer:
        unknown = [p for p in body.get("projects") or [] if p not in self.projects]
        if unknown or not body.get("projects"):
            return Answer(400, {"projects": ["Invalid project ids or slugs"]})
        release = {"version": body["version"], "url": body.get("url"), "ref": None}
        release |= {"dateReleased": body.get("dateReleased"), "projects": body["projects"]}
        self.releases.append(release)
        return Answer(201, release)

    def _issue(self, request: Received) -> Answer:
        listing = ISSUES.match(request.path)
        if listing:
            query = request.query.get("query", [""])[-1]
            period = request.query.get("statsPeriod", ["24h"])[-1]
            chosen = [
                i | {"stats": {period: []}}
                for i in self.issues
                if i["project"]["slug"] == listing["project"] and query in i["title"]
            ]
            return self._page(request, chosen)
        wanted = request.path.split("/")[-2]
        found = next((i for i in self.issues if i["id"] == wanted), None)
        if found is None:
            return Answer(404, {"detail": "The requested resource does not exist"})
        if request.method == "DELETE":
            self.issues.remove(found)
            return Answer(202)
        if request.method == "PUT":
            found.update(request.json)
        return Answer(200, found)

    def _list(self, request: Received) -> Answer:
        prefix = request.query.get("query", [""])[-1]
        return self._page(request, [r for r in self.releases if r["version"].startswith(prefix)])

    def _page(self, request: Received, chosen: list[dict[str, Any]]) -> Answer:
        start = int(request.query.get("cursor", ["0:0:0"])[-1].split(":")[1])
        more = start + self.page < len(chosen)
        base = f"{self.url}{request.path}"
        link = (
            f'<{base}?cursor=0:{max(start - self.page, 0)}:1>; rel="previous"; '
            f'results="{"true" if start else "false"}"; cursor="0:{max(start - self.page, 0)}:1", '
            f'<{base}?cursor=0:{start + self.page}:0>; rel="next"; '
            f'results="{"true" if more else "false"}"; cursor="0:{start + self.page}:0"'
        )
        return Answer(200, chosen[start : start + self.page], headers={"Link": link})
