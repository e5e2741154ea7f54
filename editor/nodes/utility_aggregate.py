"""utility.aggregate: count, sum, average and collect the fields of a list, overall or by group."""

from __future__ import annotations

import math
from typing import Any, Literal, Self

from pydantic import ConfigDict, Field, field_validator, model_validator

from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.nodes.items import (
    FIELD_HELP,
    ITEMS_HELP,
    MISSING,
    canonical,
    check_items,
    field_names,
    items_from,
    lookup,
)

Op = Literal["list", "count", "sum", "min", "max", "avg", "first", "last", "concat"]


class Operation(NodeConfig):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    field: str = Field(
        "",
        description=f"The field to aggregate. {FIELD_HELP} Empty: the whole item (count: every "
        "item; with a field, count counts the items where it is set).",
    )
    op: Op = Field(
        "count",
        description="list (every value), count, sum, min, max, avg, first, last, or concat "
        "(texts joined by separator; lists joined into one).",
    )
    as_: str = Field(
        "",
        alias="as",
        description="The name of the result, e.g. 'total'. Empty: op and field, e.g. 'sum_amount'.",
    )
    separator: str = Field(", ", description="For concat: what goes between the texts.")

    @property
    def name(self) -> str:
        return self.as_ or "_".join(p for p in (self.op, self.field.replace(".", "_")) if p)


class Config(NodeConfig):
    items: Any = Field(None, description=ITEMS_HELP)
    group_by: list[str] = Field(
        default_factory=list,
        description="Fields whose values form the groups, e.g. ['country']. Empty: one result "
        "for the whole list. With groups the output is {groups: [...]}, each group holding its "
        "group_by values and its results, in the order groups first appear.",
    )
    operations: list[Operation] = Field(
        default_factory=lambda: [{"op": "count"}],
        validate_default=True,
        min_length=1,
        description="What to compute, e.g. [{'field': 'amount', 'op': 'sum', 'as': 'total'}].",
    )

    @field_validator("items")
    @classmethod
    def _a_list(cls, value: Any) -> Any:
        return check_items(value)

    @field_validator("group_by")
    @classmethod
    def _named(cls, fields: list[str]) -> list[str]:
        return field_names(fields, "a group_by field")

    @model_validator(mode="after")
    def _names_unique(self) -> Self:
        names = self.group_by + [o.name for o in self.operations]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(
                f"two results are named {', '.join(repeated)}: set 'as' to tell them apart"
            )
        return self


def _number(value: Any, operation: Operation, index: int) -> float | int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return int(number) if number.is_integer() and "." not in value else number
    raise NodeError(
        f"{operation.op} of '{operation.field}': item {index} has {value!r}, which is not a number."
    )


def _extreme(values: list[tuple[int, Any]], operation: Operation) -> Any:
    pick = min if operation.op == "min" else max
    if not values:
        return None
    if all(isinstance(v, str) for _, v in values):
        try:
            return pick(_number(v, operation, i) for i, v in values)
        except NodeError:
            return pick(v for _, v in values)  # texts such as ISO dates compare as text
    return pick(_number(v, operation, i) for i, v in values)


def compute(operation: Operation, items: list[tuple[int, Any]]) -> Any:
    """One operation over (index, item) pairs; missing and null values are left out."""
    if not operation.field:
        values = items
    else:
        found = ((i, lookup(item, operation.field)) for i, item in items)
        values = [(i, v) for i, v in found if v is not MISSING and v is not None]
    op = operation.op
    if op == "count":
        return len(values)
    if op == "list":
        return [v for _, v in values]
    if op in ("first", "last"):
        return (values[0] if op == "first" else values[-1])[1] if values else None
    if op in ("min", "max"):
        return _extreme(values, operation)
    if op == "concat":
        if values and all(isinstance(v, list) for _, v in values):
            return [x for _, v in values for x in v]
        return operation.separator.join(
            v if isinstance(v, str) else canonical(v) for _, v in values
        )
    numbers = [_number(v, operation, i) for i, v in values]
    if all(isinstance(n, int) for n in numbers):
        total: float | int = sum(numbers)
    else:
        total = math.fsum(numbers)
    if op == "sum":
        return total
    return total / len(numbers) if numbers else None


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """The results by name, or {groups: [{group_by values..., results...}]}."""
    items = list(enumerate(items_from(config.items, ctx)))
    if not config.group_by:
        return {o.name: compute(o, items) for o in config.operations}
    groups: dict[str, tuple[dict[str, Any], list[tuple[int, Any]]]] = {}
    for index, item in items:
        values = {f: lookup(item, f) for f in config.group_by}
        key = {f: None if v is MISSING else v for f, v in values.items()}
        groups.setdefault(canonical(list(key.values())), (key, []))[1].append((index, item))
    return {
        "groups": [
            {**key, **{o.name: compute(o, members) for o in config.operations}}
            for key, members in groups.values()
        ]
    }


NODE = NodeType(
    contained=True,
    type="utility.aggregate",
    label="Aggregate",
    category="utility",
    description="Summarises a list: count, sum, min, max, average, first, last, list or join "
    "fields, for the whole list or per group.",
    Config=Config,
    run=run,
)
