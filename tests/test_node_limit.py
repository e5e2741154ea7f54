"""utility.limit: at most `max` items from the start or the end, `from` as configs spell it,
validation on save, and its settings form."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editor.models import Workflow
from editor.nodes import utility_limit
from editor.nodes.base import NodeError, RunContext
from tests.test_node_form import FormReader, apply, render


def run(config: dict, items: Any) -> list[Any]:
    ctx = RunContext(execution_id="e", node_id="top", step_key="top", input=items)
    output = utility_limit.run(utility_limit.Config.model_validate(config), ctx)
    assert list(output) == ["items"]
    return output["items"]


def test_keeps_the_first_or_the_last_items():
    assert run({"max": 2}, [1, 2, 3]) == [1, 2]
    assert run({"max": 2, "from": "end"}, [1, 2, 3]) == [2, 3]
    assert run({"max": 5, "from": "end"}, [1, 2, 3]) == [1, 2, 3]
    assert run({"max": 0, "from": "end"}, [1, 2, 3]) == []
    assert run({}, list(range(30))) == list(range(10))  # ten by default


def test_from_is_spelled_as_in_configs_everywhere():
    config = utility_limit.Config.model_validate({"from": "end", "max": 3})
    assert config.model_dump() == {"items": None, "max": 3, "from": "end"}
    assert set(utility_limit.Config.model_json_schema()["properties"]) == {"items", "max", "from"}


def test_items_default_to_the_previous_outputs_first_list():
    assert run({"max": 1}, {"items": [7, 8], "count": 2}) == [7]
    with pytest.raises(NodeError, match="no list in it"):
        run({}, "text")


@given(st.lists(st.integers()), st.integers(0, 50), st.sampled_from(["start", "end"]))
def test_at_most_max_items_and_a_prefix_or_a_suffix(items, most, where):
    output = run({"max": most, "from": where}, items)
    assert len(output) == min(most, len(items))
    if where == "start":
        assert output == items[: len(output)]
    else:
        assert output == items[len(items) - len(output) :]


def graph(config: dict) -> dict:
    return {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {"id": "top", "type": "utility.limit", "config": config},
        ],
        "edges": [{"source": "start", "target": "top"}],
    }


@pytest.mark.django_db
def test_saving_checks_max_and_from(alice_api):
    ok = {"items": "{{ trigger.rows }}", "max": 3, "from": "end"}
    assert alice_api.post("/api/workflows", {"name": "L", "graph": graph(ok)}).status_code == 201
    bad = {"max": -1, "from": "middle", "until": 3}
    response = alice_api.post("/api/workflows", {"name": "L", "graph": graph(bad)})
    assert response.status_code == 400
    details = {d["field"]: d["message"] for d in response.json()["details"]}
    assert details == {
        "config.max": "Input should be greater than or equal to 0",
        "config.from": "Input should be 'start' or 'end'",
        "config.until": "Unknown setting 'until'.",
    }


@pytest.mark.django_db
def test_the_form_edits_max_and_from(alice, alice_client):
    workflow = Workflow.create(alice, "Limit", graph=graph({}))
    response = render(alice_client, workflow, "utility.limit", {}, node_id="top")
    form = FormReader(response.content.decode())
    assert form.kinds == {"items": "json", "max": "number", "from": "select"}
    assert ("f:max", "10") in form.values and ("f:from", "start") in form.values
    values = form.with_values(**{"f:max": "3", "f:from": "end"})
    _, result = apply(alice_client, workflow, "utility.limit", {}, values)
    assert result == {"config": {"max": 3, "from": "end"}, "applicable": True, "valid": True}
    response, result = apply(alice_client, workflow, "utility.limit", {}, [("f:max", "-2")])
    assert "greater than or equal to 0" in FormReader(response.content.decode()).errors["max"]
