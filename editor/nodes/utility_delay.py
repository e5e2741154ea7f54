from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from editor.nodes.base import NodeConfig, NodeType
from editor.templating import is_template


class Config(NodeConfig):
    seconds: float | str | None = Field(
        None, description="How long to wait, in seconds (may be a template). Use this or 'until'."
    )
    until: str | None = Field(
        None,
        description="Wait until this moment: an ISO 8601 date-time such as '2026-01-31T09:00:00+01:00', or a "
        "template producing one.",
    )

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.seconds is None) == (self.until is None):
            raise ValueError("set exactly one of 'seconds' or 'until'")
        if isinstance(self.seconds, str) and not is_template(self.seconds):
            try:
                self.seconds = float(self.seconds)
            except ValueError as exc:
                raise ValueError(f"seconds must be a number, got '{self.seconds}'") from exc
        if isinstance(self.seconds, float) and self.seconds < 0:
            raise ValueError("seconds cannot be negative")
        return self


# The engine implements the wait without holding a worker: the step gets a `wake_at` and a
# sweep resumes it; the output is {"waited_ms", "resumed_at"}.
NODE = NodeType(
    type="utility.delay",
    label="Delay",
    category="utility",
    description="Waits for a number of seconds or until a date-time — minutes or weeks — without holding "
    "a worker.",
    Config=Config,
)
