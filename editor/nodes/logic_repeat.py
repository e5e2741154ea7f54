"""`logic.repeat`: runs the steps after its `body` output again, round after round, until its
rules hold (`done`) or `max_iterations` rounds ran without them holding (`exhausted`).

The engine runs it (executions/engine/repeats.py, docs/control-flow.md "Repeat"): body steps
are keyed `node[i]` and read `iteration` and `carried` (what the round was given: what came into
the repeat, or with `carry` the previous round's last output from round 1 on); after each round `until` and `delay_seconds` are
rendered with `iteration`, `last` (the body's last output) and `nodes.<body node>` of that round.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from editor.nodes.base import NodeConfig, NodeType
from editor.nodes.rules import RuleSet
from editor.templating import is_template

MAX_ITERATIONS = 1000
MAX_DELAY_SECONDS = 366 * 24 * 3600  # a year (and a day): longer is surely a mistake


class Config(NodeConfig):
    max_iterations: int = Field(
        10,
        ge=1,
        le=MAX_ITERATIONS,
        description=f"At most this many rounds (1 to {MAX_ITERATIONS}); when the last one ends "
        "without 'until' holding, the run continues from 'exhausted'.",
    )
    delay_seconds: int | float | str = Field(
        0,
        description="Seconds to wait between rounds, without holding a worker (0: none). May be a "
        "template, worked out after each round, e.g. '{{ 2 ** iteration }}' to wait longer each "
        "time.",
    )
    until: RuleSet = Field(
        ...,
        description="Checked after each round; when it holds the run continues from 'done'. "
        "'{{ last }}' is the output of the round's last step, '{{ nodes.<step>.… }}' any step of "
        "that round, '{{ iteration }}' the round's number (from 0).",
    )

    carry: bool = Field(
        False,
        strict=True,
        description="Give each round the previous round's last output (as '{{ carried }}' and "
        "as the first step's input) instead of what came into the repeat, so a round can count "
        "down or build on the one before; the first round still gets what came into the repeat.",
    )

    @field_validator("delay_seconds")
    @classmethod
    def _seconds(cls, value: int | float | str) -> float | str:
        return value if is_template(value) else delay(value)


def delay(value: Any) -> float:
    """Seconds to wait between rounds, as written or as a template gave them."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"delay_seconds must be a number of seconds, got '{value}'") from None
    if not 0 <= seconds <= MAX_DELAY_SECONDS:
        raise ValueError(
            f"delay_seconds must be between 0 and {MAX_DELAY_SECONDS} (a year), got {value}"
        )
    return seconds


NODE = NodeType(
    type="logic.repeat",
    label="Repeat until",
    category="logic",
    description="Runs the steps connected to 'body' again and again — waiting between rounds if "
    "you like — until its rules hold ('done') or it has tried enough times ('exhausted'). For "
    "polling a job until it is ready.",
    Config=Config,
    handles=("body", "done", "exhausted"),
    body_handle="body",
    round_fields=("until", "delay_seconds"),
)
