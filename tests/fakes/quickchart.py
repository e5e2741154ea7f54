"""A fake QuickChart: GET `/chart` with the Chart.js configuration in `chart` (and `format`,
`width`, `height`, …) answers an image (PNG by default, SVG, WebP or PDF) and records the chart
it drew; a configuration that is not JSON gets QuickChart's 400 text; GET `/healthcheck`; with
`key` set, a request without that API key is refused (403)."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes import Answer, FakeService, Received

PNG = b"\x89PNG\r\n\x1a\nfake-chart"
TYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "webp": "image/webp",
    "pdf": "application/pdf",
}


class FakeQuickChart(FakeService):
    def __init__(self, key: str = "") -> None:
        super().__init__()
        self.key = key
        self.charts: list[dict[str, Any]] = []

    def respond(self, request: Received) -> Answer:
        query = {k: v[-1] for k, v in request.query.items()}
        if self.key and query.get("key") != self.key:
            return Answer(403, "Invalid API key")
        if request.path == "/healthcheck":
            return Answer(200, {"success": True, "version": "1.8.0"})
        if request.path != "/chart":
            return Answer(404, "Not found")
        try:
            chart = json.loads(query.get("chart", ""))
        except ValueError:
            return Answer(400, "Invalid chart config")
        self.charts.append(chart)
        kind = TYPES.get(query.get("format", "png"), "image/png")
        body = PNG if kind == "image/png" else f"<{query.get('format')} chart>".encode()
        return Answer(200, body, {"Content-Type": kind})
