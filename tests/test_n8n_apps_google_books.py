"""Importing n8n's Google Books node (editor/n8n/apps_google_books.py) onto `app.google_books`:
the config each operation becomes (from the corpus's own settings), the refusals, and the
corpus's get volume → add to shelf → list the shelf workflow run in the engine against the fake
Google."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from tests.fakes.google_books import FakeBooks
from tests.test_n8n_apps import converted, refusal, single

OAUTH = {"authentication": "{{ $credentials.oAuth2 }}"}  # as the corpus's export has it
CORPUS: list[dict[str, Any]] = [
    {"resource": "volume", "volumeId": "XxUJ2U2FXtYC"} | OAUTH,
    {
        "shelfId": "2",
        "resource": "bookshelfVolume",
        "volumeId": '={{$node["Google Books"].json["id"]}}',
        "operation": "add",
    }
    | OAUTH,
    {
        "shelfId": '={{$node["Google Books1"].parameter["shelfId"]}}',
        "resource": "bookshelfVolume",
        "myLibrary": True,
    }
    | OAUTH,
]


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (CORPUS[0], {"operation": "get_volume", "volume_id": "XxUJ2U2FXtYC"}),
        (
            CORPUS[1] | {"volumeId": "v1"},
            {"operation": "add_volume", "volume_id": "v1", "shelf_id": "2"},
        ),
        (
            CORPUS[2] | {"shelfId": "4", "limit": 10},
            {"operation": "list_shelf_volumes", "shelf_id": "4", "max_results": 10},
        ),
        (
            {"resource": "volume", "operation": "getAll", "searchQuery": "isbn:0060512750"} | OAUTH,
            {"operation": "search_volumes", "query": "isbn:0060512750", "max_results": 40},
        ),
        (
            {"shelfId": "0", "userId": "1132"} | OAUTH,
            {"operation": "get_bookshelf", "shelf_id": "0", "user_id": "1132"},
        ),
        (
            {"operation": "getAll", "myLibrary": True, "returnAll": True} | OAUTH,
            {"operation": "list_bookshelves", "max_results": 1000},
        ),
        (
            {"resource": "bookshelfVolume", "operation": "move", "shelfId": "2"}
            | {"volumeId": "v1", "volumePosition": "3"}
            | OAUTH,
            {
                "operation": "move_volume",
                "volume_id": "v1",
                "shelf_id": "2",
                "volume_position": "3",
            },
        ),
        (
            {"resource": "bookshelfVolume", "operation": "clear", "shelfId": "2"} | OAUTH,
            {"operation": "clear_shelf", "shelf_id": "2"},
        ),
    ],
)
def test_each_operation_becomes_its_google_books_config(params, config):
    node = converted("googleBooks", params)
    assert node["type"] == "app.google_books"
    assert node["config"] == config
    assert "choose a Google Books credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "volume", "volumeId": "v1"}, "authenticates with a service account"),
        ({"resource": "volume"} | OAUTH, "has no Volume ID"),
        ({"shelfId": "2"} | OAUTH, "has no User ID"),
        ({"resource": "shelf", "operation": "create"} | OAUTH, "does 'shelf / create'"),
        (
            {"resource": "bookshelfVolume", "myLibrary": True}
            | {"shelfId": '={{$node["Nope"].parameter["shelfId"]}}'}
            | OAUTH,
            "reads the setting shelfId of the node 'Nope'",
        ),
    ],
)
def test_what_the_google_books_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("googleBooks", params)
    assert "'App' (n8n-nodes-base.googleBooks)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_get_add_list_workflow_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("googleBooks", CORPUS[0], name="Google Books")
    template = data["nodes"][1]
    data["nodes"] += [
        {**template, "name": "Google Books1", "parameters": CORPUS[1]},
        {**template, "name": "Google Books2", "parameters": CORPUS[2]},
    ]
    data["connections"]["Google Books"] = {
        "main": [[{"node": "Google Books1", "type": "main", "index": 0}]]
    }
    data["connections"]["Google Books1"] = {
        "main": [[{"node": "Google Books2", "type": "main", "index": 0}]]
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeBooks()) as books:
        books.add("XxUJ2U2FXtYC", "The Dispossessed", "Ursula K. Le Guin")
        credential = store.create(
            alice,
            "Library",
            "google_books",
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH_TOKEN,
                "base_url": books.url,
                "token_url": books.token_url,
            },
        )
        for node in graph["nodes"]:
            if node["type"] == "app.google_books":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        listed = [r for r in books.requests if r.path.endswith("/volumes")]
    assert listed[0].path == "/books/v1/mylibrary/bookshelves/2/volumes"
    assert books.shelves["2"] == ["XxUJ2U2FXtYC"]
    last = Step.objects.filter(execution=execution).order_by("-id").first()
    assert last is not None and last.output is not None
    assert last.output["volumes"][0]["volumeInfo"]["title"] == "The Dispossessed"
