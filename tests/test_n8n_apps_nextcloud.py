"""Importing n8n's Nextcloud node (editor/n8n/apps_nextcloud.py) onto `app.nextcloud`: the config
each operation becomes (from the corpus's own settings), the refusals, where a listing's items
and a download's file lie, and an imported workflow run in the engine against the fake
Nextcloud."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.nextcloud import PASSWORD, USER, FakeNextcloud
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"path": "examples/Problems.xls", "operation": "download"},
            {"operation": "download", "path": "examples/Problems.xls"},
        ),
        (
            {"path": "=/notes/{{ $json.name }}.txt", "fileContent": "={{ $json.text }}"},
            {
                "operation": "upload",
                "path": "/notes/{{ trigger.name | n8n_text }}.txt",
                "content": "{{ trigger.text }}",
            },
        ),
        (
            {"resource": "folder", "path": "Invoices"},
            {"operation": "create_folder", "path": "Invoices"},
        ),
        (
            {"resource": "folder", "operation": "list", "path": "Invoices"},
            {"operation": "list_folder", "path": "Invoices"},
        ),
        (
            {"resource": "folder", "operation": "move", "path": "A", "toPath": "B"},
            {"operation": "move", "path": "A", "to_path": "B"},
        ),
        (
            {"operation": "copy", "path": "a.txt", "toPath": "b.txt"},
            {"operation": "copy", "path": "a.txt", "to_path": "b.txt"},
        ),
        ({"operation": "delete", "path": "a.txt"}, {"operation": "delete", "path": "a.txt"}),
    ],
)
def test_each_operation_becomes_its_nextcloud_config(params, config):
    node = converted("nextCloud", params)
    assert node["type"] == "app.nextcloud"
    assert node["config"] == config
    assert "choose a Nextcloud credential (the WebDAV address" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "share", "path": "a.txt"}, "does 'file / share'"),
        ({"resource": "user", "operation": "get", "userId": "ada"}, "does 'user / get'"),
        ({"operation": "download"}, "names no path"),
        ({"operation": "move", "path": "a"}, "names no destination path (To Path)"),
        ({"path": "a.txt", "binaryDataUpload": True}, "reads the file in binary property 'data'"),
    ],
)
def test_what_the_nextcloud_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("nextCloud", params)
    assert "'App' (n8n-nodes-base.nextCloud)" in message
    assert said in message


def test_a_listing_and_a_download_say_where_their_items_and_file_lie():
    assert spec_items("nextCloud", {"resource": "folder", "operation": "list"}, 1) == "entries"
    assert spec_items("nextCloud", {"operation": "download", "path": "a"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_backs_up_every_file_of_a_folder(alice, settings):
    """List a folder, download each file, upload it under Backup/ (binary data upload)."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "nextCloud", {"resource": "folder", "operation": "list", "path": "Docs"}, name="List"
    )
    template = data["nodes"][1]
    data["nodes"] += [
        {
            **template,
            "name": "Download",
            "parameters": {"operation": "download", "path": "={{ $json.path }}"},
        },
        {
            **template,
            "name": "Upload",
            "parameters": {"path": "=Backup/{{ $json.path }}", "binaryDataUpload": True},
        },
    ]
    data["connections"]["List"] = {"main": [[{"node": "Download", "type": "main", "index": 0}]]}
    data["connections"]["Download"] = {"main": [[{"node": "Upload", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeNextcloud()) as cloud:
        cloud.put("Docs/a.txt", b"alpha")
        cloud.put("Docs/b.txt", b"beta")
        cloud.folders |= {"Backup", "Backup/Docs"}
        value = {"password": PASSWORD, "user": USER, "base_url": cloud.webdav_url}
        credential = store.create(alice, "Cloud", "nextcloud", value)
        for node in graph["nodes"]:
            if node["type"] == "app.nextcloud":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        backups = {k: v for k, v in cloud.files.items() if k.startswith("Backup/")}
    assert backups == {"Backup/Docs/a.txt": b"alpha", "Backup/Docs/b.txt": b"beta"}
