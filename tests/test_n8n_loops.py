"""n8n loops whose rounds branch and join again, or hold a Code node returning one item,
imported as one Repeat (editor/n8n/cycle_exits.py `find`, editor/n8n/code_returns.py): the
corpus's Seedance poll (a fork into the poll and the carried state, a Merge, a Code node, three
ways out), KNN's tie-break loop and Pennylane's e-mail retry (a Code node in the round), and
Notion's generator loop (an IF's two branches joining in one node before going round)."""

from __future__ import annotations

from typing import Any

import pytest

from editor.models import Workflow
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import recorder, steps_by_key
from tests.test_n8n_cycle_exits import if_node, numbers
from tests.test_n8n_flow import export, http, later, manual, n8n_node, run, set_fields
from tests.test_n8n_import import by_label, edges_of, refusal_messages

MERGE_STATE = """const items = $input.all();
const response = items[0].json;
const carried = items[1].json;
return [{ json: {
  task_id: carried.task_id,
  status: response.status,
  url: response.url || '',
  poll_index: carried.poll_index + 1,
  maxPolls: carried.maxPolls,
} }];"""


def code(name: str, js: str) -> dict[str, Any]:
    return n8n_node(name, "code", {"jsCode": js}, 2)


def stop(name: str, message: str) -> dict[str, Any]:
    return n8n_node(name, "stopAndError", {"errorMessage": message}, 1)


def seedance_export(base: str, max_polls: int = 5) -> dict:
    """Seedance's bounded poll, reduced: Save task → Wait → (Poll, Carry state) → Merge
    (append) → Merge state (Code: one item) → If completed (leave to Output) → If failed (leave
    to Failed) → If timeout (leave to Timed out) → Continue → back to the Wait."""
    merge = n8n_node("Merge", "merge", {"mode": "append", "options": {}}, 3)
    nodes = [
        manual(),
        numbers(set_fields("Save task", task_id=7, poll_index=0, maxPolls=max_polls)),
        n8n_node("Wait", "wait", {"amount": 1, "unit": "seconds"}, 1.1),
        http("Poll", f"={base}/tasks/{{{{ $json.task_id }}}}"),
        numbers(
            set_fields(
                "Carry state",
                task_id="={{ $json.task_id }}",
                poll_index="={{ $json.poll_index }}",
                maxPolls="={{ $json.maxPolls }}",
            )
        ),
        merge,
        code("Merge state", MERGE_STATE),
        if_node("If completed", "={{ $json.status }}", "equals", "completed"),
        if_node("If failed", "={{ $json.status }}", "equals", "failed"),
        if_node("If timeout", "={{ $json.poll_index >= $json.maxPolls }}", "true", "", "boolean"),
        numbers(
            set_fields(
                "Continue",
                task_id="={{ $json.task_id }}",
                poll_index="={{ $json.poll_index }}",
                maxPolls="={{ $json.maxPolls }}",
            )
        ),
        set_fields("Output", result_url="={{ $json.url }}"),
        stop("Failed", "={{ 'Task ' + $json.task_id + ' failed' }}"),
        stop("Timed out", "={{ 'Gave up after ' + $json.poll_index + ' polls' }}"),
    ]
    links = [
        ("Start", "Save task"),
        ("Save task", "Wait"),
        ("Wait", "Poll"),
        ("Wait", "Carry state"),
        ("Poll", "Merge"),
        ("Merge state", "If completed"),
        ("If completed", 0, "Output"),
        ("If completed", 1, "If failed"),
        ("If failed", 0, "Failed"),
        ("If failed", 1, "If timeout"),
        ("If timeout", 0, "Timed out"),
        ("If timeout", 1, "Continue"),
        ("Continue", "Wait"),
    ]
    data = export("Seedance", nodes, links)
    # Carry state joins the Merge on its second input; the Merge leads to Merge state.
    data["connections"]["Carry state"] = {"main": [[{"node": "Merge", "type": "main", "index": 1}]]}
    data["connections"]["Merge"] = {"main": [[{"node": "Merge state", "type": "main", "index": 0}]]}
    return data


def test_a_round_forking_into_a_merge_and_leaving_three_ways_is_one_repeat():
    graph = convert(seedance_export("https://video.example.com"))
    assert validate_graph(graph) == []
    repeat = by_label(graph, "Repeat Wait … Continue")
    r = repeat["id"]
    assert repeat["config"]["carry"] is True
    edges = edges_of(graph)
    assert {
        (r, "body", "wait"),
        ("wait", "main", "poll"),
        ("wait", "main", "carry_state"),
        ("poll", "main", "merge"),
        ("carry_state", "main", "merge"),
        ("merge", "main", "merge_state"),
        ("merge_state", "main", "if_completed"),  # one item: no loop over the Code's items
        ("continue", "main", "continue_went_round"),
        (r, "done", f"way_out_{'wait'}"),
    } <= edges
    assert {("way_out_wait", h, t) for _, h, t in edges if _ == "way_out_wait"} == {
        ("way_out_wait", "if_completed_left_0", "output"),
        ("way_out_wait", "if_failed_left_0", "failed"),
        ("way_out_wait", "if_timeout_left_0", "timed_out"),
    }


