"""utility.dedupe: drop repeated items from a list, and optionally those earlier runs kept."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any, Literal

from django.utils import timezone
from pydantic import Field, field_validator

from editor.models import SeenItem
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.nodes.items import (
    FIELD_HELP,
    ITEMS_HELP,
    MISSING,
    canonical,
    check_items,
    check_path,
    field_names,
    item_context,
    items_from,
    lookup,
    one_budget,
    render_for_item,
)
from editor.templating import is_template


class Config(NodeConfig):
    items: Any = Field(None, description=ITEMS_HELP)
    fields: list[str] = Field(
        default_factory=list,
        description="The fields that make two items the same, e.g. ['email']. Empty: items "
        f"must be equal as a whole. {FIELD_HELP} An item without a field counts it as empty. "
        "A template such as '{{ item.id }}:{{ item.updated }}' is rendered for each item and "
        "its value compared instead.",
    )
    scope: Literal["input", "workflow"] = Field(
        "input",
        description="input: drop repeats within this list. workflow: also drop items that "
        "earlier executions of this workflow kept at this node (remembered for ttl_days).",
    )
    ttl_days: int = Field(
        30,
        ge=1,
        le=3650,
        description="For scope workflow: how many days a kept item is remembered, from 1 to 3650.",
    )

    @field_validator("items")
    @classmethod
    def _a_list(cls, value: Any) -> Any:
        return check_items(value)

    @field_validator("fields")
    @classmethod
    def _named(cls, fields: list[str]) -> list[str]:
        return [check_path(f) for f in field_names(fields, "a field name")]


def key_of(item: Any, fields: list[str], context: dict[str, Any]) -> str:
    """The sha256 of what makes `item` the same as another, by `fields` or as a whole.

    A template field is rendered with `context` (the item's template variables)."""
    if fields:
        values = [
            render_for_item(f, context, f"fields[{n}]") if is_template(f) else lookup(item, f)
            for n, f in enumerate(fields)
        ]
        item = [None if v is MISSING else v for v in values]
    return hashlib.sha256(canonical(item).encode()).hexdigest()


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{items, dropped}: the first of each group of equal items, in order; how many went."""
    items = items_from(config.items, ctx)
    kept: list[tuple[str, Any]] = []
    seen: set[str] = set()
    with one_budget():
        keys = [
            key_of(item, config.fields, item_context(ctx, item, i)) for i, item in enumerate(items)
        ]
    for key, item in zip(keys, items, strict=True):
        if key not in seen:
            seen.add(key)
            kept.append((key, item))
    if config.scope == "workflow" and kept:
        if ctx.workflow_id is None:
            raise NodeError("scope 'workflow' remembers items per workflow: run it in one.")
        now = timezone.now()
        new = SeenItem.remember(
            ctx.workflow_id,
            ctx.node_id,
            [key for key, _ in kept],
            seen_by=ctx.idempotency_key,
            now=now,
            expires_at=now + timedelta(days=config.ttl_days),
        )
        kept = [(key, item) for key, item in kept if key in new]
    return {"items": [item for _, item in kept], "dropped": len(items) - len(kept)}


NODE = NodeType(
    type="utility.dedupe",
    label="Remove duplicates",
    category="utility",
    description="Keeps the first of each group of equal items (whole items or chosen fields); "
    "with scope workflow, also drops items earlier executions kept.",
    Config=Config,
    run=run,
    item_fields=("fields",),
)
