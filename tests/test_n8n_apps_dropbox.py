"""Importing n8n's Dropbox node (editor/n8n/apps_dropbox.py) onto `app.dropbox`: the config each
operation becomes (from the corpus's own settings), the refusals, where a listing's and a
search's items lie, a download's file followed by an upload, and an imported workflow run in the
engine against the fake Dropbox."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.dropbox import APP_KEY, APP_SECRET, REFRESH_TOKEN, FakeDropbox
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"path": "/screenshots/sample.txt", "fileContent": "=Seen {{ $json.url }}"},
            {
                "operation": "upload",
                "path": "/screenshots/sample.txt",
                "content": "Seen {{ trigger.url | n8n_text }}",
            },
        ),
        (
            {"path": "/a/b.pdf", "operation": "download", "authentication": "oAuth2"},
            {"operation": "download", "path": "/a/b.pdf"},
        ),
        (
            {"path": "={{ $json.pathDisplay }}", "operation": "delete"},
            {"operation": "delete", "path": "{{ trigger.pathDisplay }}"},
        ),
        (
            {"path": "/x", "toPath": "/old/x", "operation": "move", "resource": "folder"},
            {"operation": "move", "path": "/x", "to_path": "/old/x"},
        ),
        (
            {"path": "/x.txt", "toPath": "/y.txt", "operation": "copy"},
            {"operation": "copy", "path": "/x.txt", "to_path": "/y.txt"},
        ),
        (
            {"path": "/Clients", "resource": "folder"},
            {"operation": "create_folder", "path": "/Clients"},
        ),
        (
            {
                "path": "/backups",
                "limit": 250,
                "filters": {"recursive": True},
                "resource": "folder",
                "operation": "list",
            },
            {"operation": "list_folder", "path": "/backups", "limit": 250, "recursive": True},
        ),
        (
            {
                "query": "invoice",
                "resource": "search",
                "returnAll": True,
                "simple": False,
                "filters": {"file_extensions": "pdf,docx", "path": "/Acme"},
            },
            {
                "operation": "search",
                "query": "invoice",
                "limit": 2000,
                "simplify": False,
                "path": "/Acme",
                "file_extensions": "pdf,docx",
            },
        ),
    ],
)
def test_each_operation_becomes_its_dropbox_config(params: dict[str, Any], config: dict):
    node = converted("dropbox", params)
    assert node["type"] == "app.dropbox"
    assert node["config"] == config
    assert "choose a Dropbox OAuth2 credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({}, "has no path; set it in n8n"),
        ({"path": "/a", "operation": "move"}, "has no destination path (To Path)"),
        ({"resource": "search", "query": ""}, "has no query"),
        ({"resource": "folder", "operation": "list", "limit": "={{ 5 }}"}, "limit with an"),
        (
            {
                "resource": "folder",
                "operation": "list",
                "filters": {"include_has_explicit_shared_members": True},
            },
            "Include Shared Members",
        ),
        ({"path": "/a.png", "binaryData": True}, "reads the file in binary property 'data'"),
        ({"resource": "file", "operation": "share"}, "does 'file / share', which WorkFuse's"),
    ],
)
def test_what_the_dropbox_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("dropbox", params)
    assert "'App' (n8n-nodes-base.dropbox)" in message
    assert said in message


def test_listings_and_searches_say_where_their_items_lie():
    listing = {"path": "/b", "resource": "folder", "operation": "list"}
    assert spec_items("dropbox", listing, 1) == "entries"
    assert spec_items("dropbox", {"query": "x", "resource": "search"}, 1) == "matches"
    assert spec_items("dropbox", {"path": "/a", "operation": "delete"}, 1) is None


def test_an_upload_reads_the_file_the_download_before_it_made():
    data = single("dropbox", {"path": "/in/a.pdf", "operation": "download"}, name="Get")
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Put",
            "parameters": {"path": "=/out/{{ $json.name }}", "binaryData": True},
            "position": [480, 0],
        }
    )
    data["connections"]["Get"] = {"main": [[{"node": "Put", "type": "main", "index": 0}]]}
    graph = convert(data)
    put = next(n for n in graph["nodes"] if n["label"] == "Put")
    # $json after a download is still the download's input item (here the trigger's).
    assert put["config"] == {
        "operation": "upload",
        "path": "/out/{{ trigger.name | n8n_text }}",
        "file": "{{ nodes.get.file }}",
    }


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_moves_each_listed_backup_into_old(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "dropbox",
        {
            "path": "/backups",
            "limit": 250,
            "filters": {},
            "resource": "folder",
            "operation": "list",
        },
    )
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Move",
            "parameters": {
                "path": "={{ $json.pathDisplay }}",
                "toPath": "=/backups/old/{{ $json.name }}",
                "operation": "move",
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Move", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeDropbox()) as dropbox:
        dropbox.add("/backups/a.json", b"1")
        dropbox.add("/backups/b.json", b"2")
        dropbox.add("/keep/c.json", b"3")
        credential = store.create(
            alice,
            "Dropbox",
            "dropbox",
            {
                "app_key": APP_KEY,
                "app_secret": APP_SECRET,
                "refresh_token": REFRESH_TOKEN,
                "base_url": dropbox.url,
            },
        )
        for node in graph["nodes"]:
            if node["type"] == "app.dropbox":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        kept = sorted(dropbox.contents)
    assert kept == ["/backups/old/a.json", "/backups/old/b.json", "/keep/c.json"]
