"""n8n's NASA node (version 1) as WorkFuse's `app.nasa`: the Astronomy Picture of the Day with
Download Image off (APOD's JSON is the one output item, as in n8n)."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

APOD = "astronomyPictureOfTheDay"


def _nasa(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, APOD, {APOD: "get"})
    if resource != APOD or op != "get":
        raise unsupported("NASA", resource, op, "it gets the Astronomy Picture of the Day")
    if node.params.get("download", True) is not False:
        raise Refusal(
            "downloads the picture (Download Image is on, n8n's default); WorkFuse's NASA node "
            "outputs its URL: turn Download Image off in n8n (an HTTP Request node can fetch "
            "the url) and export again."
        )
    config: dict[str, Any] = {"operation": "apod"}
    date = text(cx, node, dict(node.params.get("additionalFields") or {}).get("date"))
    if date not in ("", None):
        config["date"] = date
    return Converted("app.nasa", config, notes=[credential_note("NASA", "an api.nasa.gov key")])


SPECS: dict[str, Spec] = {f"{BASE}nasa": Spec(_nasa, "")}
