"""The node settings form (DESIGN §4: a node type's `Config` schema drives it).

`fields_for()` turns a node type's JSON Schema and a config into form fields, one widget kind
each; `config_from_form()` turns the submitted fields back into a config; `check()` validates it
the way saving does and places each message on its field.

Kinds: `text` and `textarea` (strings; `textarea` for prompts), `code` (strings the node takes
literally, such as action.code's JavaScript), `number`, `select` (enums and Literals), `multi`
(a list of enum values), `toggle` (booleans), `keyvalue` (objects of strings: headers, query),
`credential` (the node's credential, picked among the owner's credentials of the kinds the node
accepts) and `json` (anything else). A `json` field takes JSON, or plain text for a string
(`{{ nodes.a.body }}`, a JMESPath query), so templates need no quoting. A value that does not
fit its field's kind (set through "Edit as JSON") is shown as `json`, so nothing is lost.

Every field posts `f:<name>` (hidden markers for toggles, multi and key/value lists), so a field
absent from the post is left as it was. An emptied field drops its key and the default applies;
a value equal to the default is only written when the config had that key already, so a config
goes through the form unchanged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from pydantic import ValidationError

from credentials.models import Credential
from editor.graph import GraphIssue
from editor.nodes import NODE_TYPES
from editor.nodes.base import NodeType
from editor.validation import config_issues, validate_graph
from workfuse.lib import safe_json

PREFIX = "f:"
TEXT_KINDS = ("text", "textarea", "code")
MEANT_JSON_OBJECT = re.compile(r'\{\s*["}]')  # `{"key"…` or `{}`, not `{{ … }}` or `{key: …}`
ACRONYMS = {"url": "URL", "json": "JSON", "hmac": "HMAC", "ms": "(ms)", "mb": "(MB)"}
_MISSING: Any = object()


class BadInput(Exception):
    """A request the form endpoint cannot work with (answered 400 with this message)."""


@dataclass
class FormField:
    name: str
    kind: str
    label: str
    help: str
    required: bool
    nullable: bool
    default: Any
    template: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    value: Any = None  # what the widget shows: text, a bool, chosen values, or (key, value) pairs
    errors: list[str] = field(default_factory=list)

    @property
    def input_name(self) -> str:
        return PREFIX + self.name


@dataclass
class Checked:
    """A config checked as saving would check it, with each message on its field."""

    errors: dict[str, list[str]]
    general: list[str]

    @property
    def valid(self) -> bool:
        return not self.errors and not self.general


def node_type_named(name: str) -> NodeType:
    node_type = NODE_TYPES.get(name)
    if node_type is None:
        raise BadInput(f"Unknown node type '{name}'.")
    return node_type


def json_object(text: str | None, what: str) -> dict[str, Any]:
    try:
        value = safe_json.loads(text or "{}")
    except safe_json.JsonRefused as exc:
        problem = (
            f"is not valid JSON: {exc.reason}" if exc.syntax else f"was refused: {exc.message}"
        )
        raise BadInput(f"The {what} {problem}") from None
    if not isinstance(value, dict):
        raise BadInput(f"The {what} must be a JSON object.")
    return value


def credential_choices(owner: Any, node_type: NodeType) -> list[tuple[str, str]]:
    """(id, label) of the owner's credentials of the kinds the node accepts."""
    mine = Credential.objects.filter(owner=owner, kind__in=node_type.credential_kinds)
    return [(str(c.pk), f"{c.name} ({c.get_kind_display()})") for c in mine.order_by("name")]


def fields_for(
    node_type: NodeType,
    config: dict[str, Any],
    credentials: list[tuple[str, str]] | None = None,
) -> list[FormField]:
    """The form's fields showing `config` (defaults where it has no value); `credentials` are
    the (id, name) choices for a credential field."""
    schema = node_type.Config.model_json_schema()
    required = set(schema.get("required") or ())
    fields = []
    for name, prop in (schema.get("properties") or {}).items():
        model_field = node_type.Config.model_fields[name]
        optional = not model_field.is_required()
        default = model_field.get_default(call_default_factory=True) if optional else None
        form_field = FormField(
            name=name,
            kind=_kind(name, prop, node_type),
            label=_label(name),
            help=str(prop.get("description") or ""),
            required=name in required,
            nullable=optional and default is None,
            default=default,
        )
        _describe(form_field, prop, node_type, credentials or [])
        _show(form_field, config.get(name, default))
        fields.append(form_field)
    return fields


