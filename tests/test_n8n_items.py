"""n8n's item flow on import (editor/n8n/items.py): loops where n8n runs nodes per item, Merge
modes, No-op after IF, and the n8n view of a run (executions/n8n_view.py).

The expected outputs follow n8n 1.123's node sources (n8n-nodes-base: Merge/v3/actions/mode/*,
If/V2, Code) for the inputs given; the golden tests (tests/test_n8n_golden.py) compare with
outputs recorded from n8n itself.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from editor.n8n import import_n8n
from editor.transfer import read_import, save_import
from editor.validation import validate_graph
from executions import engine
from executions.n8n_view import n8n_view

# Runs dispatch their steps on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

BASE = "n8n-nodes-base."
PEOPLE = [
    {"name": "Ada", "team": "core", "age": 36},
    {"name": "Linus", "team": "kernel", "age": 28},
    {"name": "Grace", "team": "core", "age": 45},
]


def export(nodes: list[dict[str, Any]], links: list[tuple[str, int, str, int]]) -> dict:
    """An n8n export as n8n writes one: nodes, and connections by source name and output."""
    connections: dict[str, Any] = {}
    for source, output, target, into in links:
        outputs = connections.setdefault(source, {"main": []})["main"]
        while len(outputs) <= output:
            outputs.append([])
        outputs[output].append({"node": target, "type": "main", "index": into})
    for i, node in enumerate(nodes):
        node.setdefault("id", f"00000000-0000-4000-8000-{i:012d}")
        node.setdefault("position", [i * 220, 0])
        node.setdefault("typeVersion", 1)
        node.setdefault("parameters", {})
    return {"name": "items", "nodes": nodes, "connections": connections, "settings": {}}


def manual() -> dict[str, Any]:
    return {"name": "Start", "type": f"{BASE}manualTrigger"}


def code(name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": name,
        "type": f"{BASE}code",
        "typeVersion": 2,
        "parameters": {"jsCode": f"return {json.dumps(rows)};"},
    }


def set_fields(name: str, **fields: str) -> dict[str, Any]:
    rows = [{"id": k, "name": k, "value": v, "type": "string"} for k, v in fields.items()]
    return {
        "name": name,
        "type": f"{BASE}set",
        "typeVersion": 3.4,
        "parameters": {"assignments": {"assignments": rows}, "includeOtherFields": True},
    }


def noop(name: str) -> dict[str, Any]:
    return {"name": name, "type": f"{BASE}noOp"}


def if_older_than(name: str, age: int) -> dict[str, Any]:
    condition = {
        "id": "c1",
        "leftValue": "={{ $json.age }}",
        "rightValue": age,
        "operator": {"type": "number", "operation": "gt"},
    }
    return {
        "name": name,
        "type": f"{BASE}if",
        "typeVersion": 2,
        "parameters": {
            "conditions": {
                "options": {"caseSensitive": True, "leftValue": "", "typeValidation": "strict"},
                "conditions": [condition],
                "combinator": "and",
            },
            "options": {},
        },
    }


def merge(name: str, **params: Any) -> dict[str, Any]:
    return {"name": name, "type": f"{BASE}merge", "typeVersion": 3, "parameters": params}


def node_of(graph: dict, label: str) -> dict[str, Any]:
    return next(n for n in graph["nodes"] if n.get("label") == label)


def edges(graph: dict) -> set[tuple[str, str, str]]:
    return {(e["source"], e.get("source_handle", "main"), e["target"]) for e in graph["edges"]}


def run_view(owner: Any, data: dict) -> tuple[dict[str, list[dict]], Any]:
    """Import as the API does, run, and return the run as n8n shows it (items by node name)."""
    imported = read_import(data)
    assert validate_graph(imported.graph, owner=owner) == []
    workflow = save_import(owner, imported)
    execution = engine.start_execution(workflow, {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    return n8n_view(execution), execution


def jsons(items: list[dict]) -> list[Any]:
    return [i["json"] for i in items]


# --- loops where n8n runs per item ------------------------------------------------------------

PER_ITEM = export(
    [manual(), code("People", PEOPLE), set_fields("Greet", greeting="=Hi {{ $json.name }}")],
    [("Start", 0, "People", 0), ("People", 0, "Greet", 0)],
)


def test_nodes_after_a_many_item_node_run_in_a_loop_over_its_items():
    graph = import_n8n(PER_ITEM).graph
    loop = node_of(graph, "Each item of People")
    assert loop["type"] == "logic.loop"
    result = "nodes.people.result"
    assert loop["config"]["items"] == (
        f"{{{{ ({result} if {result} is sequence and {result} is not string and {result} "
        f"is not mapping else [{result}]) }}}}"
    )
    assert edges(graph) == {
        ("start", "main", "people"),
        ("people", "main", loop["id"]),
        (loop["id"], "each", "greet"),
    }
    assert "item.name" in node_of(graph, "Greet")["config"]["expression"]


def test_a_per_item_node_runs_once_per_item_as_in_n8n(alice):
    view, execution = run_view(alice, PER_ITEM)
    assert jsons(view["People"]) == PEOPLE
    assert jsons(view["Greet"]) == [{**p, "greeting": f"Hi {p['name']}"} for p in PEOPLE]
    keys = sorted(s.key for s in execution.steps.filter(node_id="greet"))
    assert keys == ["greet[0]", "greet[1]", "greet[2]"]


def test_a_node_that_takes_every_item_closes_the_loop_and_reads_its_results():
    data = export(
        [
            manual(),
            code("People", PEOPLE),
            set_fields("Tag", tag="=t-{{ $json.team }}"),
            code("Other", [{"name": "Tim"}]),
            merge("Both"),
        ],
        [
            ("Start", 0, "People", 0),
            ("People", 0, "Tag", 0),
            ("Start", 0, "Other", 0),
            ("Tag", 0, "Both", 0),
            ("Other", 0, "Both", 1),
        ],
    )
    graph = import_n8n(data).graph
    loop = node_of(graph, "Each item of People")["id"]
    assert (loop, "done", "both") in edges(graph)
    assert ("tag", "main", "both") not in edges(graph)
    template = node_of(graph, "Both")["config"]["expression"]
    assert f'nodes.{loop}.results | reject("none") | map(attribute="result") | list' in template


def test_merge_appends_the_loop_results_and_the_other_input(alice):
    data = export(
        [
            manual(),
            code("People", PEOPLE),
            set_fields("Tag", tag="=t-{{ $json.team }}"),
            code("Other", [{"name": "Tim"}]),
            merge("Both"),
        ],
        [
            ("Start", 0, "People", 0),
            ("People", 0, "Tag", 0),
            ("Start", 0, "Other", 0),
            ("Tag", 0, "Both", 0),
            ("Other", 0, "Both", 1),
        ],
    )
    view, _ = run_view(alice, data)
    tagged = [{**p, "tag": f"t-{p['team']}"} for p in PEOPLE]
    assert jsons(view["Tag"]) == tagged
    assert jsons(view["Both"]) == [*tagged, {"name": "Tim"}]


# --- IF, No-op: items pass through ------------------------------------------------------------

BRANCHES = export(
    [manual(), code("People", PEOPLE), if_older_than("Older", 30), noop("Yes"), noop("No")],
    [
        ("Start", 0, "People", 0),
        ("People", 0, "Older", 0),
        ("Older", 0, "Yes", 0),
        ("Older", 1, "No", 0),
    ],
)


def test_if_routes_each_item_and_a_noop_after_it_outputs_the_item(alice):
    view, execution = run_view(alice, BRANCHES)
    older = [p for p in PEOPLE if p["age"] > 30]
    younger = [p for p in PEOPLE if p["age"] <= 30]
    assert jsons(view["Older"]) == older + younger  # n8n: true output, then false output
    assert jsons(view["Yes"]) == older
    assert jsons(view["No"]) == younger
    # The No-op's own output is the item it got, not the IF's verdict.
    assert execution.steps.get(key="yes[0]").output == {"result": PEOPLE[0]}


def test_a_noop_at_the_top_outputs_the_item_it_looks_through():
    data = export(
        [
            {
                "name": "Hook",
                "type": f"{BASE}webhook",
                "typeVersion": 2,
                "parameters": {"path": "x"},
            },
            if_older_than("Older", 30),
            noop("Yes"),
        ],
        [("Hook", 0, "Older", 0), ("Older", 0, "Yes", 0)],
    )
    graph = import_n8n(data).graph
    assert node_of(graph, "Yes")["config"] == {
        "language": "jmespath",
        "expression": "@",
        "input": "{{ trigger }}",
    }
    assert not any(n["type"] == "logic.loop" for n in graph["nodes"])


def test_items_leaving_a_loop_through_an_if_branch_reach_the_merge(alice):
    data = export(
        [
            manual(),
            code("People", PEOPLE),
            if_older_than("Older", 30),
            code("Other", [{"name": "Tim"}]),
            merge("Both"),
        ],
        [
            ("Start", 0, "People", 0),
            ("People", 0, "Older", 0),
            ("Older", 0, "Both", 0),
            ("Start", 0, "Other", 0),
            ("Other", 0, "Both", 1),
        ],
    )
    graph = import_n8n(data).graph
    exit_node = node_of(graph, "Older (items)")
    assert exit_node["config"] == {"language": "template", "expression": "{{ item }}"}
    assert ("older", "true", exit_node["id"]) in edges(graph)
    view, _ = run_view(alice, data)
    assert jsons(view["Both"]) == [PEOPLE[0], PEOPLE[2], {"name": "Tim"}]


def upper_names(name: str) -> dict[str, Any]:
    """A Code node over all its items that fails on an empty list (it reads the first item)."""
    code = "return [{json: {names: $input.all().map(i => i.json.name), first: $json.name.toUpperCase()}}];"
    return {
        "name": name,
        "type": f"{BASE}code",
        "typeVersion": 2,
        "parameters": {"jsCode": code},
    }


GATED = export(
    [
        manual(),
        code("People", PEOPLE),
        if_older_than("Older", 10),
        upper_names("Old"),
        upper_names("Young"),
    ],
    [
        ("Start", 0, "People", 0),
        ("People", 0, "Older", 0),
        ("Older", 0, "Old", 0),
        ("Older", 1, "Young", 0),
    ],
)


def test_a_branch_no_item_took_out_of_a_loop_runs_nothing_after_it(alice):
    """n8n runs no node that gets no items: every person is older than 10, so the node on the
    IF's false branch after the loop does not run (it would fail on an empty list)."""
    graph = import_n8n(GATED).graph
    gate = node_of(graph, "Any item from Older (false)")
    assert gate["type"] == "logic.condition"
    loop = node_of(graph, "Each item of People")["id"]
    assert (loop, "done", gate["id"]) in edges(graph)
    assert (gate["id"], "true", "young") in edges(graph)
    assert (loop, "done", "young") not in edges(graph)
    view, execution = run_view(alice, GATED)
    assert jsons(view["Old"]) == [{"names": ["Ada", "Linus", "Grace"], "first": "ADA"}]
    assert execution.steps.get(key="young").status == "skipped"
    assert "Young" not in view or view["Young"] == []


