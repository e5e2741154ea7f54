"""A fake SecurityScorecard API: the key as `Authorization: Token <key>`; reports generated (POST
`/reports/<type>`, answered `{id, status}` and listed at once), the recent ones (GET
`/reports/recent` as `{entries}`, each with its `download_url`), a report's file (GET
`/reports/files/<name>`), a company's scorecard (GET `/companies/<domain>`), the portfolios
(GET `/portfolios`), and SecurityScorecard's `{"error": {"message", "statusCode"}}` errors."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "ssc-fake-key-9d1e"
PDF = b"%PDF-1.4 fake scorecard report\n%%EOF\n"
TYPES = {
    "detailed",
    "events-json",
    "full-scorecard-json",
    "issues",
    "partnership",
    "portfolio",
    "scorecard-footprint",
    "summary",
}


def error(status: int, message: str) -> Answer:
    return Answer(status, {"error": {"message": message, "statusCode": status}})


class FakeSecurityScorecard(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.reports: list[dict[str, Any]] = []

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Token {KEY}":
            return error(401, "Authentication failed")
        path = request.path
        if path == "/portfolios":
            return Answer(200, {"entries": [{"id": "p1", "name": "Vendors"}]})
        if path == "/reports/recent":
            return Answer(200, {"entries": list(reversed(self.reports))})
        if path.startswith("/reports/files/"):
            return Answer(200, PDF, {"Content-Type": "application/pdf"})
        if path.startswith("/reports/") and request.method == "POST":
            return self._generate(path.removeprefix("/reports/"), request.json)
        if path.startswith("/companies/"):
            domain = path.removeprefix("/companies/")
            if domain != "n8n.io":
                return error(404, f"Company {domain} not found")
            return Answer(200, {"domain": domain, "name": "n8n", "score": 91, "grade": "A"})
        return error(404, "Not found")

    def _generate(self, kind: str, body: dict[str, Any]) -> Answer:
        if kind not in TYPES:
            return error(400, f"Unknown report {kind}")
        params = body.get("params", body)
        if kind in ("events-json", "full-scorecard-json") and "params" not in body:
            return error(400, "params is required")
        if "scorecard_identifier" not in params and "portfolio_id" not in params:
            return error(400, "scorecard_identifier is required")
        report_id = f"r{len(self.reports) + 1}"
        self.reports.append(
            {
                "id": report_id,
                "report_type": kind,
                "params": params,
                "completed_at": "2024-05-01T10:00:00.000Z",
                "download_url": f"{self.url}/reports/files/{report_id}.pdf",
            }
        )
        return Answer(200, {"id": report_id, "status": "pending", "params": params})
