"""A fake Jira Cloud REST API: basic auth (email:API token), `/rest/api/2/myself`, issues under
`/rest/api/2/issue` (POST creates, GET reads with `fields`, PUT edits `fields`, POST
`/transitions` moves the status), `POST /rest/api/2/search/jql` paging with `nextPageToken`
(a tiny JQL: `project = KEY`, optionally `AND status = "Name"`), and v3 comments (POST with an
Atlassian Document Format body, GET paging with startAt/maxResults/total), v3 attachments (a
multipart `file` upload that needs `X-Atlassian-Token: no-check`), with Jira's error shape
`{"errorMessages": [...], "errors": {...}}`."""

from __future__ import annotations

import base64
import re
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from tests.fakes import Answer, FakeService, Received

EMAIL = "ada@example.com"
API_TOKEN = "ATATT3xFfGF0-fake-token"
TRANSITIONS = {"11": "To Do", "21": "In Progress", "31": "Done"}
JQL = re.compile(r'project = (?P<project>\w+)(?: AND status = "(?P<status>[^"]+)")?')
ISSUE = re.compile(r"/rest/api/(?P<v>[23])/issue/(?P<key>[^/]+)(?P<rest>/.*)?$")


def _error(status: int, *messages: str, **errors: str) -> Answer:
    return Answer(status, {"errorMessages": list(messages), "errors": errors})


