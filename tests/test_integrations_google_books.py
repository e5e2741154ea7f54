"""app.google_books against a fake Google (tests/fakes/google_books.py): the refresh token
traded once per step, each operation's Books API call (volumes got and searched page after page,
the library's and a public user's shelves, a shelf's volumes added, moved, removed, cleared),
Google's errors, the credential's test, and a run through the engine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.google_books import books_api
from integrations.google_books.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from tests.fakes.google_books import PUBLIC_USER, FakeBooks
from workfuse.lib.node_run import NodeError, Secret

GB = "app.google_books"
VOLUME = "XxUJ2U2FXtYC"


@pytest.fixture
def books(settings: Any) -> Iterator[FakeBooks]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeBooks()) as fake:
        fake.add(VOLUME, "The Dispossessed", "Ursula K. Le Guin")
        fake.add("b2", "The Lathe of Heaven", "Ursula K. Le Guin")
        yield fake


def oauth(fake: FakeBooks, refresh: str = REFRESH_TOKEN) -> Secret:
    return Secret(
        "google_books",
        {"client_secret": CLIENT_SECRET, "refresh_token": refresh},
        {"client_id": CLIENT_ID, "base_url": fake.url, "token_url": fake.token_url},
        name="Library",
    )


def api_calls(fake: FakeBooks) -> list[Any]:
    return [r for r in fake.requests if r.path != "/token"]


def test_get_volume_outputs_googles_volume(books):
    output = run_app(GB, {"volume_id": VOLUME}, oauth(books))
    [token, get] = books.requests
    assert token.form["grant_type"] == "refresh_token"
    assert get.path == f"/books/v1/volumes/{VOLUME}"
    assert get.headers["authorization"].startswith("Bearer ya29.")
    assert output["volumeInfo"]["title"] == "The Dispossessed"
    missing = app_error(GB, {"volume_id": "nope"}, oauth(books))
    assert "HTTP 404" in missing.message and "could not be found" in missing.message


def test_a_search_reads_pages_of_forty_with_one_token(books):
    for n in range(45):
        books.add(f"v{n}", f"A wizard of Earthsea {n}")
    output = run_app(
        GB,
        {"operation": "search_volumes", "query": "intitle:wizard", "max_results": 44},
        oauth(books),
    )
    calls = api_calls(books)
    assert len(books.requests) - len(calls) == 1
    assert [(c.query["maxResults"], c.query["startIndex"]) for c in calls] == [
        (["40"], ["0"]),
        (["4"], ["40"]),
    ]
    assert calls[0].query["q"] == ["intitle:wizard"]
    assert output["count"] == 44 and output["volumes"][43]["id"] == "v43"


def test_shelf_volumes_are_added_moved_listed_removed_and_cleared(books):
    secret = oauth(books)
    for ident in (VOLUME, "b2"):
        config = {"operation": "add_volume", "shelf_id": "2", "volume_id": ident}
        assert run_app(GB, config, secret) == {"success": True}
    add = api_calls(books)[0]
    assert (add.method, add.path) == ("POST", "/books/v1/mylibrary/bookshelves/2/addVolume")
    assert add.query == {"volumeId": [VOLUME]}
    assert books.shelves["2"] == ["b2", VOLUME]
    move = {"operation": "move_volume", "shelf_id": "2", "volume_id": VOLUME}
    run_app(GB, move, secret)
    assert api_calls(books)[-1].query["volumePosition"] == ["0"]
    listed = run_app(GB, {"operation": "list_shelf_volumes", "shelf_id": "2"}, secret)
    assert [v["id"] for v in listed["volumes"]] == [VOLUME, "b2"] and listed["count"] == 2
    remove = {"operation": "remove_volume", "shelf_id": "2", "volume_id": "b2"}
    run_app(GB, remove, secret)
    assert books.shelves["2"] == [VOLUME]
    run_app(GB, {"operation": "clear_shelf", "shelf_id": "2"}, secret)
    assert books.shelves["2"] == []


def test_shelves_are_the_librarys_or_a_public_users(books):
    mine = run_app(GB, {"operation": "list_bookshelves", "max_results": 3}, oauth(books))
    assert [s["title"] for s in mine["bookshelves"]] == ["Favorites", "To read", "Reading now"]
    theirs = run_app(
        GB,
        {"operation": "get_bookshelf", "shelf_id": "4", "user_id": PUBLIC_USER},
        oauth(books),
    )
    assert api_calls(books)[-1].path == f"/books/v1/users/{PUBLIC_USER}/bookshelves/4"
    assert theirs["title"] == "Have read"


def test_a_read_only_shelf_and_a_revoked_token_are_googles_refusals(books):
    locked = app_error(
        GB, {"operation": "add_volume", "shelf_id": "7", "volume_id": VOLUME}, oauth(books)
    )
    assert "HTTP 403" in locked.message and "Cannot modify this shelf" in locked.message
    revoked = app_error(GB, {"volume_id": VOLUME}, oauth(books, "1//revoked"))
    assert not revoked.retryable
    assert "did not accept the credential “Library”" in revoked.message


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "get_volume"}, "volume_id"),
        ({"operation": "search_volumes"}, "query"),
        ({"operation": "clear_shelf"}, "shelf_id"),
        ({"operation": "list_bookshelves", "max_results": 0}, "max_results"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_the_credential_test_counts_the_shelves(books):
    assert books_api.check(oauth(books)) == (
        "Google Books accepted the credential: the library has 5 bookshelves."
    )
    with pytest.raises(NodeError, match="invalid_grant"):
        books_api.check(oauth(books, "1//revoked"))


@pytest.mark.django_db(transaction=True)
def test_a_run_shelves_the_volume_with_the_stored_credential(alice, books):
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
    get = {"id": "get", "type": GB, "config": {"credential": credential.pk, "volume_id": VOLUME}}
    add = {
        "id": "add",
        "type": GB,
        "config": {
            "credential": credential.pk,
            "operation": "add_volume",
            "shelf_id": "{{ trigger.shelf }}",
            "volume_id": "{{ nodes.get.id }}",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(get, add)), {"shelf": "2"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert books.shelves["2"] == [VOLUME]
    step = Step.objects.get(execution=execution, key="add")
    assert REFRESH_TOKEN not in json.dumps([step.input, step.output])