def test_a_loop_without_branches_needs_no_gate():
    graph = import_n8n(PER_ITEM).graph
    assert not any(n["type"] == "logic.condition" for n in graph["nodes"])


def test_a_link_from_an_output_the_node_does_not_have_is_dropped_with_a_note(alice):
    """An edited export links a Code node's second output, which n8n never sends items on: the
    node after it imports, never runs, and says why (it used to read a loop's `item` outside
    the loop and fail validation)."""
    data = export(
        [
            manual(),
            code("People", PEOPLE),
            set_fields("Greet", greeting="=Hi {{ $json.name }}"),
            set_fields("Never", other="={{ $json.name }}"),
        ],
        [("Start", 0, "People", 0), ("People", 0, "Greet", 0), ("People", 1, "Never", 0)],
    )
    graph = import_n8n(data).graph
    assert not any(e["target"] == "never" for e in graph["edges"])
    assert (
        "export links that node's output 2, which it does not have"
        in node_of(graph, "Never")["notes"]
    )
    view, execution = run_view(alice, data)
    assert jsons(view["Greet"]) == [{**p, "greeting": f"Hi {p['name']}"} for p in PEOPLE]
    assert not execution.steps.filter(node_id="never").exists()


def test_a_node_several_nodes_link_into_says_n8n_ran_it_once_for_each(alice):
    """n8n runs a node with one input once per node that hands it items; WorkFuse runs it once
    with all of them, and its notes say so."""
    collect = {
        "name": "Collect",
        "type": f"{BASE}code",
        "typeVersion": 2,
        "parameters": {"jsCode": "return [{json: {names: $input.all().map(i => i.json.name)}}];"},
    }
    data = export(
        [manual(), code("People", PEOPLE), if_older_than("Older", 30), noop("Yes"), collect],
        [
            ("Start", 0, "People", 0),
            ("People", 0, "Older", 0),
            ("Older", 0, "Yes", 0),
            ("Yes", 0, "Collect", 0),
            ("Older", 1, "Collect", 0),
        ],
    )
    notes = node_of(import_n8n(data).graph, "Collect")["notes"]
    assert "Several nodes link into one input here ('Older', 'Yes')" in notes
    assert "n8n ran it once for each" in notes
    view, _ = run_view(alice, data)
    assert jsons(view["Collect"]) == [{"names": ["Linus", "Ada", "Grace"]}]
    merge_data = export(
        [manual(), code("People", PEOPLE), code("Other", [{"name": "Tim"}]), merge("Both")],
        [
            ("Start", 0, "People", 0),
            ("Start", 0, "Other", 0),
            ("People", 0, "Both", 0),
            ("Other", 0, "Both", 1),
        ],
    )
    assert "Several nodes" not in node_of(import_n8n(merge_data).graph, "Both").get("notes", "")


