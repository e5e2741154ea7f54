"""The node settings form (DESIGN §4: a node type's `Config` schema drives it).

`fields_for()` turns a node type's JSON Schema and a config into form fields, one widget kind
each; `config_from_form()` turns the submitted fields back into a config; `check()` validates it
the way saving does and places each message on its field.

Kinds: `text` and `textarea` (strings; `textarea` for prompts), `code` (strings the node takes
literally, such as action.code's JavaScript), `number`, `select` (enums and Literals), `multi`
(a list of enum values), `toggle` (booleans), `keyvalue` (objects of strings: headers, query),
`list` (a list of strings), `rows` (a list of flat objects: one row each, a column per key;
a yes/no column is a select, since a checkbox left off would not post its column),
`rules` and `cases` (a tree of rules and AND/OR groups, and a switch's cases of such trees; see
"lists" below), `ruleset` (one such group as a setting of its own, like a repeat's `until`: its
rules as a tree, and whether all or any must hold), `credential` (the node's credential, picked
among the owner's credentials of the kinds the node accepts), `workflow` (the workflow an
`action.workflow` calls, picked among the owner's workflows that start with `trigger.workflow`;
its `inputs` are name/value pairs, with the chosen workflow's inputs named in the help and its
required ones offered as rows), `tools` and `group` (see "nested fields" below) and `json`
(anything else). A `json` field takes JSON, or plain text for
a string (`{{ nodes.a.body }}`, a JMESPath query), so templates need no quoting. A value that
does not fit its field's kind (set through "Edit as JSON") is shown as `json`, so nothing is
lost.

Operations: a field whose schema lists `operations` (the app nodes of integrations/, DESIGN §11)
belongs to those values of the config's `operation`: only the chosen operation's fields are
shown, those it lists in `required_for` are marked required, the `operation` select re-renders
the form when it changes (`rerender`), and applying the form drops the fields the chosen
operation does not use.

Nested fields: a list whose items are a union tagged by `type` (action.agent's `tools`) is a
`tools` field, one card per entry: a type select (re-rendering the form, as `operation` does),
then the chosen type's own fields, built from its model with the same widgets, named
`f:<name>.<key>.<field>` (`key` is the entry's index when shown, `f:<name>.card` lists the keys in
order, so removing a card or adding one in the browser renumbers nothing). Beside an `approval`
list of names (action.agent), each card has an "Ask before running" box (`.ask`) and `approval`
shows only the names no card carries (an MCP server's own tools); applying writes both back
into `approval`. An object of flat settings (`memory`, `budget`) is a `group`: its fields nested
under `f:<name>.<field>`, with an on/off box (`.on`) when the setting may instead be a constant
(`memory: "none"`). Messages about nested values name their path (`tools.1.url: …`) and sit on
the nested field.

Every field posts `f:<name>` (hidden markers for toggles, multi and key/value lists), so a field
absent from the post is left as it was. An emptied field drops its key and the default applies;
a value equal to the default is only written when the config had that key already, so a config
goes through the form unchanged.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any, get_args

from django.http import QueryDict
from pydantic import BaseModel, ValidationError

from credentials.models import Credential
from editor.graph import GraphIssue
from editor.nodes import NODE_TYPES, trigger_workflow
from editor.nodes.base import NodeType
from editor.nodes.rules import Operator
from editor.validation import config_issues, validate_graph
from workfuse.lib import safe_json

PREFIX = "f:"
TEXT_KINDS = ("text", "textarea", "code")
TREE_KINDS = ("rules", "cases", "ruleset")
LIST_KINDS = ("list", "rows", *TREE_KINDS)
TREE_COLUMNS = ("left", "operator", "right", "combinator", "handle")
TREE_ROWS = ("rule", "group", "case", "end")
OPERATORS = get_args(Operator)
OPERATOR_LABELS = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
COMBINATORS = ("and", "or")
NESTED_KINDS = ("tools", "group")
TAG = "type"  # what tells a `tools` entry's type apart
APPROVAL = "approval"  # names of tools that wait for a person (action.agent)
NEW_CARD = "__key__"  # the key of a card in the browser's "Add tool" templates
MEANT_JSON_OBJECT = re.compile(r'\{\s*["}]')  # `{"key"…` or `{}`, not `{{ … }}` or `{key: …}`
ACRONYMS = {"url": "URL", "json": "JSON", "hmac": "HMAC", "ms": "(ms)", "mb": "(MB)"}
_MISSING: Any = object()


class BadInput(Exception):
    """A request the form endpoint cannot work with (answered 400 with this message)."""


@dataclass
class Column:
    """One key of the objects a `rows` field lists: `text` (a string), `value` (anything, typed
    as in a `json` field: JSON or plain text) or `select`."""

    name: str
    label: str
    kind: str
    default: Any
    choices: list[tuple[str, str]] = field(default_factory=list)
    template: bool = False


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
    value: Any = None  # what the widget shows: text, a bool, chosen values, pairs or rows
    errors: list[str] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)  # a `rows` field's keys
    per_item: bool = False  # its templates see `item` and `index` (NodeType.item_fields)
    match: str = "and"  # a `ruleset`'s combinator: all of its rules must hold, or any
    rerender: bool = False  # changing it changes which fields the form shows (operation)
    sub: str = ""  # a nested field's own name (`url` of `tools.0.url`)
    accepts: tuple[str, ...] = ()  # a credential picker's kinds
    # `tools`: the models of its entries by tag, a blank card per tag for "Add tool", and
    # whether each card has an "Ask before running" box; `group`: its model by class name.
    members: dict[str, type[BaseModel]] = field(default_factory=dict)
    blanks: list[ToolCard] = field(default_factory=list)
    asks: bool = False
    toggle: str = ""  # a `group` that may be off: the label of its on/off box
    off: Any = None  # … and the value it has when off
    on: bool = True

    @property
    def input_name(self) -> str:
        return PREFIX + self.name

    @property
    def blank_row(self) -> list[tuple[Column, Any]]:
        """The cells of a new row of a `rows` field: its defaults."""
        return [(c, _column_text(c, c.default, present=False)) for c in self.columns]


@dataclass
class ToolCard:
    """One entry of a `tools` field: its type and that type's own fields."""

    parent: str
    key: str
    type: str
    fields: list[FormField]
    ask: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"{PREFIX}{self.parent}.{self.key}"

    @property
    def name(self) -> str:
        shown = next((f.value for f in self.fields if f.sub == "name"), "")
        return shown if isinstance(shown, str) else ""


