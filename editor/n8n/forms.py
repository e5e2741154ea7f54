"""n8n's Form Trigger as a WorkFuse webhook trigger; n8n's Form node (further form pages) is
refused.

WorkFuse serves no form page of its own. A Form Trigger still starts its workflow from the
fields a form posts, so it becomes a webhook taking POSTs (a form of your own, or a caller,
posts the fields by their n8n labels) and the nodes after it read each field from the request
body: n8n's `$json["Your name"]` is `trigger.body["Your name"]`. What the person sees after
posting is the webhook's answer, not n8n's "form submitted" page.
"""

from __future__ import annotations

import re
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.wait import form_fields
from editor.n8n.webhook import RESPONSES


def _form_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    # --- files ---
    uploads, p = _file_fields(p)
    # --- end files ---
    labels = [label for label, _, _ in form_fields(p)]
    options = p.get("options") or {}
    mode = p.get("responseMode") or options.get("responseMode") or "onReceived"
    notes = [
        "WorkFuse serves no form page: post the form's fields (named "
        + ", ".join(f"'{label}'" for label in labels)
        + ") to this webhook's URL from a form of your own; nothing checks they are filled in."
    ]
    if (p.get("authentication") or "none") != "none":
        notes.append(
            f"n8n asked for {p['authentication']} before showing the form; set the webhook's "
            "auth with a webhook secret credential."
        )
    if mode == "onReceived" and options.get("respondWithOptions"):
        notes.append("n8n showed a page after the form was sent; the webhook answers with JSON.")
    config = {"methods": ["POST"], "response": RESPONSES.get(mode, "immediate")}
    # The fields a form posts are in the request's body, by their labels.
    aliases = tuple((label, f"body.{label}") for label in labels)
    # --- files ---
    if uploads:
        notes.append(
            "Post the form as multipart/form-data with the file fields named "
            + ", ".join(f"'{label}'" for label in uploads)
            + "; later nodes read each file from trigger.files (n8n's item held only its name, "
            "type and size beside the file)."
        )
        binary = tuple((re.sub(r"\W", "_", label), _files_path(label)) for label in uploads)
        return Converted(
            "trigger.webhook", config, notes=notes, spec={"aliases": aliases, "binary": binary}
        )
    # --- end files ---
    return Converted("trigger.webhook", config, notes=notes, spec={"aliases": aliases})


# --- files ---


def _file_fields(p: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """The labels of the form's file fields, and its settings without them. n8n names a file's
    binary property after its field's label, each non-word character made '_' ("File Upload"
    -> File_Upload); a field taking several files numbers them, which WorkFuse does not follow."""
    rows = (p.get("formFields") or {}).get("values") or []
    uploads = []
    for row in rows:
        if row.get("fieldType") == "file":
            label = str(row.get("fieldName") or row.get("fieldLabel") or "")
            if row.get("multipleFiles", True) is not False and "multipleFiles" in row:
                raise Refusal(
                    f"takes several files in its field '{label}'; WorkFuse follows one file per "
                    "field. Turn off Multiple Files in n8n, then export again."
                )
            uploads.append(label)
    rest = [row for row in rows if row.get("fieldType") != "file"]
    return uploads, {**p, "formFields": {"values": rest}}


def _files_path(label: str) -> str:
    return "trigger.files['" + label.replace("\\", "\\\\").replace("'", "\\'") + "']"


# --- end files ---


def _form(node: N8nNode, cx: Converter) -> Converted:
    raise Refusal(
        "shows a further form page (or the form's last page) to the person filling in the "
        "form; WorkFuse serves no form pages. Ask for those fields in the first form, or use "
        "a 'Wait for call or approval' node (utility.wait, approval mode, with fields) and send "
        "its {{ execution.resume_url }}."
    )


SPECS: dict[str, Spec] = {
    f"{BASE}formTrigger": Spec(_form_trigger, "trigger"),
    f"{BASE}form": Spec(_form, None),
}
