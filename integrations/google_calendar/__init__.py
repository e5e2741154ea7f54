"""Google Calendar (DESIGN §11): the node app.google_calendar, with the same service-account key
credential as Google Sheets and Drive (one kind, `google_sheets`: a user connecting several
Google services pastes the key once; the token asks for Calendar's scope)."""

from __future__ import annotations

from integrations.google_calendar import new_events, node
from integrations.google_sheets import SERVICE as SHEETS
from integrations.service import Service

SERVICE = Service(
    name="google_calendar",
    label="Google Calendar",
    kinds=SHEETS.kinds,
    node=node.NODE,
    # --- strava: trigger.poll's google_calendar source (n8n's Google Calendar Trigger) ---
    poll=new_events.poll_events,
    # --- end strava ---
)
