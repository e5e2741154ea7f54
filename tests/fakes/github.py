"""A fake GitHub REST API: `Authorization: Bearer <token>` (401 `Bad credentials` otherwise),
`/user`, a repository's issues and comments, its files under `/contents/` (base64 content
with a sha; PUT creates or, given the current sha, replaces one and DELETE removes one, as a
commit, with GitHub's 409/422 answers for a missing or stale sha), the repository itself, its `/license` and its `/community/profile`, with GitHub's error shape `{"message", "documentation_url"}` and rate-limit
headers on every answer. Paths may sit under a prefix (GitHub Enterprise's `/api/v3`)."""

from __future__ import annotations

import base64
import hashlib
import itertools
from dataclasses import dataclass, field
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "github_pat_11AAAAAfake0000token"
DOCS = "https://docs.github.com/rest"


@dataclass
class Repo:
    issues: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)  # ref -> path -> bytes
    labels: set[str] = field(default_factory=lambda: {"bug", "enhancement"})


class FakeGitHub(FakeService):
    def __init__(self, prefix: str = "") -> None:
        super().__init__()
        self.prefix = prefix
        self.tokens = {TOKEN}
        self.repos: dict[str, Repo] = {"acme/shop": Repo()}
        self._numbers = itertools.count(1)
        self._ids = itertools.count(1000)
        self.commits: list[dict[str, Any]] = []

    @property
    def api_url(self) -> str:
        return f"{self.url}{self.prefix}"

    def add_issue(self, repo: str, title: str, **extra: Any) -> dict[str, Any]:
        number = next(self._numbers)
        issue = {
            "id": next(self._ids),
            "number": number,
            "title": title,
            "body": extra.pop("body", None),
            "state": extra.pop("state", "open"),
            "labels": [{"name": n} for n in extra.pop("labels", [])],
            "assignees": [{"login": n} for n in extra.pop("assignees", [])],
            "html_url": f"https://github.com/{repo}/issues/{number}",
            "updated_at": extra.pop("updated_at", "2024-05-01T10:00:00Z"),
            "user": {"login": "octocat", "type": "User"},
            **extra,
        }
        self.repos[repo].issues.append(issue)
        return issue

    def respond(self, request: Received) -> Answer:
        if not request.path.startswith(self.prefix + "/"):
            return _error(404, "Not Found")
        path = request.path.removeprefix(self.prefix)
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return _error(401, "Bad credentials")
        if path == "/user" and request.method == "GET":
            return _ok({"login": "octocat", "id": 1, "type": "User"})
        parts = path.strip("/").split("/", 4)
        if len(parts) == 3 and parts[0] == "repos" and request.method == "GET":
            return self._repository(f"{parts[1]}/{parts[2]}")
        if len(parts) < 4 or parts[0] != "repos":
            return _error(404, "Not Found")
        repo = self.repos.get(f"{parts[1]}/{parts[2]}")
        if repo is None:
            return _error(404, "Not Found")
        name = f"{parts[1]}/{parts[2]}"
        rest = parts[3:]
        if rest == ["issues"]:
            if request.method == "POST":
                return self._create_issue(name, repo, request)
            return self._list_issues(repo, request)
        if rest[0] == "issues" and len(rest) == 2 and request.method == "POST":
            number, _, tail = rest[1].partition("/")
            if tail == "comments":
                return self._comment(name, repo, number, request)
        if rest[0] == "contents" and len(rest) == 2:
            return self._contents(repo, rest[1], request)
        if rest == ["license"] and request.method == "GET":
            return _ok(_license(name))
        if rest == ["community", "profile"] and request.method == "GET":
            return _ok({"health_percentage": 71, "description": "A shop", "files": {}})
        return _error(404, "Not Found")

    def _repository(self, name: str) -> Answer:
        repo = self.repos.get(name)
        if repo is None:
            return _error(404, "Not Found")
        return _ok(
            {
                "id": 4242,
                "full_name": name,
                "name": name.split("/")[1],
                "owner": {"login": name.split("/")[0]},
                "default_branch": "main",
                "stargazers_count": 12345,
                "subscribers_count": 321,
                "forks_count": 1200,
                "open_issues_count": sum(i["state"] == "open" for i in repo.issues),
                "html_url": f"https://github.com/{name}",
            }
        )

    def _create_issue(self, name: str, repo: Repo, request: Received) -> Answer:
        body = request.json
        if not isinstance(body, dict) or not body.get("title"):
            return _invalid("Issue", "title", "missing_field")
        unknown = [label for label in body.get("labels", []) if label not in repo.labels]
        if unknown:
            return _invalid("Label", "name", "invalid")
        issue = self.add_issue(
            name,
            body["title"],
            body=body.get("body"),
            labels=body.get("labels", []),
            assignees=body.get("assignees", []),
        )
        return _ok(issue, 201)

    def _list_issues(self, repo: Repo, request: Received) -> Answer:
        query = {k: v[-1] for k, v in request.query.items()}
        state = query.get("state", "open")
        wanted = {n for n in query.get("labels", "").split(",") if n}
        since = query.get("since", "")
        found = [
            i
            for i in reversed(repo.issues)
            if (state == "all" or i["state"] == state)
            and wanted <= {label["name"] for label in i["labels"]}
            and i["updated_at"] >= since
        ]
        return _ok(found[: int(query.get("per_page", "30"))])

    def _comment(self, name: str, repo: Repo, number: str, request: Received) -> Answer:
        if not any(str(i["number"]) == number for i in repo.issues):
            return _error(404, "Not Found")
        body = request.json
        if not isinstance(body, dict) or not body.get("body"):
            return _invalid("IssueComment", "body", "missing_field")
        comment = {
            "id": next(self._ids),
            "body": body["body"],
            "issue_url": f"https://api.github.com/repos/{name}/issues/{number}",
            "html_url": f"https://github.com/{name}/issues/{number}#issuecomment-1",
            "user": {"login": "octocat"},
        }
        repo.comments.append(comment)
        return _ok(comment, 201)

    def _contents(self, repo: Repo, path: str, request: Received) -> Answer:
        if request.method in ("PUT", "DELETE"):
            return self._commit(repo, path, request)
        ref = request.query.get("ref", ["main"])[-1]
        files = repo.files.get(ref, {})
        if path in files:
            data = files[path]
            encoded = base64.encodebytes(data).decode()  # GitHub wraps the base64 in lines
            return _ok(
                {
                    "type": "file",
                    "encoding": "base64",
                    "size": len(data),
                    "name": path.rsplit("/", 1)[-1],
                    "path": path,
                    "content": encoded,
                    "sha": blob_sha(data),
                    "html_url": f"https://github.com/acme/shop/blob/{ref}/{path}",
                }
            )
        inside = [p for p in files if p.startswith(path.rstrip("/") + "/")]
        if inside:
            return _ok([{"type": "file", "path": p, "name": p.rsplit("/", 1)[-1]} for p in inside])
        return _error(404, "Not Found")

    def _commit(self, repo: Repo, path: str, request: Received) -> Answer:
        """PUT/DELETE /contents/{path}: GitHub wants a message, base64 content (PUT) and, to
        replace or remove a file, the sha of the version it replaces."""
        body = request.json if isinstance(request.json, dict) else {}
        if not body.get("message"):
            return _invalid("Commit", "message", "missing_field")
        branch = str(body.get("branch") or "main")
        files = repo.files.setdefault(branch, {})
        current = files.get(path)
        given = body.get("sha")
        if current is not None and given != blob_sha(current):
            what = "is at" if given else "wasn't supplied"
            return _error(
                409 if given else 422, f'"sha" {what} {blob_sha(current) if given else ""}'.strip()
            )
        if current is None and (request.method == "DELETE" or given):
            return _error(404 if request.method == "DELETE" else 422, "Not Found")
        commit = {"sha": f"c{next(self._ids)}", "message": body["message"]}
        if "author" in body:
            commit["author"] = body["author"]
        self.commits.append({"path": path, "branch": branch, **commit})
        if request.method == "DELETE":
            del files[path]
            return _ok({"content": None, "commit": commit})
        try:
            data = base64.b64decode(str(body.get("content", "")), validate=True)
        except ValueError:
            return _invalid("Content", "content", "invalid")
        files[path] = data
        content = {"name": path.rsplit("/", 1)[-1], "path": path, "sha": blob_sha(data)}
        return _ok({"content": content, "commit": commit}, 200 if current is not None else 201)