def config_from_form(
    node_type: NodeType, data: QueryDict, base: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The config the submitted form describes, starting from `base` (the config the form was
    shown for), and the fields whose text could not be read (number, JSON), by name."""
    config = dict(base)
    problems: dict[str, str] = {}
    for form_field in fields_for(node_type, base):
        if form_field.input_name not in data:
            continue
        try:
            value = _read(form_field, data)
        except ValueError as exc:
            problems[form_field.name] = str(exc)
            continue
        if value is _MISSING:
            config.pop(form_field.name, None)
        elif form_field.name in base or value != form_field.default:
            config[form_field.name] = value
    return config, problems


def check(
    node_type: NodeType,
    config: dict[str, Any],
    *,
    node_id: str,
    graph: Any,
    owner: Any,
) -> Checked:
    """`config` against the node's schema, and, placed in `graph`, against what saving checks
    about the node (templates read only upstream nodes; credentials are the owner's)."""
    issues: list[GraphIssue] = []
    try:
        node_type.Config.model_validate(config)
    except ValidationError as exc:
        issues = config_issues(node_id, exc)
    for issue in _graph_issues(graph, node_id, config, owner):
        if issue not in issues:
            issues.append(issue)
    errors: dict[str, list[str]] = {}
    general = []
    for issue in issues:
        name = _top_field(issue.field)
        if name in node_type.Config.model_fields:
            where = issue.field.removeprefix(f"config.{name}")
            errors.setdefault(name, []).append(
                f"{where.lstrip('.')}: {issue.message}" if where else issue.message
            )
        else:
            general.append(issue.message)
    return Checked(errors, general)


def place_errors(
    fields: list[FormField], checked: Checked, problems: dict[str, str], data: QueryDict
) -> None:
    """Put each message on its field; a field whose text could not be read shows that text
    again with the reason, rather than the value it still holds."""
    for form_field in fields:
        form_field.errors = checked.errors.get(form_field.name, [])
        if form_field.name not in problems:
            continue
        form_field.errors = [problems[form_field.name]]
        name = form_field.input_name
        if form_field.kind == "keyvalue":
            keys, values = data.getlist(f"{name}.key"), data.getlist(f"{name}.value")
            form_field.value = list(zip(keys, values, strict=False))
        else:
            form_field.value = (data.getlist(name) or [""])[-1]


# --- schema → field ----------------------------------------------------------------------------


def _label(name: str) -> str:
    words = [ACRONYMS.get(word, word) for word in name.split("_")]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def _kind(name: str, prop: dict[str, Any], node_type: NodeType) -> str:
    if name == "credential" and node_type.credential_kinds:
        return "credential"
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    if len(options) != 1:
        return "json"
    only = options[0]
    kind = only.get("type")
    if "enum" in only or "const" in only:
        return "select"
    if kind == "boolean":
        return "toggle"
    if kind in ("integer", "number"):
        return "number"
    if kind == "string":
        if name in node_type.raw_fields:
            return "code"
        return "textarea" if name.endswith("prompt") else "text"
    if kind == "array" and "enum" in (only.get("items") or {}):
        return "multi"
    if kind == "object" and _string_values(only):
        return "keyvalue"
    return "json"


def _string_values(schema: dict[str, Any]) -> bool:
    values = list((schema.get("patternProperties") or {}).values())
    if "additionalProperties" in schema:
        values.append(schema["additionalProperties"])
    return bool(values) and all(v == {"type": "string"} for v in values)


def _describe(
    form_field: FormField,
    prop: dict[str, Any],
    node_type: NodeType,
    credentials: list[tuple[str, str]],
) -> None:
    only = next((o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"), prop)
    if form_field.kind == "select":
        values = only.get("enum") or [only.get("const")]
        form_field.choices = [(str(v), str(v)) for v in values]
        if form_field.nullable:
            form_field.choices.insert(0, ("", "— none —"))
    elif form_field.kind == "multi":
        form_field.choices = [(str(v), str(v)) for v in only["items"]["enum"]]
    elif form_field.kind == "number":
        form_field.integer = only.get("type") == "integer"
        form_field.minimum = only.get("minimum")
        form_field.maximum = only.get("maximum")
    elif form_field.kind == "credential":
        form_field.choices = [("", "None"), *credentials]
    form_field.template = (
        form_field.kind in ("text", "textarea", "keyvalue", "json")
        and form_field.name not in node_type.raw_fields
        and not node_type.is_trigger
    )


def _show(form_field: FormField, value: Any) -> None:
    """Set the widget's value; a value the widget cannot show turns the field into `json`."""
    shown = _shown(form_field, value)
    if shown is _MISSING:
        form_field.kind, form_field.choices = "json", []
        shown = _loose_text(value)
    form_field.value = shown


def _shown(form_field: FormField, value: Any) -> Any:
    kind = form_field.kind
    if kind in TEXT_KINDS:
        return "" if value is None else value if isinstance(value, str) else _MISSING
    if kind == "toggle":
        return value if isinstance(value, bool) else _MISSING
    if kind == "number":
        if value is None:
            return ""
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return str(value) if is_number else _MISSING
    if kind in ("select", "credential"):
        text = "" if value is None else str(value)
        return text if text in {c[0] for c in form_field.choices} else _MISSING
    if kind == "multi":
        choices = {c[0] for c in form_field.choices}
        ok = isinstance(value, list) and all(isinstance(v, str) and v in choices for v in value)
        return value if ok else _MISSING
    if kind == "keyvalue":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return _MISSING
        return [(str(k), v) for k, v in value.items()]
    return _loose_text(value)


def _loose_text(value: Any) -> str:
    """JSON text for a value, or a string as it is when that reads back as the same string."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            same = _loose_value(value) == value
        except ValueError:
            same = False
        return value if same else json.dumps(value)
    return json.dumps(value, indent=2, ensure_ascii=False)


# --- form → value ------------------------------------------------------------------------------


def _read(form_field: FormField, data: QueryDict) -> Any:
    name, kind = form_field.input_name, form_field.kind
    text = data.getlist(name)[-1] if data.getlist(name) else ""
    if kind in TEXT_KINDS:
        return _MISSING if text == "" and form_field.nullable else text
    if kind == "toggle":
        return "1" in data.getlist(name)
    if kind == "multi":
        return [v for v in data.getlist(name) if v]
    if kind == "keyvalue":
        return _pairs(data.getlist(f"{name}.key"), data.getlist(f"{name}.value"))
    if text.strip() == "":
        return _MISSING
    if kind == "number":
        return _number(text.strip(), form_field.integer)
    if kind == "credential":
        if not text.strip().isdigit():
            raise ValueError("Pick one of your credentials.")
        return int(text)
    if kind == "select":
        return text
    return _loose_value(text)


def _number(text: str, integer: bool) -> int | float:
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a number.") from None
    if integer:
        if not number.is_integer():
            raise ValueError(f"'{text}' is not a whole number.")
        return int(number)
    return number


def _pairs(keys: list[str], values: list[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for key, value in zip(keys, values, strict=False):
        key = key.strip()
        if not key and not value:
            continue
        if not key:
            raise ValueError(f"The value '{value}' needs a name.")
        if key in result:
            raise ValueError(f"'{key}' is listed twice.")
        result[key] = value
    return result


def _loose_value(text: str) -> Any:
    """JSON when `text` is JSON; otherwise the text itself, unless it was clearly meant as a
    JSON object or string (then the parse error is the useful answer). An object whose first
    key is not quoted, such as the JMESPath `{id: body.id}`, is text."""
    stripped = text.strip()
    try:
        return safe_json.loads(stripped)
    except safe_json.JsonRefused as exc:
        if not exc.syntax:
            raise ValueError(f"Refused: {exc.message}") from None
        if stripped.startswith('"') or MEANT_JSON_OBJECT.match(stripped):
            raise ValueError(f"Not valid JSON: {exc.reason}") from None
        return text


# --- placing issues ----------------------------------------------------------------------------


def _graph_issues(graph: Any, node_id: str, config: dict[str, Any], owner: Any) -> list[GraphIssue]:
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    if not node_id or not isinstance(nodes, list):
        return []
    placed = {
        **graph,
        "nodes": [
            {**n, "config": config} if isinstance(n, dict) and n.get("id") == node_id else n
            for n in nodes
        ],
    }
    return [
        issue
        for issue in validate_graph(placed, owner=owner)
        if issue.node_id == node_id and issue.field.startswith("config")
    ]


def _top_field(where: str) -> str:
    rest = where.removeprefix("config").lstrip(".")
    for stop in (".", "["):
        rest = rest.split(stop, 1)[0]
    return rest
