"""Files through n8n's HTTP Request versions 1 and 2 (http_request_legacy.py) and version 3
and later (http_request.py): a response saved as a file, and a file sent as the body.

As n8n's node source does (HttpRequestV1/V2/V3 `execute`): a response saved as a file goes in
the item's binary property (`dataPropertyName` in versions 1 and 2, `outputPropertyName`
later), and the item's JSON stays the input item's (the status, headers and reason phrase with
Full Response on), so `$json` after it reads the node before it. Send Binary Data (versions 1
and 2, with JSON/RAW Parameters on) sends the input item's file as the whole body (RAW/Custom)
or as multipart fields named `field:property, ...` (`file` for a lone property name).
"""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import Converter, N8nNode, Refusal

FORM_METHODS = ("PATCH", "POST", "PUT")
FULL_RESPONSE_NOTE = (
    "n8n's full response has statusMessage (the reason phrase); WorkFuse's output has status "
    "and headers beside the file."
)


def file_output(node: N8nNode, prop: str, full: bool, notes: list[str]) -> dict[str, Any]:
    """The Spec fields of a node whose response is saved as a file in binary property `prop`:
    the file, and `$json` the input item's (None: look through) or, with Full Response, the
    response's status and headers (`full`: n8n's Full Response)."""
    if prop.startswith("="):
        raise Refusal(
            f"names the binary property of its response file with an expression ({prop}); "
            "WorkFuse follows a file by a fixed property name. Set a name in n8n and export again."
        )
    spec: dict[str, Any] = {"binary": ((prop, f"nodes.{node.id}.file"),), "data": None}
    if full:
        spec.update({"data": "", "aliases": (("statusCode", "status"),)})
        notes.append(FULL_RESPONSE_NOTE)
    if node.version < 3:
        notes.append(
            "WorkFuse names the file from the server's Content-Disposition header, else the "
            "URL's path, and types it by the Content-Type header; n8n named it by the URL's "
            "last segment and typed it by its extension."
        )
    return spec


def binary_body(
    node: N8nNode,
    cx: Converter,
    method: str,
    options: dict[str, Any],
    headers: dict[str, Any],
    notes: list[str],
) -> dict[str, Any]:
    """Send Binary Data (versions 1 and 2) as an action.http file or multipart body."""
    content_type = options.get("bodyContentType") or "json"
    names = str(node.params.get("binaryPropertyName") or "data")
    if content_type == "raw":
        if not any(k.lower() == "content-type" for k in headers) and not options.get(
            "bodyContentCustomMimeType"
        ):
            notes.append(
                "WorkFuse sends the file with its own Content-Type; n8n sent it with none "
                "unless a header set one."
            )
        return {"body_type": "file", "body": cx.file_ref(node, names)}
    if content_type != "multipart-form-data":
        raise Refusal(
            "sends a file (binary data) with Body Content Type "
            f"'{content_type}', which n8n refuses at run time (it sends files as RAW/Custom or "
            "Form-Data Multipart); choose one of those in n8n, then export again."
        )
    if method not in FORM_METHODS:
        raise Refusal(
            f"sends a multipart file with {method}; n8n sends multipart bodies with PATCH, POST "
            "and PUT only. Choose one of those in n8n, then export again."
        )
    return {"body_type": "multipart", "body": _fields(node, cx, names)}


def _fields(node: N8nNode, cx: Converter, names: str) -> dict[str, Any]:
    """`field:property, ...` (or one property, sent as the field `file`) as multipart fields."""
    if names.startswith("=") and "{{" not in names:
        names = names[1:]
    if names.startswith("="):
        cx.file_ref(node, names)  # refuses, naming the expression
    parts = [part.strip() for part in names.split(",")]
    body: dict[str, Any] = {}
    for part in parts:
        field, colon, prop = part.partition(":")
        if not colon:
            if len(parts) > 1:
                raise Refusal(
                    f"sends the files '{names}' without a field name for each, which n8n "
                    "refuses at run time; write them as 'field1:property1,field2:property2' "
                    "in n8n, then export again."
                )
            field, prop = "file", part
        body[field.strip()] = cx.file_ref(node, prop.strip())
    return body