def blob_sha(data: bytes) -> str:
    """Git's blob id of a file's bytes, as GitHub reports it."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _license(name: str) -> dict[str, Any]:
    text = b"MIT License\n"
    return {
        "name": "LICENSE",
        "path": "LICENSE",
        "encoding": "base64",
        "content": base64.b64encode(text).decode(),
        "license": {"key": "mit", "name": "MIT License", "spdx_id": "MIT"},
        "html_url": f"https://github.com/{name}/blob/main/LICENSE",
    }


def rate_limit_headers(remaining: int = 4999, reset: int = 1_900_000_000) -> dict[str, str]:
    return {
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": str(remaining),
        "x-ratelimit-reset": str(reset),
        "x-ratelimit-resource": "core",
    }


def _ok(body: Any, status: int = 200) -> Answer:
    return Answer(status, body, rate_limit_headers())


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Answer:
    return Answer(
        status,
        {"message": message, "documentation_url": DOCS},
        {**rate_limit_headers(), **(headers or {})},
    )


def _invalid(resource: str, field_name: str, code: str) -> Answer:
    return Answer(
        422,
        {
            "message": "Validation Failed",
            "errors": [{"resource": resource, "field": field_name, "code": code}],
            "documentation_url": DOCS,
        },
        rate_limit_headers(),
    )
