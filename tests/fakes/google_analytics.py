"""A fake Analytics Data API (GA4, v1beta) next to the fake Google token endpoint: runReport
over an in-memory table of rows per property, with the API's date rules, its dimension and
metric headers, offset/limit paging, `rowCount`, and its error shapes (INVALID_ARGUMENT for an
unknown name or date, PERMISSION_DENIED for a property the account was not added to)."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, Received
from tests.fakes.google_sheets import FakeGoogle, google_error

DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|today|yesterday|\d+daysAgo)$")
REPORT = re.compile(r"^/v1beta/properties/(\d+):runReport$")


class FakeAnalytics(FakeGoogle):
    def __init__(self, public_key: Any) -> None:
        super().__init__(public_key)
        # property id -> rows, each {name: value} over dimensions and metrics
        self.properties: dict[str, list[dict[str, Any]]] = {}
        self.metric_names: set[str] = set()
        self.page_size = 250000  # the most rows one answer holds (the API's own cap)

    def respond(self, request: Received) -> Answer:
        match = REPORT.match(request.path)
        if not match:
            return super().respond(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return google_error(401, "UNAUTHENTICATED", "Request had invalid credentials.")
        rows = self.properties.get(match.group(1))
        if rows is None:
            return google_error(
                403,
                "PERMISSION_DENIED",
                "User does not have sufficient permissions for this property.",
            )
        body = request.json or {}
        for span in body.get("dateRanges") or []:
            for key in ("startDate", "endDate"):
                if not DATE.match(str(span.get(key, ""))):
                    return google_error(
                        400, "INVALID_ARGUMENT", f"Invalid {key}: {span.get(key)!r}."
                    )
        dimensions = [d["name"] for d in body.get("dimensions") or []]
        metrics = [m["name"] for m in body.get("metrics") or []]
        for name in metrics:
            if name not in self.metric_names:
                return google_error(400, "INVALID_ARGUMENT", f"Field {name} is not a valid metric.")
        chosen = [r for r in rows if all(d in r for d in dimensions)]
        if not body.get("keepEmptyRows"):
            chosen = [r for r in chosen if any(float(r.get(m, 0)) for m in metrics)]
        offset = int(body.get("offset") or 0)
        limit = min(int(body.get("limit") or 10000), self.page_size)
        answer: dict[str, Any] = {
            "dimensionHeaders": [{"name": d} for d in dimensions],
            "metricHeaders": [{"name": m, "type": "TYPE_INTEGER"} for m in metrics],
            "rowCount": len(chosen),
            "metadata": {"currencyCode": body.get("currencyCode", "USD"), "timeZone": "UTC"},
            "kind": "analyticsData#runReport",
        }
        page = chosen[offset : offset + limit]
        if page:
            answer["rows"] = [
                {
                    "dimensionValues": [{"value": str(r[d])} for d in dimensions],
                    "metricValues": [{"value": str(r.get(m, 0))} for m in metrics],
                }
                for r in page
            ]
        return Answer(200, answer)
