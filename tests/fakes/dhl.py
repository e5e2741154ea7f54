"""A fake DHL Shipment Tracking - Unified API: the key in `DHL-API-Key` (401 otherwise),
`/track/shipments?trackingNumber=…[&recipientPostalCode=…]` answering `{"shipments": [...]}`,
and DHL's problem details `{"title", "status", "detail"}` (404 for an unknown number)."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "dhl-fake-key-5Kq"
PARCELS = {"00340434292135100186": "53113", "7777777770": "10115"}


def problem(status: int, title: str, detail: str) -> Answer:
    return Answer(status, {"title": title, "status": status, "detail": detail})


def shipment(number: str, postal: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": number,
        "service": "parcel-de",
        "status": {"statusCode": "transit", "status": "The shipment is on its way."},
    }
    if postal == PARCELS[number]:  # the postal code unlocks the events
        found["events"] = [{"timestamp": "2024-02-01T09:00:00", "statusCode": "transit"}]
    return found


class FakeDhl(FakeService):
    def respond(self, request: Received) -> Answer:
        if request.headers.get("dhl-api-key") != KEY:
            return problem(401, "Unauthorized", "Invalid API key.")
        number = request.query.get("trackingNumber", [""])[-1]
        if request.path != "/track/shipments" or number not in PARCELS:
            return problem(404, "No result found", "No shipment with given tracking number found.")
        postal = request.query.get("recipientPostalCode", [None])[-1]
        return Answer(200, {"shipments": [shipment(number, postal)]})
