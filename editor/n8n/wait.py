"""n8n's Wait node: a time interval or a specific time as a WorkFuse delay (`utility.delay`), a
wait for a call to its resume URL or for a form as a `utility.wait` (docs/control-flow.md,
"Waits").

n8n's `$execution.resumeUrl` (and `resumeFormUrl`) is WorkFuse's `execution.resume_url`: the
URL that resumes the wait after the node that sends it. After a resumed wait n8n's `$json` is
the call (webhook: its headers, query and body) or the form's fields by label; after a timed
one, the wait's input passed on (the converted node's `spec`).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.expressions import single
from editor.n8n.names import slug, unique

RESUME_URL = re.compile(r"\$execution\s*\.\s*resume(?:Form)?Url\b")
# n8n form field types and the approval form's (utility.wait `fields[].type`).
FIELD_TYPES = {
    "text": "string",
    "email": "string",
    "password": "string",
    "date": "string",
    "dropdown": "string",
    "radio": "string",
    "checkbox": "string",
    "hiddenField": "string",
    "textarea": "text",
    "number": "number",
    "file": "file",
}

FILE_NOTE = (
    "A file field's answer is a file value {filename, content_type, size, content} (n8n's "
    "`mimetype` is `content_type`; n8n's $binary is not traced: set that file where a node "
    "takes it); n8n's accepted file types are not checked."
)

SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def _wait(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resume = p.get("resume") or "timeInterval"
    if resume == "specificTime":
        when = cx.value(p.get("dateTime") or "", node)
        if not when:
            raise Refusal("waits until a date that is not set; set it in n8n and export again.")
        note = "n8n read this time in the workflow's time zone; add an offset (e.g. +01:00) if it has none."
        return Converted("utility.delay", {"until": when}, notes=[note])
    if resume == "webhook":
        return _on_call(node, cx)
    if resume == "form":
        return _on_form(node, cx)
    if resume != "timeInterval":
        raise Refusal(f"resumes on '{resume}', which WorkFuse does not know.")
    amount = p.get("amount", 1 if node.version < 1.1 else 5)
    unit = p.get("unit") or ("hours" if node.version < 1.1 else "seconds")
    if unit not in SECONDS:
        raise Refusal(f"waits in '{unit}'; WorkFuse knows seconds, minutes, hours and days.")
    factor = SECONDS[unit]
    value = cx.value(amount, node)
    expression = single(value)
    if expression is not None:
        seconds: Any = "{{ (" + expression + ") * " + str(factor) + " }}" if factor != 1 else value
    elif isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
        seconds = float(value) * factor
        seconds = int(seconds) if seconds.is_integer() else seconds
    else:
        raise Refusal(f"waits for '{amount}' {unit}, which is not a number.")
    return Converted("utility.delay", {"seconds": seconds})


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _on_call(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    config: dict[str, Any] = {"mode": "webhook"}
    notes: list[str] = []
    outputs = _timeout(node, config, notes)
    if (p.get("incomingAuthentication") or "none") != "none":
        notes.append(
            f"n8n checked resume calls with {p['incomingAuthentication']}; a WorkFuse resume URL "
            "is itself the secret (usable once)."
        )
    if (p.get("responseMode") or "onReceived") != "onReceived":
        notes.append(
            "n8n answered the resume call from the workflow; WorkFuse answers it at once "
            "(200, resumed)."
        )
    if (p.get("options") or {}).get("webhookSuffix"):
        notes.append("n8n's resume URL had a suffix; a WorkFuse resume URL has none.")
    # The nodes after it read the call ({method, headers, query, body}), not the wait's input.
    return Converted("utility.wait", config, outputs=outputs, notes=notes, spec={"data": ""})


def _on_form(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    fields: list[dict[str, Any]] = []
    taken: set[str] = set()
    notes: list[str] = []
    # The nodes after it read n8n's answer, `{<label>: value, submittedAt}`: WorkFuse's
    # `{fields: {<name>: value}, at}`.
    aliases = [("submittedAt", "at")]
    for label, kind, required in form_fields(p):
        name = unique(slug(label, 64, "field"), taken, 64)
        taken.add(name)
        fields.append({"name": name, "type": FIELD_TYPES[kind], "required": required})
        aliases.append((label, f"fields.{name}"))
    config: dict[str, Any] = {
        "mode": "approval",
        "title": cx.value(str(p.get("formTitle") or ""), node),
        "description": cx.value(str(p.get("formDescription") or ""), node),
        "fields": fields,
    }
    notes.append(
        "WorkFuse's form also asks to approve or reject; either answer goes on "
        "(`approved` says which), with the fields under `fields`."
    )
    outputs = _timeout(node, config, notes)
    if any(kind in ("dropdown", "radio", "checkbox") for _, kind, _ in form_fields(p)):
        notes.append("Choice fields are text fields here: the choices are not offered.")
    if any(kind == "file" for _, kind, _ in form_fields(p)):
        notes.append(FILE_NOTE)
    spec = {"data": "", "aliases": tuple(aliases)}
    return Converted("utility.wait", config, outputs=outputs, notes=notes, spec=spec)


def form_fields(p: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(label, n8n type, required) of each field of an n8n form, refusing the types WorkFuse's
    forms lack; shown-only HTML is left out."""
    found = []
    for row in (p.get("formFields") or {}).get("values") or []:
        kind = str(row.get("fieldType") or "text")
        label = str(row.get("fieldName") or row.get("fieldLabel") or "")
        if kind == "html":
            continue
        if kind not in FIELD_TYPES:
            raise Refusal(f"has a form field '{label}' of type '{kind}', which WorkFuse lacks.")
        found.append((label, kind, bool(row.get("requiredField"))))
    return found


