"""n8n's Execute Workflow and Execute Workflow Trigger as WorkFuse's `action.workflow` and
`trigger.workflow` (docs/control-flow.md, "Sub-workflows").

n8n hands the called workflow the caller's item (`{...$json, ...mapped inputs}`), filtered to
the inputs the called workflow declares; WorkFuse passes named inputs. So a call passes the
inputs the n8n node maps, plus, for each input the called workflow takes (declared, or read
from its trigger when it accepts anything), that field of the caller's `$json`. Which workflow
is called is only known when the files are imported together (`editor.n8n.calls`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from editor.n8n.calls import Callee
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.nodes.trigger_workflow import INPUT_NAME_RE

SELF = re.compile(r"\s*\{\{\s*\$workflow\s*\.\s*id\s*\}\}\s*")
WORKFLOW_URL = re.compile(r"/workflow/([^/?#\s]+)")
INPUT_TYPES = {
    "any": "any",
    "string": "string",
    "number": "number",
    "boolean": "boolean",
    "array": "json",
    "object": "json",
}
JSON_TYPES = {str: "string", bool: "boolean", int: "number", float: "number"}


# --- Execute Workflow -----------------------------------------------------------------------


def _call(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    source = p.get("source") or "database"
    if source != "database":
        raise Refusal(
            f"runs a workflow given as {source} rather than one saved in n8n; WorkFuse calls "
            "saved workflows. Save that workflow in n8n, pick it by id and export again."
        )
    notes: list[str] = []
    callee = _callee(node, cx, notes, refuse=True)
    if callee is None:  # `refuse` raises first; kept for the type checker
        raise Refusal("names no workflow to call; pick one in n8n and export again.")
    options = p.get("options") or {}
    wait = options.get("waitForSubWorkflow", True) is not False
    if not wait:
        notes.append(
            "n8n passed this node's input on; here the nodes after it read "
            "{execution_id, status} of the run it started only through its own output."
        )
    config = {"workflow": callee.id, "inputs": _inputs(node, cx, callee), "wait": wait}
    # After a call n8n's items are the called workflow's last items (WorkFuse: under `output`,
    # where that node keeps them); without waiting, the caller's own input passed on.
    path = "output" + (f".{callee.output}" if callee.output else "")
    spec: dict[str, Any] = {"data": path, "aliases": callee.aliases} if wait else {"data": None}
    return Converted("action.workflow", config, notes=notes, spec=spec)


def _callee(node: N8nNode, cx: Converter, notes: list[str], refuse: bool) -> Callee | None:
    """The workflow of the set the node calls (or this one, standing in: `notes` gets why);
    with `refuse`, a Refusal saying what to import when it is not there (else None)."""
    raw = node.params.get("workflowId")
    cached = ""
    if isinstance(raw, dict):
        cached = str(raw.get("cachedResultName") or "")
        if raw.get("mode") == "url":
            match = WORKFLOW_URL.search(str(raw.get("value") or ""))
            raw = match.group(1) if match else raw.get("value")
        else:
            raw = raw.get("value")
    text = "" if raw is None else str(raw).strip()
    if text.startswith("="):
        if SELF.fullmatch(text[1:]):
            if cx.calls.own is None and refuse:
                raise Refusal(
                    "calls its own workflow ($workflow.id), whose WorkFuse id exists only once "
                    "it is saved: import it with POST /api/workflows/import, which saves it and "
                    "then points the call at it."
                )
            return cx.calls.own
        if refuse:
            raise Refusal(
                f"chooses the workflow to call with an expression ({text[1:].strip()}); a WorkFuse "
                "call names one workflow. Pick the workflow in n8n and export again."
            )
        return None
    if not text and not cached:
        if refuse:
            raise Refusal("names no workflow to call; pick one in n8n and export again.")
        return None
    own_id = str(cx.data.get("id") or "")
    found = cx.calls.own if text and text == own_id else cx.calls.find(text, cached)
    stand_in = cx.calls.stand_in(cx.data, text, cached) if found is None else None
    if stand_in is not None:
        found, note = stand_in
        notes.append(note)
    if found is None and refuse:
        named = f"'{cached}' (n8n id {text})" if cached and text else f"'{cached or text}'"
        raise Refusal(
            f"calls the n8n workflow {named}, which is not among the workflows imported with "
            "it nor imported before. Import the called workflow first, or import them together: "
            "POST /api/workflows/import with a JSON array of the n8n exports of both (the called "
            "workflow saved first, the call pointed at it)."
        )
    return found


def _inputs(node: N8nNode, cx: Converter, callee: Callee) -> dict[str, Any]:
    """The mapped inputs (n8n 1.2+'s Workflow Inputs), then each other input the callee takes
    from the caller's `$json`, as n8n passes the whole item on."""
    p = node.params
    mapping = p.get("workflowInputs") if node.version >= 1.2 else None
    inputs: dict[str, Any] = {}
    if isinstance(mapping, dict) and (mapping.get("mappingMode") or "defineBelow") == "defineBelow":
        removed = {
            str(s.get("id"))
            for s in mapping.get("schema") or []
            if isinstance(s, dict) and s.get("removed")
        }
        for name, value in (mapping.get("value") or {}).items():
            if name not in removed:
                inputs[str(name)] = cx.value(value, node)
    fields = callee.fields
    # --- struct2 ---
    if fields is None:
        # A callee reading its input whole gets every field of the caller's item, when an Edit
        # Fields node right before the call names them all (WorkFuse passes them as inputs,
        # and a trigger declaring none takes whatever it is given).
        fields = _set_fields(cx, node)
    # --- end struct2 ---
    if fields is None:
        if cx.calls.probing:
            return inputs
        raise Refusal(
            f"passes its whole input to '{callee.name}', whose nodes read it whole (a Code node, "
            "or $json as one value); a WorkFuse call passes named inputs. In n8n, declare the "
            "called workflow's inputs (Execute Workflow Trigger: 'Define using fields below'), "
            "then export both again."
        )
    ref = cx.input_ref(node)
    for name in fields:
        if name not in inputs and ref is not None:
            path, aliases = ref
            inputs[name] = "{{ " + path + _field(aliases.get(name, name)) + " | default(none) }}"
    return inputs


# --- struct2 ---
def _set_fields(cx: Converter, node: N8nNode) -> tuple[str, ...] | None:
    """The top-level fields of the item `node` receives when its one parent is an Edit Fields
    (Set 3.3+) node keeping only the fields it sets; None when they are not known."""
    parents = cx.parents.get(node.name) or []
    if len(parents) != 1 or parents[0][0] not in cx.nodes:
        return None
    parent = cx.nodes[parents[0][0]]
    p = parent.params
    if parent.type != f"{BASE}set" or parent.version < 3.3 or p.get("mode", "manual") != "manual":
        return None
    if p.get("includeOtherFields") or (p.get("options") or {}).get("includeBinary"):
        return None
    rows = (p.get("assignments") or {}).get("assignments") or []
    dotted = (p.get("options") or {}).get("dotNotation", True) is not False
    names = [str(r.get("name") or "") for r in rows if isinstance(r, dict)]
    top = [n.split(".")[0] if dotted else n for n in names]
    if not top or any(not INPUT_NAME_RE.match(n) for n in top):
        return None
    return tuple(dict.fromkeys(top))


# --- end struct2 ---
def _field(name: str) -> str:
    if re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", name):
        return "." + name
    return "[" + json.dumps(name) + "]"


# --- Execute Workflow Trigger ---------------------------------------------------------------


def _trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    source = p.get("inputSource") or ("passthrough" if node.version < 1.1 else "workflowInputs")
    notes: list[str] = []
    if source == "passthrough":
        declared: list[tuple[str, str]] = []
    elif source == "jsonExample":
        declared = _from_example(p.get("jsonExample"))
    else:
        rows = (p.get("workflowInputs") or {}).get("values") or []
        declared = [(str(r.get("name") or ""), str(r.get("type") or "string")) for r in rows]
        if not declared:
            notes.append(
                "n8n passed this workflow no data (no inputs declared); WorkFuse passes it "
                "whatever the caller sends."
            )
    inputs = []
    for name, kind in declared:
        if not INPUT_NAME_RE.match(name):
            raise Refusal(
                f"declares the input '{name}'; WorkFuse input names are letters, digits and "
                "underscores, not starting with a digit. Rename it in n8n (and in the callers) "
                "and export again."
            )
        if kind not in INPUT_TYPES:
            raise Refusal(f"declares the input '{name}' of type '{kind}', which WorkFuse lacks.")
        inputs.append({"name": name, "type": INPUT_TYPES[kind], "required": False})
    if any(kind in ("array", "object") for _, kind in declared):
        notes.append("Array and object inputs are WorkFuse 'json' inputs: JSON text is parsed.")
    return Converted("trigger.workflow", {"inputs": inputs}, notes=notes)


def _from_example(text: Any) -> list[tuple[str, str]]:
    """The inputs n8n infers from its JSON example: a field per key, typed by its value."""
    try:
        example = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        raise Refusal(
            "has a JSON example that is not JSON; fix it in n8n and export again."
        ) from None
    if not isinstance(example, dict):
        raise Refusal("has a JSON example that is not an object; fix it in n8n and export again.")
    declared = []
    for name, value in example.items():
        if value is None:
            kind = "any"
        elif isinstance(value, list):
            kind = "array"
        elif isinstance(value, dict):
            kind = "object"
        else:
            kind = JSON_TYPES.get(type(value), "any")
        declared.append((str(name), kind))
    return declared


SPECS: dict[str, Spec] = {
    f"{BASE}executeWorkflow": Spec(_call, "output"),
    f"{BASE}executeWorkflowTrigger": Spec(_trigger, "trigger"),
}