@dataclass
class Pickers:
    """What pickers inside nested fields offer: the owner's credentials as (id, label, kind),
    and the workflows a tool may call."""

    credentials: list[tuple[str, str, str]] = field(default_factory=list)
    targets: list[trigger_workflow.CallTarget] = field(default_factory=list)

    @classmethod
    def of(cls, owner: Any) -> Pickers:
        mine = Credential.objects.filter(owner=owner).order_by("name")
        return cls(
            [(str(c.pk), f"{c.name} ({c.get_kind_display()})", c.kind) for c in mine],
            trigger_workflow.call_targets(owner),
        )

    def credentials_of(self, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        return [(pk, label) for pk, label, kind in self.credentials if kind in kinds]


class Unreadable(ValueError):
    """Nested values whose text could not be read, by path (`tools.1.timeout_ms`)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems.items()))
        self.problems = problems


@dataclass
class Checked:
    """A config checked as saving would check it, with each message on its field (and, with
    its dotted path, in `located`, for messages about nested values)."""

    errors: dict[str, list[str]]
    general: list[str]
    located: list[tuple[list[str], str]] = field(default_factory=list)

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
    targets: list[trigger_workflow.CallTarget] | None = None,
    owner: Any = None,
) -> list[FormField]:
    """The form's fields showing `config` (defaults where it has no value); `credentials` are
    the (id, name) choices for a credential field, `targets` those for a called workflow, and
    `owner`'s credentials and workflows are offered inside nested fields (a tool's own)."""
    schema = node_type.Config.model_json_schema()
    required = set(schema.get("required") or ())
    defs = schema.get("$defs") or {}
    model_fields = _model_fields(node_type)
    properties = schema.get("properties") or {}
    operation = _operation(node_type, config)
    fields = []
    pickers: Pickers | None = None
    for name, prop in properties.items():
        if not _used_by(prop, operation):
            continue
        model_field = model_fields[name]
        optional = not model_field.is_required()
        default = model_field.get_default(call_default_factory=True) if optional else None
        form_field = FormField(
            name=name,
            kind=_kind(name, prop, node_type, defs),
            label=_label(name),
            help=str(prop.get("description") or ""),
            required=name in required or operation in prop.get("required_for", ()),
            nullable=optional and default is None,
            default=default,
            per_item=name in node_type.item_fields,
            rerender=name == "operation" and any("operations" in p for p in properties.values()),
        )
        _describe(form_field, prop, node_type, credentials or [], defs)
        if form_field.kind == "workflow":
            form_field.choices = _workflow_choices(targets or [])
        if form_field.kind in NESTED_KINDS:
            if pickers is None:
                pickers = Pickers.of(owner) if owner is not None else Pickers()
            _describe_nested(form_field, model_field.annotation, prop, defs, pickers)
            _show_nested(form_field, config.get(name, default), pickers)
        else:
            _show(form_field, config.get(name, default))
        fields.append(form_field)
    if node_type.calls_workflow:
        _offer_inputs(fields, config, targets or [])
    _link_approval(fields)
    return fields


def _workflow_choices(targets: list[trigger_workflow.CallTarget]) -> list[tuple[str, str]]:
    return [("", "— pick a workflow —"), *((str(t.id), t.name) for t in targets)]


def _offer_inputs(
    fields: list[FormField], config: dict[str, Any], targets: list[trigger_workflow.CallTarget]
) -> None:
    """Name the called workflow's inputs in the help of `inputs`, and add a row for each
    required one the config does not give yet."""
    target = next((t for t in targets if t.id == config.get("workflow")), None)
    inputs = next((f for f in fields if f.name == "inputs"), None)
    if target is None or inputs is None:
        return
    if not target.inputs:
        inputs.help += f" “{target.name}” declares no inputs: it takes any you pass."
        return
    named = ", ".join(
        f"{i.name} ({i.type}{', required' if i.required else ''})" for i in target.inputs
    )
    inputs.help += f" Inputs of “{target.name}”: {named}."
    if inputs.kind == "keyvalue":
        given = {key for key, _ in inputs.value}
        inputs.value += [(i.name, "") for i in target.inputs if i.required and i.name not in given]


def config_from_form(
    node_type: NodeType, data: QueryDict, base: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The config the submitted form describes, starting from `base` (the config the form was
    shown for), and the fields whose text could not be read (number, JSON), by name (by path
    for nested values: `tools.1.timeout_ms`)."""
    config = dict(base)
    problems: dict[str, str] = {}
    fields = fields_for(node_type, base)
    asked: list[str] | None = None  # the tools whose "Ask before running" box was posted ticked
    read = set()
    for form_field in fields:
        if form_field.input_name not in data:
            continue
        try:
            if form_field.kind == "tools":
                value, asked = _read_cards(form_field, data, base.get(form_field.name))
            else:
                value = _read(form_field, data, base.get(form_field.name))
        except Unreadable as exc:
            problems.update(exc.problems)
            continue
        except ValueError as exc:
            problems[form_field.name] = str(exc)
            continue
        read.add(form_field.name)
        if value is _MISSING:
            config.pop(form_field.name, None)
        elif form_field.name in base or value != form_field.default:
            config[form_field.name] = value
    _apply_approval(fields, config, base, asked, APPROVAL in read)
    properties = node_type.Config.model_json_schema().get("properties") or {}
    operation = _operation(node_type, config)
    unused = [name for name in config if not _used_by(properties.get(name, {}), operation)]
    for name in unused:
        del config[name]
    return config, problems


