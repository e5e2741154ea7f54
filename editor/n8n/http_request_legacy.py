"""n8n's HTTP Request node versions 1 and 2 as a WorkFuse HTTP action.

They name their settings differently from version 3 (`requestMethod`, `jsonParameters` with
`bodyParametersJson` / `headerParametersJson` / `queryParametersJson`, else the `*ParametersUi`
lists, `options.bodyContentType`, `responseFormat`) and send the way the `request` library did:
names of headers from the list lower-cased, a form body only for PATCH, POST and PUT, and
redirects of other methods than GET and HEAD not followed unless `followAllRedirects` is on.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, get_args

from editor.n8n import http_files  # httpfiles
from editor.n8n.converter import Converted, Converter, N8nNode, Refusal, json_text
from editor.n8n.expressions import literal, single
from editor.nodes.action_http import Method

METHODS: tuple[str, ...] = get_args(Method)
FORM_METHODS = ("PATCH", "POST", "PUT")
SECTIONS = {"header": "headers", "query": "query", "body": "body"}


def constant_method(node: N8nNode, value: Any) -> str:
    """The method, also when written as an expression that is a constant (`=POST`)."""
    text = str(value or "GET").strip()
    if text.startswith("=") and "{{" not in text:
        text = text[1:].strip()
    method = text.upper()
    if method not in METHODS:
        raise Refusal(f"uses the method {text}; WorkFuse sends {', '.join(METHODS)}.")
    return method


def with_constant_method(node: N8nNode, key: str) -> N8nNode:
    """`node` with its method parameter read by `constant_method` (for version 3 and later)."""
    if key not in node.params:
        return node
    params = {**node.params, key: constant_method(node, node.params[key])}
    return dataclasses.replace(node, params=params)


def convert(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    method = constant_method(node, p.get("requestMethod"))
    response_format = p.get("responseFormat") or "json"
    options = p.get("options") or {}
    if options.get("splitIntoItems"):
        raise Refusal(
            "splits the response into items (option 'Split Into Items'); put a Split Out node "
            "after it in n8n instead and export again."
        )
    notes: list[str] = []
    config: dict[str, Any] = {"method": method, "url": cx.value(p.get("url") or "", node)}
    read = _json_sections if p.get("jsonParameters") else _ui_sections
    sections = read(node, cx, options)
    headers: dict[str, Any] = sections.get("headers") or {}
    # --- httpfiles ---
    # n8n reads Send Binary Data with JSON/RAW Parameters only, and then sends no other body.
    if p.get("jsonParameters") and p.get("sendBinaryData"):
        config.update(http_files.binary_body(node, cx, method, options, headers, notes))
    elif "body" in sections:
        config.update(_body(method, sections["body"], options, headers))
    # --- end httpfiles ---
    if options.get("bodyContentCustomMimeType"):
        _set_header(headers, "Content-Type", str(options["bodyContentCustomMimeType"]))
    if headers:
        config["headers"] = headers
    if sections.get("query"):
        config["query"] = sections["query"]
    config.update(_options(method, options, notes, bool(config.get("body_type") == "multipart")))
    if p.get("allowUnauthorizedCerts"):
        notes.append(
            "n8n accepted invalid TLS certificates for this request (Ignore SSL Issues); "
            "WorkFuse checks them."
        )
    auth = p.get("authentication") or "none"
    if auth != "none":
        kind = p.get("genericAuthType") or p.get("nodeCredentialType") or auth
        notes.append(
            f"n8n signed this request with a {kind} credential; credentials are not carried "
            "over. Create a WorkFuse credential and choose it with auth."
        )
    # --- httpfiles ---
    if response_format == "file":
        config["response_format"] = "file"
        prop, full = str(p.get("dataPropertyName") or "data"), bool(options.get("fullResponse"))
        spec = http_files.file_output(node, prop, full, notes)
        return Converted("action.http", config, notes=notes, spec=spec)
    # --- end httpfiles ---
    converted = Converted(
        "action.http", config, notes=notes, spec=_output(response_format, p, notes)
    )
    # --- discord ---
    if response_format in ("json", "string"):
        shown = "JSON" if response_format == "json" else "String"
        converted.missing_file = lambda prop: (
            f"'{node.name}' reads its response as {shown} (Response Format, JSON unless set in "
            f"version {node.version:g}), so n8n has no file '{prop}' there either and fails "
            "this node too; set Response Format to File in n8n, then export again."
        )
    # --- end discord ---
    return converted


def _json_sections(node: N8nNode, cx: Converter, options: dict[str, Any]) -> dict[str, Any]:
    """`jsonParameters` on: each section is JSON text, parsed by n8n (a raw body is not)."""
    out: dict[str, Any] = {}
    for name, key in SECTIONS.items():
        text = node.params.get(f"{name}ParametersJson")
        if text in (None, ""):
            continue  # n8n skips an empty section
        if name == "body":
            out[key] = _json_body(node, cx, text, raw=options.get("bodyContentType") == "raw")
            continue
        parsed = json_text(text) if not str(text).startswith("=") else None
        # --- struct2 ---
        templated = json_pairs(cx, node, text)
        if templated is not None:
            out[key] = templated
            continue
        # --- end struct2 ---
        if not isinstance(parsed, dict):
            raise Refusal(
                f"sets its {key} from "
                + (
                    "an expression"
                    if str(text).startswith("=")
                    else "text that is not a JSON object"
                )
                + "; WorkFuse needs them as name/value pairs. Turn off 'JSON/RAW Parameters' "
                "in n8n, list them, and export again."
            )
        out[key] = _literal_json(parsed)
    return out


# --- struct2 ---
_BLOCK = re.compile(r"\{\{.*?\}\}", re.S)
_HIDDEN = re.compile("\ue000(\\d+)\ue001")


def json_pairs(cx: Converter, node: N8nNode, text: Any) -> dict[str, Any] | None:
    """Headers or query written as an expression of JSON text with `{{ }}` blocks inside its
    values (`={"X-Id": "{{ $json.id }}"}`): n8n fills the blocks in, then parses the JSON;
    here each value becomes a template, each name stays as written. None for any other
    expression (a whole `{{ {...} }}`, a block in a name or outside a string, not an object)."""
    if not isinstance(text, str) or not text.startswith("=") or "{{" not in text:
        return None
    blocks: list[str] = []

    def hide(match: re.Match[str]) -> str:
        blocks.append(match.group(0))
        return f"\ue000{len(blocks) - 1}\ue001"

    try:
        parsed = json.loads(_BLOCK.sub(hide, text[1:]))
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    pairs: dict[str, Any] = {}
    for name, value in parsed.items():
        if "\ue000" in name or isinstance(value, dict | list):
            return None
        if not isinstance(value, str):
            pairs[name] = value
            continue
        shown = _HIDDEN.sub(lambda m: blocks[int(m.group(1))], value)
        pairs[name] = cx.value("=" + shown, node) if _HIDDEN.search(value) else literal(shown)
    return pairs


# --- end struct2 ---
def _json_body(node: N8nNode, cx: Converter, text: Any, raw: bool) -> tuple[str, Any]:
    """("json", value) or ("text", template) for a JSON-parameters body."""
    if not isinstance(text, str):
        return "json", text  # n8n keeps an object an expression gave
    if raw:
        return "text", cx.value(text, node)
    if not text.startswith("="):
        parsed = json_text(text)
        if parsed is None and text.strip() != "null":
            raise Refusal(
                "has a body that is not valid JSON, which n8n refuses to send; fix it in n8n "
                "and export again."
            )
        return "json", _literal_json(parsed)
    template = cx.value(text, node)
    if single(template) is not None:
        return "json", template
    # Text around expressions renders to a string that n8n parses as JSON: send it as JSON text.
    return "json-text", template


def _literal_json(value: Any) -> Any:
    """Values written inside literal JSON text: never expressions, kept from templating."""
    if isinstance(value, str):
        return literal(value)
    if isinstance(value, list):
        return [_literal_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _literal_json(v) for k, v in value.items()}
    return value


def _ui_sections(node: N8nNode, cx: Converter, options: dict[str, Any]) -> dict[str, Any]:
    """`jsonParameters` off: the name/value lists; n8n sets a section whenever its list is
    there, even empty (an empty body is sent as `{}`)."""
    out: dict[str, Any] = {}
    for name, key in SECTIONS.items():
        ui = node.params.get(f"{name}ParametersUi")
        if not isinstance(ui, dict) or "parameter" not in ui:
            continue
        values: dict[str, Any] = {}
        for row in ui.get("parameter") or []:
            field = str(row.get("name") or "")
            if name == "header":
                field = field.lower()  # n8n sends list headers under lower-case names
            if name == "query" and field in values:
                raise Refusal(
                    f"sends the query parameter '{field}' more than once; WorkFuse sends each "
                    "query parameter once. Join the values in n8n and export again."
                )
            values[field] = cx.value(row.get("value", ""), node)
        if name == "body":
            if options.get("bodyContentType") == "raw":
                raise Refusal(
                    "sends a list of body parameters as a RAW/Custom body, which n8n cannot "
                    "encode; turn on 'JSON/RAW Parameters' in n8n, write the body, and export "
                    "again."
                )
            out[key] = ("json", values)
        else:
            out[key] = values
    return out


def _body(
    method: str, body: tuple[str, Any], options: dict[str, Any], headers: dict[str, Any]
) -> dict[str, Any]:
    kind, value = body
    content_type = options.get("bodyContentType") or "json"
    if kind == "text":
        return {"body_type": "raw", "body": value}
    if kind == "json-text":
        _set_header(headers, "Content-Type", "application/json")
        return {"body_type": "raw", "body": value}
    if content_type in ("form-urlencoded", "multipart-form-data") and method in FORM_METHODS:
        if not isinstance(value, dict):
            raise Refusal(
                f"sends a {content_type} body that is not a list of fields; WorkFuse sends a "
                "form from named fields."
            )
        return {"body_type": "form", "body": value}
    return {"body_type": "json", "body": value}


def _set_header(headers: dict[str, Any], name: str, value: str) -> None:
    if not any(k.lower() == name.lower() for k in headers):
        headers[name] = value


def _options(
    method: str, options: dict[str, Any], notes: list[str], multipart: bool
) -> dict[str, Any]:
    config: dict[str, Any] = {}
    multipart_form = options.get("bodyContentType") == "multipart-form-data"
    if multipart_form and method in FORM_METHODS and not multipart:
        notes.append("n8n sent this form as multipart/form-data; WorkFuse sends it URL-encoded.")
    if isinstance(options.get("timeout"), int | float):
        timeout = int(options["timeout"])
        config["timeout_ms"] = min(max(timeout, 100), 600000)
        if config["timeout_ms"] != timeout:
            notes.append(f"n8n's timeout of {timeout} ms is outside 100-600000 ms; it was clamped.")
    if method in ("GET", "HEAD"):
        follow = options.get("followRedirect", True) is not False
    else:
        follow = bool(options.get("followAllRedirects"))
    if not follow:
        config["follow_redirects"] = False
    if options.get("ignoreResponseCode"):
        config["fail_on_status"] = False
    if options.get("proxy"):
        notes.append(
            f"n8n sent this request through the proxy {options['proxy']}; WorkFuse connects "
            "directly."
        )
    if options.get("batchSize") or options.get("batchInterval"):
        notes.append(
            "n8n sent these requests in batches with a pause between them (Batch Size and "
            "Interval); WorkFuse sends them one after another without pausing."
        )
    return config


def _output(response_format: str, p: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """What `$json` reads after the node where n8n's item differs from the response body."""
    full = bool((p.get("options") or {}).get("fullResponse"))
    aliases: list[tuple[str, str]] = []
    if response_format == "string":
        name = str(p.get("dataPropertyName") or "data")
        aliases.append((name, "body"))
        notes.append(
            f"n8n kept the response as text in '{name}'; WorkFuse puts it in the output's body, "
            "and parses it when the server says it is JSON."
        )
    if full:
        aliases.append(("statusCode", "status"))
        notes.append(
            "n8n's full response has statusMessage (the reason phrase); WorkFuse's output has "
            "status, headers and body only."
        )
    if not aliases:
        return {}
    return {"data": "", "aliases": tuple(aliases)}
