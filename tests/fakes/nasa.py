"""A fake api.nasa.gov: the key as the `api_key` query parameter (the gateway's 403
`{"error": {"code", "message"}}` otherwise), and `/planetary/apod` answering a day's picture,
today's without `date`, APOD's `{"code": 400, "msg"}` for a day it has no picture of."""

from __future__ import annotations

from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "nasa-fake-key-7c1d2e"
TODAY = "2024-02-01"


def picture(day: str) -> dict[str, Any]:
    return {
        "date": day,
        "title": f"Nebula of {day}",
        "explanation": "A cloud of gas and dust.",
        "media_type": "image",
        "url": f"https://apod.nasa.gov/apod/image/{day}.jpg",
        "hdurl": f"https://apod.nasa.gov/apod/image/{day}_hd.jpg",
        "service_version": "v1",
    }


class FakeNasa(FakeService):
    def respond(self, request: Received) -> Answer:
        if request.query.get("api_key") != [KEY]:
            error = {"code": "API_KEY_INVALID", "message": "An invalid api_key was supplied."}
            return Answer(403, {"error": error})
        if request.path != "/planetary/apod":
            return Answer(404, {"error": {"code": "NOT_FOUND", "message": "No such API."}})
        day = request.query.get("date", [TODAY])[-1]
        if day > TODAY:
            msg = f"Date must be between Jun 16, 1995 and {TODAY}."
            return Answer(400, {"code": 400, "msg": msg, "service_version": "v1"})
        return Answer(200, picture(day))
