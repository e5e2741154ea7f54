"""n8n's Webhook node as a WorkFuse webhook trigger."""

from __future__ import annotations

import json

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

WEB_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# n8n's "Respond" setting: at once, with the last node's output, or from a Respond to Webhook
# node (logic.respond, respond.py).
RESPONSES = {"onReceived": "immediate", "lastNode": "last_node", "responseNode": "respond_node"}


def _webhook(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    wanted = p.get("httpMethod") or "GET"
    methods = [str(m).upper() for m in (wanted if isinstance(wanted, list) else [wanted])]
    supported = [m for m in methods if m in WEB_METHODS]
    notes = []
    if not supported:
        raise Refusal(
            f"listens for {', '.join(methods)}; WorkFuse webhooks accept {', '.join(WEB_METHODS)}."
        )
    if len(supported) < len(methods):
        notes.append(
            f"n8n also accepted {', '.join(sorted(set(methods) - set(supported)))}; WorkFuse does not."
        )
    mode = p.get("responseMode") or "onReceived"
    if p.get("path"):
        notes.append(
            f"n8n path '{p['path']}': WorkFuse gives each workflow its own webhook URL; "
            "update the callers."
        )
    if (p.get("authentication") or "none") != "none":
        notes.append(
            f"n8n checked callers with {p['authentication']}; credentials are not carried over. "
            "Set auth (header or hmac) with a webhook secret credential."
        )
    config = {"methods": supported, "response": RESPONSES.get(mode, "immediate")}
    outputs = [["main"] for _ in methods]
    if len(methods) > 1:
        notes.append(
            "n8n had one output per method; here every request, whatever its method, runs all "
            "the nodes after the webhook."
        )
    # --- files2 ---
    converted = Converted("trigger.webhook", config, outputs=outputs, notes=notes)
    return uploads(node, converted)
    # --- end files2 ---


# --- files2 ---
UPLOADS_NOTE = (
    "Later nodes read the files of a multipart/form-data call by field name (trigger.files), as "
    "n8n named its binary properties; n8n also took a body of another type (not JSON, form or "
    "text) as the file 'data', which WorkFuse keeps in the body instead (base64 for bytes that "
    "are not text), and numbered "
    "several files sent in one field (field0, field1...), which WorkFuse keeps as a list."
)

# --- files ---
RAW_BODY_NOTE = (
    "Later nodes read the request's body, as sent, as the file 'data' (n8n's Raw Body), named "
    "'body' where n8n's had no file name; a multipart/form-data call's files are by field name "
    "instead, as in n8n."
)
BINARY_DATA_NOTE = (
    "Later nodes read the request's whole body, unparsed whatever its type, as the file '{name}' "
    "(n8n's Binary Data), named by the Content-Disposition header's filename or else 'body' "
    "where n8n made up a random name; the body is left empty ({{}}), as n8n left it."
)
# --- end files ---


def uploads(node: N8nNode, converted: Converted) -> Converted:
    """The Webhook's uploaded files as its binary properties (n8n's Webhook `handleFormData`:
    each multipart file in the binary property named after its field), unless its options make
    n8n read the whole body as one file (Binary Data, Raw Body) or name the files otherwise (a
    Binary Property prefix): those files are not followed."""
    options = node.params.get("options") or {}
    # --- files ---
    if options.get("binaryData") and node.version == 1:  # n8n reads the option in v1 only
        return _whole_body(node, converted, options.get("binaryPropertyName"))
    # --- end files ---
    if not any(options.get(k) for k in ("binaryData", "rawBody", "binaryPropertyName")):
        converted.spec["binary_any"] = "trigger.files"
        converted.on_file_ref = lambda: UPLOADS_NOTE
    # --- files ---
    elif (
        options.get("rawBody")
        and not options.get("binaryData")
        and not options.get("binaryPropertyName")
    ):
        # n8n's Webhook: a call that is not multipart has its body, as sent, as the file `data`
        # (typed by the request's Content-Type, application/json when there is none)
        converted.config["raw_body"] = True
        converted.spec["binary_any"] = "trigger.files"
        converted.on_file_ref = lambda: RAW_BODY_NOTE
    # --- end files ---
    return converted


# --- end files2 ---


# --- files ---
def _whole_body(node: N8nNode, converted: Converted, prop: object) -> Converted:
    """Webhook version 1 with Binary Data: n8n (`handleBinaryData`, run before any multipart
    parsing) keeps the whole request body as one file in the binary property `prop` (Binary
    Property, `data` by default) and leaves the body `{}`."""
    name = str(prop or "data")
    if name.startswith("="):
        if "{{" in name:
            raise Refusal(
                f"names the binary property of the received file with an expression ({name}); "
                "WorkFuse follows a file by a fixed property name. Set a name in n8n and export "
                "again."
            )
        name = name[1:].strip()
    converted.config["body_file"] = name
    converted.spec["binary"] = ((name, f"trigger.files[{json.dumps(name)}]"),)
    converted.on_file_ref = lambda: BINARY_DATA_NOTE.format(name=name)
    converted.missing_file = lambda prop: (
        f"'{node.name}' has Binary Data on, so n8n keeps the request's whole body as its one "
        f"file '{name}' (a multipart body unparsed) and no file '{prop}'. To read a multipart "
        f"field '{prop}', turn off Binary Data in n8n, then export again."
    )
    return converted


# --- end files ---


SPECS: dict[str, Spec] = {f"{BASE}webhook": Spec(_webhook, "trigger")}
