"""Full graph validation: every node type, and each broken variant refused with node and field."""

from __future__ import annotations

import copy

import pytest

from editor.graph import MAX_NODES
from editor.validation import validate_graph
from tests.test_graph import DESIGN_EXAMPLE

EVERY_NODE_TYPE = {
    "nodes": [
        {
            "id": "hook",
            "type": "trigger.webhook",
            "config": {"methods": ["POST"], "response": "immediate"},
        },
        {
            "id": "fetch",
            "type": "action.http",
            "config": {
                "method": "GET",
                "url": "https://api.example.com/orders/{{ trigger.body.order_id }}",
            },
        },
        {
            "id": "summary",
            "type": "action.ai",
            "config": {
                "provider": "openai",
                "model": "gpt-4o-mini",
                "prompt": "Summarise {{ nodes.fetch.body | tojson }}",
            },
        },
        {"id": "score", "type": "action.code", "config": {"code": "return input.body.total * 2"}},
        {
            "id": "pick",
            "type": "utility.transform",
            "config": {"expression": "lines[].sku", "input": "{{ nodes.fetch.body }}"},
        },
        {
            "id": "big",
            "type": "logic.condition",
            "config": {
                "rules": [{"left": "{{ nodes.score.result }}", "operator": "gt", "right": 100}]
            },
        },
        {
            "id": "route",
            "type": "logic.switch",
            "config": {
                "cases": [
                    {
                        "handle": "eu",
                        "rules": [
                            {"left": "{{ trigger.body.region }}", "operator": "eq", "right": "eu"}
                        ],
                    }
                ]
            },
        },
        {
            "id": "each_line",
            "type": "logic.loop",
            "config": {"items": "{{ nodes.pick.result }}", "concurrency": 2},
        },
        {
            "id": "post_line",
            "type": "action.http",
            "config": {
                "method": "POST",
                "url": "https://api.example.com/lines/{{ index }}",
                "body": {"sku": "{{ item }}"},
            },
        },
        {"id": "wait", "type": "utility.delay", "config": {"seconds": 30}},
        {"id": "join", "type": "utility.merge", "config": {}},
    ],
    "edges": [
        {"source": "hook", "target": "fetch"},
        {"source": "fetch", "target": "summary"},
        {"source": "fetch", "target": "score"},
        {"source": "fetch", "target": "pick"},
        {"source": "score", "target": "big"},
        {"source": "big", "source_handle": "true", "target": "route"},
        {"source": "route", "source_handle": "eu", "target": "wait"},
        {"source": "pick", "target": "each_line"},
        {"source": "each_line", "source_handle": "each", "target": "post_line"},
        {"source": "each_line", "source_handle": "done", "target": "join"},
        {"source": "wait", "target": "join"},
        {"source": "summary", "target": "join"},
    ],
}

SCHEDULE = {
    "nodes": [
        {
            "id": "tick",
            "type": "trigger.schedule",
            "config": {"cron": "*/5 * * * *", "timezone": "Europe/Berlin"},
        }
    ],
    "edges": [],
}


def test_design_example_and_every_node_type_validate():
    assert validate_graph(DESIGN_EXAMPLE) == []
    assert validate_graph(EVERY_NODE_TYPE) == []
    assert validate_graph(SCHEDULE) == []


def broken(change) -> list[dict]:
    graph = copy.deepcopy(EVERY_NODE_TYPE)
    change(graph)
    return [i.as_dict() for i in validate_graph(graph)]


def node(graph, node_id):
    return next(n for n in graph["nodes"] if n["id"] == node_id)


def test_unknown_type_is_refused():
    issues = broken(lambda g: node(g, "pick").update(type="utility.teleport"))
    assert {
        "node_id": "pick",
        "field": "type",
        "message": "Unknown node type 'utility.teleport'.",
    } in issues


def test_bad_handle_names_the_outputs():
    issues = broken(lambda g: g["edges"][5].update(source_handle="maybe"))
    assert issues == [
        {
            "node_id": "big",
            "field": "edges[5].source_handle",
            "message": "'maybe' is not an output of 'big'; its outputs are: true, false.",
        }
    ]


def test_switch_handles_come_from_its_cases_and_error_route_adds_one():
    assert broken(lambda g: g["edges"][6].update(source_handle="us"))[0]["message"].endswith(
        "its outputs are: eu, default."
    )

    def route_errors(g):
        node(g, "fetch")["on_error"] = "route"
        g["edges"].append({"source": "fetch", "source_handle": "error", "target": "join"})

    assert broken(route_errors) == []
    assert broken(
        lambda g: g["edges"].append({"source": "fetch", "source_handle": "error", "target": "join"})
    )


