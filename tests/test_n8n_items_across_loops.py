"""n8n reads of items across the loops the import adds and across Repeat rounds
(editor/n8n/outer_item.py and the modules named in each test): each export, a reduced
version of a corpus workflow, is imported as the API does, run through the engine, and its
run seen as n8n items compared with what n8n outputs for it; the variants whose pairing is
not certain stay refused by name.
"""

from __future__ import annotations

from typing import Any

import pytest

from editor.graph import ImportRefused
from editor.n8n import import_n8n
from tests.test_n8n_items import BASE, code, export, jsons, manual, merge, run_view, set_fields

pytestmark = pytest.mark.django_db(transaction=True)


# --- `$('Loop Over Items').item` read below a Merge of the loop's item and a lookup ----------

WORKFLOWS: list[dict[str, Any]] = [
    {"name": "alpha", "v": 1},
    {"name": "beta", "v": 2},
    {"name": "gamma", "v": 3},
]

# The lookup of the stored copy ("Get a file"): alpha is stored unchanged, beta changed, and
# gamma not at all (the GitHub node answers with no content).
GET_A_FILE: dict[str, Any] = {
    "name": "Get a file",
    "type": f"{BASE}code",
    "typeVersion": 2,
    "parameters": {
        "jsCode": (
            "const name = $input.first().json.name;\n"
            "const stored = { alpha: '1', beta: '9' };\n"
            "return name in stored ? [{ content: stored[name] }] : [{ error: 'not found' }];"
        )
    },
}

# The template's isDiffOrNew: it marks the first of its two items (the stored file) and
# returns both; only the marked one reaches a branch of the Switch. (The template leaves the
# second item unmarked; a WorkFuse template reading a missing field fails the step, the
# importer's documented difference, so here it carries a status no rule matches.)
IS_DIFF_OR_NEW: dict[str, Any] = {
    "name": "isDiffOrNew",
    "type": f"{BASE}code",
    "typeVersion": 2,
    "parameters": {
        "jsCode": (
            "const stored = $input.all()[0].json;\n"
            "const actual = $input.all()[1].json;\n"
            "if (Object.keys(stored).includes('content')) {\n"
            "  $input.all()[0].json.github_status = stored.content === String(actual.v)"
            " ? 'same' : 'different';\n"
            "} else {\n"
            "  $input.all()[0].json.github_status = 'new';\n"
            "}\n"
            "$input.all()[1].json.github_status = 'source';\n"
            "return $input.all();"
        )
    },
}


def status_rule(status: str) -> dict[str, Any]:
    condition = {
        "id": status,
        "leftValue": "={{ $json.github_status }}",
        "rightValue": status,
        "operator": {"type": "string", "operation": "equals"},
    }
    return {
        "conditions": {
            "options": {"caseSensitive": True, "leftValue": "", "typeValidation": "strict"},
            "conditions": [condition],
            "combinator": "and",
        },
        "renameOutput": True,
        "outputKey": status,
    }


SWITCH: dict[str, Any] = {
    "name": "Switch",
    "type": f"{BASE}switch",
    "typeVersion": 3.2,
    "parameters": {
        "rules": {"values": [status_rule(s) for s in ("different", "new", "same")]},
        "options": {},
    },
}


def write_file(name: str) -> dict[str, Any]:
    return set_fields(
        name,
        path="={{ $('Loop Over Items').item.json.name }}.json",
        message="={{$('Loop Over Items').item.json.name}} ({{$json.github_status}})",
    )


def backup_export(merge_node: dict[str, Any]) -> dict[str, Any]:
    """n8n's "Save your workflows into a GitHub repository", reduced: each workflow's stored
    copy is merged with the workflow itself, compared, and written when new or changed."""
    loop = {"name": "Loop Over Items", "type": f"{BASE}splitInBatches", "typeVersion": 3}
    done = {"name": "Return", "type": f"{BASE}set", "typeVersion": 3.3, "parameters": {}}
    return export(
        [
            manual(),
            code("Workflows", WORKFLOWS),
            loop,
            GET_A_FILE,
            merge_node,
            IS_DIFF_OR_NEW,
            SWITCH,
            write_file("Edit existing file"),
            write_file("Create new file"),
            done,
        ],
        [
            ("Start", 0, "Workflows", 0),
            ("Workflows", 0, "Loop Over Items", 0),
            ("Loop Over Items", 1, "Get a file", 0),
            ("Loop Over Items", 1, "Merge Items", 1),
            ("Get a file", 0, "Merge Items", 0),
            ("Merge Items", 0, "isDiffOrNew", 0),
            ("isDiffOrNew", 0, "Switch", 0),
            ("Switch", 0, "Edit existing file", 0),
            ("Switch", 1, "Create new file", 0),
            ("Switch", 2, "Return", 0),
            ("Edit existing file", 0, "Return", 0),
            ("Create new file", 0, "Return", 0),
            ("Return", 0, "Loop Over Items", 0),
        ],
    )


