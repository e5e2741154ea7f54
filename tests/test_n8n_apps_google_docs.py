"""Importing n8n's Google Docs node (editor/n8n/apps_google_docs.py) onto `app.google_docs`: the
config each operation becomes (from the corpus's own settings), the update objects refused by
name, and an imported create-then-write workflow run in the engine against the fake Google."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.google_docs import FakeDocs
from tests.fakes.google_sheets import new_key
from tests.test_n8n_apps import converted, refusal, single


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"title": "={{ $json.doc_filename }}", "folderId": "=1y0I8MH32maIWCJh767mRE"},
            {
                "operation": "create",
                "title": "{{ trigger.doc_filename }}",
                "folder_id": "1y0I8MH32maIWCJh767mRE",
            },
        ),
        (
            {"title": "T", "folderId": "default", "driveId": "0AShared"},
            {"operation": "create", "title": "T", "folder_id": "0AShared"},
        ),
        (
            {
                "operation": "get",
                "documentURL": "={{ $json.id }}",
                "authentication": "serviceAccount",
            },
            {"operation": "get", "document_id": "{{ trigger.id }}", "simplify": True},
        ),
        (
            {
                "actionsUi": {
                    "actionFields": [{"text": "={{ $json.output }}", "action": "insert"}]
                },
                "operation": "update",
                "documentURL": "1aOUl-mnCaI4__tULmBZSvWlOQhTHdD-RUPesP7_sFT4",
            },
            {
                "operation": "update",
                "document_id": "1aOUl-mnCaI4__tULmBZSvWlOQhTHdD-RUPesP7_sFT4",
                "simplify": True,
                "actions": [{"action": "insert_text", "text": "{{ trigger.output }}"}],
            },
        ),
        (
            {
                "actionsUi": {
                    "actionFields": [
                        {"text": "{{name}}", "action": "replaceAll", "replaceText": "Ada"},
                        {
                            "text": "Hi",
                            "action": "insert",
                            "locationChoice": "location",
                            "index": 1,
                        },
                    ]
                },
                "operation": "update",
                "documentURL": "https://docs.google.com/document/d/1x/edit",
                "simple": False,
            },
            {
                "operation": "update",
                "document_id": "https://docs.google.com/document/d/1x/edit",
                "simplify": False,
                "actions": [
                    {
                        "action": "replace_all_text",
                        "text": "{% raw %}{{name}}{% endraw %}",
                        "replace_text": "Ada",
                        "match_case": False,
                    },
                    {"action": "insert_text", "text": "Hi", "index": 1},
                ],
            },
        ),
    ],
)
def test_each_operation_becomes_its_google_docs_config(params: dict[str, Any], config: dict):
    node = converted("googleDocs", params, 2)
    assert node["type"] == "app.google_docs"
    assert node["config"] == config
    assert "choose a Google service account key credential" in node["notes"]


def test_a_document_created_at_the_top_of_my_drive_says_whose_drive_that_is():
    node = converted("googleDocs", {"title": "T", "folderId": "default"}, 2)
    assert "a service account's My Drive is its own" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"folderId": "f"}, "creates a document without a title"),
        ({"operation": "get"}, "names no document (Doc ID or URL)"),
        (
            {
                "operation": "update",
                "documentURL": "1",
                "actionsUi": {"actionFields": [{"object": "table", "action": "insert"}]},
            },
            "updates with the action 'insert table'",
        ),
        (
            {
                "operation": "update",
                "documentURL": "1",
                "updateFields": {"writeControlObject": {"control": "targetRevisionId"}},
            },
            "write control",
        ),
        ({"operation": "delete"}, "does 'document / delete', which WorkFuse's Google Docs"),
    ],
)
def test_what_the_docs_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("googleDocs", params, 2)
    assert "'App' (n8n-nodes-base.googleDocs)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_creates_a_document_and_writes_into_it(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("googleDocs", {"title": "RFP answers", "folderId": "1RfPs"}, 2, name="Create")
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Write",
            "parameters": {
                "actionsUi": {
                    "actionFields": [{"text": "=Doc {{ $json.name }}", "action": "insert"}]
                },
                "operation": "update",
                "documentURL": "={{ $json.id }}",
            },
            "position": [480, 0],
        }
    )
    data["connections"]["Create"] = {"main": [[{"node": "Write", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    private, key_file = new_key()
    with running(FakeDocs(private.public_key())) as google:
        credential = store.create(
            alice,
            "Acme Google",
            "google_sheets",
            {
                "service_account_key": key_file,
                "base_url": google.url,
                "token_url": google.token_url,
            },
        )
        for node in graph["nodes"]:
            if node["type"] == "app.google_docs":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [doc_id] = [i for i, m in google.files.items() if m["name"] == "RFP answers"]
        assert google.files[doc_id]["parents"] == ["1RfPs"]
        assert google.text(doc_id) == "Doc RFP answers\n"
