"""Branches that join at a node without a Merge (editor/n8n/converter.py `_joined_ref`): n8n runs
the node with the item of whichever branch sent one, so its `$json` reads that parent: a parent
that always sends when it runs is recognised by having run, an IF's or Switch's branch (at most
one) when none of the others did. Parents whose fields WorkFuse names differently, or several
branches of deciders, are refused by name."""

from __future__ import annotations

from typing import Any

import pytest

from editor.models import Workflow
from editor.n8n import convert
from editor.validation import validate_graph
from tests.engine_helpers import steps_by_key
from tests.test_n8n_cycle_exits import if_node
from tests.test_n8n_flow import export, manual, n8n_node, run, set_fields
from tests.test_n8n_import import refusal_messages


def styled_export(style: str) -> dict[str, Any]:
    """Flux's style picker, reduced: a Switch on the trigger's style sends to one of three Set
    nodes (each naming its prompt), all linked to one Set that reads `$json.prompt`."""
    rules = [
        {
            "conditions": {
                "conditions": [
                    {
                        "leftValue": "={{ $json.style }}",
                        "rightValue": name,
                        "operator": {"type": "string", "operation": "equals"},
                    }
                ],
                "combinator": "and",
            }
        }
        for name in ("neon", "pop", "glitch")
    ]
    switch = n8n_node("Style", "switch", {"rules": {"values": rules}}, 3.2)
    nodes = [
        manual(),
        set_fields("Pick", style=style),
        switch,
        set_fields("Neon", prompt="neon city"),
        set_fields("Pop", prompt="pop art"),
        set_fields("Glitch", prompt="glitch scape"),
        set_fields("Render", prompt="=Depict {{ $json.prompt }}"),
    ]
    links = [
        ("Start", "Pick"),
        ("Pick", "Style"),
        ("Style", 0, "Neon"),
        ("Style", 1, "Pop"),
        ("Style", 2, "Glitch"),
        ("Neon", "Render"),
        ("Pop", "Render"),
        ("Glitch", "Render"),
    ]
    return export("Styles", nodes, links)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("style", "prompt"),
    [("neon", "Depict neon city"), ("pop", "Depict pop art"), ("glitch", "Depict glitch scape")],
)
def test_the_joined_node_reads_the_branch_that_ran(alice: Any, style: str, prompt: str) -> None:
    graph = convert(styled_export(style))
    assert validate_graph(graph) == []
    execution = run(Workflow.create(alice, "Styles", graph=graph))
    assert execution.status == "succeeded", execution.error
    assert steps_by_key(execution)["render"].output["result"] == {"prompt": prompt}


def if_and_else_export(flag: bool) -> dict[str, Any]:
    """IF true → Render directly (the IF passes its input on); false → Fix → Render."""
    nodes = [
        manual(),
        set_fields("Pick", prompt="as given", ok="yes" if flag else "no"),
        if_node("OK?", "={{ $json.ok }}", "equals", "yes"),
        set_fields("Fix", prompt="fixed"),
        set_fields("Render", prompt="=Depict {{ $json.prompt }}"),
    ]
    links = [("Start", "Pick"), ("Pick", "OK?"), ("OK?", 0, "Render"), ("OK?", 1, "Fix")]
    return export("If or fix", nodes, [*links, ("Fix", "Render")])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("flag", "prompt"), [(True, "Depict as given"), (False, "Depict fixed")])
def test_a_deciders_branch_is_read_when_no_other_parent_ran(
    alice: Any, flag: bool, prompt: str
) -> None:
    graph = convert(if_and_else_export(flag))
    assert validate_graph(graph) == []
    execution = run(Workflow.create(alice, "If or fix", graph=graph))
    assert execution.status == "succeeded", execution.error
    assert steps_by_key(execution)["render"].output["result"] == {"prompt": prompt}


def test_two_deciders_branches_with_different_items_are_refused() -> None:
    nodes = [
        manual(),
        set_fields("Pick", ok="yes"),
        if_node("First?", "={{ $json.ok }}", "equals", "yes"),
        set_fields("Other", ok="no"),
        if_node("Second?", "={{ $json.ok }}", "equals", "yes"),
        set_fields("Render", said="={{ $json.ok }}"),
    ]
    links = [
        ("Start", "Pick"),
        ("Pick", "First?"),
        ("First?", 0, "Render"),
        ("First?", 1, "Other"),
        ("Other", "Second?"),
        ("Second?", 1, "Render"),
    ]
    [message] = [m for m in refusal_messages(export("Two", nodes, links)) if "Render" in m]
    assert message.startswith("n8n node 'Render' (n8n-nodes-base.set): reads its input ($json)")
    assert "'First?', 'Second?'" in message and "put a Merge" in message
