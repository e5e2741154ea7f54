"""app.automizy against a fake Automizy API v2 (tests/fakes/automizy.py): lists and contacts
created, read, listed page by page, updated and deleted, Automizy's errors, the token's test,
and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.automizy import rest_api
from integrations.automizy.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.automizy import TOKEN, FakeAutomizy
from workfuse.lib.node_run import NodeError, Secret

AU = "app.automizy"


@pytest.fixture
def automizy(settings: Any) -> Iterator[FakeAutomizy]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeAutomizy()) as fake:
        yield fake


def token(fake: FakeAutomizy, value: str = TOKEN) -> Secret:
    return Secret("automizy", {"api_token": value}, {"base_url": fake.url}, name="Mail")


def test_a_list_is_created_read_renamed_listed_and_deleted(automizy):
    created = run_app(AU, {"operation": "create_list", "name": "n8n-docs"}, token(automizy))
    by_id = {"list_id": str(created["id"])}
    assert automizy.requests[0].path == "/v2/smart-lists"
    assert automizy.requests[0].json == {"name": "n8n-docs"}
    assert automizy.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    renamed = run_app(AU, by_id | {"operation": "update_list", "name": "docs"}, token(automizy))
    assert renamed["name"] == "docs"
    assert run_app(AU, by_id | {"operation": "get_list"}, token(automizy))["name"] == "docs"
    listed = run_app(AU, {"operation": "list_lists"}, token(automizy))
    assert listed == {"lists": [automizy.lists[created["id"]]], "count": 1}
    gone = run_app(AU, by_id | {"operation": "delete_list"}, token(automizy))
    assert gone == {"success": True} and automizy.lists == {}


def test_a_contact_is_added_to_a_list_tagged_and_listed_page_by_page(automizy, monkeypatch):
    monkeypatch.setattr(rest_api, "PAGE", 2)
    docs = automizy.add_list("docs")
    in_list = {"list_id": str(docs["id"])}
    for n in range(3):
        automizy.add_contact(docs["id"], f"old{n}@example.com")
    config = in_list | {"operation": "create_contact", "email": "ada@example.com"}
    added = run_app(AU, config | {"fields": {"status": "ACTIVE"}}, token(automizy))
    assert added["email"] == "ada@example.com" and added["status"] == "ACTIVE"
    update = {"operation": "update_contact", "email": "ada@example.com"}
    tagged = run_app(AU, update | {"fields": {"tags": ["reviewer"]}}, token(automizy))
    assert tagged["tags"] == ["reviewer"]
    assert automizy.requests[-1].path == "/v2/contacts/ada@example.com"
    listed = run_app(
        AU, in_list | {"operation": "list_contacts", "max_results": 5000}, token(automizy)
    )
    assert [c["email"] for c in listed["contacts"]][-1] == "ada@example.com"
    assert listed["count"] == 4
    pages = [r.query["page"] for r in automizy.requests if r.method == "GET"]
    assert pages == [["1"], ["2"]]


def test_a_contact_is_read_and_deleted_by_id_or_email(automizy):
    docs = automizy.add_list("docs")
    contact = automizy.add_contact(docs["id"], "bo@example.com")
    got = run_app(AU, {"operation": "get_contact", "contact_id": "bo@example.com"}, token(automizy))
    assert got["id"] == contact["id"]
    gone = run_app(
        AU, {"operation": "delete_contact", "contact_id": str(contact["id"])}, token(automizy)
    )
    assert gone == {"success": True} and automizy.contacts == {}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create_list"}, "name"),
        ({"operation": "create_contact", "email": "a@b.c"}, "list_id"),
        ({"operation": "update_contact"}, "email"),
        ({"operation": "get_contact"}, "contact_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_automizy_s_errors_are_quoted_and_a_wrong_token_names_the_credential(automizy):
    missing = app_error(AU, {"operation": "get_list", "list_id": "9"}, token(automizy))
    assert missing.message == "Automizy refused get_list (HTTP 404): Smart list 9 not found"
    wrong = app_error(AU, {"operation": "list_lists"}, token(automizy, "old"))
    assert not wrong.retryable
    assert wrong.message.startswith("Automizy did not accept the credential “Mail”")


def test_the_token_test_reads_the_lists(automizy):
    automizy.add_list("docs")
    assert rest_api.check_token(token(automizy)) == "Connected to Automizy (1 lists)."
    with pytest.raises(NodeError, match="did not accept the credential “Mail”"):
        rest_api.check_token(token(automizy, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_adds_the_trigger_s_contact(alice, automizy):
    docs = automizy.add_list("docs")
    credential = store.create(
        alice, "Mail", "automizy", {"api_token": TOKEN, "base_url": automizy.url}
    )
    nodes = (
        {
            "id": "add",
            "type": AU,
            "config": {
                "credential": credential.pk,
                "operation": "create_contact",
                "list_id": str(docs["id"]),
                "email": "{{ trigger.email }}",
            },
        },
    )
    execution = engine.start_execution(
        make_workflow(alice, chain(*nodes)), {"email": "cy@example.com"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="add").output
    assert output is not None and output["email"] == "cy@example.com"
    assert TOKEN not in json.dumps([s.input for s in execution.steps.all()])
