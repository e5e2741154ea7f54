"""Importing n8n's Microsoft OneDrive node (editor/n8n/apps_onedrive.py) onto `app.onedrive`: the
config each supported operation becomes, the refusals, where listings' items lie, and an imported
download-then-upload workflow run in the engine against the fake OneDrive."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.onedrive import FakeOneDrive
from tests.fakes.outlook import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from tests.test_n8n_apps import converted, refusal, single, spec_items

OD = "microsoftOneDrive"


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"parentId": "01P", "fileName": "={{ $json.name }}.txt", "fileContent": "hi"},
            {
                "operation": "upload",
                "folder_id": "01P",
                "file_name": "{{ trigger.name | n8n_text }}.txt",
                "content": "hi",
            },
        ),
        (
            {"operation": "download", "fileId": "={{ $json.id }}"},
            {"operation": "download", "item_id": "{{ trigger.id }}"},
        ),
        ({"operation": "get", "fileId": "01F"}, {"operation": "get", "item_id": "01F"}),
        ({"operation": "delete", "fileId": "01F"}, {"operation": "delete", "item_id": "01F"}),
        ({"operation": "search", "query": "report"}, {"operation": "search", "query": "report"}),
        (
            {"resource": "folder", "folderId": "01D"},
            {"operation": "list_folder", "folder_id": "01D"},
        ),
        (
            {"resource": "folder", "operation": "delete", "folderId": "01D"},
            {"operation": "delete", "item_id": "01D"},
        ),
        (
            {
                "resource": "folder",
                "operation": "create",
                "name": "/Pictures/2021",
                "options": {"parentFolderId": "01P"},
            },
            {"operation": "create_folder", "name": "/Pictures/2021", "folder_id": "01P"},
        ),
    ],
)
def test_each_operation_becomes_its_onedrive_config(params: dict[str, Any], config: dict):
    node = converted(OD, params)
    assert node["type"] == "app.onedrive"
    assert node["config"] == config
    assert "choose a Microsoft OneDrive OAuth2 credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({}, "names no parent folder (Parent ID)"),
        ({"parentId": "01P"}, "names no file name"),
        ({"operation": "copy", "fileId": "01F"}, "does 'file / copy', which WorkFuse's Microsoft"),
        ({"resource": "folder", "operation": "search", "query": "x"}, "does 'folder / search'"),
        ({"operation": "download"}, "names no file (File ID)"),
    ],
)
def test_what_the_onedrive_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal(OD, params)
    assert f"'App' (n8n-nodes-base.{OD})" in message
    assert said in message


def test_listings_and_searches_say_where_their_items_lie():
    assert spec_items(OD, {"resource": "folder", "folderId": "01D"}, 1) == "items"
    assert spec_items(OD, {"operation": "search", "query": "x"}, 1) == "items"
    assert spec_items(OD, {"operation": "get", "fileId": "x"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_copies_a_downloaded_file_into_another_folder(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(OD, {"operation": "download", "fileId": "01Q1"}, name="Get")
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Put",
            "parameters": {"parentId": "01ARCHIVE", "binaryData": True},
            "position": [480, 0],
        }
    )
    data["connections"]["Get"] = {"main": [[{"node": "Put", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeOneDrive()) as onedrive:
        onedrive.add("Archive", id="01ARCHIVE")
        onedrive.add("q1.pdf", b"%PDF q1", id="01Q1", mime="application/pdf")
        credential = store.create(
            alice,
            "OneDrive",
            "onedrive",
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH_TOKEN,
                "base_url": onedrive.base_url,
                "token_url": onedrive.token_url,
            },
        )
        for node in graph["nodes"]:
            if node["type"] == "app.onedrive":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        copies = [
            i
            for i in onedrive.items.values()
            if (i.get("parentReference") or {}).get("id") == "01ARCHIVE"
        ]
        assert [(c["name"], onedrive.contents[c["id"]]) for c in copies] == [("q1.pdf", b"%PDF q1")]
