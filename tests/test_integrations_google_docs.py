"""app.google_docs against a fake Google (tests/fakes/google_docs.py): a document created through
Drive in its folder, read as n8n's Simplify gives it (or whole), updated with text inserted and
replaced in one batch, the Docs scope in the token, Docs' errors, and a run through the engine
that creates a document and writes into it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.google_docs.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.google_docs import DOCUMENT, FakeDocs
from tests.fakes.google_sheets import new_key
from workfuse.lib.node_run import Secret

DOCS = "app.google_docs"


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeDocs]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeDocs(keys[0].public_key())) as fake:
        fake.add_document("Plan", "Dear {{name}},\nThe plan for {{NAME}}.", id="1Plan")
        yield fake


@pytest.fixture
def key(google: FakeDocs, keys: tuple[Any, str]) -> Secret:
    settings = {"base_url": google.url, "token_url": google.token_url}
    return Secret("google_sheets", {"service_account_key": keys[1]}, settings, name="Acme Google")


def test_create_makes_a_google_doc_in_the_folder_through_drive(google, key):
    output = run_app(DOCS, {"title": "Answers", "folder_id": "1RfPs"}, key)
    created = google.files[output["id"]]
    assert (created["name"], created["mimeType"], created["parents"]) == (
        "Answers",
        DOCUMENT,
        ["1RfPs"],
    )
    assert output == {
        "kind": "drive#file",
        "id": output["id"],
        "name": "Answers",
        "mimeType": DOCUMENT,
    }
    assert "drive" in google.assertions[-1]["scope"]


def test_get_simplifies_to_the_body_text_as_n8n_does(google, key):
    url = "https://docs.google.com/document/d/1Plan/edit"
    output = run_app(DOCS, {"operation": "get", "document_id": url}, key)
    assert output == {"documentId": "1Plan", "content": "Dear {{name}},\nThe plan for {{NAME}}.\n"}
    assert google.requests[-1].path == "/v1/documents/1Plan"
    assert google.assertions[-1]["scope"] == "https://www.googleapis.com/auth/documents"
    whole = run_app(DOCS, {"operation": "get", "document_id": "1Plan", "simplify": False}, key)
    assert whole["title"] == "Plan" and whole["body"]["content"][1]["startIndex"] == 1


def test_update_sends_the_actions_in_one_batch_and_answers_the_first_reply(google, key):
    actions = [
        {"action": "replace_all_text", "text": "{{name}}", "replace_text": "Ada"},
        {"action": "insert_text", "text": "\nSigned."},
        {"action": "insert_text", "text": ">> ", "index": 1},
    ]
    output = run_app(DOCS, {"operation": "update", "document_id": "1Plan", "actions": actions}, key)
    assert google.batches[-1] == {
        "requests": [
            {
                "replaceAllText": {
                    "replaceText": "Ada",
                    "containsText": {"text": "{{name}}", "matchCase": False},
                }
            },
            {"insertText": {"text": "\nSigned.", "endOfSegmentLocation": {"segmentId": ""}}},
            {"insertText": {"text": ">> ", "location": {"segmentId": "", "index": 1}}},
        ]
    }
    assert output == {"occurrencesChanged": 2, "documentId": "1Plan"}
    assert google.text("1Plan") == ">> Dear Ada,\nThe plan for Ada.\nSigned.\n"
    raw = run_app(
        DOCS,
        {
            "operation": "update",
            "document_id": "1Plan",
            "simplify": False,
            "actions": [{"text": "!"}],
        },
        key,
    )
    assert raw["replies"] == [{}] and raw["documentId"] == "1Plan"
    inserted = run_app(
        DOCS, {"operation": "update", "document_id": "1Plan", "actions": [{"text": "x"}]}, key
    )
    assert inserted == {"documentId": "1Plan"}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create"}, "title"),
        ({"operation": "get"}, "document_id"),
        ({"operation": "update", "document_id": "1"}, "actions"),
        ({"operation": "update", "document_id": "1", "actions": [{"index": 0}]}, "actions"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"][0] == field


def test_docs_errors_quote_google(google, key):
    missing = app_error(DOCS, {"operation": "get", "document_id": "1Nope"}, key)
    assert missing.message == (
        "Google Docs refused documents.get (HTTP 404): NOT_FOUND: Requested entity was not found."
    )
    far = app_error(
        DOCS,
        {"operation": "update", "document_id": "1Plan", "actions": [{"text": "x", "index": 999}]},
        key,
    )
    assert "Index 999 must be less than the end index" in far.message and not far.retryable


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_a_document_and_writes_the_answer_into_it(alice, google, keys):
    credential = store.create(
        alice,
        "Acme Google",
        "google_sheets",
        {"service_account_key": keys[1], "base_url": google.url, "token_url": google.token_url},
    )
    make = {
        "id": "make",
        "type": DOCS,
        "config": {"credential": credential.pk, "title": "Report {{ trigger.n }}"},
    }
    write = {
        "id": "write",
        "type": DOCS,
        "config": {
            "credential": credential.pk,
            "operation": "update",
            "document_id": "{{ nodes.make.id }}",
            "actions": [{"action": "insert_text", "text": "Total: {{ trigger.total }}"}],
        },
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(make, write)), {"n": 7, "total": 42}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [doc_id] = [i for i, m in google.files.items() if m["name"] == "Report 7"]
    assert google.text(doc_id) == "Total: 42\n"
