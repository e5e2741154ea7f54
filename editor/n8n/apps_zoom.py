"""n8n's Zoom node (version 1) as WorkFuse's `app.zoom`, meeting resource: create (n8n's
Additional Fields and Settings under Zoom's own names, set ones only as n8n sends them), get,
getAll (`filters.type`), update and delete. n8n authenticated with a JWT app or a user's OAuth2
grant; WorkFuse uses the account's Server-to-Server OAuth app, on the same API."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, gets, lists, updates and deletes meetings"
OPERATIONS = {
    "create": "create_meeting",
    "get": "get_meeting",
    "getAll": "list_meetings",
    "update": "update_meeting",
    "delete": "delete_meeting",
}
FIELDS = {
    "topic": "topic",
    "type": "type",
    "startTime": "start_time",
    "duration": "duration",
    "scheduleFor": "schedule_for",
    "timeZone": "timezone",
    "password": "password",
    "agenda": "agenda",
}
SETTINGS = {
    "cnMeeting": "cn_meeting",
    "inMeeting": "in_meeting",
    "joinBeforeHost": "join_before_host",
    "muteUponEntry": "mute_upon_entry",
    "watermark": "watermark",
    "audio": "audio",
    "alternativeHosts": "alternative_hosts",
    "participantVideo": "participant_video",
    "hostVideo": "host_video",
    "autoRecording": "auto_recording",
    "registrationType": "registration_type",
}
LIMIT, MAX_RESULTS = 30, 3000
NOTE_START = (
    "n8n rewrote Start Time in the workflow's timezone{how}; WorkFuse sends it as written, so "
    "write it as {form}."
)


def _others(given: dict[str, Any], known: set[str], where: str) -> None:
    others = sorted(n for n, v in given.items() if n not in known and v not in ("", None, False))
    if others:
        raise Refusal(
            f"sets the {where} {', '.join(others)}, which WorkFuse's Zoom node does not send."
        )


def _meeting_fields(
    node: N8nNode, cx: Converter, given: dict[str, Any], notes: list[str]
) -> dict[str, Any]:
    """n8n's meeting fields as Zoom's: only the set (truthy) ones, as n8n sends them."""
    _others(given, {*FIELDS, "settings"}, "field(s)")
    fields = {FIELDS[n]: text(cx, node, v) for n, v in given.items() if n in FIELDS and v}
    settings = dict(given.get("settings") or {})
    _others(settings, set(SETTINGS), "setting(s)")
    chosen = {SETTINGS[n]: text(cx, node, v) for n, v in settings.items() if v}
    if chosen:
        fields["settings"] = chosen
    if "start_time" in fields:
        zoned = "timezone" in fields
        notes.append(
            NOTE_START.format(
                how=" and dropped its offset, Time Zone saying where it is" if zoned else "",
                form="YYYY-MM-DDTHH:mm:ss in that Time Zone"
                if zoned
                else "ISO 8601 with its offset (or Z)",
            )
        )
    return fields


def _zoom(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "meeting", {"meeting": "create"})
    if resource != "meeting" or op not in OPERATIONS:
        raise unsupported("Zoom", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {"operation": OPERATIONS[op]}
    notes = [credential_note("Zoom", "the account's Server-to-Server OAuth app")]
    if op == "create":
        config["topic"] = required(cx, node, "topic", "Topic")
        fields = _meeting_fields(node, cx, dict(p.get("additionalFields") or {}), notes)
        if fields:
            config["fields"] = fields
    elif op == "getAll":
        filters = dict(p.get("filters") or {})
        _others(filters, {"type"}, "filter(s)")
        if filters.get("type"):
            config["list_type"] = filters["type"]
        if p.get("returnAll"):
            config["max_results"] = MAX_RESULTS
            notes.append(f"n8n read every meeting; WorkFuse reads at most {MAX_RESULTS}.")
        else:
            limit = p.get("limit")
            config["max_results"] = limit if isinstance(limit, int) and limit >= 1 else LIMIT
    else:
        config["meeting_id"] = required(cx, node, "meetingId", "Meeting ID")
        if op == "update":
            fields = _meeting_fields(node, cx, dict(p.get("updateFields") or {}), notes)
            if fields:
                config["fields"] = fields
        else:
            extra = dict(p.get("additionalFields") or {})
            _others(extra, {"occurrenceId"}, "additional field(s)")
            if extra.get("occurrenceId"):
                config["occurrence_id"] = text(cx, node, extra["occurrenceId"])
    return Converted("app.zoom", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "meetings" if operation(node, "meeting", {"meeting": "create"})[1] == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}zoom"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}zoom": Spec(_zoom, "", per_node=_spec)}