def test_paired_item_of_the_looped_node_is_the_current_item():
    data = export(
        [
            manual(),
            code("People", PEOPLE),
            set_fields("Again", again="={{ $('People').item.json.name }}"),
        ],
        [("Start", 0, "People", 0), ("People", 0, "Again", 0)],
    )
    expression = node_of(import_n8n(data).graph, "Again")["config"]["expression"]
    assert "item.name" in expression and "nodes.people" not in expression


# --- Merge modes ------------------------------------------------------------------------------

LEFT = [{"id": 1, "a": "x"}, {"id": 2, "a": "y"}, {"id": 4, "a": "w"}]
RIGHT = [{"id": 2, "b": "Y"}, {"id": 1, "b": "X"}, {"id": 3, "b": "Z"}]


def two_inputs(**params: Any) -> dict:
    return export(
        [manual(), code("Left", LEFT), code("Right", RIGHT), merge("Merge", **params)],
        [
            ("Start", 0, "Left", 0),
            ("Start", 0, "Right", 0),
            ("Left", 0, "Merge", 0),
            ("Right", 0, "Merge", 1),
        ],
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"mode": "append"}, LEFT + RIGHT),
        (
            {"mode": "combine", "fieldsToMatchString": "id", "options": {}},
            [{"id": 1, "a": "x", "b": "X"}, {"id": 2, "a": "y", "b": "Y"}],
        ),
        (
            {"mode": "combine", "fieldsToMatchString": "id", "joinMode": "keepEverything"},
            [
                {"id": 1, "a": "x", "b": "X"},
                {"id": 2, "a": "y", "b": "Y"},
                {"id": 4, "a": "w"},
                {"id": 3, "b": "Z"},
            ],
        ),
        (
            {"mode": "combine", "fieldsToMatchString": "id", "joinMode": "enrichInput1"},
            [{"id": 1, "a": "x", "b": "X"}, {"id": 2, "a": "y", "b": "Y"}, {"id": 4, "a": "w"}],
        ),
        (
            {
                "mode": "combine",
                "fieldsToMatchString": "id",
                "joinMode": "keepNonMatches",
                "outputDataFrom": "both",
            },
            [{"id": 4, "a": "w", "_source": "input1"}, {"id": 3, "b": "Z", "_source": "input2"}],
        ),
        (
            {"mode": "combine", "combineBy": "combineByPosition", "options": {}},
            [
                {"id": 2, "a": "x", "b": "Y"},
                {"id": 1, "a": "y", "b": "X"},
                {"id": 3, "a": "w", "b": "Z"},
            ],
        ),
        (
            {"mode": "combine", "combineBy": "combineAll", "options": {}},
            [{**a, **b} for a in LEFT for b in RIGHT],
        ),
        ({"mode": "chooseBranch", "useDataOfInput": 2}, RIGHT),
        ({"mode": "chooseBranch", "output": "empty"}, [{}]),
    ],
)
def test_merge_outputs_what_n8n_outputs_in_each_mode(alice, params, expected):
    view, _ = run_view(alice, two_inputs(**params))
    assert jsons(view["Merge"]) == expected


