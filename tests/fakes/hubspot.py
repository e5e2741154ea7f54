"""A fake HubSpot CRM v3 API: bearer auth (a private app token), `/account-info/v3/details`,
contacts, deals and companies under `/crm/v3/objects/<type>` (POST creates with associations,
GET `/<id>` and PATCH `/<id>`, GET lists by `limit`/`after` with `paging.next.after`, POST
`/search` with filterGroups (EQ, GTE, LT, CONTAINS_TOKEN), `query`, sorts and paging), and
contacts' `POST batch/upsert` by `idProperty: email` answering `new`, CRM v4's
`PUT /crm/v4/objects/contacts/<id>/associations/companies/<id>` (HUBSPOT_DEFINED types), the legacy
`POST /engagements/v1/engagements`; with HubSpot's error
shape `{"status": "error", "message", "category", "correlationId"}`."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
PORTAL = 8765432
# --- ops ---
ASSOCIATE = re.compile(
    r"/crm/v4/objects/contacts/(?P<contact>\d+)/associations/companies/(?P<company>\d+)$"
)
# --- end ops ---
OBJECT = re.compile(
    r"/crm/v3/objects/(?P<kind>contacts|deals|companies)(?:/(?P<rest>[^/]+(?:/[^/]+)?))?$"
)
# What HubSpot returns when a read names no properties.
DEFAULTS = {
    "contacts": ("email", "firstname", "lastname", "createdate", "lastmodifieddate"),
    "deals": ("dealname", "amount", "dealstage", "pipeline", "closedate", "createdate"),
    "companies": ("name", "domain", "createdate"),
}


def _error(status: int, category: str, message: str) -> Answer:
    body = {"status": "error", "message": message, "category": category, "correlationId": "c-1"}
    return Answer(status, body)


class FakeHubSpot(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, list[dict[str, Any]]] = {k: [] for k in DEFAULTS}
        self.associations: list[tuple[str, str, int]] = []  # (from id, to id, type id)
        self.next_id = 500
        self.engagements: list[dict[str, Any]] = []

    def add(self, kind: str = "contacts", **properties: Any) -> dict[str, Any]:
        self.next_id += 1
        stamp = f"2026-12-0{min(self.next_id - 500, 9)}T10:00:00.000Z"
        record = {
            "id": str(self.next_id),
            "properties": {
                "createdate": str(1764000000000 + self.next_id),
                "hs_object_id": str(self.next_id),
                **{k: str(v) for k, v in properties.items()},
            },
            "createdAt": stamp,
            "updatedAt": stamp,
            "archived": False,
        }
        self.records[kind].append(record)
        return record

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return _error(
                401,
                "INVALID_AUTHENTICATION",
                "Authentication credentials not found. This API supports OAuth 2.0 authentication.",
            )
        if request.path == "/account-info/v3/details":
            return Answer(200, {"portalId": PORTAL, "timeZone": "Europe/Paris"})
        # --- svca ---
        if request.path == "/engagements/v1/engagements" and request.method == "POST":
            return self._engage(request.json)
        # --- end svca ---
        # --- ops ---
        associate = ASSOCIATE.match(request.path)
        if associate is not None and request.method == "PUT":
            return self._associate(associate["contact"], associate["company"], request.json)
        # --- end ops ---
        match = OBJECT.match(request.path)
        if match is None:
            return Answer(404, "")
        kind, rest = match["kind"], match["rest"]
        if rest is None:
            if request.method == "POST":
                return self._create(kind, request.json)
            return self._list(kind, request.query)
        if rest == "search" and request.method == "POST":
            return self._search(kind, request.json)
        if rest == "batch/upsert" and request.method == "POST" and kind == "contacts":
            return self._upsert(request.json)
        record = next((r for r in self.records[kind] if r["id"] == rest), None)
        if record is None:
            return Answer(404, "")  # HubSpot answers a missing record with an empty 404
        if request.method == "PATCH":
            record["properties"].update({k: str(v) for k, v in request.json["properties"].items()})
            return Answer(200, record)
        return Answer(200, self._view(kind, record, request.query.get("properties")))

    # --- ops ---
    def _associate(self, contact: str, company: str, types: Any) -> Answer:
        """CRM v4's association of a contact with a company, by HubSpot-defined type ids."""
        ids = {k: {r["id"] for r in self.records[k]} for k in ("contacts", "companies")}
        if contact not in ids["contacts"] or company not in ids["companies"]:
            return _error(404, "OBJECT_NOT_FOUND", "One or more objects were not found")
        if not isinstance(types, list) or not types:
            return _error(400, "VALIDATION_ERROR", "The body must list association types")
        for kind in types:
            self.associations.append((contact, company, int(kind["associationTypeId"])))
        body = {
            "fromObjectTypeId": "0-1",
            "fromObjectId": int(contact),
            "toObjectTypeId": "0-2",
            "toObjectId": int(company),
            "labels": [],
        }
        return Answer(200, body)

    # --- end ops ---
    def _engage(self, body: dict[str, Any]) -> Answer:
        """The legacy Engagements API: type, metadata and associations (lists of ids)."""
        kind = (body.get("engagement") or {}).get("type")
        if kind not in ("EMAIL", "TASK", "CALL", "MEETING", "NOTE"):
            return _error(400, "VALIDATION_ERROR", f"Invalid engagement type: {kind}")
        associations = body.get("associations") or {}
        if any(not isinstance(ids, list) for ids in associations.values()):
            return _error(400, "VALIDATION_ERROR", "associations must be lists of ids")
        self.next_id += 1
        engagement = {"id": self.next_id, "portalId": PORTAL, "type": kind, "active": True}
        stored = {
            "engagement": engagement,
            "associations": associations,
            "attachments": [],
            "metadata": body.get("metadata") or {},
        }
        self.engagements.append(stored)
        return Answer(200, stored)

    def _view(self, kind: str, record: dict[str, Any], wanted: list[str] | None) -> dict[str, Any]:
        names = wanted[-1].split(",") if wanted else DEFAULTS[kind]
        props = {n: record["properties"].get(n) for n in (*names, "hs_object_id")}
        return {**record, "properties": props}

    def _create(self, kind: str, body: dict[str, Any]) -> Answer:
        properties = body.get("properties") or {}
        if kind == "deals" and not properties.get("dealstage"):
            return _error(400, "VALIDATION_ERROR", "Property values were not valid: dealstage")
        record = self.add(kind, **properties)
        for association in body.get("associations") or []:
            type_id = association["types"][0]["associationTypeId"]
            self.associations.append((record["id"], association["to"]["id"], type_id))
        return Answer(201, record)

    def _upsert(self, body: dict[str, Any]) -> Answer:
        [entry] = body["inputs"]
        if entry.get("idProperty") != "email":
            return _error(400, "VALIDATION_ERROR", "idProperty must be a unique property")
        email = entry["id"]
        record = next(
            (r for r in self.records["contacts"] if r["properties"].get("email") == email), None
        )
        new = record is None
        if record is None:
            record = self.add("contacts", email=email)
        record["properties"].update({k: str(v) for k, v in entry["properties"].items()})
        result = {**record, "new": new}
        return Answer(200, {"status": "COMPLETE", "results": [result], "errors": []})

    def _list(self, kind: str, query: dict[str, list[str]]) -> Answer:
        return self._page(
            kind,
            self.records[kind],
            query.get("limit", ["10"])[-1],
            query.get("after", ["0"])[-1],
            query.get("properties"),
        )

    def _page(
        self,
        kind: str,
        found: list[dict[str, Any]],
        limit: Any,
        after: Any,
        wanted: list[str] | None,
    ) -> Answer:
        limit, start = int(limit), int(after or 0)
        if limit > 200:
            return _error(400, "VALIDATION_ERROR", "limit must be at most 200")
        page = [self._view(kind, r, wanted) for r in found[start : start + limit]]
        body: dict[str, Any] = {"total": len(found), "results": page}
        if start + limit < len(found):
            body["paging"] = {"next": {"after": str(start + limit), "link": "?after"}}
        return Answer(200, body)

    def _search(self, kind: str, body: dict[str, Any]) -> Answer:
        found = [r for r in self.records[kind] if self._matches(r, body)]
        for sort in body.get("sorts") or []:
            found.sort(
                key=lambda r: r["properties"].get(sort["propertyName"]) or "",
                reverse=sort.get("direction") == "DESCENDING",
            )
        wanted = body.get("properties")
        return self._page(
            kind,
            found,
            body.get("limit", 10),
            body.get("after"),
            [",".join(wanted)] if wanted else None,
        )

    def _matches(self, record: dict[str, Any], body: dict[str, Any]) -> bool:
        props = record["properties"]
        text = str(body.get("query") or "").lower()
        if text and not any(text in str(v).lower() for v in props.values()):
            return False
        groups = body.get("filterGroups") or []
        return not groups or any(
            all(self._holds(props, f) for f in group["filters"]) for group in groups
        )

    def _holds(self, props: dict[str, Any], rule: dict[str, Any]) -> bool:
        have, want = props.get(rule["propertyName"]), str(rule.get("value"))
        if rule["operator"] == "EQ":
            return have == want
        if rule["operator"] == "CONTAINS_TOKEN":
            return want.lower() in str(have or "").lower()
        if have is None:
            return False
        if rule["operator"] == "GTE":
            return int(have) >= int(want)
        return rule["operator"] == "LT" and int(have) < int(want)