def _apply_approval(
    fields: list[FormField],
    config: dict[str, Any],
    base: dict[str, Any],
    asked: list[str] | None,
    approval_read: bool,
) -> None:
    """`approval` from the cards' "Ask before running" boxes and the names the `approval` field
    lists beside them, in the order `base` had them (new names last)."""
    tools = next((f for f in fields if f.kind == "tools" and f.asks), None)
    if tools is None:
        return
    before = base.get(APPROVAL) or []
    carried = {card.name for card in tools.value}
    if asked is None:  # the cards were not posted, or could not be read
        asked = [name for name in before if name in carried]
    if approval_read:
        others = list(config.get(APPROVAL) or [])
    else:
        others = [name for name in before if name not in carried]
    wanted = [name for name in (*asked, *others) if name]
    approval = [name for name in before if name in wanted]
    approval += [name for name in dict.fromkeys(wanted) if name not in approval]
    if approval or APPROVAL in base:
        config[APPROVAL] = approval
    else:
        config.pop(APPROVAL, None)


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
    located = []
    known = _model_fields(node_type)
    for issue in issues:
        name = _top_field(issue.field)
        if name in known:
            where = issue.field.removeprefix(f"config.{name}")
            errors.setdefault(name, []).append(
                f"{where.lstrip('.')}: {issue.message}" if where else issue.message
            )
            dotted = re.sub(r"\[(\d+)\]", r".\1", issue.field.removeprefix("config."))
            located.append((dotted.split("."), issue.message))
        else:
            general.append(issue.message)
    return Checked(errors, general, located)


def place_errors(
    fields: list[FormField], checked: Checked, problems: dict[str, str], data: QueryDict
) -> None:
    """Put each message on its field (a message about a nested value on the nested field, or
    on its card); a field whose text could not be read shows that text again with the reason,
    rather than the value it still holds."""
    for form_field in fields:
        name = form_field.name
        mine = {path: m for path, m in problems.items() if path.split(".")[0] == name}
        if not mine:
            form_field.errors = checked.errors.get(name, [])
            if form_field.kind in NESTED_KINDS:
                located = [(p, m) for p, m in checked.located if p[0] == name]
                form_field.errors = _place_nested(form_field, located)
            continue
        _show_posted(form_field, data)
        form_field.errors = [mine[name]] if name in mine else []
        nested = [(path.split("."), m) for path, m in mine.items() if path != name]
        form_field.errors += _place_nested(form_field, nested)


def _show_posted(form_field: FormField, data: QueryDict) -> None:
    """Show what was typed into a field, as it was."""
    name = form_field.input_name
    if form_field.kind == "keyvalue":
        keys, values = data.getlist(f"{name}.key"), data.getlist(f"{name}.value")
        form_field.value = list(zip(keys, values, strict=False))
    elif form_field.kind in LIST_KINDS:
        form_field.value = _posted_list(form_field, data)
        if form_field.kind == "ruleset":
            form_field.match = _posted_match(data, name)
    elif form_field.kind == "tools":
        form_field.value = _posted_cards(form_field, data)
    elif form_field.kind == "group":
        if form_field.toggle:
            form_field.on = "1" in data.getlist(f"{name}.on")
        for nested in form_field.value:
            if nested.input_name in data:
                _show_posted(nested, data)
    elif form_field.kind == "toggle":
        form_field.value = "1" in data.getlist(name)
    else:
        form_field.value = (data.getlist(name) or [""])[-1]


def _posted_cards(form_field: FormField, data: QueryDict) -> list[ToolCard]:
    """The cards as posted: each of the type chosen in it, showing what was typed."""
    shown = {card.key: card for card in form_field.value}
    blanks = {card.type: card for card in form_field.blanks}
    cards = []
    for key in _card_keys(form_field, data):
        tag = (data.getlist(f"{PREFIX}{form_field.name}.{key}.{TAG}") or [""])[-1]
        card = shown.get(key)
        if card is None or card.type != tag:
            card = _rekeyed(blanks.get(tag) or card or form_field.blanks[0], key)
        for nested in card.fields:
            if nested.input_name in data:
                _show_posted(nested, data)
        card.ask = "1" in data.getlist(f"{card.prefix}.ask")
        cards.append(card)
    return cards


def _rekeyed(card: ToolCard, key: str) -> ToolCard:
    fresh = copy.deepcopy(card)
    fresh.key = key
    for nested in fresh.fields:
        nested.name = f"{card.parent}.{key}.{nested.sub}"
    return fresh


