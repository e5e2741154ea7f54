"""OpenWeatherMap's weather API (`https://api.openweathermap.org/data/2.5`), over httpx through
the guarded transport.

Errors are JSON `{"cod": 401, "message": "Invalid API key. …"}` (`cod` a number or, for 404,
text); a 401 names the credential. A 429 says the account's calls per minute are used up.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.openweathermap.credentials import ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

PUBLIC_URL = "https://api.openweathermap.org"
MINUTE = 60.0  # its limits count calls per minute


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return None


def _minute(reply: http.Reply) -> float | None:
    return MINUTE


API = http.Api(
    "OpenWeatherMap",
    error_text=_error_text,
    fallback_wait=_minute,
    auth_statuses=frozenset({401}),
)


def call(secret: Secret, endpoint: str, params: dict[str, Any], *, what: str) -> Any:
    """GET `/data/2.5/<endpoint>` with `params` and the key as `appid`; its JSON answer."""
    fields = read_fields(ApiKey, secret)
    url = f"{fields.base_url or PUBLIC_URL}/data/2.5/{endpoint}"
    query = {**params, "appid": fields.api_key.get_secret_value()}
    reply = http.send(API, secret, "GET", url, what=what, params=query)
    if not isinstance(reply.body, dict):
        raise NodeError(
            f"OpenWeatherMap answered {what} with something that is not JSON; check the "
            "credential's base URL (leave it empty for OpenWeatherMap itself)."
        )
    return reply.body


def check_key(secret: Secret) -> str:
    """The current weather in London: one call, changing nothing."""
    call(secret, "weather", {"q": "London"}, what="current weather")
    return "Connected to OpenWeatherMap: the API key was accepted."
