from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from editor.nodes.base import NodeConfig, NodeType


class Config(NodeConfig):
    items: Any = Field(
        ...,
        description="The list to loop over, usually a template such as '{{ nodes.get_orders.body.orders }}'. "
        "Inside the loop, '{{ item }}' is the current element and '{{ index }}' its position (from 0).",
    )
    concurrency: int = Field(1, ge=1, le=100, description="How many items run at the same time.")

    @field_validator("items")
    @classmethod
    def _list_or_template(cls, value: Any) -> Any:
        # After templates are filled in the engine checks for a list, naming what it got instead.
        if not isinstance(value, list | str | int | float | dict | bool) and value is not None:
            raise ValueError("items must be a list, or a template producing one")
        return value


# The engine runs a loop itself: the subgraph after `each` once per item (step keys `node[i]`),
# then `done` with {"results": [...]}, the outputs of the body's last node in item order.
NODE = NodeType(
    type="logic.loop",
    label="Loop over items",
    category="logic",
    description="Runs the steps connected to 'each' once per item of a list, then continues from 'done' "
    "with every item's result.",
    Config=Config,
    handles=("each", "done"),
    body_handle="each",
)