def _place_nested(form_field: FormField, located: list[tuple[list[str], str]]) -> list[str]:
    """Put each message about a nested value (by path: ["tools", "0", "http", "url"]) on that
    value's field as `tools.0.url: …`; the messages left over, for the field itself."""
    left = []
    for parts, message in located:
        rest = parts[1:]
        index = rest.pop(0) if form_field.kind == "tools" and rest and rest[0].isdigit() else None
        if len(rest) > 1 and rest[0] in form_field.members:  # the union member tried
            rest = rest[1:]
        if rest and rest[0].startswith("literal[") and len(located) > 1:
            continue  # why the group is not its constant either: noise beside the real reason
        path = ".".join([form_field.name, *([index] if index is not None else []), *rest[:1]])
        target = _nested_errors(form_field, index, rest[:1])
        if path == form_field.name:
            left.append(message)
        elif target is None:
            left.append(f"{path}: {message}")
        else:
            target.append(f"{path}: {message}")
    return left


def _nested_errors(form_field: FormField, index: str | None, sub: list[str]) -> list[str] | None:
    """The error list a message about a nested value goes to: the nested field's, else its
    card's; None when neither is shown."""
    if form_field.kind == "tools":
        cards = form_field.value
        if index is None or int(index) >= len(cards):
            return None
        card = cards[int(index)]
        nested = next((f for f in card.fields if sub and f.sub == sub[0]), None)
        return nested.errors if nested is not None else card.errors
    nested = next((f for f in form_field.value if sub and f.sub == sub[0]), None)
    return nested.errors if nested is not None else None


# --- schema → field ----------------------------------------------------------------------------


def _model_fields(node_type: NodeType) -> dict[str, Any]:
    """The Config's fields by the name the schema and configs use (the alias, as `from`)."""
    return {(f.alias or name): f for name, f in node_type.Config.model_fields.items()}


def _operation(node_type: NodeType, config: dict[str, Any]) -> Any:
    """The config's `operation` (its default when unset), or None for node types without one."""
    field = _model_fields(node_type).get("operation")
    if field is None:
        return None
    return config.get("operation", field.get_default(call_default_factory=True))


def _used_by(prop: dict[str, Any], operation: Any) -> bool:
    """Whether a field belongs to the chosen operation (fields listing no operations always do)."""
    return "operations" not in prop or operation in prop["operations"]


def _label(name: str) -> str:
    words = [ACRONYMS.get(word, word) for word in name.split("_")]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def _kind(name: str, prop: dict[str, Any], node_type: NodeType, defs: dict[str, Any]) -> str:
    if name == "credential" and node_type.credential_kinds:
        return "credential"
    if node_type.calls_workflow and name in ("workflow", "inputs"):
        return "workflow" if name == "workflow" else "keyvalue"
    return _value_kind(name, prop, defs, raw=name in node_type.raw_fields)


def _value_kind(name: str, prop: dict[str, Any], defs: dict[str, Any], *, raw: bool) -> str:
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    if _is_group(options, defs):
        return "group"
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
        if raw:
            return "code"
        return "textarea" if name.endswith("prompt") else "text"
    if kind == "array":
        return _list_kind(only.get("items") or {}, defs)
    if _ref_name(only) == "RuleSet":
        return "ruleset"
    if kind == "object" and _string_values(only):
        return "keyvalue"
    return "json"


def _list_kind(items: dict[str, Any], defs: dict[str, Any]) -> str:
    if "enum" in items:
        return "multi"
    if (items.get("discriminator") or {}).get("propertyName") == TAG and (
        items.get("oneOf") or items.get("anyOf")
    ):
        return "tools"
    if _is_rule(items):
        return "rules"
    if items.get("type") == "string":
        return "list"
    entry = _resolved(items, defs)
    properties = entry.get("properties") or {}
    if "handle" in properties and _is_rule((properties.get("rules") or {}).get("items") or {}):
        return "cases"
    if properties and all(_column_kind(p) for p in properties.values()):
        return "rows"
    return "json"


def _is_group(options: list[dict[str, Any]], defs: dict[str, Any]) -> bool:
    """An object of flat settings (a `$ref` whose every property is a simple widget), alone or
    beside one constant it may be instead (`memory`: "none" or {session_key, max_messages})."""
    objects = [o for o in options if "$ref" in o]
    constants = [o for o in options if "const" in o]
    if len(objects) != 1 or len(constants) > 1 or len(options) != len(objects) + len(constants):
        return False
    entry = _resolved(objects[0], defs)
    properties = entry.get("properties") or {}
    simple = ("text", "textarea", "number", "toggle", "select")
    return bool(properties) and all(
        _value_kind(key, p, {}, raw=False) in simple for key, p in properties.items()
    )


def _is_rule(items: dict[str, Any]) -> bool:
    """A list entry that is a rule or a group (editor/nodes/rules.py's RuleNode)."""
    return {_ref_name(o) for o in items.get("anyOf") or ()} == {"Rule", "RuleSet"}


def _ref_name(schema: dict[str, Any]) -> str:
    return str(schema.get("$ref", "")).rpartition("/")[2]


