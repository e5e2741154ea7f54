"""A node reading a node of an earlier branch (editor/n8n/read_order.py): in n8n's execution
order v1 the branch placed higher on the canvas runs whole first, so the import makes the
reader's branch wait for the node it reads; other cases stay refused."""

from __future__ import annotations

from typing import Any

import pytest

from editor import transfer
from editor.graph import ImportRefused
from tests.test_n8n_items import BASE, PEOPLE, code, export, jsons, manual, run_view

pytestmark = pytest.mark.django_db(transaction=True)

CONFIG_ROWS = [{"Key": "greeting", "Value": "Hello"}, {"Key": "sign", "Value": "Bye"}]


def code_node(name: str, source: str, each: bool = False) -> dict[str, Any]:
    params = {"jsCode": source, **({"mode": "runOnceForEachItem"} if each else {})}
    return {"name": name, "type": f"{BASE}code", "typeVersion": 2, "parameters": params}


def settings_node() -> dict[str, Any]:
    row = {"id": "s", "name": "site", "value": "blog", "type": "string"}
    return {
        "name": "Settings",
        "type": f"{BASE}set",
        "typeVersion": 3.4,
        "parameters": {"assignments": {"assignments": [row]}},
    }


def sign_node() -> dict[str, Any]:
    row = {"id": "g", "name": "sign", "value": "={{ $('Config').first().json.sign }}"}
    return {
        "name": "Sign",
        "type": f"{BASE}set",
        "typeVersion": 3.4,
        "parameters": {"assignments": {"assignments": [row]}, "includeOtherFields": True},
    }


def forked(config_y: int, order: str | None = "v1") -> dict[str, Any]:
    """Settings forks: Fetch -> Config (at `config_y`) and Rows -> Prepare -> Sign (at y 0);
    Prepare's code and Sign's expression read Config, on the other branch."""
    prepare = code_node(
        "Prepare",
        "const config = $('Config').first().json;\n"
        "return {name: $json.name, line: config.greeting + ' ' + $json.name,"
        " site: $('Settings').first().json.site};",
        each=True,
    )
    config = code_node(
        "Config",
        "const params = {};\n"
        "$('Fetch').all().forEach(p => params[p.json.Key] = p.json.Value);\n"
        "return params;",
    )
    nodes = [manual(), settings_node(), code("Fetch", CONFIG_ROWS), config]
    nodes += [code("Rows", PEOPLE), prepare, sign_node()]
    places = {"Fetch": (440, config_y), "Config": (660, config_y), "Rows": (440, 0)}
    places |= {"Prepare": (660, 0), "Sign": (880, 0)}
    for node in nodes:
        if node["name"] in places:
            node["position"] = list(places[node["name"]])
    data = export(
        nodes,
        [
            ("Start", 0, "Settings", 0),
            ("Settings", 0, "Fetch", 0),
            ("Settings", 0, "Rows", 0),
            ("Fetch", 0, "Config", 0),
            ("Rows", 0, "Prepare", 0),
            ("Prepare", 0, "Sign", 0),
        ],
    )
    data["settings"] = {"executionOrder": order} if order else {}
    return data


def refusals(owner: Any, data: dict[str, Any]) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        transfer.import_n8n(owner, [data])
    return [issue.message for issue in refused.value.issues]


def test_a_node_reading_the_branch_n8n_runs_first_runs_after_it_with_n8ns_output(alice):
    view, execution = run_view(alice, forked(config_y=-200))
    graph = execution.version.graph
    assert {"source": "config", "target": "rows"} in graph["edges"]
    assert jsons(view["Config"]) == [{"greeting": "Hello", "sign": "Bye"}]
    expected = [{"name": p["name"], "line": f"Hello {p['name']}", "site": "blog"} for p in PEOPLE]
    assert jsons(view["Prepare"]) == expected
    assert jsons(view["Sign"]) == [{**item, "sign": "Bye"} for item in expected]


def test_a_branch_n8n_runs_after_the_reader_stays_refused(alice):
    # Placed lower on the canvas, Fetch -> Config runs after Rows -> Prepare -> Sign in n8n,
    # where Prepare finds Config unexecuted.
    assert_refused(alice, forked(config_y=300))


def assert_refused(owner: Any, data: dict[str, Any]) -> None:
    """Sign's expression is refused as the import converts it; without Sign, validation refuses
    Prepare's code."""
    messages = refusals(owner, data)
    assert any("'Sign'" in m and "which does not run before it" in m for m in messages)
    data["nodes"] = [n for n in data["nodes"] if n["name"] != "Sign"]
    del data["connections"]["Prepare"]
    messages = refusals(owner, data)
    assert any("'nodes.config' is not upstream of 'prepare'" in m for m in messages)


def test_the_legacy_execution_order_stays_refused(alice):
    # Without executionOrder v1, n8n runs breadth first: the order is not the canvas's.
    assert_refused(alice, forked(config_y=-200, order=None))
