"""A fake ProfitWell API v2: the token as the `Authorization` header itself, `GET
/v2/company/settings/`, `GET /v2/metrics/monthly` and `/v2/metrics/daily` (`month`, `plan_id`,
`metrics`) answering `{"data": {<metric>: [{"date", "value"}, ...]}}`, and ProfitWell's
`{"error"}` refusals (a daily month other than the current or previous one)."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

TOKEN = "pw-fake-token-ABCDEF0123456789"
MONTHLY = {
    "recurring_revenue": [
        {"date": "2024-04", "value": 1000.0},
        {"date": "2024-05", "value": 1250.5},
    ],
    "active_customers": [{"date": "2024-04", "value": 40}, {"date": "2024-05", "value": 47}],
    "growth_rate": [{"date": "2024-04", "value": 0.1}, {"date": "2024-05", "value": 0.25}],
}
DAILY = {
    "recurring_revenue": [
        {"date": "2024-05-01", "value": 1200.0},
        {"date": "2024-05-02", "value": 1210.0},
    ],
    "active_customers": [
        {"date": "2024-05-01", "value": 45},
        {"date": "2024-05-02", "value": 46},
    ],
}
PLANS = {"pro": 0.5}  # a plan's share of every amount


class FakeProfitWell(FakeService):
    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != TOKEN:
            return Answer(401, {"error": "Invalid API token"})
        query = {k: v[-1] for k, v in request.query.items()}
        if request.path == "/v2/company/settings/":
            return Answer(200, {"currency": "usd", "exclude_trialing": False})
        if request.path == "/v2/metrics/monthly":
            return Answer(200, {"data": self._chosen(MONTHLY, query)})
        if request.path == "/v2/metrics/daily":
            if query.get("month") not in ("2024-05", "2024-04"):
                return Answer(400, {"error": "month must be the current or the previous one"})
            return Answer(200, {"data": self._chosen(DAILY, query)})
        return Answer(404, {"error": "Not found"})

    def _chosen(self, series: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
        wanted = query["metrics"].split(",") if query.get("metrics") else list(series)
        share = PLANS.get(query.get("plan_id", ""), 1)
        return {
            name: [{"date": p["date"], "value": p["value"] * share} for p in series[name]]
            for name in wanted
            if name in series
        }
