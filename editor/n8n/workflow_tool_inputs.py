"""The inputs an n8n Call n8n Workflow tool sends its workflow on every call, which the model
does not fill, as the WorkFuse workflow tool's fixed `inputs` (DESIGN §12).

n8n's tool sends them beside the model's arguments: version 1's "Extra Workflow Inputs"
(`fields.values`, each a name and a typed value) and, from version 2, each input of
`workflowInputs` whose value does not read `$fromAI` (those the model fills). n8n evaluates their
expressions in the agent's run, for the item the agent works on; WorkFuse fills the templates
they become from the agent step's data when the tool is called (executions/engine/agent_tools.py
`workflow_inputs`).
"""

from __future__ import annotations

from typing import Any

from editor.n8n.ai_parts import described
from editor.n8n.converter import Converter, N8nNode, Refusal, json_text
from editor.n8n.expressions import single
from editor.nodes.trigger_workflow import INPUT_NAME_RE


def fixed(
    tool: N8nNode, cx: Converter, root: N8nNode, takes: tuple[str, ...] | None
) -> dict[str, Any]:
    """The tool's fixed inputs as WorkFuse values or templates, by input name; `root` is the
    agent (or chain) whose run n8n evaluates them in, `takes` the inputs the called workflow
    takes (`Callee.fields`: when it names some, n8n's trigger keeps only those, so the others
    are left out). Raises Refusal for an input name a WorkFuse workflow cannot declare."""
    given = _version_1(tool) if tool.version < 2 else _version_2(tool)
    out: dict[str, Any] = {}
    for name, (value, as_text) in given.items():
        if takes and name not in takes:
            continue
        if not INPUT_NAME_RE.match(name):
            raise Refusal(
                f"its tool {described(tool)} sends the workflow the input '{name}', which is not "
                "a WorkFuse input name (letters, digits and underscores, not starting with a "
                "digit); rename it in n8n (and in the workflow it calls) and export again."
            )
        converted = cx.value(value, root)
        if as_text and isinstance(converted, str):
            converted = _as_text(converted)
        out[name] = converted
    return out


def _version_1(tool: N8nNode) -> dict[str, tuple[Any, bool]]:
    """`fields.values`: [{name, type, stringValue | numberValue | ...}]; n8n converts each value
    to its type (a string value stays text, an object value's JSON text is parsed)."""
    fields = tool.params.get("fields")
    entries = fields.get("values") if isinstance(fields, dict) else None
    out: dict[str, tuple[Any, bool]] = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not entry.get("name"):
            continue
        kind = str(entry.get("type") or "stringValue")
        value = entry.get(kind, "")
        parsed = json_text(value) if isinstance(value, str) and value[:1] != "=" else None
        if kind in ("objectValue", "arrayValue") and parsed is not None:
            value = parsed
        out[str(entry["name"])] = (value, kind == "stringValue")
    return out


def _version_2(tool: N8nNode) -> dict[str, tuple[Any, bool]]:
    """`workflowInputs.value`: {input: value}; the inputs whose value reads `$fromAI` are the
    model's arguments, the others are fixed."""
    mapping = tool.params.get("workflowInputs")
    values = mapping.get("value") if isinstance(mapping, dict) else None
    if not isinstance(values, dict):
        return {}
    return {
        str(name): (value, False)
        for name, value in values.items()
        if not (isinstance(value, str) and "$fromAI" in value) and value is not None
    }


def _as_text(template: str) -> str:
    """A template that is one expression, made to give text as n8n's string value does (a
    template with text around its expression already gives text)."""
    expr = single(template)
    return template if expr is None else "{{ (" + expr + ") | string }}"
