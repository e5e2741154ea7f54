"""`utility.filter`: keeps the items of a list for which its rules hold, tested item by item."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from editor.nodes import items as data
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.nodes.rules import (
    UNARY,
    Rule,
    RuleNode,
    RuleSet,  # noqa: F401  (pydantic resolves RuleNode's "RuleSet" here)
    evaluate,
    places,
)
from editor.templating import TemplateError, render_value


class Config(NodeConfig):
    items: Any = Field(None, description=data.ITEMS_HELP)
    combinator: Literal["and", "or"] = Field(
        "and", description="'and': an item is kept when every rule holds; 'or': when any does."
    )
    rules: list[RuleNode] = Field(
        default_factory=list,
        description="Tested on each item: '{{ item.total }}' is the current item's total and "
        "'{{ index }}' its position (from 0). An entry may be a group {combinator, rules} to mix "
        "'and' and 'or'. A missing field counts as not there for exists and is_empty. No rules: "
        "every item is kept.",
    )

    _items = field_validator("items")(data.check_items)


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    items = data.items_from(config.items, ctx)
    if not config.rules:
        kept = list(items)
    else:
        where = dict(places(config.rules, "rules"))
        with data.one_budget():
            kept = [item for i, item in enumerate(items) if _keeps(config, where, ctx, item, i)]
    return {"items": kept, "count": len(kept), "dropped": len(items) - len(kept)}


def _keeps(config: Config, places: dict[int, str], ctx: RunContext, item: Any, index: int) -> bool:
    context = data.item_context(ctx, item, index)

    def operands(rule: Rule) -> tuple[Any, Any]:
        where = places[id(rule)]
        return (
            _left(rule, context, f"{where}.left"),
            data.render_for_item(rule.right, context, f"{where}.right"),
        )

    return evaluate(config, operands)


def _left(rule: Rule, context: dict[str, Any], where: str) -> Any:
    try:
        return render_value(rule.left, context, where)
    except TemplateError as exc:
        # "Has an email?" asks whether the field is there: an item without it answers no.
        if rule.operator in UNARY and exc.variable is not None:
            return None
        raise NodeError(f"Item {context['index']}: template error in {exc.message}") from exc


NODE = NodeType(
    contained=True,
    type="utility.filter",
    label="Filter",
    category="utility",
    description="Keeps the items of a list that match the rules, tested on each item.",
    Config=Config,
    run=run,
    item_fields=("rules",),
)
