"""What the n8n app-node families share: which resource and operation a node does (n8n leaves
defaults out of its exports), refusing the operations WorkFuse's `app.<service>` node lacks, and
the credential each one leaves to choose (credentials are never imported)."""

from __future__ import annotations

import re
from typing import Any

from editor.n8n.converter import Converter, N8nNode, Refusal

URL_ID = re.compile(r"/d/([A-Za-z0-9_-]+)")


def operation(node: N8nNode, resource: str, defaults: dict[str, str]) -> tuple[str, str]:
    """(resource, operation), n8n's defaults filled in: `defaults` gives each resource's
    default operation ("" where WorkFuse imports none of the resource's operations)."""
    p = node.params
    chosen = str(p.get("resource") or resource)
    return chosen, str(p.get("operation") or defaults.get(chosen, ""))


def unsupported(service: str, resource: str, op: str, supported: str) -> Refusal:
    what = f"{resource} / {op}" if resource and op else op or f"{resource} (its default operation)"
    return Refusal(
        f"does '{what}', which WorkFuse's {service} node does not ({supported}). Replace it in "
        "n8n (an HTTP Request node can call the API) and export again."
    )


def credential_note(service: str, kind: str) -> str:
    """The note that makes the import report show a credential slot."""
    return f"Credentials are not imported: choose a {service} credential ({kind}) before running."


def locator(value: Any) -> str:
    """A resource locator's value ({"__rl": true, "mode": ..., "value": ...}) or a string."""
    if isinstance(value, dict):
        value = value.get("value")
    return str(value if value is not None else "")


def text(cx: Converter, node: N8nNode, value: Any) -> Any:
    """A parameter as a config value: expressions become templates, numbers stay numbers."""
    if isinstance(value, dict) and value.get("__rl"):
        value = value.get("value")
    return cx.value(value if value is not None else "", node)


def required(
    cx: Converter, node: N8nNode, name: str, label: str, empty: tuple[Any, ...] = ("", None)
) -> str:
    """The setting `name` as text (an expression stays a template), for an operation that
    cannot do without it: refused, naming `label`, when the export leaves it empty (a template
    left for the user to fill, which n8n could not run either)."""
    value = text(cx, node, node.params.get(name))
    if value in empty:
        raise Refusal(f"names no {label}; set it in n8n and export again.")
    return value if isinstance(value, str) else str(value)


def listed(cx: Converter, node: N8nNode, value: Any) -> list[str]:
    """n8n's comma-separated recipients/labels as a list (an expression stays whole)."""
    converted = text(cx, node, value)
    if not isinstance(converted, str):
        return [str(converted)]
    if "{{" in converted or "{%" in converted:
        return [converted]
    return [part.strip() for part in converted.split(",") if part.strip()]


# --- apps ---
def binary_file(cx: Converter, node: N8nNode, property_name: Any) -> Any:
    """The template of the file an n8n node sends from its input item's binary data (the
    property `property_name`, n8n's "data" by default), for a config field that takes a file
    value (workfuse/lib/files.py): `Converter.file_ref`, which refuses, naming the node, when
    no step before it makes that file."""
    return cx.file_ref(node, property_name or "data")


def binary_files(cx: Converter, node: N8nNode, properties: list[Any]) -> str:
    """The files an n8n node attaches from its input item's binary properties (each entry of
    `properties` one name or several separated by commas, as Send Email's and Gmail's
    attachments take them; empty: "data"), as one template rendering to the list of their file
    values, for a setting that takes a list of files (app.email's and app.gmail's
    `attachments`). `Converter.file_ref` finds each, refusing, naming the node, a name given by
    an expression or a file no step before makes."""
    names: list[str] = []
    for prop in properties:
        given = str(prop if prop is not None else "").strip()
        if given.startswith("=") and "{{" not in given:
            given = given[1:]  # an "expression" of plain text is that text
        if given.startswith("="):
            names.append(given)  # file_ref refuses it
        else:
            names += [name.strip() for name in given.split(",") if name.strip()] or ["data"]
    paths = [cx.file_ref(node, name).removeprefix("{{ ").removesuffix(" }}") for name in names]
    return "{{ [" + ", ".join(paths) + "] }}"  # one expression: the list of file values


# --- end apps ---


# --- svcg ---
SETTING_OF = re.compile(
    r"""^=\{\{\s*\$node\[\s*(["'])(?P<node>.+?)\1\s*\]\.parameter\[\s*(["'])(?P<key>\w+)\3\s*\]\s*\}\}$"""
)


def setting_of(cx: Converter, value: Any) -> Any:
    """`value`, or the fixed setting it reads when it is exactly `{{$node["X"].parameter["k"]}}`
    (the corpus's way to repeat a first node's list or space in the nodes after it). WorkFuse's
    templates read outputs, not settings; a setting that is itself an expression stays as it
    is, for the converter to translate or refuse."""
    match = SETTING_OF.match(value) if isinstance(value, str) else None
    other = cx.nodes.get(match["node"]) if match else None
    if match is None or other is None:
        return value
    setting = other.params.get(match["key"])
    if setting is None or (isinstance(setting, str) and setting.startswith("=")):
        return value
    return setting


# --- end svcg ---