def two_inputs_v1(**params: Any) -> dict:
    data = two_inputs(**params)
    data["nodes"][3]["typeVersion"] = 1
    return data


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # MergeV1.node.js: by index, the second input's fields win; left join keeps input 1's.
        (
            {"mode": "mergeByIndex", "join": "outer"},
            [
                {"id": 2, "a": "x", "b": "Y"},
                {"id": 1, "a": "y", "b": "X"},
                {"id": 3, "a": "w", "b": "Z"},
            ],
        ),
        (
            {"mode": "mergeByKey", "propertyName1": "id", "propertyName2": "id"},
            [{"id": 1, "a": "x", "b": "X"}, {"id": 2, "a": "y", "b": "Y"}, {"id": 4, "a": "w"}],
        ),
        ({"mode": "removeKeyMatches", "propertyName1": "id", "propertyName2": "id"}, [LEFT[2]]),
        ({"mode": "keepKeyMatches", "propertyName1": "id", "propertyName2": "id"}, LEFT[:2]),
        ({"mode": "multiplex"}, [{**a, **b} for a in LEFT for b in RIGHT]),
    ],
)
def test_merge_v1_modes_output_what_n8n_outputs(alice, params, expected):
    view, _ = run_view(alice, two_inputs_v1(**params))
    assert jsons(view["Merge"]) == expected