def test_the_loop_s_item_read_below_a_merge_with_a_lookup_is_the_workflow_in_hand(alice):
    # Merge 2 appends (its default): the stored file, then the workflow; both descend from the
    # loop's one item of the round, so n8n's paired item resolves to it.
    merge_items = {"name": "Merge Items", "type": f"{BASE}merge", "typeVersion": 2}
    view, execution = run_view(alice, backup_export(merge_items))
    assert jsons(view["Edit existing file"]) == [
        {
            "content": "9",
            "github_status": "different",
            "path": "beta.json",
            "message": "beta (different)",
        }
    ]
    assert jsons(view["Create new file"]) == [
        {
            "error": "not found",
            "github_status": "new",
            "path": "gamma.json",
            "message": "gamma (new)",
        }
    ]
    graph = execution.version.graph
    [kept] = [n for n in graph["nodes"] if n["label"] == "Loop Over Items: current item"]
    ran = execution.steps.filter(node_id=kept["id"]).order_by("key")
    assert [s.output for s in ran] == WORKFLOWS
    statuses = {n.name: n.status for n in import_n8n(backup_export(merge_items)).report.nodes}
    assert statuses["Create new file"] == statuses["Edit existing file"] == "exact"


def test_the_loop_s_item_stays_refused_when_a_merge_appends_items_from_outside_the_loop():
    # The stored copies read once before the loop: the Merge's first input pairs with no item
    # of the loop, so n8n's read is not that item.
    merge_items = merge("Merge Items")
    data = backup_export(merge_items)
    data["nodes"].append(code("Stored", [{"content": "1"}]))
    data["connections"]["Start"]["main"][0].append({"node": "Stored", "type": "main", "index": 0})
    data["connections"]["Stored"] = {
        "main": [[{"node": "Merge Items", "type": "main", "index": 0}]]
    }
    with pytest.raises(ImportRefused) as refused:
        import_n8n(data)
    messages = [i.message for i in refused.value.issues]
    assert any(
        "reads the current item of n8n's loop 'Loop Over Items' ($('Loop Over Items').item) "
        "inside the loop WorkFuse adds over the items of 'isDiffOrNew'" in m
        for m in messages
    ), messages


def test_two_heads_of_the_body_each_taking_the_loop_s_item_keep_it_in_one_step(alice):
    # Two Split Outs of the team merged: every member item descends from the round's team.
    teams = [{"team": "core", "members": ["Ada", "Grace"]}, {"team": "kernel", "members": ["Li"]}]
    loop = {"name": "Loop", "type": f"{BASE}splitInBatches", "typeVersion": 3}

    def split(name: str) -> dict[str, Any]:
        params = {"fieldToSplitOut": "members", "options": {}}
        return {"name": name, "type": f"{BASE}splitOut", "typeVersion": 1, "parameters": params}

    tag = set_fields("Tag", of="={{ $('Loop').item.json.team }}")
    data = export(
        [manual(), code("Teams", teams), loop, split("Members"), split("Others"), merge("M"), tag],
        [
            ("Start", 0, "Teams", 0),
            ("Teams", 0, "Loop", 0),
            ("Loop", 1, "Members", 0),
            ("Loop", 1, "Others", 0),
            ("Members", 0, "M", 0),
            ("Others", 0, "M", 1),
            ("M", 0, "Tag", 0),
            ("Tag", 0, "Loop", 0),
        ],
    )
    view, execution = run_view(alice, data)
    assert jsons(view["Tag"]) == [
        {"members": m, "of": t["team"]} for t in teams for m in [*t["members"], *t["members"]]
    ]
    kept = [n for n in execution.version.graph["nodes"] if n["label"] == "Loop: current item"]
    assert len(kept) == 1