def _timeout(node: N8nNode, config: dict[str, Any], notes: list[str]) -> list[list[str]]:
    """n8n's "Limit Wait Time" as `timeout_seconds`; after it n8n went on by the same output,
    so that output is also the wait's `timeout`."""
    p = node.params
    if not p.get("limitWaitTime"):
        return [["main"]]
    if (p.get("limitType") or "afterTimeInterval") == "atSpecifiedTime":
        notes.append(
            f"n8n stopped waiting at {p.get('maxDateAndTime') or 'a set time'}; a WorkFuse wait "
            "gives up after a number of seconds: set timeout_seconds."
        )
        return [["main"]]
    amount, unit = p.get("resumeAmount", 1), p.get("resumeUnit") or "hours"
    if not isinstance(amount, int | float) or unit not in SECONDS or amount <= 0:
        raise Refusal(f"limits the wait to '{amount}' {unit}, which is not a number of {unit}.")
    config["timeout_seconds"] = amount * SECONDS[unit]
    notes.append(
        "After the time limit n8n went on with the wait's input; here the nodes after it read "
        "{timed_out, at} then."
    )
    return [["main", "timeout"]]


def with_resume_urls(data: dict[str, Any]) -> dict[str, Any]:
    """The export with n8n's `$execution.resumeUrl` written as WorkFuse's
    `execution.resume_url` in every expression (a copy; the export is left as it was)."""
    nodes = data.get("nodes")
    if not isinstance(nodes, list) or not RESUME_URL.search(str(nodes)):
        return data
    copied = copy.deepcopy(data)
    copied["nodes"] = [_rewritten(n) for n in copied["nodes"]]
    return copied


def _rewritten(value: Any) -> Any:
    if isinstance(value, str):
        return RESUME_URL.sub("execution.resume_url", value) if value.startswith("=") else value
    if isinstance(value, list):
        return [_rewritten(v) for v in value]
    if isinstance(value, dict):
        return {k: _rewritten(v) for k, v in value.items()}
    return value


SPECS: dict[str, Spec] = {f"{BASE}wait": Spec(_wait, None)}
