"""`utility.limit`: keeps at most `max` items of a list, from its start or its end."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from editor.nodes import items as data
from editor.nodes.base import NodeConfig, NodeType, RunContext


class Config(NodeConfig):
    # `from` is a Python keyword: the field is `from_` in code and `from` everywhere else.
    model_config = ConfigDict(serialize_by_alias=True)

    items: Any = Field(None, description=data.ITEMS_HELP)
    max: int = Field(10, ge=0, description="How many items to keep at most.")
    from_: Literal["start", "end"] = Field(
        "start",
        alias="from",
        description="'start': the first items (the top 10 of a sorted list); 'end': the last ones.",
    )

    _items = field_validator("items")(data.check_items)


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    items = data.items_from(config.items, ctx)
    if config.from_ == "end":
        return {"items": items[max(len(items) - config.max, 0) :]}
    return {"items": items[: config.max]}


NODE = NodeType(
    contained=True,
    type="utility.limit",
    label="Limit",
    category="utility",
    description="Keeps the first or the last items of a list, up to a number.",
    Config=Config,
    run=run,
)
