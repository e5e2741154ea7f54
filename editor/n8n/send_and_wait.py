"""n8n's "send and wait for response" (`operation: sendAndWait` of Gmail and Send Email) as three
WorkFuse steps in the n8n node's place (n8n's utils/sendAndWait; docs/n8n-import.md, "Send and
wait"):

1. the send: n8n's message followed by its button(s), each a link to `execution.resume_url`;
2. a `utility.wait` in approval mode, whose form that link opens (a person answers there:
   WorkFuse's resume links for people are approval links, docs/control-flow.md, "Waits");
3. a Set that gives what n8n output, so the nodes after it read `$json.data.approved`,
   `$json.data.text` or `$json.data.<field label>` unchanged.

n8n's Approve and Decline buttons each recorded the answer in one click; WorkFuse's link opens
the form where the person presses Approve or Reject (both buttons carry the same link): the
caveat every imported approval carries. n8n's Respond button opened a form, as WorkFuse's does. What cannot be made exact is refused: a time limit
(after it n8n went on with the node's input), a form defined by JSON, file fields.
"""

from __future__ import annotations

import html
from typing import Any

from editor.n8n.apps_base import text
from editor.n8n.converter import Converted, Converter, N8nNode, Refusal
from editor.n8n.names import slug, unique
from editor.n8n.wait import FIELD_TYPES, form_fields
from editor.templating import is_template

RESPONSE = "response"  # the free-text answer's field on the WorkFuse form
KNOWN_OPTIONS = {
    "appendAttribution",
    "messageButtonLabel",
    "responseFormTitle",
    "responseFormDescription",
    "responseFormButtonLabel",
}
LINK = "{{ execution.resume_url }}"
PRIMARY = (
    "display:inline-block;text-decoration:none;background-color:#2563eb;color:#fff;"
    "padding:12px 24px;font-family:Arial,sans-serif;font-size:14px;font-weight:600;"
    "border-radius:6px;margin:12px 4px 0 4px;"
)
SECONDARY = (
    "display:inline-block;text-decoration:none;background-color:#fff;color:#4a4a4a;"
    "padding:12px 24px;font-family:Arial,sans-serif;font-size:14px;font-weight:600;"
    "border:1px solid #d1d1d1;border-radius:6px;margin:12px 4px 0 4px;"
)
ONE_CLICK = (
    "n8n's buttons recorded the answer in one click; here each opens WorkFuse's approval form "
    "(the wait before the Set), where the person presses Approve or Reject."
)
LAYOUT = (
    "n8n laid the message out in its own card with an 'Automated with n8n' footer; WorkFuse "
    "sends the message with the buttons under it."
)


def convert(
    cx: Converter,
    node: N8nNode,
    send_type: str,
    send: dict[str, Any],
    notes: list[str],
    body: str = "html",
) -> Converted:
    """The n8n node as a Set giving n8n's output, run after the send (`send_type` with the
    config `send`: recipients and subject, its HTML body added here as the field `body`) and
    the wait."""
    p = node.params
    raw = node.raw
    if raw.get("onError") in ("continueErrorOutput", "continueRegularOutput") or raw.get(
        "continueOnFail"
    ):
        raise Refusal(
            "goes on when it fails (On Error); imported, the send runs as a step of its own "
            "before the wait, and its failure would stop the run. Set On Error to 'Stop "
            "Workflow' in n8n and export again, then set the send step's on_error here."
        )
    options = _options(p)
    kind = str(p.get("responseType") or "approval")
    message = _message(cx, node)
    wait_id = cx.step_id(node, "wait")
    wait: dict[str, Any] = {"mode": "approval", "title": send.get("subject", "")}
    send_label = f"{node.name} (send)"
    notes = [f"{send_label}: {note}" for note in notes]
    if options.get("appendAttribution", True):
        notes.append(LAYOUT)
    if kind == "approval":
        if not p.get("confirmationPage"):  # newer n8n can ask to confirm, as WorkFuse's form does
            notes.append(ONE_CLICK)
        buttons = _approval_buttons(cx, node, notes)
        fields = [_field("data.approved", f"{{{{ nodes.{wait_id}.approved }}}}", "boolean")]
    elif kind in ("freeText", "customForm"):
        label = text(cx, node, options.get("messageButtonLabel") or "Respond")
        buttons = [_button(label, PRIMARY)]
        wait["title"] = text(cx, node, options.get("responseFormTitle") or "")
        wait["description"] = _form_description(cx, node, options, notes)
        if kind == "freeText":
            wait["fields"] = [{"name": RESPONSE, "type": "text", "required": True}]
            fields = [_field("data.text", f"{{{{ nodes.{wait_id}.fields.{RESPONSE} }}}}")]
        else:
            wait["fields"], fields = _custom_form(node, wait_id, notes)
        notes.append(
            "WorkFuse's form asks to approve or reject besides the answer; either answer goes "
            "on, as n8n's Submit did."
        )
    else:
        raise Refusal(f"waits for a response of type '{kind}', which WorkFuse does not know.")
    html_body = f'<p style="white-space: pre-line;">{message}</p>\n<p>' + "\n".join(buttons)
    send_config = {**send, body: html_body + "</p>"}
    before = [
        {
            "id": cx.step_id(node, "send"),
            "type": send_type,
            "label": send_label,
            "config": send_config,
        },
        {"id": wait_id, "type": "utility.wait", "label": f"{node.name} (wait)", "config": wait},
    ]
    config = {"fields": fields, "keep": "none"}
    return Converted("utility.set", config, notes=notes, before=before)


