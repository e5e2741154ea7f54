"""n8n's Form Trigger and Form node as a WorkFuse form filled in page by page
(docs/triggers.md, "Forms").

WorkFuse serves no first page of its own: a Form Trigger becomes a webhook taking POSTs (a form
of your own posts the fields by their n8n labels), and the nodes after it read each field from
the request body: n8n's `$json["Your name"]` is `trigger.body["Your name"]`. With `response:
form` the browser is then sent on to follow the run, as n8n's form does: to each further page
(n8n's Form node, a page, as a `utility.wait` in `form` mode) and to the ending page (the Form
node's completion, as `logic.form_end`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.names import slug, unique
from editor.n8n.wait import FIELD_TYPES, FILE_NOTE, form_fields
from editor.n8n.webhook import RESPONSES
from editor.nodes import logic_form_end

FORM = f"{BASE}form"
TRIGGER = f"{BASE}formTrigger"


def _form_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    # --- files ---
    uploads, p = _file_fields(p)
    # --- end files ---
    labels = [label for label, _, _ in form_fields(p)]
    options = p.get("options") or {}
    mode = p.get("responseMode") or options.get("responseMode") or "onReceived"
    notes = [
        "WorkFuse serves no first form page: post the form's fields (named "
        + ", ".join(f"'{label}'" for label in labels)
        + ") to this webhook's URL from a form of your own; nothing checks they are filled in."
    ]
    if (p.get("authentication") or "none") != "none":
        notes.append(
            f"n8n asked for {p['authentication']} before showing the form; set the webhook's "
            "auth with a webhook secret credential."
        )
    response = RESPONSES.get(mode, "immediate")
    if mode == "onReceived" or _has_form_pages(cx):
        # n8n sends the person on to the form's next page, or its "submitted" page.
        response = "form"
        if mode != "onReceived":
            notes.append(
                f"n8n's response mode '{mode}' gives way to the form's further pages: the "
                "person follows the run to them and to its ending page."
            )
        if options.get("respondWithOptions") or options.get("formSubmittedText"):
            notes.append(
                "n8n showed its own text or redirect once the form was sent; WorkFuse shows "
                "'Form submitted' (add a 'Form ending page' node to show yours)."
            )
    config = {"methods": ["POST"], "response": response}
    # The fields a form posts are in the request's body, by their labels.
    aliases = tuple((label, f"body.{label}") for label in labels)
    # A file field's value is the uploaded file (n8n's json held its name, type and size).
    aliases += tuple((label, f"files.{label}") for label in uploads)
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


def _has_form_pages(cx: Converter) -> bool:
    nodes = cx.data.get("nodes") or []
    return any(isinstance(n, dict) and n.get("type") == FORM for n in nodes)


def _form(node: N8nNode, cx: Converter) -> Converted:
    nodes = cx.data.get("nodes") or []
    if not any(isinstance(n, dict) and n.get("type") == TRIGGER for n in nodes):
        raise Refusal(
            "is a further page of a form, but the workflow has no n8n Form Trigger whose "
            "person could be shown it."
        )
    if (node.params.get("operation") or "page") == "completion":
        return _completion(node, cx)
    return _page(node, cx)


def _page(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if (p.get("defineForm") or "fields") != "fields":
        raise Refusal(
            "builds its form page's fields from a JSON expression; WorkFuse form pages have "
            "fixed fields: list them in n8n's 'Form Elements' and export again."
        )
    options = p.get("options") or {}
    fields: list[dict[str, Any]] = []
    taken: set[str] = set()
    notes: list[str] = []
    # The nodes after it read n8n's answer, `{<label>: value, submittedAt}`: WorkFuse's
    # `{fields: {<name>: value}, at}`.
    aliases = [("submittedAt", "at")]
    found = form_fields(p)
    for label, kind, required in found:
        name = unique(slug(label, 64, "field"), taken, 64)
        taken.add(name)
        fields.append({"name": name, "type": FIELD_TYPES[kind], "required": required})
        aliases.append((label, f"fields.{name}"))
    config: dict[str, Any] = {
        "mode": "form",
        "title": cx.value(str(options.get("formTitle") or p.get("formTitle") or ""), node),
        "description": cx.value(
            str(options.get("formDescription") or p.get("formDescription") or ""), node
        ),
        "fields": fields,
    }
    if any(kind in ("dropdown", "radio", "checkbox") for _, kind, _ in found):
        notes.append("Choice fields are text fields here: the choices are not offered.")
    if any(kind == "file" for _, kind, _ in found):
        traced = _page_files(node, cx).binary  # items
        notes.append(FILE_NOTE if not traced else _traced_files_note(traced))
    if options.get("buttonLabel"):
        notes.append(f"n8n's button read '{options['buttonLabel']}'; WorkFuse's reads 'Submit'.")
    spec = {"data": "", "aliases": tuple(aliases)}
    return Converted("utility.wait", config, notes=notes, spec=spec)


# --- items ---


def _page_files(node: N8nNode, cx: Converter) -> Spec:
    """A form page's files, known before it is converted (a loop's entry before it reads the
    file it asks for again): each file field taking one file is a file value in the answer's
    `fields.<name>`, which n8n put in the binary property named after the field's label, each
    non-word character made '_' (n8n's Form `prepareFormReturnItem`)."""
    spec = SPECS[FORM]
    p = node.params
    if (p.get("operation") or "page") == "completion" or (
        p.get("defineForm") or "fields"
    ) != "fields":
        return replace(spec, per_node=None)
    taken: set[str] = set()
    binary = []
    for row in (p.get("formFields") or {}).get("values") or []:
        kind = str(row.get("fieldType") or "text")
        if kind == "html":
            continue
        label = str(row.get("fieldName") or row.get("fieldLabel") or "")
        name = unique(slug(label, 64, "field"), taken, 64)  # as `_page` names the fields
        taken.add(name)
        if kind == "file" and row.get("multipleFiles") is False:
            prop = re.sub(r"\W", "_", str(row.get("fieldLabel") or ""))
            binary.append((prop, f"nodes.{node.id}.fields.{name}"))
    return replace(spec, per_node=None, binary=tuple(binary))


def _traced_files_note(binary: tuple[tuple[str, str], ...]) -> str:
    names = ", ".join(f"'{prop}'" for prop, _ in binary)
    return (
        "A file field's answer is a file value {filename, content_type, size, content} (n8n's "
        f"`mimetype` is `content_type`); the nodes after it read it as n8n's binary {names} "
        "(a field taking several files is not traced); n8n's accepted file types are not "
        "checked."
    )


# --- end items ---


def _completion(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    respond = p.get("respondWith") or "text"
    notes: list[str] = []
    if respond == "redirect":
        config: dict[str, Any] = {"redirect_url": cx.value(str(p.get("redirectUrl") or ""), node)}
    elif respond == "text":
        config = {
            "title": cx.value(str(p.get("completionTitle") or "Form submitted"), node),
            "message": cx.value(str(p.get("completionMessage") or ""), node),
        }
    elif respond == "showText":
        config = {"title": "", "message": cx.value(str(p.get("responseText") or ""), node)}
        notes.append(
            "n8n showed this text as HTML; WorkFuse shows it as text (any tags appear as written)."
        )
    else:
        raise Refusal(
            f"ends the form by '{respond}' (a file download); WorkFuse's ending page shows a "
            "text or redirects."
        )
    try:
        logic_form_end.Config.model_validate(config)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise Refusal(f"ends the form with a page WorkFuse cannot show: {reason}.") from exc
    return Converted("logic.form_end", config, notes=notes)


SPECS: dict[str, Spec] = {
    TRIGGER: Spec(_form_trigger, "trigger"),
    FORM: Spec(_form, None, per_node=_page_files),
}
