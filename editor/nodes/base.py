"""What every node type module provides, and what a node's `run()` receives.

A node type module defines a pydantic `Config`, and a module-level `NODE = NodeType(...)`.
Templates in config strings are rendered by the engine before `run()` is called, so `run()`
always sees concrete values, validated again by `Config`.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

CATEGORIES = {"trigger": "Triggers", "action": "Actions", "logic": "Logic", "utility": "Utility"}


class NodeConfig(BaseModel):
    """Base for node configs: unknown keys are mistakes, so they are refused."""

    model_config = ConfigDict(extra="forbid")


class NodeError(Exception):
    """A node failed. `retryable` tells the engine whether its retry policy applies;
    `retry_after` (seconds) comes from the remote side (HTTP `Retry-After`, rate limits)."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
        detail: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after
        self.detail = detail or {}


@dataclass
class Secret:
    """A credential's value, resolved for one step and never stored.

    `value` is the secret (a string, or a dict for kinds with several parts such as basic
    auth); `kind` is the credential kind (`api_key`, `bearer`, `basic`, `header`, ...)."""

    kind: str
    value: Any

    def __repr__(self) -> str:  # never let a secret reach a log line through repr()
        return f"Secret(kind={self.kind!r}, value=<redacted>)"


@dataclass
class RunContext:
    """Everything a node's `run()` may use besides its config."""

    execution_id: str
    node_id: str
    step_key: str
    attempt: int = 1
    input: Any = None  # the output of the node feeding this one ({id: output} when several do)
    variables: dict[str, Any] = field(default_factory=dict)  # the template context
    inputs: dict[str, Any] = field(default_factory=dict)  # every active predecessor's output by id
    secret: Secret | None = None
    emit: Callable[[dict[str, Any]], None] = lambda message: None  # live messages (AI tokens)

    @property
    def idempotency_key(self) -> str:
        """The same on every attempt of this step, so remote APIs can deduplicate retries."""
        return f"{self.execution_id}:{self.step_key}"


@dataclass(frozen=True)
class NodeType:
    type: str
    label: str
    category: str
    description: str
    Config: builtins.type[NodeConfig]
    run: Callable[[Any, RunContext], Any] | None = None
    handles: tuple[str, ...] = ("main",)
    # For node types whose output handles come from their config (switch cases).
    handles_from_config: Callable[[Any], list[str]] | None = None
    # Which handles fire for a given output (condition: "true" or "false"); default: all.
    route: Callable[[Any, Any], list[str]] | None = None
    # The credential kinds the node's `credential` field accepts.
    credential_kinds: tuple[str, ...] = ()
    # Config fields taken literally: never rendered as templates.
    raw_fields: tuple[str, ...] = ()

    def template_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """The part of a config whose strings are templates."""
        return {k: v for k, v in config.items() if k not in self.raw_fields}

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
            "schema": self.Config.model_json_schema(),
        }
