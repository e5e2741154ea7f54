"""`$('Loop').item` of n8n's loop read inside a loop the import adds in that loop's body
(editor/n8n/outer_item.py): translated where every item of the added loop descends from the n8n
loop's current item, refused (naming the loop and the node looped over) where one may not. Two heads of the body, each
taking the loop's item alone, are translated (tests/test_n8n_items_across_loops.py).

In n8n, `$('Loop').item` follows the paired items back to the loop's batch. WorkFuse's `item`
inside the added loop is the added loop's own, so the import keeps the n8n loop's current item
in a step at the head of its body and the read becomes that step's output. The run below goes
through the engine and is compared, as n8n items, with what n8n outputs for the export.
"""

from __future__ import annotations

from typing import Any

import pytest

from editor.graph import ImportRefused
from editor.n8n import import_n8n
from editor.validation import validate_graph
from tests.test_n8n_items import BASE, code, export, jsons, manual, merge, run_view, set_fields

pytestmark = pytest.mark.django_db(transaction=True)

TEAMS: list[dict[str, Any]] = [
    {"team": "core", "members": ["Ada", "Grace"]},
    {"team": "kernel", "members": ["Linus", "Greg", "Andrew"]},
]


def loop(name: str = "Loop") -> dict[str, Any]:
    return {"name": name, "type": f"{BASE}splitInBatches", "typeVersion": 3}


def split_members(name: str = "Members") -> dict[str, Any]:
    """Split Out: one item per member, each paired with the team item it came from."""
    return {
        "name": name,
        "type": f"{BASE}splitOut",
        "typeVersion": 1,
        "parameters": {"fieldToSplitOut": "members", "options": {}},
    }


TAG = set_fields(
    "Tag",
    tagged="={{ $json.members }} of {{ $('Loop').item.json.team }}",
    shout="={{ $('Loop').item.json.team.toUpperCase() }}",
)


def teams_export(*body: dict[str, Any], links: list[tuple[str, int, str, int]]) -> dict:
    """Start → Teams (two items) → Loop, its loop output into the body given."""
    return export(
        [manual(), code("Teams", TEAMS), loop(), *body],
        [("Start", 0, "Teams", 0), ("Teams", 0, "Loop", 0), *links],
    )


def kept_step(graph: dict[str, Any]) -> dict[str, Any]:
    [step] = [n for n in graph["nodes"] if n["label"] == "Loop: current item"]
    return step


def test_the_loop_s_item_inside_an_added_loop_is_the_loop_s_current_item(alice):
    data = teams_export(
        split_members(),
        TAG,
        links=[("Loop", 1, "Members", 0), ("Members", 0, "Tag", 0), ("Tag", 0, "Loop", 0)],
    )
    view, execution = run_view(alice, data)
    expected = [
        {"members": m, "tagged": f"{m} of {t['team']}", "shout": t["team"].upper()}
        for t in TEAMS
        for m in t["members"]
    ]
    assert jsons(view["Tag"]) == expected
    # Each team's run kept that team: the step ran once per item of n8n's loop.
    graph = execution.version.graph
    step = kept_step(graph)
    outputs = execution.steps.filter(node_id=step["id"]).order_by("key")
    assert [s.output for s in outputs] == TEAMS
    tag = next(n for n in graph["nodes"] if n["label"] == "Tag")
    assert f"nodes.{step['id']}.team" in str(tag["config"])


def test_the_kept_item_is_one_step_before_the_head_of_the_body_for_every_reader():
    again = set_fields("Again", team="={{ $('Loop').item.json.team }}")
    data = teams_export(
        split_members(),
        TAG,
        again,
        links=[
            ("Loop", 1, "Members", 0),
            ("Members", 0, "Tag", 0),
            ("Tag", 0, "Again", 0),
            ("Again", 0, "Loop", 0),
        ],
    )
    result = import_n8n(data)
    graph = result.graph
    assert validate_graph(graph) == []
    step = kept_step(graph)
    assert step["type"] == "utility.set"
    assert step["config"] == {"keep": "all"}
    ids = {n["label"]: n["id"] for n in graph["nodes"]}
    routes = {(e["source"], e.get("source_handle", "main"), e["target"]) for e in graph["edges"]}
    assert (ids["Loop"], "each", step["id"]) in routes
    assert (step["id"], "main", ids["Members"]) in routes
    assert not any(
        e["target"] == ids["Members"] and e["source"] == ids["Loop"] for e in graph["edges"]
    )
    again_config = next(n for n in graph["nodes"] if n["label"] == "Again")["config"]
    assert f"nodes.{step['id']}.team" in str(again_config)
    statuses = {n.name: n.status for n in result.report.nodes}
    assert statuses["Tag"] == statuses["Again"] == "exact"


def test_a_merge_choosing_the_body_s_branch_keeps_the_pairing():
    # The corpus's Outlook assistant: a per-item lookup in the loop merged with settings read
    # once outside it, the Merge handing on the lookup's items only.
    settings = {**code("Settings", [{"tone": "dry"}]), "executeOnce": True}
    chosen = merge("Merge", mode="chooseBranch")
    data = export(
        [manual(), code("Teams", TEAMS), loop(), split_members(), settings, chosen, TAG],
        [
            ("Start", 0, "Teams", 0),
            ("Start", 0, "Settings", 0),
            ("Teams", 0, "Loop", 0),
            ("Loop", 1, "Members", 0),
            ("Members", 0, "Merge", 0),
            ("Settings", 0, "Merge", 1),
            ("Merge", 0, "Tag", 0),
            ("Tag", 0, "Loop", 0),
        ],
    )
    graph = import_n8n(data).graph
    assert validate_graph(graph) == []
    tag = next(n for n in graph["nodes"] if n["label"] == "Tag")
    assert f"nodes.{kept_step(graph)['id']}.team" in str(tag["config"])


@pytest.mark.parametrize(
    ("body", "links"),
    [
        pytest.param(
            # Appended items from outside the loop pair with no item of it (n8n fails the read).
            [split_members(), code("Extra", [{"members": "Guest"}]), merge("Merge"), TAG],
            [
                ("Start", 0, "Extra", 0),
                ("Loop", 1, "Members", 0),
                ("Members", 0, "Merge", 0),
                ("Extra", 0, "Merge", 1),
                ("Merge", 0, "Tag", 0),
                ("Tag", 0, "Loop", 0),
            ],
            id="appended-from-outside",
        ),
    ],
)
def test_a_read_whose_pairing_is_not_certain_stays_refused(body, links):
    with pytest.raises(ImportRefused) as refused:
        import_n8n(teams_export(*body, links=links))
    messages = [i.message for i in refused.value.issues]
    assert any(
        m.startswith(
            "n8n node 'Tag' (n8n-nodes-base.set): reads the current item of n8n's loop "
            "'Loop' ($('Loop').item) inside the loop WorkFuse adds over the items of 'Merge'"
        )
        and "carry the field on the items of 'Merge' in n8n" in m
        for m in messages
    ), messages
