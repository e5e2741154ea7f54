"""A fake CoinGecko API v3: keyless, or a Demo key in `x-cg-demo-api-key` (401 with
`{"status": {"error_code", "error_message"}}` for a wrong one); `/ping`, `/coins/<id>` with its
six section flags, `/simple/price` and `/coins/markets` by pages (`per_page`, `page`), and
`{"error": "coin not found"}` (404)."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "CG-fakeDemoKey9x8w7"
PRICES = {"bitcoin": 64000.5, "ethereum": 3100.25, "dogecoin": 0.16}
SECTIONS = (
    "community_data",
    "developer_data",
    "localization",
    "market_data",
    "sparkline",
    "tickers",
)


class FakeCoinGecko(FakeService):
    def respond(self, request: Received) -> Answer:
        sent = request.headers.get("x-cg-demo-api-key")
        if sent is not None and sent != KEY:
            status = {"error_code": 10002, "error_message": "Invalid API Key"}
            return Answer(401, {"status": status})
        q = {k: v[-1] for k, v in request.query.items()}
        if request.path == "/ping":
            return Answer(200, {"gecko_says": "(V3) To the Moon!"})
        if request.path == "/simple/price":
            currencies = q["vs_currencies"].split(",")
            found = {
                c: {v: PRICES[c] for v in currencies} for c in q["ids"].split(",") if c in PRICES
            }
            return Answer(200, found)
        if request.path == "/coins/markets":
            rows = [
                {"id": c, "current_price": p, "market_cap_rank": n + 1, "vs": q["vs_currency"]}
                for n, (c, p) in enumerate(PRICES.items())
                if "ids" not in q or c in q["ids"].split(",")
            ]
            page, size = int(q.get("page", 1)), int(q.get("per_page", 100))
            return Answer(200, rows[(page - 1) * size : page * size])
        coin = request.path.removeprefix("/coins/")
        if coin not in PRICES:
            return Answer(404, {"error": "coin not found"})
        body: dict[str, Any] = {"id": coin, "symbol": coin[:3], "name": coin.title()}
        if q.get("market_data") == "true":
            body["market_data"] = {"current_price": {"usd": PRICES[coin]}}
        body["sections_asked"] = {s: q.get(s) for s in SECTIONS}
        return Answer(200, body)
