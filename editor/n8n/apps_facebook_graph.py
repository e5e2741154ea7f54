"""n8n's Facebook Graph API node (version 1) as WorkFuse's `app.facebook_graph`: its method,
Graph API version, node, edge, fields and query parameters (both the list and the JSON
object) carried over. Binary uploads are refused; so is skipping certificate checks."""

from __future__ import annotations

import json
from typing import Any

from editor.n8n.apps_base import credential_note, text
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

METHODS = {"GET": "get", "POST": "post", "DELETE": "delete"}


def _json_parameters(node: N8nNode, raw: Any) -> dict[str, Any]:
    if raw in (None, "", "{}"):
        return {}
    if isinstance(raw, str) and raw.startswith("="):
        raise Refusal(
            "sets Query Parameters JSON with an expression, which this import does not read; "
            "list the parameters under Query Parameters in n8n and export again."
        )
    try:
        parsed = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        # n8n ignores JSON it cannot parse and sends none of it: so does the import.
        return {}
    return parsed


def _facebook_graph(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    method = str(p.get("httpRequestMethod") or "GET")
    if method not in METHODS:
        raise Refusal(
            f"uses the HTTP method {method}, which the Graph API node does not send (GET, POST, "
            "DELETE); choose one in n8n and export again."
        )
    if p.get("sendBinaryData"):
        raise Refusal(
            "sends a binary file (Send Binary File), which WorkFuse's Facebook Graph API node "
            "does not upload; pass the file by URL (a video_url or image_url query parameter) "
            "in n8n and export again."
        )
    if p.get("allowUnauthorizedCerts"):
        raise Refusal(
            "ignores SSL issues (Ignore SSL Issues), which WorkFuse never does; turn it off "
            "in n8n and export again."
        )
    target = text(cx, node, p.get("node"))
    if target in ("", None):
        raise Refusal("names no Node to call; set it in n8n and export again.")
    op = METHODS[method]
    config: dict[str, Any] = {"operation": op, "node_id": target}
    if p.get("edge"):
        config["edge"] = text(cx, node, p["edge"])
    if p.get("graphApiVersion"):
        config["version"] = str(p["graphApiVersion"])
    options = dict(p.get("options") or {})
    names = [f.get("name") for f in (options.get("fields") or {}).get("field") or []]
    if op == "get" and any(names):
        config["fields"] = [text(cx, node, n) for n in names if n]
    query: dict[str, Any] = {}
    for parameter in (options.get("queryParameters") or {}).get("parameter") or []:
        if parameter.get("name"):
            query[str(parameter["name"])] = text(cx, node, parameter.get("value", ""))
    # n8n lays the JSON object over the listed parameters.
    query |= _json_parameters(node, options.get("queryParametersJson"))
    if query:
        config["query"] = query
    if p.get("hostUrl") == "graph-video.facebook.com" and op == "post":
        config["video_host"] = True
    notes = [credential_note("Facebook Graph API", "an access token")]
    return Converted("app.facebook_graph", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}facebookGraphApi": Spec(_facebook_graph, "")}