def test_bad_config_values_name_the_field():
    issues = broken(lambda g: node(g, "fetch")["config"].update(method="FETCH", timeout_ms=-1))
    fields = {(i["node_id"], i["field"]) for i in issues}
    assert ("fetch", "config.method") in fields
    assert ("fetch", "config.timeout_ms") in fields
    assert (
        broken(lambda g: node(g, "each_line")["config"].update(concurrency=0))[0]["field"]
        == "config.concurrency"
    )
    assert (
        broken(lambda g: node(g, "wait").update(config={}))[0]["message"]
        == "set exactly one of 'seconds' or 'until'"
    )
    unknown = broken(lambda g: node(g, "score")["config"].update(langauge="js"))
    assert unknown == [
        {"node_id": "score", "field": "config.langauge", "message": "Unknown setting 'langauge'."}
    ]


def test_schedule_config_is_checked():
    graph = copy.deepcopy(SCHEDULE)
    graph["nodes"][0]["config"] = {"cron": "every day", "timezone": "Mars/Olympus"}
    messages = {i.field: i.message for i in validate_graph(graph)}
    assert "is not a 5-field cron expression" in messages["config.cron"]
    assert "is not an IANA time zone" in messages["config.timezone"]


def test_template_to_a_non_ancestor_is_refused():
    issues = broken(
        lambda g: node(g, "summary")["config"].update(prompt="{{ nodes.score.result }}")
    )
    assert issues == [
        {
            "node_id": "summary",
            "field": "config.prompt",
            "message": "'nodes.score' is not upstream of 'summary': only nodes that run before it can "
            "be read (upstream: fetch, hook).",
        }
    ]


def test_template_to_a_missing_variable_or_node_is_refused():
    issues = broken(
        lambda g: node(g, "fetch")["config"].update(url="https://x/{{ trigger_body.id }}")
    )
    assert issues[0]["field"] == "config.url"
    assert "Unknown variable 'trigger_body'" in issues[0]["message"]
    issues = broken(
        lambda g: node(g, "fetch")["config"].update(url="https://x/{{ nodes.ghost.id }}")
    )
    assert "'nodes.ghost' is not upstream of 'fetch'" in issues[0]["message"]


def test_loop_variables_only_inside_a_loop_body():
    issues = broken(lambda g: node(g, "summary")["config"].update(prompt="{{ item }}"))
    assert issues[0]["message"].startswith("'item' exists only inside a loop body")
    assert broken(lambda g: node(g, "post_line")["config"].update(url="https://x/{{ item }}")) == []


def test_template_syntax_errors_are_refused():
    issues = broken(lambda g: node(g, "summary")["config"].update(prompt="{{ trigger.body. }}"))
    assert issues[0]["field"] == "config.prompt"
    assert "syntax error" in issues[0]["message"]


def test_cycle_is_refused_and_named():
    issues = broken(lambda g: g["edges"].append({"source": "join", "target": "fetch"}))
    assert any(
        i["field"] == "edges" and "fetch" in i["message"] and "join" in i["message"] for i in issues
    )


@pytest.mark.parametrize(
    "node_id",
    [
        "hook",
        "fetch",
        "summary",
        "score",
        "pick",
        "big",
        "route",
        "each_line",
        "post_line",
        "wait",
        "join",
    ],
)
def test_each_node_refuses_unknown_settings(node_id):
    issues = broken(lambda g: node(g, node_id)["config"].update(bogus=1))
    assert issues == [
        {"node_id": node_id, "field": "config.bogus", "message": "Unknown setting 'bogus'."}
    ]


def test_edges_cannot_leave_a_loop_body():
    issues = broken(lambda g: g["edges"].append({"source": "post_line", "target": "join"}))
    assert issues == [
        {
            "node_id": "post_line",
            "field": "edges[12]",
            "message": "'post_line' runs once per item of loop 'each_line' and cannot connect to 'join' "
            "outside it; connect the loop's 'done' output instead.",
        }
    ]


def test_a_graph_over_the_node_cap_is_refused_before_anything_else_reads_it(alice_api):
    nodes = [{"id": "start", "type": "trigger.manual", "config": {}}] + [
        {"id": f"n{i}", "type": "utility.transform", "config": {"expression": "@"}}
        for i in range(MAX_NODES)
    ]
    response = alice_api.post("/api/workflows", {"name": "huge", "graph": {"nodes": nodes}})
    assert response.status_code == 400
    body = response.json()
    assert body["details"] == [
        {
            "node_id": None,
            "field": "nodes",
            "message": f"A workflow holds at most {MAX_NODES} nodes; this one has "
            f"{MAX_NODES + 1}. Split it into workflows that call each other (Call a workflow).",
        }
    ]


def test_an_n8n_export_over_the_node_cap_is_refused_at_once(alice_api):
    nodes = [
        {"name": f"N{i}", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "parameters": {}}
        for i in range(MAX_NODES + 1)
    ]
    response = alice_api.post(
        "/api/workflows/import", {"name": "huge", "nodes": nodes, "connections": {}}
    )
    assert response.status_code == 400
    assert f"at most {MAX_NODES} nodes" in response.json()["message"]
