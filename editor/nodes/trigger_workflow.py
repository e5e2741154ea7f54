"""`trigger.workflow`: starts a workflow when another workflow calls it (`action.workflow`).

The inputs it declares are checked when it is called: a missing required input or a value that
is not of its type fails the call with a message naming the input. The calling step checks them
before it starts the call (`executions/engine/calls.py`), and this trigger checks them again
whatever started the run (a manual test run, a replay).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, Self

from pydantic import Field, ValidationError, model_validator

from editor.models import Workflow
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.nodes.utility_set import convert

InputType = Literal["string", "number", "boolean", "json", "any"]
INPUT_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class WorkflowInput(NodeConfig):
    name: str = Field(
        ...,
        description="The input's name: letters, digits and underscores, not starting with a digit. "
        "The called workflow reads it as '{{ trigger.<name> }}'.",
    )
    type: InputType = Field(
        "any",
        description="string: text (a number or true/false is taken as its text); number: '42' "
        "becomes 42; boolean: true/false, yes/no, on/off, 1/0; json: JSON text parsed into its "
        "value (other values as they are); any: whatever the caller sends.",
    )
    required: bool = Field(False, description="The call fails when the caller leaves it out.")

    @model_validator(mode="after")
    def _a_name(self) -> Self:
        if not INPUT_NAME_RE.match(self.name):
            raise ValueError(
                f"'{self.name}' is not an input name: use letters, digits and underscores, "
                "not starting with a digit (at most 64)"
            )
        return self


class Config(NodeConfig):
    inputs: list[WorkflowInput] = Field(
        default_factory=list,
        description="The inputs a calling workflow passes. Empty: it may pass any object, taken as "
        "it is.",
    )

    @model_validator(mode="after")
    def _names_once(self) -> Self:
        names = [i.name for i in self.inputs]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ValueError(f"inputs: '{name}' is declared twice")
        return self


def config_in(graph: Any) -> Config | None:
    """The `trigger.workflow` settings of a graph, or None when it has no valid one (then it
    cannot be called)."""
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, dict) and node.get("type") == NODE.type:
            try:
                return Config.model_validate(node.get("config") or {})
            except ValidationError:
                return None
    return None


@dataclass(frozen=True)
class CallTarget:
    """A workflow an `action.workflow` can call: one of the owner's that starts with
    `trigger.workflow`, and the inputs it declares."""

    id: int
    name: str
    inputs: list[WorkflowInput]

    def describe(self) -> str:
        """E.g. `12 “Greeter” (inputs: name string required, times number)`."""
        named = ", ".join(
            f"{i.name} {i.type}{' required' if i.required else ''}" for i in self.inputs
        )
        return f"{self.id} “{self.name}” ({'inputs: ' + named if named else 'any inputs'})"


def call_targets(owner: Any) -> list[CallTarget]:
    """The owner's workflows that can be called, by name."""
    targets = []
    for workflow in Workflow.objects.filter(owner=owner).only("name", "graph").order_by("name"):
        trigger = config_in(workflow.graph)
        if trigger is not None:
            targets.append(CallTarget(workflow.pk, workflow.name, trigger.inputs))
    return targets


def check_inputs(declared: list[WorkflowInput], given: Any) -> dict[str, Any]:
    """The inputs a call passes, checked against `declared` and converted to their types.
    With nothing declared any object passes as it is. Raises ValueError naming the input."""
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise ValueError(f"the inputs must be an object of named values, not {_kind(given)}")
    if not declared:
        return given
    unknown = unknown_inputs(declared, given)
    if unknown:
        raise ValueError(unknown[0][1])
    checked: dict[str, Any] = {}
    for spec in declared:
        value = given.get(spec.name)
        if value is None:
            if spec.required:
                raise ValueError(f"input '{spec.name}' is required")
            if spec.name in given:
                checked[spec.name] = None
            continue
        checked[spec.name] = check_value(spec, value)
    return checked


def unknown_inputs(declared: list[WorkflowInput], given: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, message) for each given input the workflow does not declare (when it declares any)."""
    known = sorted(i.name for i in declared)
    if not known:
        return []
    return [
        (name, f"'{name}' is not an input of this workflow; its inputs are: {', '.join(known)}")
        for name in sorted(set(given) - set(known))
    ]


def check_value(spec: WorkflowInput, value: Any) -> Any:
    """One input's value converted to its type; ValueError naming the input."""
    if spec.type == "string" and isinstance(value, list | dict):
        raise ValueError(f"input '{spec.name}' must be text, not {_kind(value)}")
    try:
        return convert(value, spec.type)
    except ValueError as exc:
        raise ValueError(f"input '{spec.name}' ({spec.type}): {exc}") from None


JSON_TYPES = {"string": "string", "number": "number", "boolean": "boolean"}


def input_schema(declared: list[WorkflowInput]) -> dict[str, Any]:
    """The JSON Schema of a call's inputs, for callers that are not workflows (an agent's
    workflow tool, an MCP client). Nothing declared: any object. `json` and `any` inputs accept
    any JSON value; `check_inputs` still converts and checks what arrives."""
    if not declared:
        return {"type": "object", "properties": {}}
    properties: dict[str, Any] = {}
    for spec in declared:
        kind = JSON_TYPES.get(spec.type)
        properties[spec.name] = {"type": kind} if kind else {}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [spec.name for spec in declared if spec.required]
    if required:
        schema["required"] = required
    return schema


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """The output is the inputs the workflow was called with, checked and typed."""
    try:
        return check_inputs(config.inputs, ctx.input)
    except ValueError as exc:
        raise NodeError(f"The call's inputs do not fit: {exc}") from exc


NODE = NodeType(
    type="trigger.workflow",
    label="When called by a workflow",
    category="trigger",
    description="Starts the workflow when another workflow calls it with 'Call a workflow'; its "
    "output is the inputs it was called with.",
    Config=Config,
    run=run,
)
