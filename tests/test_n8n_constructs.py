"""n8n constructs the importer reads as n8n runs them: connections into triggers."""

from __future__ import annotations

from typing import Any

import pytest

from editor.graph import ImportRefused
from editor.n8n import convert
from editor.validation import validate_graph


def _node(name: str, n8n_type: str, version: float, **parameters: Any) -> dict[str, Any]:
    return {
        "parameters": parameters,
        "id": name,
        "name": name,
        "type": f"n8n-nodes-base.{n8n_type}",
        "typeVersion": version,
        "position": [0, 0],
    }


def _link(*targets: str) -> dict[str, Any]:
    return {"main": [[{"node": t, "type": "main", "index": 0} for t in targets]]}


def test_a_connection_into_a_trigger_goes_on_to_the_nodes_after_it():
    # n8n source (WorkflowExecute.runNode): outside manual runs a trigger passes the items it
    # is given through; WorkFuse triggers take no input, so the source connects past it.
    data = {
        "name": "Into a trigger",
        "nodes": [
            _node("Every 5 Minutes", "scheduleTrigger", 1.2, rule={"interval": [{}]}),
            _node("Hook", "webhook", 2, path="mail", httpMethod="POST"),
            _node("Done", "noOp", 1),
        ],
        "connections": {"Every 5 Minutes": _link("Hook"), "Hook": _link("Done")},
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    edges = sorted((e["source"], e["target"]) for e in graph["edges"])
    assert edges == [("every_5_minutes", "done"), ("hook", "done")]
    hook = next(n for n in graph["nodes"] if n["id"] == "hook")
    assert "'Every 5 Minutes' connects to those nodes directly" in hook["notes"]


def _schedule(expression: str) -> dict[str, Any]:
    rule = {"interval": [{"field": "cronExpression", "expression": expression}]}
    return {
        "name": "Schedule",
        "nodes": [
            _node("Every 6 hours", "scheduleTrigger", 1.2, rule=rule),
            _node("Done", "noOp", 1),
        ],
        "connections": {"Every 6 hours": _link("Done")},
    }


def test_a_random_cron_minute_is_drawn_once_at_import_as_n8n_draws_it_at_activation():
    # n8n source (ScheduleTrigger.trigger): the rule is read once when the workflow is
    # activated, so `Math.random()` in it is drawn then and the cron keeps that minute.
    minutes = set()
    for _ in range(20):
        graph = convert(_schedule("={{ Math.floor(Math.random() * 60) }} */6 * * *"))
        assert validate_graph(graph) == []
        trigger = graph["nodes"][0]
        minute, rest = trigger["config"]["cron"].split(" ", 1)
        assert rest == "*/6 * * *" and 0 <= int(minute) < 60
        assert f"drew it once at import ({minute})" in trigger["notes"]
        minutes.add(minute)
    assert len(minutes) > 1
    assert convert(_schedule("=0 9 * * 1-5"))["nodes"][0]["config"]["cron"] == "0 9 * * 1-5"
    assert convert(_schedule("={{ 15 }} 9 * * *"))["nodes"][0]["config"]["cron"] == "15 9 * * *"
    hourly = _schedule("")
    hourly["nodes"][0]["parameters"]["rule"]["interval"] = [
        {
            "field": "hours",
            "hoursInterval": 6,
            "triggerAtMinute": "={{ Math.floor(Math.random() * 60) }}",
        }
    ]
    minute, rest = convert(hourly)["nodes"][0]["config"]["cron"].split(" ", 1)
    assert rest == "*/6 * * *" and 0 <= int(minute) < 60


def test_a_cron_read_from_the_item_is_refused():
    with pytest.raises(ImportRefused) as caught:
        convert(_schedule("={{ $json.minute }} 9 * * *"))
    assert "cannot work out at import" in caught.value.issues[0].message


def test_json_headers_marked_as_an_expression_without_braces_are_their_text():
    # n8n evaluates '={"Accept": ...}' with no {{ }} to the text after the '=', then parses it.
    request = _node(
        "Fetch",
        "httpRequest",
        4.2,
        url="https://api.example.com/content",
        sendHeaders=True,
        specifyHeaders="json",
        jsonHeaders='={\n"Accept": "image/png",\n"X-Team": "blue"\n}',
        options={},
    )
    data = {
        "name": "Headers",
        "nodes": [_node("Start", "manualTrigger", 1), request],
        "connections": {"Start": _link("Fetch")},
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    fetch = next(n for n in graph["nodes"] if n["id"] == "fetch")
    assert fetch["config"]["headers"] == {"Accept": "image/png", "X-Team": "blue"}