def _resolved(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = str(schema.get("$ref", ""))
    return defs.get(ref.rpartition("/")[2], {}) if ref else schema


def _column_kind(prop: dict[str, Any]) -> str:
    """A column for a key of a `rows` field's objects; "" when the key needs more than one."""
    if "enum" in prop or "const" in prop:
        return "select"
    kind = prop.get("type")
    if kind == "string":
        return "text"
    if kind == "boolean":
        return "boolean"
    return "value" if kind is None and "anyOf" not in prop and "$ref" not in prop else ""


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
    defs: dict[str, Any],
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
        form_field.accepts = node_type.credential_kinds
    elif form_field.kind in TREE_KINDS:
        form_field.choices = [
            (op, OPERATOR_LABELS.get(op, op.replace("_", " "))) for op in OPERATORS
        ]
    form_field.template = (
        form_field.kind
        in ("text", "textarea", "keyvalue", "json", "rows", *TREE_KINDS, *NESTED_KINDS)
        and form_field.name not in node_type.raw_fields
        and not node_type.is_trigger
    )
    if form_field.kind == "rows":
        entry = _resolved(only["items"], defs)
        form_field.columns = [
            _column(key, p, form_field) for key, p in (entry.get("properties") or {}).items()
        ]


def _column(key: str, prop: dict[str, Any], form_field: FormField) -> Column:
    kind = _column_kind(prop)
    column = Column(key, _label(key), kind, prop.get("default"))
    if kind == "select":
        column.choices = [(str(v), str(v)) for v in prop.get("enum") or [prop.get("const")]]
    elif kind == "boolean":  # a yes/no select: a checkbox left off would not post its column
        column.choices = [("false", "no"), ("true", "yes")]
    # A value takes templates; so does a per-item field's text (a sort key's path or template).
    column.template = form_field.template and (kind == "value" or form_field.per_item)
    return column


def _show(form_field: FormField, value: Any) -> None:
    """Set the widget's value; a value the widget cannot show turns the field into `json`."""
    shown = _shown(form_field, value)
    if shown is _MISSING:
        form_field.kind, form_field.choices = "json", []
        shown = _loose_text(value)
    form_field.value = shown


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation names, through lists, unions and `Annotated`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models_in(arg)]


def _describe_nested(
    form_field: FormField,
    annotation: Any,
    prop: dict[str, Any],
    defs: dict[str, Any],
    pickers: Pickers,
) -> None:
    """A `tools` field's entry models by tag and its blank cards; a `group`'s model and, when
    it may be a constant instead, that constant and the label of its on/off box."""
    models = _models_in(annotation)
    if form_field.kind == "tools":
        form_field.members = {str(m.model_fields[TAG].default): m for m in models}
        form_field.choices = [
            (tag, str(_tag_prop(m).get("label") or tag)) for tag, m in form_field.members.items()
        ]
        form_field.blanks = [
            _card(form_field, NEW_CARD, tag, {}, pickers) for tag in form_field.members
        ]
        return
    form_field.members = {m.__name__: m for m in models[:1]}
    constant = next((o for o in prop.get("anyOf", ()) if "const" in o), None)
    if constant is not None:
        form_field.off = constant["const"]
        form_field.toggle = str(prop.get("toggle") or f"Use {form_field.label.lower()}")


def _tag_prop(model: type[BaseModel]) -> dict[str, Any]:
    return dict(_properties(model).get(TAG) or {})


@functools.cache
def _properties(model: type[BaseModel]) -> dict[str, Any]:
    """A nested model's JSON Schema properties (read only: shared between calls)."""
    return dict(model.model_json_schema().get("properties") or {})


def _show_nested(form_field: FormField, value: Any, pickers: Pickers) -> None:
    """Cards or nested fields showing `value`; a value they cannot show turns the field into
    `json`, so nothing is lost."""
    shown: list[ToolCard] | list[FormField] | None
    if form_field.kind == "tools":
        shown = _cards(form_field, value, pickers)
    else:
        shown = _group_fields(form_field, value, pickers)
    if shown is None:
        form_field.kind, form_field.choices, form_field.blanks = "json", [], []
        form_field.value = _loose_text(value)
    else:
        form_field.value = shown


def _cards(form_field: FormField, value: Any, pickers: Pickers) -> list[ToolCard] | None:
    if not isinstance(value, list):
        return None
    cards = []
    for index, entry in enumerate(value):
        model = form_field.members.get(str(entry.get(TAG))) if isinstance(entry, dict) else None
        if model is None or not set(entry) <= set(_fields_of(model)):
            return None
        cards.append(_card(form_field, str(index), entry[TAG], entry, pickers))
    return cards


def _card(
    form_field: FormField, key: str, tag: str, entry: dict[str, Any], pickers: Pickers
) -> ToolCard:
    """The card of one entry; `entry` may be of another type (a card whose type was just
    changed): the keys both types have are kept."""
    model = form_field.members[tag]
    prefix = f"{form_field.name}.{key}"
    properties = _properties(model)
    fields = [
        _nested_field(form_field, prefix, name, model_field, properties.get(name, {}), pickers)
        for name, model_field in _fields_of(model).items()
        if name != TAG
    ]
    for nested in fields:
        _show(nested, entry.get(nested.sub, nested.default))
    return ToolCard(form_field.name, key, tag, fields)


def _group_fields(form_field: FormField, value: Any, pickers: Pickers) -> list[FormField] | None:
    model = next(iter(form_field.members.values()))
    form_field.on = isinstance(value, dict)
    if value is None or (form_field.toggle and value == form_field.off):
        value = {}
    if not isinstance(value, dict) or not set(value) <= set(_fields_of(model)):
        return None
    properties = _properties(model)
    fields = []
    for name, model_field in _fields_of(model).items():
        prop = properties.get(name, {})
        nested = _nested_field(form_field, form_field.name, name, model_field, prop, pickers)
        shown = value.get(name, nested.default)
        if not form_field.on and shown is None:  # a value to start from when switched on
            shown = prop.get("suggested")
        _show(nested, shown)
        fields.append(nested)
    return fields


