"""`utility.set`: builds an object from the input's fields and named values of chosen types."""

from __future__ import annotations

import json
import math
from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from editor.nodes import items as data
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.templating import is_template
from workfuse.lib import safe_json

ValueType = Literal["auto", "string", "number", "boolean", "json"]
TRUE = {"true", "yes", "on", "1"}
FALSE = {"false", "no", "off", "0"}


class SetField(NodeConfig):
    name: str = Field(
        ...,
        min_length=1,
        description="The key to set. Dots build nested objects: 'customer.email' sets "
        "{'customer': {'email': ...}}.",
    )
    value: Any = Field(
        None,
        description="The value: a template such as '{{ nodes.fetch.body.total }}', text, a "
        "number, true or false.",
    )
    type: ValueType = Field(
        "auto",
        description="auto: the value as it is (a template giving a number stays a number); "
        "string: as text; number: '42' becomes 42; boolean: true/false, yes/no, on/off, 1/0; "
        "json: JSON text parsed into its value.",
    )

    @field_validator("name")
    @classmethod
    def _a_name(cls, value: str) -> str:
        if "" in value.split("."):
            raise ValueError(f"'{value}' is not a name: a part between dots is empty")
        return value

    @model_validator(mode="after")
    def _value_fits_type(self) -> Self:
        """A value known now (not a template) must already convert; a template is checked
        once rendered, when the engine validates the config again."""
        if not is_template(self.value):
            try:
                convert(self.value, self.type)
            except ValueError as exc:
                raise ValueError(f"value {exc}") from None
        return self


class Config(NodeConfig):
    fields: list[SetField] = Field(
        default_factory=list,
        description="The values to set, in order; each replaces an input field of the same name.",
    )
    keep: Literal["all", "none", "selected", "except"] = Field(
        "all",
        description="Which input fields the output starts from: 'all', 'none', only the "
        "keep_fields ('selected'), or all but the keep_fields ('except').",
    )
    keep_fields: list[str] = Field(
        default_factory=list,
        description="The input fields kept ('selected') or left out ('except'); dots reach "
        "inside objects, e.g. 'customer.email'.",
    )
    input: Any = Field(
        None,
        description="The object to start from, usually a template such as "
        "'{{ nodes.fetch.body }}'. Empty: the output of the node before this one.",
    )

    @field_validator("keep_fields")
    @classmethod
    def _paths(cls, paths: list[str]) -> list[str]:
        return [data.check_path(path) for path in paths]

    @model_validator(mode="after")
    def _names_do_not_clash(self) -> Self:
        names = [f.name for f in self.fields]
        for i, name in enumerate(names):
            for other in names[:i]:
                if name == other:
                    raise ValueError(f"fields: '{name}' is set twice")
                if name.startswith(other + ".") or other.startswith(name + "."):
                    raise ValueError(
                        f"fields: '{other}' and '{name}' clash: one is inside the other"
                    )
        return self


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    source = ctx.input if config.input is None else config.input
    result = _start(source, config.keep, config.keep_fields)
    for i, field in enumerate(config.fields):
        try:
            _put(result, field.name, convert(field.value, field.type))
        except ValueError as exc:
            raise NodeError(f"fields[{i}] ({field.name}): {exc}") from exc
    return result


def convert(value: Any, to: str) -> Any:
    """`value` as the type `to` asks for; ValueError saying why it cannot be."""
    if to == "string":
        return _text(value)
    if to == "number":
        return _number(value)
    if to == "boolean":
        return _boolean(value)
    if to == "json" and isinstance(value, str):
        try:
            return safe_json.loads(value)
        except safe_json.JsonRefused as exc:
            raise ValueError(f"not JSON: {exc.message}") from None
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _number(value: Any) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):  # JSON has no NaN or infinity
                return number
    raise ValueError(f"{_shown(value)} is not a number")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, str | int) else None
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ValueError(f"{_shown(value)} is not true or false (true/false, yes/no, on/off, 1/0)")


def _shown(value: Any) -> str:
    return "nothing" if value is None else json.dumps(value, ensure_ascii=False)[:80]


# --- building the object -----------------------------------------------------------------------
# The input is another step's output, which later steps read too: it is never changed in
# place. Each object on a path that is written is copied first.


def _start(source: Any, keep: str, paths: list[str]) -> dict[str, Any]:
    if keep == "none" or source is None:
        return {}
    if not isinstance(source, dict):
        raise NodeError(
            f"keep '{keep}' starts from the input's fields, but the input is "
            f"{type(source).__name__}, not an object: use keep 'none', or set input"
        )
    if keep == "all":
        return dict(source)
    if keep == "except":
        result = dict(source)
        for path in paths:
            _drop(result, path)
        return result
    picked: dict[str, Any] = {}
    for path in paths:
        value = data.lookup(source, path)
        if value is not data.MISSING:
            _put(picked, path, value)
    return picked


def _put(target: dict[str, Any], name: str, value: Any) -> None:
    *parents, last = name.split(".")
    for depth, part in enumerate(parents):
        child = target.get(part, {})
        if not isinstance(child, dict):
            where = ".".join(parents[: depth + 1])
            raise ValueError(f"'{where}' is {_shown(child)}, not an object to set '{name}' in")
        copied = target[part] = dict(child)
        target = copied
    target[last] = value


def _drop(target: dict[str, Any], path: str) -> None:
    *parents, last = path.split(".")
    for part in parents:
        child = target.get(part)
        if not isinstance(child, dict):
            return
        copied = target[part] = dict(child)
        target = copied
    target.pop(last, None)


NODE = NodeType(
    contained=True,
    type="utility.set",
    label="Set fields",
    category="utility",
    description="Builds an object: keeps some of the input's fields and sets named values, each "
    "as a string, number, boolean or JSON.",
    Config=Config,
    run=run,
)