class FakeJira(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.issues: dict[str, dict[str, Any]] = {}  # by key
        self.comments: dict[str, list[dict[str, Any]]] = {}
        self.attachments: dict[str, list[dict[str, Any]]] = {}  # by issue key, with `data`

    def add(self, project: str, summary: str, status: str = "To Do") -> dict[str, Any]:
        number = len(self.issues) + 1
        key = f"{project}-{number}"
        issue = {
            "id": str(10000 + number),
            "key": key,
            "self": f"{self.url}/rest/api/2/issue/{10000 + number}",
            "fields": {
                "project": {"key": project},
                "summary": summary,
                "status": {"name": status},
                "labels": [],
            },
        }
        self.issues[key] = issue
        self.comments[key] = []
        return issue

    def respond(self, request: Received) -> Answer:
        pair = base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {pair}":
            return Answer(401, "Client must be authenticated to access this resource.")
        path = request.path
        if path == "/rest/api/2/myself" and request.method == "GET":
            return Answer(200, {"accountId": "5b10a2", "displayName": "Ada Lovelace"})
        if path == "/rest/api/2/issue" and request.method == "POST":
            return self._create(request.json)
        if path == "/rest/api/2/search/jql" and request.method == "POST":
            return self._search(request.json)
        match = ISSUE.match(path)
        if match is None:
            return _error(404, "Not found")
        issue = self._find(match["key"])
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        rest, version = match["rest"] or "", match["v"]
        if version == "3" and rest == "/comment":
            if request.method == "POST":
                return self._comment(issue, request.json)
            return self._comments(issue, request.query)
        if version == "3" and rest == "/attachments" and request.method == "POST":
            return self._attach(issue, request)
        if version == "2" and rest == "/transitions" and request.method == "POST":
            name = TRANSITIONS.get(str(request.json["transition"]["id"]))
            if name is None:
                return _error(400, "Transition id 'x' is not valid for this issue.")
            issue["fields"]["status"] = {"name": name}
            return Answer(204)
        if version == "2" and not rest and request.method == "PUT":
            return self._edit(issue, request.json)
        if version == "2" and not rest and request.method == "GET":
            return Answer(200, self._shown(issue, request.query.get("fields", [""])[-1]))
        return _error(405, "Method not allowed")

    def _find(self, key: str) -> dict[str, Any] | None:
        return next((i for i in self.issues.values() if key in (i["key"], i["id"])), None)

    def _create(self, body: dict[str, Any]) -> Answer:
        fields = body.get("fields") or {}
        if not fields.get("summary"):
            return _error(400, summary="You must specify a summary of the issue.")
        project = fields.get("project") or {}
        key = project.get("key") or {"10001": "SUP"}.get(project.get("id", ""))
        if not key:
            return _error(400, project="valid project is required")
        issue = self.add(key, fields["summary"])
        issue["fields"].update({k: v for k, v in fields.items() if k != "project"})
        return Answer(201, {k: issue[k] for k in ("id", "key", "self")})

    def _edit(self, issue: dict[str, Any], body: dict[str, Any]) -> Answer:
        fields = body.get("fields") or {}
        if "summary" in fields and not fields["summary"]:
            return _error(400, summary="You must specify a summary of the issue.")
        issue["fields"].update(fields)
        return Answer(204)

    def _shown(self, issue: dict[str, Any], fields: str) -> dict[str, Any]:
        if not fields or fields in ("*all", "*navigable"):
            return issue
        wanted = fields.split(",")
        return {**issue, "fields": {k: v for k, v in issue["fields"].items() if k in wanted}}

    def _search(self, body: dict[str, Any]) -> Answer:
        match = JQL.fullmatch(str(body.get("jql") or "").strip())
        if match is None:
            return _error(400, "Error in the JQL Query: the query is not understood.")
        found = [
            i
            for i in self.issues.values()
            if i["fields"]["project"]["key"] == match["project"]
            and (match["status"] is None or i["fields"]["status"]["name"] == match["status"])
        ]
        start = int(body.get("nextPageToken") or 0)
        size = int(body.get("maxResults") or 50)
        fields = ",".join(body.get("fields") or [])
        page = [self._shown(i, fields) if fields else {"id": i["id"]} for i in found]
        answer: dict[str, Any] = {"issues": page[start : start + size]}
        more = start + size < len(found)
        answer["isLast"] = not more
        if more:
            answer["nextPageToken"] = str(start + size)
        return Answer(200, answer)

    def _comment(self, issue: dict[str, Any], body: dict[str, Any]) -> Answer:
        doc = body.get("body")
        if not isinstance(doc, dict) or doc.get("type") != "doc":
            return _error(400, comment="Comment body is not valid Atlassian Document Format.")
        comments = self.comments[issue["key"]]
        comment = {
            "id": str(20000 + len(comments)),
            "author": {"displayName": "Ada Lovelace"},
            "body": doc,
            "created": "2026-12-06T10:00:00.000+0000",
        }
        comments.append(comment)
        return Answer(201, comment)

    def _comments(self, issue: dict[str, Any], query: dict[str, list[str]]) -> Answer:
        comments = self.comments[issue["key"]]
        start = int(query.get("startAt", ["0"])[-1])
        size = int(query.get("maxResults", ["50"])[-1])
        page = comments[start : start + size]
        return Answer(
            200, {"startAt": start, "maxResults": size, "total": len(comments), "comments": page}
        )

    def _attach(self, issue: dict[str, Any], request: Received) -> Answer:
        if request.headers.get("x-atlassian-token") != "no-check":
            return Answer(403, "XSRF check failed")
        kind = request.headers.get("content-type", "")
        if not kind.startswith("multipart/form-data"):
            return _error(415, "Unsupported Media Type")
        parsed = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {kind}\r\n\r\n".encode() + request.body
        )
        made = []
        kept = self.attachments.setdefault(issue["key"], [])
        for part in parsed.iter_parts():
            assert isinstance(part, Message)
            if part.get_param("name", header="content-disposition") != "file":
                continue
            data = part.get_payload(decode=True)
            assert isinstance(data, bytes)
            number = 10100 + sum(len(a) for a in self.attachments.values())
            attachment = {
                "id": str(number),
                "self": f"{self.url}/rest/api/3/attachment/{number}",
                "filename": part.get_filename(),
                "mimeType": part.get_content_type(),
                "size": len(data),
                "content": f"{self.url}/rest/api/3/attachment/content/{number}",
            }
            kept.append({**attachment, "data": data})
            made.append(attachment)
        if not made:
            return _error(400, "No file was attached (multipart field 'file').")
        return Answer(200, made)
