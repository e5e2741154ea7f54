"""Strava (DESIGN §11): an API application and a refresh token its athlete granted it, the node
app.strava (activities), and trigger.poll's strava source (n8n's Strava Trigger)."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.strava import new_activities, node, rest_api
from integrations.strava.credentials import StravaOAuth2

SERVICE = Service(
    name="strava",
    label="Strava",
    kinds=(CredentialKind(StravaOAuth2, test=rest_api.check),),
    node=node.NODE,
    poll=new_activities.poll_activities,
)
