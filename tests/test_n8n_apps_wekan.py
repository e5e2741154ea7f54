"""Importing n8n's Wekan node (editor/n8n/apps_wekan.py) onto `app.wekan`: the corpus's
workflow (a board, two lists, a card moved from one to the other) imported and run against the
fake Wekan, and the refusals."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.wekan import PASSWORD, USER, FakeWekan
from tests.test_n8n_apps import BASE, refusal

# workflows_backup 1115 "Manual Wekan Automation", as exported.
NODES: list[tuple[str, dict[str, Any]]] = [
    (
        "Wekan",
        {"owner": "c4nzTEvSwGPBxKTCc", "title": "Documentation", "resource": "board"},
    ),
    (
        "Wekan1",
        {"title": "To Do", "boardId": '={{$node["Wekan"].json["_id"]}}', "resource": "list"},
    ),
    ("Wekan2", {"title": "Done", "boardId": '={{$node["Wekan"].json["_id"]}}', "resource": "list"}),
    (
        "Wekan3",
        {
            "title": "Document Wekan node",
            "listId": '={{$node["Wekan1"].json["_id"]}}',
            "boardId": '={{$node["Wekan"].json["_id"]}}',
            "authorId": "c4nzTEvSwGPBxKTCc",
            "swimlaneId": "LDTcBp9fvmjSsSB69",
            "additionalFields": {},
        },
    ),
    (
        "Wekan4",
        {
            "cardId": '={{$node["Wekan3"].json["_id"]}}',
            "listId": '={{$node["Wekan1"].json["_id"]}}',
            "boardId": '={{$node["Wekan"].json["_id"]}}',
            "operation": "update",
            "updateFields": {"listId": '={{$node["Wekan2"].json["_id"]}}'},
        },
    ),
]


def export() -> dict[str, Any]:
    nodes = [
        {
            "parameters": {},
            "name": "On clicking 'execute'",
            "type": f"{BASE}manualTrigger",
            "typeVersion": 1,
            "position": [0, 0],
        }
    ]
    nodes += [
        {
            "parameters": copy.deepcopy(params),
            "name": name,
            "type": f"{BASE}wekan",
            "typeVersion": 1,
            "position": [240 * (i + 1), 0],
        }
        for i, (name, params) in enumerate(NODES)
    ]
    names = [n["name"] for n in nodes]
    connections = {
        a: {"main": [[{"node": b, "type": "main", "index": 0}]]}
        for a, b in itertools.pairwise(names)
    }
    return {"name": "Wekan", "nodes": nodes, "connections": connections}


def test_the_corpus_workflow_becomes_wekan_steps():
    graph = convert(export())
    assert validate_graph(graph) == []
    configs = {n["id"]: n["config"] for n in graph["nodes"] if n["type"] == "app.wekan"}
    assert configs["wekan"] == {
        "operation": "create_board",
        "title": "Documentation",
        "owner": "c4nzTEvSwGPBxKTCc",
    }
    assert configs["wekan1"] == {
        "operation": "create_list",
        "board_id": '{{ nodes.wekan["_id"] }}',
        "title": "To Do",
    }
    assert configs["wekan4"] == {
        "operation": "update_card",
        "board_id": '{{ nodes.wekan["_id"] }}',
        "list_id": '{{ nodes.wekan1["_id"] }}',
        "card_id": '{{ nodes.wekan3["_id"] }}',
        "move_to_list_id": '{{ nodes.wekan2["_id"] }}',
    }


@pytest.mark.django_db(transaction=True)
def test_the_imported_workflow_moves_the_new_card_to_done(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(export())
    with running(FakeWekan()) as wekan:
        credential = store.create(
            alice,
            "Kanban",
            "wekan",
            {"username": USER, "password": PASSWORD, "base_url": wekan.url},
        )
        for node in graph["nodes"]:
            if node["type"] == "app.wekan":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [card] = wekan.cards.values()
        lists = {entry["_id"]: entry["title"] for entry in wekan.lists.values()}
    assert card["title"] == "Document Wekan node" and lists[card["listId"]] == "Done"


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "board", "operation": "getAll"}, "does 'board / getAll'"),
        ({"resource": "list", "title": "x"}, "names no boardId"),
        (
            {**NODES[3][1], "additionalFields": {"dueAt": "2026-01-01"}},
            "sets dueAt (additionalFields)",
        ),
        ({**NODES[4][1], "updateFields": {}}, "updates no field"),
    ],
)
def test_what_the_wekan_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("wekan", params)
    assert "'App' (n8n-nodes-base.wekan)" in message
    assert said in message