@pytest.mark.django_db(transaction=True)
def test_an_imported_seedance_poll_runs_its_rounds_and_leaves_completed_as_n8n(alice, settings):
    """n8n: round 1 and 2 find the task running and go round (poll_index 1, 2); round 3 finds
    it completed, and If completed leaves to Output with the merged item's url."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as server:
        server.script = [
            (200, {}, {"status": "running"}),
            (200, {}, {"status": "running"}),
            (200, {}, {"status": "completed", "url": "https://cdn.example.com/7.mp4"}),
        ]
        graph = convert(seedance_export(server.url))
        execution = run(Workflow.create(alice, "Seedance", graph=graph))
        for round_ in range(1, 5):
            engine.sweep(now=later(2 * round_))
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        assert [r["path"] for r in server.requests] == ["/tasks/7"] * 3
    steps = steps_by_key(execution)
    assert steps["repeat_wait"].output["iterations"] == 3
    assert [steps[f"merge_state[{i}]"].output["result"][0]["poll_index"] for i in range(3)] == [
        1,
        2,
        3,
    ]
    assert steps["output"].output["result"] == {"result_url": "https://cdn.example.com/7.mp4"}
    assert steps["failed"].status == "skipped"
    assert steps["timed_out"].status == "skipped"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("answers", "max_polls", "error"),
    [
        # n8n: the second poll says failed; If failed leaves to the Stop and Error.
        (["running", "failed"], 5, "Task 7 failed"),
        # n8n: never done; after the second poll poll_index reaches maxPolls (2): If timeout.
        (["running", "running"], 2, "Gave up after 2 polls"),
    ],
)
def test_an_imported_seedance_poll_fails_where_n8n_stops(
    alice, settings, answers, max_polls, error
):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as server:
        server.script = [(200, {}, {"status": state}) for state in answers]
        graph = convert(seedance_export(server.url, max_polls))
        execution = run(Workflow.create(alice, "Seedance", graph=graph))
        for round_ in range(1, 4):
            engine.sweep(now=later(2 * round_))
        execution.refresh_from_db()
        assert len(server.requests) == 2
    assert execution.status == "failed"
    assert error in execution.error
    assert steps_by_key(execution)["output"].status == "skipped"


VOTE = """const points = $input.first().json.points;
const counts = {};
for (const p of points) counts[p] = (counts[p] || 0) + 1;
const ranked = Object.entries(counts).sort((a, b) => b[1] - a[1]);
return [{ json: { result: ranked.slice(0, 2) } }];"""


def knn_export(base: str) -> dict:
    """KNN's tie-break loop, reduced: Variables (limit 2) → Query (POST /search?limit=) →
    Majority vote (Code: one item) → Check tie (tie: Increase limit, + 2, back to Query; else
    leave to Return class)."""
    tie = if_node(
        "Check tie",
        "={{ $json.result.length > 1 && $json.result[0][1] === $json.result[1][1] }}",
        "true",
        "",
        "boolean",
    )
    nodes = [
        manual(),
        numbers(set_fields("Variables", limit=2)),
        http("Query", f"={base}/search?limit={{{{ $json.limit }}}}", "POST"),
        code("Majority vote", VOTE),
        tie,
        numbers(set_fields("Increase limit", limit="={{ $('Query').item.json.limit + 2 }}")),
        set_fields("Return class", landscape="={{ $json.result[0][0] }}"),
    ]
    links = [
        ("Start", "Variables"),
        ("Variables", "Query"),
        ("Query", "Majority vote"),
        ("Majority vote", "Check tie"),
        ("Check tie", 0, "Increase limit"),
        ("Check tie", 1, "Return class"),
        ("Increase limit", "Query"),
    ]
    return export("KNN", nodes, links)


@pytest.mark.django_db(transaction=True)
def test_a_code_node_returning_one_item_inside_a_round_runs_once_per_round(alice, settings):
    """n8n: limit 2 gives a tie (a, b), limit 4 another; limit 6 gives a majority for b, and
    Check tie leaves to Return class."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as server:
        server.script = [
            (200, {}, {"limit": 2, "points": ["a", "b"]}),
            (200, {}, {"limit": 4, "points": ["a", "b", "a", "b"]}),
            (200, {}, {"limit": 6, "points": ["a", "b", "b", "b", "a", "c"]}),
        ]
        graph = convert(knn_export(server.url))
        assert validate_graph(graph) == []
        assert not any(n["type"] == "logic.loop" for n in graph["nodes"])
        execution = run(Workflow.create(alice, "KNN", graph=graph))
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        paths = [r["path"] for r in server.requests]
    assert paths == ["/search?limit=2", "/search?limit=4", "/search?limit=6"]
    steps = steps_by_key(execution)
    assert steps["repeat_query"].output["iterations"] == 3
    assert steps["return_class"].output["result"] == {"landscape": "b"}