def test_merge_by_sql_is_refused_naming_the_node():
    from editor.graph import ImportRefused

    with pytest.raises(ImportRefused) as refused:
        import_n8n(two_inputs(mode="combineBySql"))
    assert "'Merge'" in refused.value.issues[0].message
    assert "SQL" in refused.value.issues[0].message


# --- n8n's own loop ---------------------------------------------------------------------------


def test_split_in_batches_loop_hands_every_processed_item_to_done(alice):
    data = export(
        [
            manual(),
            code("People", PEOPLE),
            {"name": "Loop", "type": f"{BASE}splitInBatches", "typeVersion": 3},
            set_fields("Mark", seen="yes"),
            noop("After"),
        ],
        [
            ("Start", 0, "People", 0),
            ("People", 0, "Loop", 0),
            ("Loop", 1, "Mark", 0),
            ("Mark", 0, "Loop", 0),
            ("Loop", 0, "After", 0),
        ],
    )
    view, _ = run_view(alice, data)
    marked = [{**p, "seen": "yes"} for p in PEOPLE]
    assert jsons(view["Mark"]) == marked
    assert jsons(view["After"]) == marked
    assert jsons(view["Loop"]) == marked + PEOPLE  # done output, then the loop output


# --- what the importer cannot know ------------------------------------------------------------


def test_an_http_response_feeding_per_item_nodes_carries_a_caveat():
    data = export(
        [
            manual(),
            {
                "name": "Fetch",
                "type": f"{BASE}httpRequest",
                "typeVersion": 4.2,
                "parameters": {"url": "https://api.example.com/people"},
            },
            set_fields("Name", who="={{ $json.name }}"),
        ],
        [("Start", 0, "Fetch", 0), ("Fetch", 0, "Name", 0)],
    )
    result = import_n8n(data)
    fetch = next(n for n in result.report.nodes if n.name == "Fetch")
    assert fetch.status == "caveats"
    assert any("JSON array" in note for note in fetch.notes)
    assert not any(n["type"] == "logic.loop" for n in result.graph["nodes"])


def test_a_node_after_the_loop_reads_the_first_item_of_a_looped_node_by_name():
    data = export(
        [
            manual(),
            code("People", PEOPLE),
            set_fields("Greet", greeting="=Hi {{ $json.name }}"),
            merge("All"),
            set_fields("Report", first="={{ $('Greet').first().json.greeting }}"),
        ],
        [
            ("Start", 0, "People", 0),
            ("People", 0, "Greet", 0),
            ("Greet", 0, "All", 0),
            ("All", 0, "Report", 0),
        ],
    )
    graph = import_n8n(data).graph
    assert validate_graph(graph) == []
    expression = node_of(graph, "Report")["config"]["expression"]
    assert 'nodes.each_people.results | reject("none")' in expression
    assert ")[0].greeting" in expression
