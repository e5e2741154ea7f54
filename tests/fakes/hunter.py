"""A fake Hunter API v2: the key in the `api_key` query parameter, GET `/v2/domain-search`
(`domain`, `type`, `seniority`, `department`, `limit` at most 100, `offset`; `{data: {…, emails},
meta: {results, limit, offset}}`), `/v2/email-finder`, `/v2/email-verifier` (202 while a
verification is running), `/v2/account`, and Hunter's `{"errors": [{"id", "code", "details"}]}`."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e"
DOMAIN = "stripe.com"
SLOW = "slow@stripe.com"


def _email(n: int, kind: str, seniority: str) -> dict[str, Any]:
    return {
        "value": f"person{n}@{DOMAIN}" if kind == "personal" else f"info{n}@{DOMAIN}",
        "type": kind,
        "confidence": 90,
        "seniority": seniority,
        "department": "it",
        "first_name": f"Person{n}",
        "last_name": "Example",
    }


EMAILS = [
    _email(n, "personal" if n % 3 else "generic", "senior" if n % 2 else "junior") for n in range(7)
]


def errors(status: int, kind: str, details: str) -> Answer:
    return Answer(status, {"errors": [{"id": kind, "code": status, "details": details}]})


class FakeHunter(FakeService):
    def respond(self, request: Received) -> Answer:
        query = {k: v[-1] for k, v in request.query.items()}
        if query.get("api_key") != KEY:
            return errors(401, "authentication_failed", "No user found for the API key supplied")
        if request.path == "/v2/account":
            return Answer(200, {"data": {"email": "ops@example.com", "plan_name": "Starter"}})
        if request.path == "/v2/domain-search":
            return self._domain_search(query)
        if request.path == "/v2/email-finder":
            missing = [k for k in ("domain", "first_name", "last_name") if not query.get(k)]
            if missing:
                return errors(400, "wrong_params", f"You are missing the {missing[0]} parameter")
            address = f"{query['first_name'].lower()}@{query['domain']}"
            data = {"email": address, "score": 97, "domain": query["domain"], "sources": []}
            return Answer(200, {"data": data, "meta": {"params": query}})
        if request.path == "/v2/email-verifier":
            email = query.get("email", "")
            if email == SLOW:
                return Answer(202, {"data": {"status": "unknown"}})
            status = "valid" if email.endswith(f"@{DOMAIN}") else "invalid"
            data = {
                "email": email,
                "status": status,
                "result": "deliverable" if status == "valid" else "undeliverable",
                "score": 95,
            }
            return Answer(200, {"data": data, "meta": {"params": {"email": email}}})
        return errors(404, "route_not_found", "This route is not valid.")

    def _domain_search(self, query: dict[str, str]) -> Answer:
        if query.get("domain") != DOMAIN:
            return errors(400, "wrong_params", "You are missing the domain parameter")
        limit, offset = int(query.get("limit", "10")), int(query.get("offset", "0"))
        if limit > 100:
            return errors(400, "pagination_error", "The limit must be at most 100")
        emails = [
            e
            for e in EMAILS
            if query.get("type", e["type"]) == e["type"]
            and e["seniority"] in query.get("seniority", e["seniority"]).split(",")
        ]
        data = {
            "domain": DOMAIN,
            "organization": "Stripe",
            "pattern": "{first}",
            "emails": emails[offset : offset + limit],
        }
        meta = {"results": len(emails), "limit": limit, "offset": offset}
        return Answer(200, {"data": data, "meta": meta})
