"""A fake Clearbit: the key as a bearer token, person lookups (GET `/v2/people/find?email=`),
company lookups (GET `/v2/companies/find?domain=`), a record still being looked up (202, no
body), company autocomplete (GET `/v1/companies/suggest?query=`), and Clearbit's
`{"error": {"type", "message"}}`."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "sk_2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c"
PEOPLE = {
    "alex@stripe.com": {
        "id": "d54c54ad-40be-4305-8a34-0ab44710b90d",
        "name": {"fullName": "Alex MacCaw", "givenName": "Alex", "familyName": "MacCaw"},
        "email": "alex@stripe.com",
        "employment": {"domain": "stripe.com", "name": "Stripe", "title": "Engineer"},
    }
}
COMPANIES = {
    "stripe.com": {
        "id": "3f5d6a4e-c284-4f78-bfdf-7669b45af907",
        "name": "Stripe",
        "domain": "stripe.com",
        "metrics": {"employees": 8000},
    },
    "clearbit.com": {"id": "c1", "name": "Clearbit", "domain": "clearbit.com"},
}
PENDING = "new@startup.example"


def error(status: int, kind: str, message: str) -> Answer:
    return Answer(status, {"error": {"type": kind, "message": message}})


class FakeClearbit(FakeService):
    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return error(401, "auth_required", "Invalid API key provided.")
        query = {k: v[-1] for k, v in request.query.items()}
        if request.path == "/v2/people/find":
            email = query.get("email", "")
            if email == PENDING:
                return Answer(202)
            if "@" not in email:
                return error(422, "email_invalid", "Invalid email.")
            return self._found(PEOPLE.get(email))
        if request.path == "/v2/companies/find":
            return self._found(COMPANIES.get(query.get("domain", "")))
        if request.path == "/v1/companies/suggest":
            start = query.get("query", "").lower()
            return Answer(
                200,
                [
                    {"name": c["name"], "domain": c["domain"], "logo": None}
                    for c in COMPANIES.values()
                    if c["name"].lower().startswith(start)
                ],
            )
        return error(404, "not_found", "Not found.")

    def _found(self, record: dict[str, Any] | None) -> Answer:
        if record is None:
            return error(404, "unknown_record", "Unknown email address or domain.")
        return Answer(200, record)
