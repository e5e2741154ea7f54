"""A fake Pipedrive REST API v1 (`/v1`): the token in the `x-api-token` header (a token in the
`api_token` query parameter is refused, so none may leak into a URL), `/v1/users/me`, records of
persons, organizations, deals, activities, notes and leads (POST to create, GET/PUT/DELETE by id,
PATCH for leads), lists paged by `start`/`limit`, `/v1/<resource>/search` with
`{result_score, item}` hits, `/v1/<resource>Fields` listing custom fields, and Pipedrive's
`{"success": false, "error", "error_info"}` errors."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.fakes import Answer, FakeService, Received

API_TOKEN = "659c9fddb16335e48cc67114694b52074e812e03"
RESOURCES = ("persons", "organizations", "deals", "activities", "notes", "leads")
PATH = re.compile(r"/v1/(?P<resource>" + "|".join(RESOURCES) + r")(?:/(?P<id>search|[0-9a-f-]+))?$")
FIELDS = re.compile(r"/v1/(?P<kind>person|organization|deal|activity)Fields$")
WEBSITE = "8d4b1f0c3a2e5d6f7a8b9c0d1e2f3a4b5c6d7e8f"
SIZE = "1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e"
INFO = "Please check developers.pipedrive.com for more information about Pipedrive API."


def failure(status: int, error: str) -> Answer:
    body = {"success": False, "error": error, "error_info": INFO, "data": None}
    return Answer(status, body)


class FakePipedrive(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, list[dict[str, Any]]] = {r: [] for r in RESOURCES}
        self.custom = {
            "organization": [
                {"key": "name", "name": "Name", "field_type": "varchar"},
                {"key": WEBSITE, "name": "Website", "field_type": "varchar"},
                {
                    "key": SIZE,
                    "name": "Size",
                    "field_type": "enum",
                    "options": [{"id": 31, "label": "1-10"}, {"id": 32, "label": "11-50"}],
                },
            ]
        }

    def add(self, resource: str, **fields: Any) -> dict[str, Any]:
        found = self.records[resource]
        key = str(uuid.uuid4()) if resource == "leads" else len(found) + 1
        record = {"id": key, "active_flag": True, **fields}
        found.append(record)
        return record

    def respond(self, request: Received) -> Answer:
        if "api_token" in request.query:
            return failure(400, "The api_token belongs in the x-api-token header in this fake")
        if request.headers.get("x-api-token") != API_TOKEN:
            return failure(401, "unauthorized access")
        if request.path == "/v1/users/me":
            me = {"id": 1, "name": "Ada Lovelace", "company_name": "Acme", "email": "ada@acme.io"}
            return Answer(200, {"success": True, "data": me})
        if match := FIELDS.match(request.path):
            return Answer(200, {"success": True, "data": self.custom.get(match["kind"], [])})
        match = PATH.match(request.path)
        if match is None:
            return failure(404, "Unknown method .")
        resource, key = match["resource"], match["id"]
        if key == "search":
            return self._search(resource, request)
        if key is None and request.method == "POST":
            return Answer(201, {"success": True, "data": self.add(resource, **request.json)})
        if key is None:
            return self._page(request, self.records[resource])
        record = next((r for r in self.records[resource] if str(r["id"]) == key), None)
        if record is None:
            return failure(404, f"{resource[:-1].capitalize()} not found")
        if request.method in ("PUT", "PATCH"):
            if (request.method == "PATCH") != (resource == "leads"):
                return failure(405, f"Method {request.method} not allowed")
            record.update(request.json)
        if request.method == "DELETE":
            self.records[resource].remove(record)
            return Answer(200, {"success": True, "data": {"id": record["id"]}})
        return Answer(200, {"success": True, "data": record})

    def _page(self, request: Received, found: list[Any], wrap: bool = False) -> Answer:
        start = int(request.query.get("start", ["0"])[-1])
        limit = int(request.query.get("limit", ["100"])[-1])
        page = found[start : start + limit]
        more = start + limit < len(found)
        pagination = {"start": start, "limit": limit, "more_items_in_collection": more}
        if more:
            pagination["next_start"] = start + limit
        data: Any = {"items": page} if wrap else (page or None)
        return Answer(
            200, {"success": True, "data": data, "additional_data": {"pagination": pagination}}
        )

    def _search(self, resource: str, request: Received) -> Answer:
        term = request.query.get("term", [""])[-1].lower()
        exact = request.query.get("exact_match", ["false"])[-1] == "true"
        fields = request.query.get("fields", ["name,email"])[-1].split(",")
        if len(term) < (1 if exact else 2):
            return failure(400, "Validation failed: term: Must be at least 2 characters long")

        def hits(record: dict[str, Any]) -> bool:
            values = [record.get(f) for f in fields]
            words = [str(v).lower() for v in values for v in (v if isinstance(v, list) else [v])]
            return any((w == term) if exact else (term in w) for w in words if w != "none")

        found = [{"result_score": 1.0, "item": r} for r in self.records[resource] if hits(r)]
        return self._page(request, found, wrap=True)
