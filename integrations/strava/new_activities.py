"""trigger.poll's `strava` source (n8n's Strava Trigger): the athlete's newest activities.

n8n's trigger subscribes to Strava's push events (one subscription per API application, at a
public callback URL) and, with Resolve Data on, reads the activity each event names. WorkFuse
asks instead, at each poll, for the athlete's newest activities (GET /athlete/activities,
newest first by start time) and the poll remembers what it has seen. Each item has the shape
of n8n's event (`aspect_type`, `object_type`, `object_id`, `owner_id`, `event_time`,
`updates`, and the activity as `object_data`) with `change_id` added:

* activity_created: new by `object_id`, a run per activity that appears (`aspect_type`
  create);
* activity_changed: new by `change_id`, the id with the name, sport type and visibility that
  Strava's update events report, so a run starts for each such change, and for each activity
  that appears too (a poll cannot tell the two apart; `aspect_type` update).

`object_data` is the summary the list gives (distance, times, speeds, heart rate, elevation…),
not the detailed activity (description, laps, segment efforts): a Strava get_activity step
reads that. Deletions and athlete events are not seen."""

from __future__ import annotations

import time
from typing import Any

from integrations.strava.rest_api import Athlete
from workfuse.lib.node_run import Secret

POLL_MAX = 30  # Strava's default page: the newest activities since a poll minutes ago
EVENTS = ("activity_created", "activity_changed")


def poll_activities(secret: Secret, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The athlete's newest activities as n8n's events. Raises NodeError."""
    changed = settings.get("strava_event") == "activity_changed"
    listed = Athlete(secret).call(
        "GET", "/athlete/activities", "list_activities", params={"per_page": POLL_MAX}
    )
    now = int(time.time())
    items: list[dict[str, Any]] = []
    for activity in listed if isinstance(listed, list) else []:
        if not isinstance(activity, dict) or activity.get("id") is None:
            continue
        kind = activity.get("sport_type") or activity.get("type")
        seen = activity.get("visibility") or ("only_me" if activity.get("private") else "")
        athlete = activity.get("athlete")
        items.append(
            {
                "aspect_type": "update" if changed else "create",
                "event_time": now,
                "object_id": activity["id"],
                "object_type": "activity",
                "owner_id": athlete.get("id") if isinstance(athlete, dict) else None,
                "updates": {},
                "object_data": activity,
                "change_id": f"{activity['id']}@{activity.get('name')}|{kind}|{seen}",
            }
        )
    return items