def rejoin_export(base: str) -> dict:
    """Notion's generator loop, reduced: Input → Generate (POST /generate) → Check (Switch:
    a placeholder left in: Add feedback; else Valid?) → Valid? (IF valid: leave to Success;
    else to Rerun) ; Add feedback → Rerun; Rerun → back to Generate. The IF's branch and the
    Switch's join in Rerun before going round."""
    switch = n8n_node(
        "Check",
        "switch",
        {
            "rules": {
                "values": [
                    {
                        "conditions": {
                            "conditions": [
                                {
                                    "leftValue": "={{ $json.text }}",
                                    "rightValue": "object Object",
                                    "operator": {"type": "string", "operation": "contains"},
                                }
                            ],
                            "combinator": "and",
                        }
                    }
                ]
            },
            "options": {"fallbackOutput": "extra"},
        },
        3.1,
    )
    nodes = [
        manual(),
        set_fields("Input", feedback="none"),
        http("Generate", f"={base}/generate?feedback={{{{ $json.feedback }}}}", "POST"),
        switch,
        set_fields("Add feedback", feedback="placeholder"),
        if_node("Valid?", "={{ $json.valid }}", "true", "", "boolean"),
        set_fields("Rerun", feedback="={{ $json.feedback || 'invalid' }}"),
        set_fields("Success", text="={{ $json.text }}"),
    ]
    links = [
        ("Start", "Input"),
        ("Input", "Generate"),
        ("Generate", "Check"),
        ("Check", 0, "Add feedback"),
        ("Check", 1, "Valid?"),
        ("Add feedback", "Rerun"),
        ("Valid?", 0, "Success"),
        ("Valid?", 1, "Rerun"),
        ("Rerun", "Generate"),
    ]
    return export("Generator", nodes, links)


def test_branches_joining_again_at_a_node_other_than_a_merge_stay_refused():
    """Notion's generator loop: Rerun is reached from Add feedback or from Valid?'s false
    output. n8n runs it on the item of the branch that ran; the import follows such joins
    outside loops only (tests/test_n8n_joins.py), so inside a round it is refused."""
    [message] = refusal_messages(rejoin_export("https://gen.example.com"))
    assert "its branches from 'Add feedback' and 'Valid?' join again at 'Rerun'" in message


def test_a_round_going_round_from_several_nodes_stays_refused():
    """vAssistant's run poll goes round from four Waits; a Repeat's round goes on one way."""
    data = rejoin_export("https://gen.example.com")
    data["connections"]["Add feedback"] = {
        "main": [[{"node": "Generate", "type": "main", "index": 0}]]
    }
    [message] = refusal_messages(data)
    assert "it goes round again from several nodes ('Add feedback', 'Rerun')" in message


def test_a_fork_whose_branches_both_run_and_one_leaves_stays_refused():
    """Wait feeds Poll and Carry state; Carry state's IF leaves the loop on one output: in n8n
    the Poll branch runs on too, so a round would both go on and leave."""
    data = seedance_export("https://video.example.com")
    data["nodes"] += [
        if_node("Still wanted?", "={{ $json.task_id }}", "exists", ""),
        set_fields("Abandoned", task_id="={{ $json.task_id }}"),
    ]
    data["connections"]["Carry state"] = {
        "main": [[{"node": "Still wanted?", "type": "main", "index": 0}]]
    }
    data["connections"]["Still wanted?"] = {
        "main": [
            [{"node": "Merge", "type": "main", "index": 1}],
            [{"node": "Abandoned", "type": "main", "index": 0}],
        ]
    }
    [message] = refusal_messages(data)
    assert "it branches inside the loop at 'Wait' into branches that may both run" in message


def test_a_code_node_returning_a_list_of_its_own_still_runs_the_nodes_after_it_per_item():
    """Only `return [{ ... }]` as the code's one return is one item: a list built otherwise
    may hold any number, and the nodes after it run in a loop over them as before."""
    for js in ("return [{json: {a: 1}}, {json: {a: 2}}];", "return items.map(i => i);"):
        data = export(
            "Items",
            [manual(), code("Make", js), set_fields("Use", a="={{ $json.a }}")],
            [("Start", "Make"), ("Make", "Use")],
        )
        graph = convert(data)
        assert any(n["type"] == "logic.loop" for n in graph["nodes"]), js
    one = export(
        "Item",
        [manual(), code("Make", "return [{json: {a: 1}}];"), set_fields("Use", a="={{ $json.a }}")],
        [("Start", "Make"), ("Make", "Use")],
    )
    graph = convert(one)
    assert not any(n["type"] == "logic.loop" for n in graph["nodes"])
    assert "nodes.make.result[0].a" in str(by_label(graph, "Use")["config"])
