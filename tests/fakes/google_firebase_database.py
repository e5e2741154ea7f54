"""A fake Firebase Realtime Database REST API beside the fake Google token endpoint
(service-account JWTs, from the Sheets fake): `<path>.json` read (GET, `null` where nothing
is), set (PUT), pushed to (POST, answering `{"name": key}`), updated (PATCH, children merged)
and deleted (DELETE, answering `null`), over one in-memory JSON tree; a request without a
valid token is Firebase's 401 `{"error": "Permission denied"}`."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, Received
from tests.fakes.google_sheets import FakeGoogle


class FakeFirebase(FakeGoogle):
    def __init__(self, public_key: Any) -> None:
        super().__init__(public_key)
        self.tree: dict[str, Any] = {}
        self._keys = itertools.count(1)
        self.rules_deny = False  # the database's rules refuse the service account

    def respond(self, request: Received) -> Answer:
        if not request.path.endswith(".json"):
            return super().respond(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens or self.rules_deny:
            return Answer(401, {"error": "Permission denied"})
        parts = [unquote(p) for p in request.path.removesuffix(".json").split("/") if p]
        parent, node = self._walk(parts[:-1]), parts[-1] if parts else None
        current = parent.get(node) if node is not None else self.tree
        if request.method == "GET":
            return Answer(200, current)
        if request.method == "DELETE":
            if node is not None:
                parent.pop(node, None)
            return Answer(200, None)
        body = request.json
        if request.method == "POST":
            key = f"-N{next(self._keys):08d}"
            target = parent.setdefault(node, {}) if node is not None else self.tree
            target[key] = body
            return Answer(200, {"name": key})
        if request.method == "PATCH":
            target = parent.setdefault(node, {}) if node is not None else self.tree
            target.update(body)
            return Answer(200, body)
        if node is None:
            self.tree = body
        else:
            parent[node] = body
        return Answer(200, body)

    def _walk(self, parts: list[str]) -> dict[str, Any]:
        here = self.tree
        for part in parts:
            here = here.setdefault(part, {})
        return here
