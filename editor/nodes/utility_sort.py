"""`utility.sort`: orders a list by one or more fields of its items, stably."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, field_validator

from editor.nodes import items as data
from editor.nodes.base import NodeConfig, NodeType, RunContext
from editor.templating import is_template

# How values of different types order among themselves: false < true < numbers < text < lists
# < objects. Null and missing fields come last in either direction.
_RANK = {bool: 0, int: 1, float: 1, str: 2, list: 3, dict: 4}


class SortKey(NodeConfig):
    field: str = Field(
        ...,
        min_length=1,
        description="The field of each item to sort by: a path such as 'total' or "
        "'customer.name' (dots reach inside objects, 'tags.0' into lists), or a template such "
        "as '{{ item.name | lower }}'.",
    )
    order: Literal["asc", "desc"] = Field(
        "asc", description="'asc': smallest first (A to Z, oldest first); 'desc': largest first."
    )

    _path = field_validator("field")(data.check_path)


class Config(NodeConfig):
    items: Any = Field(None, description=data.ITEMS_HELP)
    by: list[SortKey] = Field(
        default_factory=list,
        description="The sort keys, most important first; items that tie keep their order. "
        "Empty: the items themselves are compared (a list of numbers or names).",
    )

    _items = field_validator("items")(data.check_items)


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    items = data.items_from(config.items, ctx)
    order = list(range(len(items)))
    # Stable sorts from the least important key to the most important one.
    for values, descending in reversed(_keys(config, items, ctx)):
        order = _sorted(order, values, descending)
    return {"items": [items[i] for i in order]}


def _keys(config: Config, items: list[Any], ctx: RunContext) -> list[tuple[list[Any], bool]]:
    """For each key, its value in every item (MISSING where the item has none) and whether
    it sorts descending."""
    if not config.by:
        return [(items, False)]
    keys = []
    with data.one_budget():
        for n, key in enumerate(config.by):
            if is_template(key.field):
                values = [
                    data.render_for_item(
                        key.field, data.item_context(ctx, item, i), f"by[{n}].field"
                    )
                    for i, item in enumerate(items)
                ]
            else:
                values = [data.lookup(item, key.field) for item in items]
            keys.append((values, key.order == "desc"))
    return keys


def _sorted(order: list[int], values: list[Any], descending: bool) -> list[int]:
    present = [i for i in order if _orderable(values[i])]
    absent = [i for i in order if not _orderable(values[i])]
    present.sort(key=lambda i: _rank(values[i]), reverse=descending)
    return present + absent


def _orderable(value: Any) -> bool:
    if value is data.MISSING or value is None:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def _rank(value: Any) -> tuple[int, Any]:
    rank = _RANK.get(type(value), len(_RANK))
    if rank >= 3:  # lists and objects: by their JSON text
        return rank, data.canonical(value)
    return rank, value


NODE = NodeType(
    contained=True,
    type="utility.sort",
    label="Sort",
    category="utility",
    description="Orders the items of a list by one or more of their fields.",
    Config=Config,
    run=run,
    item_fields=("by",),
)
