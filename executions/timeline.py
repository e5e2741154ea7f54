"""Rows for the execution page: each step with its place on the run's timeline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from executions.hints import hint_for
from executions.links import CallLink
from executions.models import AgentEvent, Execution, Step

PREVIEW_CHARS = 20_000  # larger payloads are cut on the page, with a link to the full JSON


@dataclass
class StepRow:
    step: Step
    offset_pct: float
    width_pct: float
    input_text: str
    output_text: str
    truncated: bool
    hint: str
    calls: list[CallLink]  # the runs this step called (action.workflow), oldest first
    wait_mode: str = ""  # a utility.wait step waiting: "webhook", "approval" or "form"
    progress: str = ""  # a loop's items or a repeat's rounds, e.g. "rounds: 3 · done"
    agent: list[AgentRow] | None = None  # an agent step's turns and tool calls


@dataclass(frozen=True)
class AgentRow:
    """One checkpoint of an agent step: a model turn or a tool call."""

    label: str  # e.g. agent[turn:3], agent[tool:4:lookup]
    kind: str
    status: str
    summary: str  # what the model said or asked for; the tool's arguments
    detail: str  # the tool's result or error (JSON)
    tokens: int
    cost_usd: Any
    duration_ms: int | None


def _agent_rows(events: list[AgentEvent]) -> list[AgentRow]:
    rows = []
    for event in events:
        if event.kind not in (AgentEvent.Kind.TURN, AgentEvent.Kind.TOOL):
            continue
        data = event.data or {}
        if event.kind == AgentEvent.Kind.TURN:
            message = data.get("message") or {}
            asked = ", ".join(str(c.get("name")) for c in message.get("tool_calls") or [])
            said = str(message.get("content") or "")
            summary = f"calls {asked}" + (f" — {said}" if said else "") if asked else said
            detail = ""
        else:
            summary = json.dumps(data.get("arguments"), ensure_ascii=False, default=str)
            if event.status == AgentEvent.Status.WAITING:
                detail = (
                    "waiting for a person to approve"
                    if data.get("approval") and not data.get("child")
                    else f"waiting for the workflow run {data.get('child', '')}"
                )
            elif data.get("error") is not None:
                detail = f"error: {data['error']}"
            else:
                detail, _ = _pretty(data.get("result"))
        rows.append(
            AgentRow(
                event.label,
                event.kind,
                event.status,
                summary[:2000],
                detail[:PREVIEW_CHARS],
                event.tokens,
                event.cost_usd,
                event.duration_ms,
            )
        )
    return rows


def _pretty(value: Any) -> tuple[str, bool]:
    if value is None:
        return "", False
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return (text[:PREVIEW_CHARS], True) if len(text) > PREVIEW_CHARS else (text, False)


def _progress(step: Step, node_type: str) -> str:
    """How far a loop or repeat has got, for its row."""
    if step.items_total is None:
        return ""
    started = step.items_started
    if node_type == "logic.repeat":
        if step.status == Step.Status.SUCCEEDED:
            return f"rounds: {started} · {', '.join(step.handles)}"
        limit = (step.input or {}).get("max_iterations")
        return f"rounds: {started} of at most {limit}" if limit else f"rounds: {started}"
    if node_type == "logic.loop":
        total = step.items_total
        return (
            f"items: {total}"
            if step.status in Step.FINISHED
            else f"items: {started} of {total} started"
        )
    return ""


def step_rows(
    execution: Execution, steps: list[Step], calls: list[CallLink] | None = None
) -> list[StepRow]:
    types = {n.get("id"): n.get("type", "") for n in execution.version.graph.get("nodes", [])}
    starts = [s.started_at for s in steps if s.started_at]
    ends = [s.finished_at for s in steps if s.finished_at] + starts
    origin = min(starts) if starts else None
    span = (max(ends) - origin).total_seconds() if origin and ends else 0
    wait_modes = {
        str(n.get("id")): str((n.get("config") or {}).get("mode") or "webhook")
        for n in execution.version.graph.get("nodes", [])
        if n.get("type") == "utility.wait"
    }
    agent_events: dict[str, list[AgentEvent]] = {}
    if "action.agent" in types.values():
        for event in AgentEvent.objects.filter(execution=execution).order_by("step_key", "seq"):
            agent_events.setdefault(event.step_key, []).append(event)
    rows = []
    for step in steps:
        offset = width = 0.0
        if origin and step.started_at and span > 0:
            offset = (step.started_at - origin).total_seconds() / span * 100
            end = step.finished_at or max(ends)
            width = max(0.5, (end - step.started_at).total_seconds() / span * 100)
        input_text, cut_in = _pretty(step.input)
        output_text, cut_out = _pretty(step.output)
        rows.append(
            StepRow(
                step,
                round(offset, 2),
                round(min(width, 100 - offset), 2),
                input_text,
                output_text,
                cut_in or cut_out,
                hint_for(step.error),
                [c for c in calls or () if c.step_key == step.key],
                _wait_mode(step, types.get(step.node_id, ""), wait_modes),
                _progress(step, types.get(step.node_id, "")),
                _agent_rows(agent_events[step.key]) if step.key in agent_events else None,
            )
        )
    return rows


def _wait_mode(step: Step, node_type: str, wait_modes: dict[str, str]) -> str:
    if step.status != Step.Status.WAITING:
        return ""
    if node_type == "action.agent":
        output = step.output if isinstance(step.output, dict) else {}
        return "approval" if output.get("waiting_for") == "approval" else ""
    return wait_modes.get(step.node_id, "")
