"""What a node's `run()` receives and raises: its context, the resolved secret and NodeError.

These live below every app because the services a node calls (credentials, AI providers) raise
and receive them too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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
    auth or an integration's secret fields); `kind` is the credential kind (`api_key`,
    `bearer`, `basic`, `header`, `slack`, ...). `settings` are an integration credential's
    non-secret fields (a `base_url`, say): not scrubbed, they may appear in outputs and errors.
    `name` is the credential's name, so an error can say which credential to fix."""

    kind: str
    value: Any
    settings: dict[str, Any] = field(default_factory=dict)
    name: str = ""

    def __repr__(self) -> str:  # never let a secret reach a log line through repr()
        return f"Secret(kind={self.kind!r}, name={self.name!r}, value=<redacted>)"


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
    workflow_id: int | None = None  # what a node remembers across executions is kept per workflow
    emit: Callable[[dict[str, Any]], None] = lambda message: None  # live messages (AI tokens)
    # --- vectors ---
    # Resolves another credential the config names besides `credential` (a vector store's
    # key inside its `store` settings): (credential id, accepted kinds) -> Secret, for this step
    # only, its value scrubbed from what the step stores like `secret`'s. None outside the engine.
    resolve_credential: Callable[[int | None, tuple[str, ...]], Secret | None] | None = None
    # --- end vectors ---

    @property
    def idempotency_key(self) -> str:
        """The same on every attempt of this step, so remote APIs can deduplicate retries."""
        return f"{self.execution_id}:{self.step_key}"