def refusal_for_tool() -> str:
    """Why an app tool (`gmailTool` …) that sends and waits is refused."""
    return (
        "it sends a message and waits for a person's answer (sendAndWait); a WorkFuse agent's "
        "tool call does not wait for a person: send the message with a tool, and let the agent "
        "ask for approval (the agent's 'approval' setting), or build the send and the wait in "
        "the workflow around the agent"
    )


def _options(p: dict[str, Any]) -> dict[str, Any]:
    options = p.get("options") or {}
    if not isinstance(options, dict):
        raise Refusal("has options that could not be read; open and save it in n8n.")
    if options.get("limitWaitTime"):
        raise Refusal(
            "limits the wait time (options: Limit Wait Time); after it n8n went on with the "
            "node's input, which the imported wait cannot give. Remove the limit in n8n and "
            "export again, then set the wait's timeout_seconds and connect its 'timeout' output."
        )
    unknown = sorted(k for k in options if k not in KNOWN_OPTIONS and k != "limitWaitTime")
    if unknown:
        raise Refusal(
            f"sets the option(s) {', '.join(unknown)}, which WorkFuse's send and wait does not "
            "carry over; remove them in n8n and export again."
        )
    return options


def _message(cx: Converter, node: N8nNode) -> str:
    """n8n's message as the HTML it sent: trimmed, with written `\\n` as line breaks (the
    paragraph keeps them: white-space pre-line)."""
    raw = node.params.get("message", "")
    if isinstance(raw, str) and not raw.startswith("="):
        raw = raw.strip().replace("\\n", "\n")
    return str(text(cx, node, raw)).strip()


def _approval_buttons(cx: Converter, node: N8nNode, notes: list[str]) -> list[str]:
    values = (node.params.get("approvalOptions") or {}).get("values") or {}
    approve = text(cx, node, values.get("approveLabel") or "Approve")
    style = SECONDARY if values.get("buttonApprovalStyle") == "secondary" else PRIMARY
    if (values.get("approvalType") or "single") == "single":
        notes.append(
            "n8n's message offered only Approve; WorkFuse's form offers Reject too, after which "
            "the nodes after it read data.approved as false."
        )
        return [_button(approve, style)]
    # n8n's parameter defaults to "Decline" (left out of exports); an emptied one is "Disapprove".
    decline = text(cx, node, values.get("disapproveLabel", "Decline") or "Disapprove")
    decline_style = PRIMARY if values.get("buttonDisapprovalStyle") == "primary" else SECONDARY
    return [_button(decline, decline_style), _button(approve, style)]


def _button(label: Any, style: str) -> str:
    """A button as n8n made it, its label escaped (an expression's value is sent as it is)."""
    shown = label if is_template(label) else html.escape(str(label))
    return f'<a href="{LINK}" target="_blank" style="{style}">{shown}</a>'


def _form_description(
    cx: Converter, node: N8nNode, options: dict[str, Any], notes: list[str]
) -> Any:
    """n8n's form showed its Response Form Description, else the message, `<br>` as new lines."""
    raw = options.get("responseFormDescription") or node.params.get("message", "")
    if isinstance(raw, str) and not raw.startswith("="):
        raw = raw.replace("\\n", "\n").replace("<br>", "\n")
    described = text(cx, node, raw)
    if "<" in str(described):
        notes.append(
            "The response form shows the message as text: HTML tags in it show as written."
        )
    return described


def _custom_form(
    node: N8nNode, wait_id: str, notes: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The wait's fields and the Set's, each field's answer under its n8n label in `data`."""
    p = node.params
    if (p.get("defineForm") or "fields") != "fields":
        raise Refusal(
            "defines its form with JSON (Define Form: Using JSON), read only when the form is "
            "opened; define the fields one by one in n8n and export again."
        )
    wait_fields: list[dict[str, Any]] = []
    set_fields: list[dict[str, Any]] = []
    taken: set[str] = set()
    for label, kind, required in form_fields(p):
        if kind == "file":
            raise Refusal(
                f"asks for a file ('{label}'); n8n put it in the item's binary data, which this "
                "import does not trace. Remove the file field in n8n and export again."
            )
        if not label or "." in label:
            raise Refusal(
                f"has a form field labelled '{label}'; WorkFuse sets data.<label>, which needs a "
                "label without dots. Rename it in n8n and export again."
            )
        name = _field_name(label, taken)
        wait_fields.append({"name": name, "type": FIELD_TYPES[kind], "required": required})
        set_fields.append(_field(f"data.{label}", f"{{{{ nodes.{wait_id}.fields.{name} }}}}"))
    if any(kind in ("dropdown", "radio", "checkbox") for _, kind, _ in form_fields(p)):
        notes.append("Choice fields are text fields here: the choices are not offered.")
    return wait_fields, set_fields


def _field_name(label: str, taken: set[str]) -> str:
    name = unique(slug(label, 64, "field"), taken, 64)
    taken.add(name)
    return name


def _field(name: str, value: str, kind: str = "auto") -> dict[str, Any]:
    return {"name": name, "value": value, "type": kind}
