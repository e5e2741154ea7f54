"""The import of n8n's Google Drive node (editor/n8n/apps_drive.py): each operation's config,
the refusals naming node and construct, where a search's items lie and what `$json` reads after
a download, and an imported search → download workflow run against the fake Google."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import SPECS, SUB_NODES, convert
from editor.n8n.converter import Converter
from editor.nodes import NODE_TYPES
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.google_drive import FOLDER, FakeDrive
from tests.fakes.google_sheets import new_key
from tests.test_n8n_apps import BASE, single

RL_ID = {"__rl": True, "mode": "id"}
RL_LIST = {"__rl": True, "mode": "list"}
FOLDER_RL = {**RL_LIST, "value": "1Fold", "cachedResultName": "processed"}
MY_DRIVE = {**RL_LIST, "value": "My Drive"}
ROOT = {**RL_LIST, "value": "root", "cachedResultName": "/ (Root folder)"}


def drive(params: dict[str, Any], version: float = 3) -> dict[str, Any]:
    graph = convert(single("googleDrive", copy.deepcopy(params), version))
    assert validate_graph(graph) == []
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    assert node["type"] == "app.google_drive" and "credential" not in node["config"]
    assert "choose a Google service account key credential" in node["notes"]
    NODE_TYPES["app.google_drive"].Config.model_validate(node["config"])
    return node


def refusal(params: dict[str, Any], version: float = 3) -> str:
    with pytest.raises(ImportRefused) as refused:
        convert(single("googleDrive", params, version))
    [issue] = refused.value.issues
    assert issue.message.startswith(f"n8n node 'App' ({BASE}googleDrive): ")
    return issue.message


CASES = [
    (
        "search a folder (returnAll, fields)",
        {
            "resource": "fileFolder",
            "queryString": ".json",
            "returnAll": True,
            "filter": {"folderId": {**RL_ID, "value": "={{ $json.id }}"}},
            "options": {"fields": ["name", "id"]},
        },
        {
            "operation": "search",
            "search_method": "name",
            "query": ".json",
            "include_trashed": False,
            "folder_id": "{{ trigger.id }}",
            "what": "all",
            "fields": "name, id",
            "limit": 1000,
        },
    ),
    (
        "search everything, no filter: trashed files too, as n8n",
        {"resource": "fileFolder"},
        {
            "operation": "search",
            "search_method": "name",
            "query": "",
            "include_trashed": True,
            "what": "all",
            "limit": 50,
        },
    ),
    (
        "search folders in a shared drive by query",
        {
            "resource": "fileFolder",
            "searchMethod": "query",
            "queryString": "name = 'x'",
            "limit": 5,
            "filter": {"whatToSearch": "folders", "driveId": {**RL_ID, "value": "0ADrive"}},
        },
        {
            "operation": "search",
            "search_method": "query",
            "query": "name = 'x'",
            "include_trashed": False,
            "drive_id": "0ADrive",
            "what": "folders",
            "limit": 5,
        },
    ),
    (
        "download a Google Doc as text",
        {
            "operation": "download",
            "fileId": {**RL_ID, "value": "={{ $json.id }}"},
            "options": {
                "googleFileConversion": {"conversion": {"docsToFormat": "text/plain"}},
                "fileName": "={{ $json.name }}.txt",
            },
        },
        {
            "operation": "download",
            "file_id": "{{ trigger.id }}",
            "docs_format": "text/plain",
            "file_name": "{{ trigger.name | n8n_text }}.txt",
        },
    ),
    (
        "download by URL",
        {
            "operation": "download",
            "fileId": {
                "__rl": True,
                "mode": "url",
                "value": "https://drive.google.com/file/d/1Abc/view",
            },
        },
        {"operation": "download", "file_id": "https://drive.google.com/file/d/1Abc/view"},
    ),
    (
        "create from text in a folder",
        {
            "operation": "createFromText",
            "name": "={{ $json.fileName }}",
            "content": "={{ $json.content }}",
            "driveId": MY_DRIVE,
            "folderId": FOLDER_RL,
            "options": {"convertToGoogleDocument": True},
        },
        {
            "operation": "create_from_text",
            "name": "{{ trigger.fileName }}",
            "content": "{{ trigger.content }}",
            "folder_id": "1Fold",
            "convert_to_google_doc": True,
        },
    ),
    (
        "create a folder in a shared drive's top",
        {
            "resource": "folder",
            "name": "n8n_backups",
            "driveId": {**RL_ID, "value": "0ADrive"},
            "folderId": ROOT,
        },
        {"operation": "create_folder", "name": "n8n_backups", "folder_id": "0ADrive"},
    ),
    (
        "move",
        {
            "operation": "move",
            "fileId": {**RL_ID, "value": "1F"},
            "driveId": MY_DRIVE,
            "folderId": FOLDER_RL,
        },
        {"operation": "move", "file_id": "1F", "folder_id": "1Fold"},
    ),
    (
        "delete for good",
        {
            "operation": "deleteFile",
            "fileId": {**RL_ID, "value": "1F"},
            "options": {"deletePermanently": True},
        },
        {"operation": "delete", "file_id": "1F", "permanently": True},
    ),
    (
        "share with anyone",
        {
            "operation": "share",
            "fileId": {**RL_ID, "value": "1F"},
            "permissionsUi": {
                "permissionsValues": {
                    "role": "writer",
                    "type": "anyone",
                    "allowFileDiscovery": True,
                }
            },
        },
        {
            "operation": "share",
            "file_id": "1F",
            "role": "writer",
            "grantee": "anyone",
            "allow_file_discovery": True,
        },
    ),
    (
        "rename (update without content)",
        {"operation": "update", "fileId": {**RL_ID, "value": "1F"}, "newUpdatedFileName": "b.txt"},
        {"operation": "update", "file_id": "1F", "name": "b.txt"},
    ),
    (
        "copy to another folder",
        {
            "operation": "copy",
            "fileId": {**RL_ID, "value": "1F"},
            "name": "c",
            "sameFolder": False,
            "folderId": FOLDER_RL,
        },
        {"operation": "copy", "file_id": "1F", "name": "c", "folder_id": "1Fold"},
    ),
]


@pytest.mark.parametrize(("params", "config"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_operation_becomes_its_config(params, config):
    assert drive(params)["config"] == config


def test_version_1_download_and_text_upload():
    node = drive({"operation": "download", "fileId": {"__rl": True, "mode": "", "value": "1F"}}, 1)
    assert node["config"] == {"operation": "download", "file_id": "1F"}
    node = drive({"name": "a.txt", "fileContent": "hi", "parents": ["1Fold"]}, 2)
    assert node["config"] == {
        "operation": "create_from_text",
        "name": "a.txt",
        "content": "hi",
        "folder_id": "1Fold",
    }


def test_the_top_of_my_drive_gets_a_note_on_the_service_accounts_own_drive():
    node = drive({"resource": "folder", "name": "x", "driveId": MY_DRIVE, "folderId": ROOT})
    assert node["config"]["folder_id"] == ""
    assert "a service account's My Drive is its own" in node["notes"]


@pytest.mark.parametrize(
    ("params", "version", "said"),
    [
        (
            {"name": "x", "folderId": FOLDER_RL},
            3,
            "reads the file in binary property 'data' of its input item",
        ),
        ({"name": "x", "binaryData": True, "parents": ["1F"]}, 1, "binary property 'data'"),
        (
            {"operation": "update", "fileId": {**RL_ID, "value": "1F"}, "changeFileContent": True},
            3,
            "reads the file in binary property 'data' of its input item",
        ),
        ({"operation": "update", "fileId": {**RL_LIST, "value": ""}}, 3, "has no file"),
        ({"operation": "update", "fileId": {**RL_ID, "value": "1F"}}, 3, "updates nothing"),
        ({"resource": "drive", "operation": "list"}, 3, "does 'drive / list'"),
        ({"resource": "folder", "operation": "deleteFolder"}, 3, "does 'folder / deleteFolder'"),
        ({"operation": "list"}, 1, "does 'file / list'"),
        (
            {
                "operation": "download",
                "fileId": "1F",
                "options": {"googleFileConversion": {"conversion": {"docsToFormat": "=x"}}},
            },
            3,
            "format given by an expression (docsToFormat)",
        ),
    ],
)
def test_what_workfuse_cannot_do_is_refused_naming_node_and_construct(params, version, said):
    assert said in refusal(params, version)


def spec(params: dict[str, Any]) -> Any:
    cx = Converter(single("googleDrive", params, 3), SPECS, SUB_NODES)
    cx.run()
    return cx.spec_of("App")


def test_a_search_emits_its_files_and_a_download_passes_its_input_on():
    assert spec({"resource": "fileFolder"}).items == "files"
    assert spec({"operation": "download", "fileId": "1F"}).data is None
    assert spec({"operation": "move", "fileId": "1F", "folderId": FOLDER_RL}).data == ""


def search_then_download() -> dict[str, Any]:
    """n8n: search a folder, download each file, then a Set reading the file's name from the
    download's `$json` (the search's item, passed on)."""
    data = single(
        "googleDrive",
        {
            "resource": "fileFolder",
            "filter": {"folderId": {**RL_ID, "value": "1Fold"}},
            "options": {"fields": ["id", "name"]},
        },
        3,
        name="Find",
    )
    data["nodes"].append(
        {
            "parameters": {
                "operation": "download",
                "fileId": {**RL_ID, "value": "={{ $json.id }}"},
            },
            "name": "Get",
            "type": f"{BASE}googleDrive",
            "typeVersion": 3,
            "position": [480, 0],
        }
    )
    data["connections"]["Find"] = {"main": [[{"node": "Get", "type": "main", "index": 0}]]}
    return data


@pytest.mark.django_db(transaction=True)
def test_an_imported_search_and_download_runs_once_per_file(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(search_then_download())
    assert validate_graph(graph) == []
    private, key_file = new_key()
    with running(FakeDrive(private.public_key())) as google:
        google.add("Fold", FOLDER, id="1Fold")
        google.add("a.txt", "text/plain", b"alpha", id="1A", parents=["1Fold"])
        google.add("b.txt", "text/plain", b"beta", id="1B", parents=["1Fold"])
        google.add("elsewhere.txt", "text/plain", b"no", id="1C")
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
            if node["type"] == "app.google_drive":
                node["config"]["credential"] = credential.pk  # the user's one choice
        execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    downloads = [
        s.output["file"]
        for s in Step.objects.filter(execution=execution, node_id="get").order_by("key")
    ]
    assert sorted((f["filename"], f["size"]) for f in downloads) == [("a.txt", 5), ("b.txt", 4)]
