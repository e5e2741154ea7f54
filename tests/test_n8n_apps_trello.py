"""Importing n8n's Trello node (editor/n8n/apps_trello.py) onto `app.trello`: the config each
supported operation becomes (from the corpus's own settings), the refusals, where a list's
cards lie, and an imported workflow run in the engine against the fake Trello."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.trello import API_KEY, API_TOKEN, LIST_ID, FakeTrello
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "name": "=Score: {{$json.score}}",
                "listId": "5fbb9e2eb1d5cc0a8a7ab8ac",
                "description": "Feedback",
                "additionalFields": {"due": "={{ $json.due }}", "idLabels": "", "pos": "top"},
            },
            {
                "operation": "create_card",
                "list_id": "5fbb9e2eb1d5cc0a8a7ab8ac",
                "name": "Score: {{ trigger.score | n8n_text }}",
                "description": "Feedback",
                "fields": {"due": "{{ trigger.due }}", "pos": "top"},
            },
        ),
        (
            {
                "id": {"__rl": True, "mode": "url", "value": "https://trello.com/c/dFtYLRXv/12-x"},
                "operation": "update",
                "updateFields": {"name": "New", "desc": "D", "closed": True},
            },
            {
                "operation": "update_card",
                "card_id": "dFtYLRXv",
                "name": "New",
                "description": "D",
                "fields": {"closed": True},
            },
        ),
        (
            {"id": "abc", "operation": "get", "additionalFields": {"fields": "name,due"}},
            {"operation": "get_card", "card_id": "abc", "return_fields": "name,due"},
        ),
        (
            {"id": "abc", "operation": "delete"},
            {"operation": "delete_card", "card_id": "abc"},
        ),
        (
            {
                "id": "l1",
                "resource": "list",
                "operation": "getCards",
                "additionalFields": {"fields": "all"},
            },
            {"operation": "list_cards", "list_id": "l1", "max_results": 20},
        ),
        (
            {
                "text": "={{ $json.data }}",
                "cardId": {"__rl": True, "mode": "id", "value": "dFtYLRXv"},
                "resource": "cardComment",
            },
            {"operation": "add_comment", "card_id": "dFtYLRXv", "text": "{{ trigger.data }}"},
        ),
    ],
)
def test_each_operation_becomes_its_trello_config(params, config):
    node = converted("trello", params)
    assert node["type"] == "app.trello"
    assert node["config"] == config
    assert "choose a Trello credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "board", "name": "B"}, "does 'board / create', which WorkFuse's Trello"),
        ({"resource": "checklist", "operation": "getAll"}, "does 'checklist / getAll'"),
        ({"name": "Hello", "listId": "", "additionalFields": {}}, "names no list; set the List ID"),
        (
            {"id": "abc", "operation": "get", "additionalFields": {"attachments": "true"}},
            "sets the option(s) attachments, which WorkFuse's Trello node does not send",
        ),
    ],
)
def test_what_the_trello_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("trello", params)
    assert "'App' (n8n-nodes-base.trello)" in message
    assert said in message


def test_a_lists_cards_say_where_their_items_lie():
    assert (
        spec_items("trello", {"id": "l", "resource": "list", "operation": "getCards"}, 1) == "cards"
    )
    assert spec_items("trello", {"name": "x", "listId": "l"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_comments_on_each_card_of_a_list(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "trello", {"id": LIST_ID, "resource": "list", "operation": "getCards", "returnAll": True}
    )
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Comment",
            "parameters": {
                "text": "=Seen: {{ $json.name }}",
                "cardId": {"__rl": True, "mode": "id", "value": "={{ $json.id }}"},
                "resource": "cardComment",
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Comment", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeTrello()) as trello:
        trello.add("One")
        trello.add("Two")
        credential = store.create(
            alice,
            "Board",
            "trello",
            {"api_key": API_KEY, "api_token": API_TOKEN, "base_url": trello.url},
        )
        for node in graph["nodes"]:
            if node["type"] == "app.trello":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        said = sorted(c["data"]["text"] for c in trello.comments)
    assert said == ["Seen: One", "Seen: Two"]
