"""Importing n8n's monday.com node (editor/n8n/apps_monday.py) onto `app.monday`: the config each
board item operation becomes (from the corpus's own settings), the refusals, where many items
lie, and an imported workflow run in the engine against the fake monday.com."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.monday import BOARD, TOKEN, FakeMonday
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (  # workflows_backup 0885 Telegram → Monday.com
            {
                "name": '={{$node["Start"].json["subject"]}}',
                "boardId": "565971708",
                "groupId": "new_group",
                "resource": "boardItem",
                "additionalFields": {},
            },
            {
                "operation": "create_item",
                "board_id": "565971708",
                "name": "{{ trigger.subject }}",
                "group_id": "new_group",
            },
        ),
        (  # "Microsoft Outlook AI Email Assistant": Monday.com - Get Contacts
            {
                "boardId": "1840712625",
                "groupId": "topics",
                "resource": "boardItem",
                "operation": "getAll",
                "returnAll": True,
            },
            {
                "operation": "list_items",
                "board_id": "1840712625",
                "group_id": "topics",
                "max_results": 5000,
            },
        ),
        (
            {"resource": "boardItem", "operation": "getAll", "boardId": "1", "groupId": "g"},
            {"operation": "list_items", "board_id": "1", "group_id": "g", "max_results": 50},
        ),
        (
            {
                "resource": "boardItem",
                "name": "Lead",
                "boardId": "1",
                "additionalFields": {"columnValues": '{"text": "hi"}'},
            },
            {
                "operation": "create_item",
                "board_id": "1",
                "name": "Lead",
                "column_values": '{"text": "hi"}',
            },
        ),
        (
            {"resource": "boardItem", "operation": "get", "itemId": "42"},
            {"operation": "get_item", "item_id": "42"},
        ),
        (
            {
                "resource": "boardItem",
                "operation": "changeMultipleColumnValues",
                "boardId": "1",
                "itemId": "42",
                "columnValues": '{"status": {"label": "Done"}}',
            },
            {
                "operation": "change_columns",
                "board_id": "1",
                "item_id": "42",
                "column_values": '{"status": {"label": "Done"}}',
            },
        ),
        (
            {"resource": "boardItem", "operation": "delete", "itemId": "42"},
            {"operation": "delete_item", "item_id": "42"},
        ),
    ],
)
def test_each_operation_becomes_its_monday_config(params, config):
    node = converted("mondayCom", params)
    assert node["type"] == "app.monday"
    assert node["config"] == config
    assert "choose a monday.com credential (a personal API token)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "get", "boardId": "1"}, "does 'board / get'"),
        ({"resource": "boardItem", "operation": "move", "itemId": "1"}, "does 'boardItem / move'"),
        ({"resource": "boardItem", "name": "x"}, "names no board (Board ID)"),
        ({"resource": "boardItem", "operation": "get", "itemId": "1,2"}, "gets several items"),
        ({"resource": "boardItem", "operation": "getAll", "boardId": "1"}, "names no group"),
    ],
)
def test_what_the_monday_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("mondayCom", params)
    assert "'App' (n8n-nodes-base.mondayCom)" in message
    assert said in message


def test_many_items_say_where_their_items_lie():
    params = {"resource": "boardItem", "operation": "getAll", "boardId": "1", "groupId": "g"}
    assert spec_items("mondayCom", params, 1) == "items"
    assert (
        spec_items("mondayCom", {"resource": "boardItem", "name": "x", "boardId": "1"}, 1) is None
    )


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_copies_each_item_of_a_group_into_another(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    params = {
        "resource": "boardItem",
        "operation": "getAll",
        "boardId": BOARD,
        "groupId": "topics",
        "returnAll": True,
    }
    data = single("mondayCom", params)
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Copy",
            "parameters": {
                "resource": "boardItem",
                "boardId": BOARD,
                "groupId": "new_group",
                "name": "=Copy of {{ $json.name }}",
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Copy", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeMonday()) as monday:
        monday.add("Ada")
        monday.add("Grace")
        credential = store.create(
            alice, "Boards", "monday", {"api_token": TOKEN, "base_url": monday.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.monday":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        copies = [(i["name"], i["group"]) for i in monday.items[2:]]
    assert copies == [("Copy of Ada", "new_group"), ("Copy of Grace", "new_group")]
