"""n8n's Strava node (version 1) as WorkFuse's `app.strava`, and its Strava Trigger as
trigger.poll with the `strava` source (integrations/strava/new_activities.py).

The node's activity operations map one to one. n8n emits one item per listed entry; WorkFuse's
node outputs them as `items`, which the Spec names so the nodes after it run once per item.

n8n's trigger subscribes to Strava's push events at a public callback URL; WorkFuse polls the
athlete's newest activities instead (every 5 minutes: 2 of Strava's 100 reads per 15 minutes),
with the event's shape and the activity summary as `object_data`. What a poll cannot see is
refused by name: deleted activities and athlete events."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, listed, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates, gets, lists and updates activities and reads their comments, kudos, laps, "
    "zones and streams"
)
OPS = {
    "create": "create_activity",
    "get": "get_activity",
    "update": "update_activity",
    "getAll": "list_activities",
    "getComments": "list_comments",
    "getKudos": "list_kudos",
    "getLaps": "list_laps",
    "getZones": "list_zones",
    "getStreams": "get_streams",
}
LISTS = {"getAll", "getComments", "getKudos", "getLaps", "getZones"}
LIMIT, MAX_RESULTS = 50, 5000
CREDENTIAL = credential_note(
    "Strava", "an API application's client id and secret and a refresh token"
)
POLL_SECONDS = 300
FIELDS = {"name": "name", "type": "activity_type", "description": "description"}


def _fields(cx: Converter, node: N8nNode, given: Any) -> dict[str, Any]:
    """Additional Fields / Update Fields as the node's settings."""
    fields = given if isinstance(given, dict) else {}
    config: dict[str, Any] = {}
    for n8n_name, name in (*FIELDS.items(), ("gear_id", "gear_id"), ("distance", "distance")):
        if fields.get(n8n_name) not in (None, ""):
            config[name] = text(cx, node, fields[n8n_name])
    for flag in ("commute", "trainer"):
        if isinstance(fields.get(flag), bool):
            config[flag] = fields[flag]
    return config


def _strava(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "activity", {"activity": "create"})
    if resource != "activity" or op not in OPS:
        raise unsupported("Strava", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {"operation": OPS[op]}
    notes = [CREDENTIAL]
    if op != "create" and op != "getAll":
        config["activity_id"] = required(cx, node, "activityId", "Activity ID")
    if op == "create":
        config["name"] = required(cx, node, "name", "Name")
        config["activity_type"] = required(cx, node, "type", "Type")
        config["start_date"] = required(cx, node, "startDate", "Start Date")
        config["elapsed_time"] = text(cx, node, p.get("elapsedTime", 0))
        config |= _fields(cx, node, p.get("additionalFields"))
    if op == "update":
        config |= _fields(cx, node, p.get("updateFields"))
    if op == "getStreams":
        keys = p.get("keys")
        config["stream_keys"] = keys if isinstance(keys, list) else listed(cx, node, keys)
    if op in LISTS:
        if p.get("returnAll"):
            config["max_results"] = MAX_RESULTS
            notes.append(f"n8n read every entry; WorkFuse reads at most {MAX_RESULTS}.")
        else:
            limit = p.get("limit")
            config["max_results"] = limit if isinstance(limit, int) and limit >= 1 else LIMIT
    return Converted("app.strava", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    _, op = operation(node, "activity", {"activity": "create"})
    many = "items" if op in LISTS else None
    return dataclasses.replace(SPECS[f"{BASE}strava"], per_node=None, items=many)


def _strava_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    kind, event = str(p.get("object") or "*"), str(p.get("event") or "*")
    if kind == "athlete":
        raise Refusal(
            "starts on athlete events (an athlete's changes or revoked access), which WorkFuse's "
            "Strava poll of activities cannot see; set Object to Activity in n8n and export "
            "again."
        )
    if event == "delete":
        raise Refusal(
            "starts on deleted activities, which WorkFuse's Strava poll of the newest "
            "activities cannot see; choose Created or Updated in n8n and export again."
        )
    notes = [
        CREDENTIAL,
        "n8n subscribed to Strava's push events; WorkFuse asks Strava for the athlete's 30 "
        f"newest activities every {POLL_SECONDS // 60} minutes, and gives each activity's "
        "summary as object_data (a Strava get_activity step reads the whole activity).",
    ]
    if kind == "*" or event == "*":
        notes.append(
            "n8n also started on athlete events and deleted activities (Object or Event "
            "[All]); WorkFuse's poll sees new and changed activities only."
        )
    if event == "update":
        notes.append(
            "WorkFuse starts a run when an activity's name, sport type or visibility changes "
            "(what Strava's update events report), and also when a new activity appears: a "
            "poll cannot tell the two apart."
        )
    changed = event in ("update", "*")
    config: dict[str, Any] = {
        "source": "strava",
        "strava_event": "activity_changed" if changed else "activity_created",
        "id_field": "change_id" if changed else "object_id",
        "interval_seconds": POLL_SECONDS,
    }
    return Converted("trigger.poll", config, notes=notes)


SPECS: dict[str, Spec] = {
    f"{BASE}strava": Spec(_strava, "", per_node=_spec),
    f"{BASE}stravaTrigger": Spec(_strava_trigger, "trigger"),
}
