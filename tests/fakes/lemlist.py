"""A fake lemlist API (`/api`): Basic auth with an empty user name and the API key, `/team`,
leads (POST, DELETE `/campaigns/<id>/leads/<email>`, `?action=remove` removing, else
unsubscribing; GET `/leads/<email>`), and lemlist's plain-text errors."""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import unquote

from tests.fakes import Answer, FakeService, Received

KEY = "8c1f7d1b0a9e4d2c9e0f1a2b3c4d5e6f"
CAMPAIGN = "cam_H5pYEryq6mRKBiy5v"
IN_CAMPAIGN = re.compile(r"/api/campaigns/(?P<campaign>[^/]+)/leads/(?P<email>[^/]+)$")
LEAD = re.compile(r"/api/leads/(?P<email>[^/]+)$")


class FakeLemlist(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.leads: dict[str, dict[str, Any]] = {}

    def respond(self, request: Received) -> Answer:
        expected = "Basic " + base64.b64encode(f":{KEY}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return Answer(401, "Unauthorized")
        if request.path == "/api/team":
            return Answer(200, {"_id": "tea_1", "name": "Acme"})
        if found := LEAD.match(request.path):
            lead = self.leads.get(unquote(found["email"]))
            return Answer(200, lead) if lead else Answer(404, "Lead not found")
        found = IN_CAMPAIGN.match(request.path)
        if not found:
            return Answer(404, "Not found")
        if found["campaign"] != CAMPAIGN:
            return Answer(404, "Campaign not found")
        email = unquote(found["email"])
        if request.method == "POST":
            if email in self.leads and request.query.get("deduplicate") == ["true"]:
                return Answer(409, "Lead already in a campaign")
            lead = {
                "_id": f"lea_{len(self.leads) + 1}",
                "email": email,
                "campaignId": CAMPAIGN,
                "isPaused": False,
                **(request.json or {}),
            }
            self.leads[email] = lead
            return Answer(200, lead)
        if request.method == "DELETE":
            lead = self.leads.get(email)
            if lead is None:
                return Answer(404, "Lead not found")
            if request.query.get("action") == ["remove"]:
                del self.leads[email]
            else:
                lead["isPaused"] = True
                lead["state"] = "unsubscribed"
            return Answer(200, {"_id": lead["_id"], "email": email})
        return Answer(405, "Method not allowed")
