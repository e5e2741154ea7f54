"""Golden tests: small n8n workflows (tests/n8n_golden/, written for WorkFuse) whose pinData
holds what real n8n 1.123 outputs for each node (bench/n8n_golden.py regenerates it). Each is
imported, run through the engine, and its run seen as n8n items (executions/n8n_view.py) is
compared with pinData node by node.

Nodes whose n8n family another part of the import is still adding fail until it lands: the
test reports every node and asserts the share that matches (docs/n8n-import.md, "Golden
tests"), counting the nodes under test (not the Manual trigger nor the Code nodes making the
items, which every file shares).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from editor.graph import ImportRefused
from editor.transfer import read_import, save_import
from editor.validation import validate_graph
from executions import engine
from executions.models import Execution
from executions.n8n_view import n8n_view

pytestmark = pytest.mark.django_db(transaction=True)

GOLDEN = Path(__file__).parent / "n8n_golden"
# The share of pinned outputs of the nodes under test that must match (what this branch
# reaches; raise it as node families land).
# 37 of 37 (+ a branch out of a loop, a read of the branch n8n runs first: 2026-12-07).
MINIMUM_RATE = 1.0
SHARED = ("Start", "Make items", "Make ranks")


def run_to_the_end(workflow: Any) -> Execution:
    """Start a run and wake its timers (a Wait) until it is over."""
    execution = engine.start_execution(workflow, {})
    for _ in range(20):
        execution.refresh_from_db()
        if execution.status not in ("pending", "running"):
            break
        engine.sweep(now=timezone.now() + timedelta(hours=1))
    return execution


def compare(path: Path, owner: Any) -> dict[str, str]:
    """For each pinned node of the file: "ok", or what went wrong."""
    data = json.loads(path.read_text())
    pinned: dict[str, list[dict[str, Any]]] = data["pinData"]
    try:
        imported = read_import(data)
    except ImportRefused as exc:
        return {name: f"refused: {exc.issues[0].message}" for name in pinned}
    issues = validate_graph(imported.graph, owner=owner)
    if issues:
        return {name: f"invalid: {issues[0].message}" for name in pinned}
    execution = run_to_the_end(save_import(owner, imported))
    view = n8n_view(execution)
    results = {}
    for name, expected in pinned.items():
        got = view.get(name)
        if got == expected:
            results[name] = "ok"
        elif got is None:
            results[name] = f"did not run ({execution.status}: {execution.error or ''})"[:300]
        else:
            results[name] = f"differs: got {json.dumps(got)[:200]}"
    # A node without pinData is one n8n did not run (it received no items): nor may WorkFuse.
    for name in {n["name"] for n in data["nodes"]} - set(pinned):
        if view.get(name):
            results[name] = f"ran where n8n did not: {view[name]}"
        else:  # nor failed trying (a failed step is not in the view)
            results[name] = "ok" if execution.status == "succeeded" else str(execution.error)[:300]
    return results


def test_imported_golden_workflows_output_what_n8n_outputs(alice):
    lines, matched, total = [], 0, 0
    for path in sorted(GOLDEN.glob("*.json")):
        for name, outcome in compare(path, alice).items():
            lines.append(f"{path.stem:10} {name:16} {outcome}")
            if name not in SHARED:
                total += 1
                matched += outcome == "ok"
    rate = matched / total
    report = "\n".join([*lines, f"nodes under test matching n8n: {matched}/{total} = {rate:.0%}"])
    print(report)
    assert total >= 14
    assert rate >= MINIMUM_RATE, report


def test_every_golden_file_pins_n8n_output_for_each_node_it_ran():
    for path in sorted(GOLDEN.glob("*.json")):
        data = json.loads(path.read_text())
        names = {n["name"] for n in data["nodes"]}
        # Every node n8n ran; the others are checked not to run (`compare`).
        assert set(data["pinData"]) <= names and set(data["pinData"]) >= set(SHARED) & names, (
            path.name
        )
        assert all(isinstance(i["json"], dict) for items in data["pinData"].values() for i in items)