def _fields_of(model: type[BaseModel]) -> dict[str, Any]:
    return {(f.alias or name): f for name, f in model.model_fields.items()}


def _nested_field(
    parent: FormField,
    prefix: str,
    name: str,
    model_field: Any,
    prop: dict[str, Any],
    pickers: Pickers,
) -> FormField:
    """A field of a card or a group, named `<prefix>.<name>`, with the widget its schema calls
    for (a credential among the owner's of the kinds it lists, a workflow among those a
    workflow can call)."""
    optional = not model_field.is_required()
    default = model_field.get_default(call_default_factory=True) if optional else None
    nested = FormField(
        name=f"{prefix}.{name}",
        sub=name,
        kind=_nested_kind(name, prop),
        label=_label(name),
        help=str(prop.get("description") or ""),
        required=not optional,
        nullable=optional and default is None,
        default=default,
    )
    only = next((o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"), prop)
    if nested.kind == "select":
        nested.choices = [(str(v), str(v)) for v in only.get("enum") or [only.get("const")]]
        if nested.nullable:
            nested.choices.insert(0, ("", "— none —"))
    elif nested.kind == "number":
        nested.integer = only.get("type") == "integer"
        nested.minimum, nested.maximum = only.get("minimum"), only.get("maximum")
    elif nested.kind == "credential":
        nested.accepts = tuple(prop["credential_kinds"])
        nested.choices = [("", "None"), *pickers.credentials_of(nested.accepts)]
    elif nested.kind == "workflow":
        nested.choices = _workflow_choices(pickers.targets)
    nested.template = parent.template and nested.kind in ("text", "textarea", "keyvalue", "json")
    return nested


def _nested_kind(name: str, prop: dict[str, Any]) -> str:
    if "credential_kinds" in prop:
        return "credential"
    if name == "workflow":
        return "workflow"
    if name == "code":
        return "code"
    if name == "description":
        return "textarea"
    kind = _value_kind(name, prop, {}, raw=False)
    return "json" if kind in NESTED_KINDS else kind


def _link_approval(fields: list[FormField]) -> None:
    """Beside an `approval` list of tool names, each card gets an "Ask before running" box and
    `approval` shows only the names no card carries: an MCP server's own tools."""
    tools = next((f for f in fields if f.kind == "tools"), None)
    approval = next((f for f in fields if f.name == APPROVAL and f.kind == "list"), None)
    if tools is None or approval is None:
        return
    names = {card.name for card in tools.value}
    tools.asks = True
    for card in tools.value:
        card.ask = card.name in approval.value
    approval.value = [name for name in approval.value if name not in names]
    approval.help = (
        "Tools of an MCP server that wait for a person to approve each call, by their own "
        "names. The tools above each have their own “Ask before running” box (on an MCP "
        "server's card it covers all of that server's tools)."
    )


def _shown(form_field: FormField, value: Any) -> Any:
    kind = form_field.kind
    if kind in LIST_KINDS:
        return _shown_list(form_field, value)
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
    if kind == "workflow":
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            return "" if value is None else _MISSING
        if str(value) not in {c[0] for c in form_field.choices}:  # its message says why
            form_field.choices.append((str(value), f"Workflow {value} (cannot be called)"))
        return str(value)
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


def _read(form_field: FormField, data: QueryDict, before: Any) -> Any:
    """The field's value from the post; `before` is its value in the config the form showed
    (list entries keep the keys they had even when set to the default)."""
    name, kind = form_field.input_name, form_field.kind
    text = data.getlist(name)[-1] if data.getlist(name) else ""
    if kind in LIST_KINDS:
        return _read_list(form_field, data, before)
    if kind == "group":
        return _read_group(form_field, data, before)
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
    if kind == "workflow":
        if not text.strip().isdigit():
            raise ValueError("Pick one of your workflows.")
        return int(text)
    if kind == "select":
        return text
    return _loose_value(text)


def _read_nested(
    fields: list[FormField], data: QueryDict, base: dict[str, Any], where: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The object nested fields describe (a key absent from the post keeps its value in `base`;
    a default is written only where `base` had the key), and what could not be read, by path
    under `where`."""
    entry: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for nested in fields:
        if nested.input_name not in data:
            if nested.sub in base:
                entry[nested.sub] = base[nested.sub]
            continue
        try:
            value = _read(nested, data, base.get(nested.sub))
        except ValueError as exc:
            problems[f"{where}.{nested.sub}"] = str(exc)
            continue
        if value is not _MISSING and (nested.sub in base or value != nested.default):
            entry[nested.sub] = value
    return entry, problems


def _read_group(form_field: FormField, data: QueryDict, before: Any) -> Any:
    """A group's object; its constant when its box is off; left out (its default applies)
    when it has no box and none of its fields is filled in."""
    if form_field.toggle and "1" not in data.getlist(f"{form_field.input_name}.on"):
        return form_field.off
    base = before if isinstance(before, dict) else {}
    entry, problems = _read_nested(form_field.value, data, base, form_field.name)
    if problems:
        raise Unreadable(problems)
    if not entry and not form_field.toggle and before != {}:
        return _MISSING  # emptied: no limits, as when the setting is left out
    return entry


def _card_keys(form_field: FormField, data: QueryDict) -> list[str]:
    return list(dict.fromkeys(data.getlist(f"{form_field.input_name}.card")))


def _read_cards(
    form_field: FormField, data: QueryDict, before: Any
) -> tuple[list[dict[str, Any]], list[str]]:
    """The entries the posted cards describe, in their order, and the names of those whose
    "Ask before running" box is ticked. A card's key is the index of the entry it showed (a
    card added in the browser has another key, and starts from nothing)."""
    shown = before if isinstance(before, list) else []
    entries: list[dict[str, Any]] = []
    asked = []
    problems: dict[str, str] = {}
    types = ", ".join(label for _, label in form_field.choices)
    for position, key in enumerate(_card_keys(form_field, data)):
        where = f"{form_field.name}.{position}"
        prefix = f"{form_field.input_name}.{key}"
        tag = (data.getlist(f"{prefix}.{TAG}") or [""])[-1]
        if tag not in form_field.members:
            problems[f"{where}.{TAG}"] = f"Pick a type: {types}."
            continue
        base = _entry(shown, int(key)) if key.isdigit() else {}
        card = _card(form_field, key, tag, base, Pickers())
        kept = {k: v for k, v in base.items() if k in {f.sub for f in card.fields}}
        entry, unread = _read_nested(card.fields, data, kept, where)
        problems.update(unread)
        entries.append({TAG: tag, **entry})
        if "1" in data.getlist(f"{prefix}.ask") and isinstance(entry.get("name"), str):
            asked.append(entry["name"])
    if problems:
        raise Unreadable(problems)
    return entries, asked


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


# --- lists: strings, rows and rule trees --------------------------------------------------------
# A rule tree is shown as rows in document order: a group's row, its rules and groups, then an
# `end` row (a switch case is a group with a handle). It is posted the same way: `f:<name>.row`
# lists the kinds in order, and the rules' `left`, `operator` and `right` (the groups'
# `combinator`, the cases' `handle`) are lists in that same order. So adding a rule or a group
# in the browser is inserting rows where they belong (static/js/editor/settings.js), and
# nothing is ever renumbered. `rows` and `list` fields post one list per column.


@dataclass
class TreeRow:
    kind: str  # rule, group, case or end
    left: str = ""
    operator: str = "eq"
    right: str = ""
    combinator: str = "and"
    handle: str = ""


def _shown_list(form_field: FormField, value: Any) -> Any:
    if form_field.kind == "ruleset":
        return _shown_ruleset(form_field, {"rules": []} if value is None else value)
    value = [] if value is None else value  # a required list not set yet
    if form_field.kind in TREE_KINDS:
        rows = _tree_rows(value, cases=form_field.kind == "cases")
        return _MISSING if rows is None else rows
    if not isinstance(value, list):
        return _MISSING
    if form_field.kind == "list":
        return value if all(isinstance(v, str) for v in value) else _MISSING
    names = {c.name for c in form_field.columns}
    if not all(isinstance(row, dict) and set(row) <= names for row in value):
        return _MISSING
    cells = [
        [
            (c, _column_text(c, row.get(c.name, c.default), present=c.name in row))
            for c in form_field.columns
        ]
        for row in value
    ]
    return _MISSING if any(text is _MISSING for row in cells for _, text in row) else cells


def _shown_ruleset(form_field: FormField, value: Any) -> Any:
    """A group's rules as tree rows, its combinator on the field (`match`)."""
    if not isinstance(value, dict) or not set(value) <= {"combinator", "rules"}:
        return _MISSING
    combinator = value.get("combinator", "and")
    rows = _tree_rows(value.get("rules", []))
    if combinator not in COMBINATORS or rows is None:
        return _MISSING
    form_field.match = combinator
    return rows


def _column_text(column: Column, value: Any, *, present: bool) -> Any:
    if column.kind == "boolean":
        value = bool(column.default) if value is None and not present else value
        return ("true" if value else "false") if isinstance(value, bool) else _MISSING
    if column.kind == "select":
        text = "" if value is None else str(value)
        return text if text in {c[0] for c in column.choices} else _MISSING
    if column.kind == "text":
        return "" if value is None else value if isinstance(value, str) else _MISSING
    return _cell_text(value, present=present)


def _cell_text(value: Any, *, present: bool = True) -> str:
    """A value in one line: as a `json` field shows it (plain text when that reads back the
    same), a null that is there as `null`."""
    if value is None:
        return "null" if present else ""
    if isinstance(value, str):
        return _loose_text(value)
    return json.dumps(value, ensure_ascii=False)


def _tree_rows(entries: Any, *, cases: bool = False) -> list[TreeRow] | None:
    """The rows showing a list of rules and groups (or of switch cases); None when the value is
    not one (it is then shown as JSON)."""
    if not isinstance(entries, list):
        return None
    rows: list[TreeRow] = []
    for entry in entries:
        if not isinstance(entry, dict):
            return None
        if cases or "rules" in entry:
            keys = {"handle", "combinator", "rules"} if cases else {"combinator", "rules"}
            combinator, handle = entry.get("combinator", "and"), entry.get("handle", "")
            inner = _tree_rows(entry.get("rules", []))
            if not set(entry) <= keys or combinator not in COMBINATORS or inner is None:
                return None
            if not isinstance(handle, str):
                return None
            kind = "case" if cases else "group"
            rows += [TreeRow(kind, combinator=combinator, handle=handle), *inner, TreeRow("end")]
            continue
        operator = entry.get("operator", "eq")
        if not set(entry) <= {"left", "operator", "right"} or operator not in OPERATORS:
            return None
        left = _cell_text(entry.get("left"), present="left" in entry)
        right = _cell_text(entry.get("right"), present="right" in entry)
        rows.append(TreeRow("rule", left, operator, right))
    return rows


def _read_list(form_field: FormField, data: QueryDict, before: Any) -> Any:
    name = form_field.input_name
    if form_field.kind == "ruleset":
        base = before if isinstance(before, dict) else {}
        group: dict[str, Any] = {}
        _keep(group, "combinator", _posted_match(data, name), "and", base)
        group["rules"] = _read_tree(data, name, base.get("rules"))
        if form_field.nullable and not group["rules"]:
            return None  # an optional group left empty is none (a webhook's start_when)
        return group
    if form_field.kind == "list":
        return [text for text in data.getlist(f"{name}.item") if text.strip()]
    if form_field.kind == "rows":
        return _read_rows(form_field, data, before)
    return _read_tree(data, name, before)


def _read_rows(form_field: FormField, data: QueryDict, before: Any) -> list[dict[str, Any]]:
    columns = form_field.columns
    texts = zip(*(data.getlist(f"{form_field.input_name}.{c.name}") for c in columns), strict=False)
    rows: list[dict[str, Any]] = []
    for cells in texts:
        typed = [
            text
            for column, text in zip(columns, cells, strict=True)
            if column.kind not in ("select", "boolean")
        ]
        if all(text.strip() == "" for text in typed):
            continue  # a row left empty
        base = _entry(before, len(rows))
        row: dict[str, Any] = {}
        for column, text in zip(columns, cells, strict=True):
            if column.kind == "select":
                _keep(row, column.name, text, column.default, base)
            elif column.kind == "boolean":
                _keep(row, column.name, text == "true", column.default, base)
            elif column.kind == "text":
                if text != "":
                    row[column.name] = text
            else:
                _put_value(row, column.name, text, f"Row {len(rows) + 1}, {column.label.lower()}")
        rows.append(row)
    return rows


def _read_tree(data: QueryDict, name: str, before: Any) -> list[Any]:
    unknown = [kind for kind in data.getlist(f"{name}.row") if kind not in TREE_ROWS]
    if unknown:
        raise ValueError(f"Unknown row '{unknown[0]}'.")
    top: list[Any] = []
    lists, bases = [top], [before]
    rules = 0
    for row in _posted_tree(data, name):
        if row.kind == "end":
            if len(lists) > 1:
                lists.pop()
                bases.pop()
            continue
        siblings = lists[-1]
        base = _entry(bases[-1], len(siblings))
        entry: dict[str, Any] = {}
        if row.kind == "rule":
            rules += 1
            _put_value(entry, "left", row.left, f"Rule {rules}, value")
            _keep(entry, "operator", row.operator, "eq", base)
            _put_value(entry, "right", row.right, f"Rule {rules}, compared with")
        else:
            if row.kind == "case":
                entry["handle"] = row.handle.strip()
            _keep(entry, "combinator", row.combinator, "and", base)
            entry["rules"] = []
            lists.append(entry["rules"])
            bases.append(base.get("rules"))
        siblings.append(entry)
    return top


def _posted_tree(data: QueryDict, name: str) -> list[TreeRow]:
    """A posted rule tree's rows, their texts as typed (rows of an unknown kind left out)."""
    column = {key: iter(data.getlist(f"{name}.{key}")) for key in TREE_COLUMNS}
    rows = []
    for kind in data.getlist(f"{name}.row"):
        if kind == "rule":
            left, right = next(column["left"], ""), next(column["right"], "")
            rows.append(TreeRow(kind, left, next(column["operator"], "eq"), right))
        elif kind in ("group", "case"):
            handle = next(column["handle"], "") if kind == "case" else ""
            rows.append(TreeRow(kind, combinator=next(column["combinator"], "and"), handle=handle))
        elif kind == "end":
            rows.append(TreeRow(kind))
    return rows


def _posted_match(data: QueryDict, name: str) -> str:
    """A `ruleset`'s combinator as posted (`f:<name>.match`)."""
    return (data.getlist(f"{name}.match") or ["and"])[-1]


def _posted_list(form_field: FormField, data: QueryDict) -> Any:
    """What the user typed in a list field, shown again as it was."""
    name = form_field.input_name
    if form_field.kind == "list":
        return data.getlist(f"{name}.item")
    if form_field.kind == "rows":
        texts = zip(*(data.getlist(f"{name}.{c.name}") for c in form_field.columns), strict=False)
        return [list(zip(form_field.columns, cells, strict=True)) for cells in texts]
    return _posted_tree(data, name)


def _entry(entries: Any, index: int) -> dict[str, Any]:
    """The object at `index` of the list the form showed, or {} (a row added since)."""
    if isinstance(entries, list) and index < len(entries) and isinstance(entries[index], dict):
        return entries[index]
    return {}


def _keep(target: dict[str, Any], key: str, value: Any, default: Any, base: dict[str, Any]) -> None:
    """Write a chosen value, unless it is the default the entry never had."""
    if key in base or value != default:
        target[key] = value


def _put_value(target: dict[str, Any], key: str, text: str, where: str) -> None:
    if text.strip() == "":
        return
    try:
        target[key] = _loose_value(text)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


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
