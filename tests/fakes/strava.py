"""A fake Strava: the token endpoint (POST `/oauth/token`, the refresh-token grant with the
application's id and secret in the form) and the API v3 (`/api/v3`, bearer token): `/athlete`,
activities created (POST `/activities`, a form), read and updated (PUT, a form),
`/athlete/activities` newest first by start time in `page` / `per_page` pages, an activity's
comments, kudos, laps, zones and `streams` (`keys`, `key_by_type`), Strava's `{message,
errors: [{resource, field, code}]}` errors and its 429 without `Retry-After`."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

CLIENT_ID = "48213"
CLIENT_SECRET = "9f1c2e3d4b5a69788796a5b4c3d2e1f0a9b8c7d6"
REFRESH_TOKEN = "strava-refresh-token-granted-by-ada"
ACCESS_TOKEN = "strava-access-token-for-ada"
ATHLETE = {"id": 134815, "firstname": "Ada", "lastname": "Lovelace"}
ACTIVITY = re.compile(r"^/api/v3/activities/(?P<id>\d+)(?:/(?P<part>\w+))?$")
CREATE_NEEDS = ("name", "start_date_local", "elapsed_time")


def error(status: int, message: str, resource: str, field: str, code: str) -> Answer:
    return Answer(
        status,
        {"message": message, "errors": [{"resource": resource, "field": field, "code": code}]},
    )


class FakeStrava(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.activities: list[dict[str, Any]] = []
        self.limited = False

    def add(self, name: str, start: str, **more: Any) -> dict[str, Any]:
        activity = {
            "id": 154504250376 + len(self.activities),
            "resource_state": 3,
            "athlete": {"id": ATHLETE["id"], "resource_state": 1},
            "name": name,
            "type": "Run",
            "sport_type": "Run",
            "start_date": start,
            "start_date_local": start,
            "elapsed_time": 3600,
            "moving_time": 3500,
            "distance": 10000.0,
            "private": False,
            "visibility": "everyone",
            "commute": False,
            "trainer": False,
            "description": None,
            "gear_id": None,
            "manual": True,
        } | more
        self.activities.append(activity)
        return activity

    def respond(self, request: Received) -> Answer:
        if request.path == "/oauth/token":
            return self._token(request.form)
        if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
            return error(401, "Authorization Error", "Athlete", "access_token", "invalid")
        if self.limited:
            limits = {"X-RateLimit-Limit": "200,2000", "X-RateLimit-Usage": "201,310"}
            answer = error(429, "Rate Limit Exceeded", "Application", "rate limit", "exceeded")
            return Answer(429, answer.body, headers=limits)
        if request.path == "/api/v3/athlete":
            return Answer(200, ATHLETE)
        if request.path == "/api/v3/athlete/activities":
            return self._page(request)
        if request.path == "/api/v3/activities" and request.method == "POST":
            return self._create(request.form)
        match = ACTIVITY.match(request.path)
        found = next((a for a in self.activities if match and str(a["id"]) == match["id"]), None)
        if match is None or found is None:
            return error(404, "Record Not Found", "Activity", "id", "invalid")
        if match["part"]:
            return self._part(found, match["part"], request)
        if request.method == "PUT":
            form = request.form
            for flag in ("commute", "trainer"):
                if flag in form:
                    found[flag] = form.pop(flag) in ("1", "true")
            found |= form
        return Answer(200, found)

    def _token(self, form: dict[str, str]) -> Answer:
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return error(401, "Bad Request", "Application", "client_id", "invalid")
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != REFRESH_TOKEN:
            return error(400, "Bad Request", "RefreshToken", "refresh_token", "invalid")
        return Answer(
            200,
            {
                "token_type": "Bearer",
                "access_token": ACCESS_TOKEN,
                "expires_at": 1893456000,
                "expires_in": 21600,
                "refresh_token": REFRESH_TOKEN,
            },
        )

    def _create(self, form: dict[str, str]) -> Answer:
        missing = next((f for f in CREATE_NEEDS if not form.get(f)), None)
        if missing is None and not (form.get("type") or form.get("sport_type")):
            missing = "sport_type"
        if missing is not None:
            return error(400, "Bad Request", "Activity", missing, "missing")
        activity = self.add(form["name"], form["start_date_local"])
        kind = form.get("type") or form["sport_type"]
        activity |= {"type": kind, "sport_type": kind, "elapsed_time": int(form["elapsed_time"])}
        activity["description"] = form.get("description")
        if "distance" in form:
            activity["distance"] = float(form["distance"])
        for flag in ("commute", "trainer"):
            activity[flag] = form.get(flag) in ("1", "true")
        return Answer(201, activity)

    def _page(self, request: Received) -> Answer:
        page = int(request.query.get("page", ["1"])[-1])
        size = int(request.query.get("per_page", ["30"])[-1])
        if size > 200:
            return error(400, "Bad Request", "Activity", "per_page", "invalid")
        newest = sorted(self.activities, key=lambda a: a["start_date"], reverse=True)
        summaries = [{**a, "resource_state": 2} for a in newest]
        return Answer(200, summaries[(page - 1) * size : page * size])

    def _part(self, activity: dict[str, Any], part: str, request: Received) -> Answer:
        if part == "streams":
            keys = request.query.get("keys", [""])[-1].split(",")
            if request.query.get("key_by_type") != ["true"]:
                return error(400, "Bad Request", "Stream", "key_by_type", "invalid")
            return Answer(
                200,
                {
                    key: {
                        "data": [1, 2, 3],
                        "series_type": "distance",
                        "original_size": 3,
                        "resolution": "high",
                    }
                    for key in ["distance", *keys]
                },
            )
        lists: dict[str, list[Any]] = {
            "comments": [
                {"id": n, "text": f"Nice {n}", "activity_id": activity["id"]} for n in range(3)
            ],
            "kudos": [{"firstname": "Bo", "lastname": "K."}, {"firstname": "Cy", "lastname": "L."}],
            "laps": [
                {"id": 1, "lap_index": 1, "distance": 5000.0},
                {"id": 2, "lap_index": 2, "distance": 5000.0},
            ],
            "zones": [{"type": "heartrate", "distribution_buckets": []}],
        }
        if part not in lists:
            return error(404, "Record Not Found", "Activity", part, "invalid")
        return Answer(200, lists[part])
