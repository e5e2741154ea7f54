"""What a node type is: its `NodeType` description, the `NodeConfig` base of its settings and
the palette's categories.

These live below every app because node types are defined in two places: the editor's own
(`editor/nodes/`) and one per outside service (`integrations/<service>/`, which sits below
credentials and the editor). A node type module defines a pydantic `Config` and a module-level
`NODE = NodeType(...)`. Templates in config strings are rendered by the engine before `run()`
is called, so `run()` always sees concrete values, validated again by `Config`, except in
`raw_fields` (taken literally), `item_fields` (rendered by the node itself, once per element of
its list) and `round_fields` (rendered by the engine after each round of a repeat's body).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from workfuse.lib.node_run import RunContext

CATEGORIES = {
    "trigger": "Triggers",
    "action": "Actions",
    "logic": "Logic",
    "utility": "Utility",
    "app": "Apps",
}


class NodeConfig(BaseModel):
    """Base for node configs: unknown keys are mistakes, so they are refused."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class NodeType:
    type: str
    label: str
    category: str
    description: str
    Config: builtins.type[NodeConfig]
    run: Callable[[Any, RunContext], Any] | None = None  # (its Config, the context)
    handles: tuple[str, ...] = ("main",)
    # For node types whose output handles come from their config (switch cases).
    handles_from_config: Callable[[Any], list[str]] | None = None
    # Which handles fire for a given output (condition: "true" or "false"); default: all.
    route: Callable[[Any, Any], list[str]] | None = None
    # The credential kinds the node's `credential` field accepts.
    credential_kinds: tuple[str, ...] = ()
    # Config fields taken literally: never rendered as templates.
    raw_fields: tuple[str, ...] = ()
    # Config fields whose templates the node renders once per element of its list, with `item`
    # and `index` (editor/nodes/items.py): left alone by the engine, validated with those two.
    item_fields: tuple[str, ...] = ()
    # Its `workflow` field names one of the owner's workflows (action.workflow): picked among
    # them in the settings form, checked on save, and its `inputs` against that workflow's.
    calls_workflow: bool = False
    # A node that fails its run on purpose (logic.stop): validation refuses an `on_error` that
    # would turn its failure into output, and its error is never retryable.
    stops_run: bool = False
    # A node that runs a subgraph as its body (a loop per item, a repeat per round): the handle
    # that body hangs from. Steps in the body are keyed per run of it: `node[i]`.
    body_handle: str | None = None
    # Config fields the engine renders after each round of the node's body (a repeat's `until`),
    # with `iteration`, `last` and that round's body outputs: left alone before.
    round_fields: tuple[str, ...] = ()
    # A node whose run reaches nothing outside its run (no network, no files, no other run,
    # no state kept between runs): running it again changes nothing anyone can see, so its
    # checkpoint may skip waiting for the disk (`gate.Checkpoint.relaxed`).
    contained: bool = False
    # The canvas and palette icon (one character); the editor's own node types keep theirs in
    # static/js/editor/canvas.js, a node type defined outside the editor brings its own.
    icon: str = ""
    # Magic Input's worked examples, (request, config), for node types defined outside the
    # editor (editor/magic.py keeps the editor's own in EXAMPLES).
    examples: tuple[tuple[str, dict[str, Any]], ...] = ()
    # Applied to the config a settings form produced before it is checked and shown: a preset
    # filling fields (trigger.poll).
    fill_form: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def template_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """The part of a config whose strings are templates rendered before `run()`."""
        skipped = (*self.raw_fields, *self.item_fields, *self.round_fields)
        return {k: v for k, v in config.items() if k not in skipped}

    def item_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """The part of a config whose templates are rendered per element."""
        return {k: v for k, v in config.items() if k in self.item_fields}

    def round_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """The part of a config whose templates are rendered after each round of its body."""
        return {k: v for k, v in config.items() if k in self.round_fields}

    @property
    def is_trigger(self) -> bool:
        return self.category == "trigger"

    def output_handles(self, config: Any) -> list[str]:
        if self.handles_from_config is not None:
            return self.handles_from_config(config)
        return list(self.handles)

    def active_handles(self, config: Any, output: Any) -> list[str]:
        if self.route is not None:
            return self.route(config, output)
        return self.output_handles(config)

    def catalog_entry(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "label": self.label,
            "category": self.category,
            "description": self.description,
            "handles": self.output_handles(None) if self.handles_from_config is None else [],
            "dynamic_handles": self.handles_from_config is not None,
            "credential_kinds": list(self.credential_kinds),
            "icon": self.icon,
            "schema": self.Config.model_json_schema(),
        }
