"""n8n's HTTP Request node (version 3 and later) as a WorkFuse HTTP action."""

from __future__ import annotations

from typing import Any

# --- agentio ---
# isort: split
from editor.n8n import http_request_legacy

# --- end agentio ---
# --- httpfiles ---
# isort: split
from editor.n8n import http_files

# --- end httpfiles ---
# isort: split
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec, json_text
from editor.n8n.expressions import single

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def _http(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if node.version < 3:
        raise Refusal(
            f"is HTTP Request version {node.version:g}; WorkFuse reads version 3 and later. "
            "Replace it with a new HTTP Request node in n8n and export again."
        )
    method = str(p.get("method") or "GET").upper()
    if method not in HTTP_METHODS:
        raise Refusal(f"uses the method {method}; WorkFuse sends {', '.join(HTTP_METHODS)}.")
    notes: list[str] = []
    config: dict[str, Any] = {"method": method, "url": cx.value(p.get("url") or "", node)}
    headers = _pairs(node, cx, "Headers", "headerParameters", "jsonHeaders")
    query = _pairs(node, cx, "Query", "queryParameters", "jsonQuery")
    if p.get("sendBody"):
        config.update(_http_body(node, cx, headers, notes))
    if headers:
        config["headers"] = headers
    if query:
        config["query"] = query
    config.update(_http_options(p.get("options") or {}, notes))
    # --- files ---
    converted = Converted("action.http", config, notes=notes)
    _response_file(node, config, converted)
    # --- end files ---
    auth = p.get("authentication") or "none"
    if auth != "none":
        kind = p.get("genericAuthType") or p.get("nodeCredentialType") or auth
        notes.append(
            f"n8n signed this request with a {kind} credential; credentials are not carried "
            "over. Create a WorkFuse credential and choose it with auth."
        )
    return converted


def _pairs(node: N8nNode, cx: Converter, what: str, key: str, json_key: str) -> dict[str, Any]:
    """n8n's name/value lists (headers, query) as a WorkFuse mapping."""
    p = node.params
    if not p.get(f"send{what}"):
        return {}
    if (p.get(f"specify{what}") or "keypair") == "json":
        text = p.get(json_key) or "{}"
        # --- constructs ---
        if isinstance(text, str) and text.startswith("=") and "{{" not in text:
            text = text[1:]  # an expression without {{ }} is its text, as n8n reads it
        # --- end constructs ---
        parsed = json_text(text)
        # --- struct2 ---
        templated = http_request_legacy.json_pairs(cx, node, text)
        if templated is not None:
            return templated
        # --- end struct2 ---
        if not isinstance(parsed, dict):
            raise Refusal(
                f"sets its {what.lower()} from a JSON expression; WorkFuse needs them as "
                "name/value pairs. Switch to 'Using Fields Below' in n8n and export again."
            )
        return {str(k): cx.value(v, node) for k, v in parsed.items()}
    rows = (p.get(key) or {}).get("parameters") or []
    return {
        str(r.get("name") or ""): cx.value(r.get("value", ""), node) for r in rows if r.get("name")
    }


def _http_body(
    node: N8nNode, cx: Converter, headers: dict[str, Any], notes: list[str]
) -> dict[str, Any]:
    p = node.params
    content_type = p.get("contentType") or "json"
    specify = p.get("specifyBody") or "keypair"
    rows = (p.get("bodyParameters") or {}).get("parameters") or []
    # --- files ---
    if content_type == "binaryData":
        return {"body_type": "file", "body": cx.file_ref(node, p.get("inputDataFieldName"))}
    if content_type == "multipart-form-data":
        return {"body_type": "multipart", "body": _multipart(node, cx, rows)}
    # --- end files ---
    if content_type == "raw" or specify == "string":
        if content_type == "raw" and p.get("rawContentType"):
            _set_header(headers, "Content-Type", p["rawContentType"])
        elif content_type == "form-urlencoded":
            _set_header(headers, "Content-Type", "application/x-www-form-urlencoded")
        return {"body_type": "raw", "body": cx.value(p.get("body") or "", node)}
    if content_type == "json" and specify == "json":
        return _json_body(node, cx, headers)
    body = {str(r.get("name")): cx.value(r.get("value", ""), node) for r in rows if r.get("name")}
    if content_type == "form-urlencoded":
        return {"body_type": "form", "body": body}
    return {"body_type": "json", "body": body}


def _json_body(node: N8nNode, cx: Converter, headers: dict[str, Any]) -> dict[str, Any]:
    text = node.params.get("jsonBody") or ""
    if not (isinstance(text, str) and text.startswith("=")):
        parsed = json_text(text)
        if parsed is None and str(text).strip() not in ("", "null"):
            raise Refusal("has a JSON body that is not valid JSON; fix it in n8n and export again.")
        return {"body_type": "json", "body": parsed}
    template = cx.value(text, node)
    if single(template) is not None:
        return {"body_type": "json", "body": template}
    # Mixed text renders to a string; n8n parses it as JSON, so send it as JSON text.
    _set_header(headers, "Content-Type", "application/json")
    return {"body_type": "raw", "body": template}


def _set_header(headers: dict[str, Any], name: str, value: str) -> None:
    if not any(k.lower() == name.lower() for k in headers):
        headers[name] = value


def _http_options(options: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if isinstance(options.get("timeout"), int | float):
        timeout = int(options["timeout"])
        config["timeout_ms"] = min(max(timeout, 100), 600000)
        if config["timeout_ms"] != timeout:
            notes.append(f"n8n's timeout of {timeout} ms is outside 100-600000 ms; it was clamped.")
    redirect = ((options.get("redirect") or {}).get("redirect")) or {}
    if redirect.get("followRedirects") is False:
        config["follow_redirects"] = False
    response = ((options.get("response") or {}).get("response")) or {}
    if response.get("neverError"):
        config["fail_on_status"] = False
    # --- files ---
    if response.get("responseFormat") == "file":
        config["response_format"] = "file"
    # --- end files ---
    return config


# --- files ---


def _multipart(node: N8nNode, cx: Converter, rows: list[Any]) -> dict[str, Any]:
    """The fields of a multipart/form-data body: a file (n8n's "n8n Binary File" field, from
    the input item's binary property `inputDataFieldName`) or text."""
    body: dict[str, Any] = {}
    for row in rows:
        name = str(row.get("name") or "")
        if not name:
            continue
        if row.get("parameterType") == "formBinaryData":
            body[name] = cx.file_ref(node, row.get("inputDataFieldName"))
        else:
            body[name] = cx.value(row.get("value", ""), node)
    return body


def _response_file(node: N8nNode, config: dict[str, Any], converted: Converted) -> None:
    """The file the response makes (n8n's binary property `outputPropertyName`, `data` by
    default): always with response format "file"; with "autodetect" (n8n's default) when the
    answer is not JSON or text, which the node keeps as a file once a later node reads it."""
    response = (((node.params.get("options") or {}).get("response") or {}).get("response")) or {}
    response_format = response.get("responseFormat") or "autodetect"
    if response_format not in ("file", "autodetect"):
        return
    prop = str(response.get("outputPropertyName") or "data")
    converted.spec["binary"] = ((prop, f"nodes.{node.id}.file"),)
    if response_format == "file":
        # --- httpfiles ---
        full = bool(response.get("fullResponse"))
        converted.spec.update(http_files.file_output(node, prop, full, converted.notes))
        # --- end httpfiles ---
        return

    def detect() -> str:
        config["response_format"] = "detect"
        return (
            "n8n detected the response's format; WorkFuse keeps JSON and text answers as the "
            "body and any other answer as a file (n8n read a few rarer application/* types as "
            "text)."
        )

    converted.on_file_ref = detect


# --- end files ---


# --- agentio ---
def _any_version(node: N8nNode, cx: Converter) -> Converted:
    """Versions 1 and 2 name their settings differently (http_request_legacy); a method
    written as a constant expression (`=POST`) is that method in every version."""
    if node.version < 3:
        return http_request_legacy.convert(node, cx)
    return _http(http_request_legacy.with_constant_method(node, "method"), cx)


SPECS: dict[str, Spec] = {f"{BASE}httpRequest": Spec(_any_version, "body")}
# --- end agentio ---
