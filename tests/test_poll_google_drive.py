"""trigger.poll's google_drive source against the fake Google Drive (tests/fakes/google_drive.py)
and the import of n8n's Google Drive Trigger (editor/n8n/apps_drive_trigger.py): the first poll
records what the folder holds, each new file (or each change, by id and modifiedTime) starts one
run with the file as the trigger, folders and file types filter as in n8n, and an imported
trigger polls the fake."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import convert
from editor.nodes import trigger_poll
from editor.validation import validate_graph
from executions.models import Execution
from integrations.google_drive import new_files
from tests.fakes import running
from tests.fakes.google_drive import FOLDER, FakeDrive
from tests.fakes.google_sheets import new_key
from tests.test_n8n_apps import BASE
from tests.test_poll_trigger import active, poll_now

PDF = "application/pdf"
T0 = "2026-03-01T10:00:00.000Z"


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def drive(keys: tuple[Any, str], settings: Any) -> Iterator[FakeDrive]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeDrive(keys[0].public_key())) as fake:
        fake.add("Inbox", FOLDER, id="1Inbox", createdTime=T0, modifiedTime=T0)
        fake.add(
            "old.pdf", PDF, b"old", id="1Old", parents=["1Inbox"], createdTime=T0, modifiedTime=T0
        )
        yield fake


def credential(owner: Any, fake: FakeDrive, keys: tuple[Any, str]) -> int:
    fields = {"service_account_key": keys[1], "base_url": fake.url, "token_url": fake.token_url}
    return store.create(owner, "Acme Google", "google_sheets", fields).pk


def drive_graph(credential: int, **settings: Any) -> dict[str, Any]:
    config = {
        "source": "google_drive",
        "credential": credential,
        "id_field": "change_id",
        "interval_seconds": 60,
        "drive_folder_id": "1Inbox",
        **settings,
    }
    trigger = {"id": "new_file", "type": "trigger.poll", "config": config}
    note = {
        "id": "note",
        "type": "utility.transform",
        "config": {"language": "template", "expression": "{{ trigger.name }}"},
    }
    return {"nodes": [trigger, note], "edges": [{"source": "new_file", "target": "note"}]}


def test_the_query_is_n8ns():
    assert new_files.query(
        {"drive_folder_id": "https://drive.google.com/drive/folders/1Inbox"}
    ) == (f"'1Inbox' in parents and mimeType != '{FOLDER}' and trashed = false")
    assert new_files.query({"drive_event": "folder_created"}) == (
        f"mimeType = '{FOLDER}' and trashed = false"
    )
    assert new_files.query({"drive_file_type": PDF}) == (
        f"mimeType != '{FOLDER}' and mimeType = '{PDF}' and trashed = false"
    )
    filled = trigger_poll.fill_form(
        {"preset": "google_drive_files", "drive_event": "file_updated", "url": "https://x.test"}
    )
    assert filled == {
        "drive_event": "file_updated",
        "source": "google_drive",
        "method": "GET",
        "id_field": "change_id",
    }
    config = trigger_poll.Config.model_validate(filled)
    assert trigger_poll.asks(config) == "Google Drive file_updated in any folder"
    assert "google_sheets" in trigger_poll.NODE.credential_kinds


@pytest.mark.django_db(transaction=True)
def test_each_new_file_in_the_folder_starts_one_run(alice, drive, keys):
    workflow = active(alice, drive_graph(credential(alice, drive, keys)))
    assert poll_now(workflow) == 0  # the first poll records what is there

    drive.add("elsewhere.pdf", PDF, b"x", parents=["root"], createdTime="2026-03-02T00:00:00Z")
    drive.add(
        "new.pdf",
        PDF,
        b"new",
        id="1New",
        parents=["1Inbox"],
        createdTime="2026-03-02T00:00:00Z",
        modifiedTime="2026-03-02T00:00:00Z",
    )
    assert poll_now(workflow) == 1
    drive.files["1New"]["modifiedTime"] = "2026-03-03T00:00:00Z"  # a change is not a new file
    assert poll_now(workflow) == 1

    run = Execution.objects.get(workflow=workflow)
    assert run.status == "succeeded", run.error
    assert run.trigger_data["id"] == "1New" and run.trigger_data["webViewLink"]
    assert run.steps.get(key="note").output["result"] == "new.pdf"
    listing = [r for r in drive.requests if r.path == "/drive/v3/files"][-1]
    assert listing.query["orderBy"] == ["createdTime desc"]
    assert listing.query["fields"] == ["files(*)"]


@pytest.mark.django_db(transaction=True)
def test_watching_changes_starts_a_run_per_change(alice, drive, keys):
    workflow = active(
        alice, drive_graph(credential(alice, drive, keys), drive_event="file_updated")
    )
    assert poll_now(workflow) == 0
    drive.files["1Old"]["modifiedTime"] = "2026-03-04T00:00:00Z"
    assert poll_now(workflow) == 1
    drive.files["1Old"]["modifiedTime"] = "2026-03-05T00:00:00Z"
    assert poll_now(workflow) == 2
    runs = Execution.objects.filter(workflow=workflow)
    assert sorted(r.trigger_data["change_id"] for r in runs) == [
        "1Old@2026-03-04T00:00:00Z",
        "1Old@2026-03-05T00:00:00Z",
    ]


# --- the import ---------------------------------------------------------------------------------

TRIGGER = {
    "event": "fileCreated",
    "options": {"fileType": PDF},
    "pollTimes": {"item": [{"mode": "everyMinute"}]},
    "triggerOn": "specificFolder",
    "folderToWatch": {"__rl": True, "mode": "list", "value": "1Inbox", "cachedResultName": "In"},
}


def export(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "Drive watch",
        "nodes": [
            {
                "parameters": copy.deepcopy(params),
                "name": "New file",
                "type": f"{BASE}googleDriveTrigger",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                "parameters": {
                    "assignments": {
                        "assignments": [
                            {
                                "id": "1",
                                "name": "file",
                                "value": "={{ $json.name }}",
                                "type": "string",
                            }
                        ]
                    },
                    "options": {},
                },
                "name": "Name",
                "type": f"{BASE}set",
                "typeVersion": 3.4,
                "position": [240, 0],
            },
        ],
        "connections": {"New file": {"main": [[{"node": "Name", "type": "main", "index": 0}]]}},
    }


def test_the_trigger_becomes_a_drive_poll():
    graph = convert(export(TRIGGER))
    assert validate_graph(graph) == []
    trigger = next(n for n in graph["nodes"] if n["type"] == "trigger.poll")
    assert trigger["config"] == {
        "source": "google_drive",
        "drive_event": "file_created",
        "drive_folder_id": "1Inbox",
        "drive_file_type": PDF,
        "id_field": "change_id",
        "interval_seconds": 60,
    }
    assert "WorkFuse starts one run per file" in trigger["notes"]
    anywhere = {**TRIGGER, "triggerOn": "anyFileFolder", "event": "folderUpdated", "options": {}}
    config = next(n for n in convert(export(anywhere))["nodes"] if n["type"] == "trigger.poll")
    assert config["config"]["drive_event"] == "folder_updated"
    assert "drive_folder_id" not in config["config"]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"triggerOn": "specificFile"}, "watches 'specificFile'"),
        ({"event": "watchFolderUpdated"}, "starts on 'watchFolderUpdated'"),
        ({"folderToWatch": {"__rl": True, "mode": "list", "value": ""}}, "names none"),
    ],
)
def test_refusals_name_the_node_and_the_construct(change, said):
    with pytest.raises(ImportRefused) as refused:
        convert(export({**TRIGGER, **change}))
    [issue] = refused.value.issues
    assert issue.message.startswith(f"n8n node 'New file' ({BASE}googleDriveTrigger): ")
    assert said in issue.message


@pytest.mark.django_db(transaction=True)
def test_an_imported_trigger_polls_the_folder(alice, drive, keys):
    graph = convert(export(TRIGGER))
    trigger = next(n for n in graph["nodes"] if n["type"] == "trigger.poll")
    trigger["config"]["credential"] = credential(alice, drive, keys)
    workflow = active(alice, graph)
    assert poll_now(workflow) == 0
    drive.add(
        "notes.txt", "text/plain", b"n", parents=["1Inbox"], createdTime="2026-03-02T00:00:00Z"
    )
    drive.add("scan.pdf", PDF, b"%PDF", parents=["1Inbox"], createdTime="2026-03-02T00:00:00Z")
    assert poll_now(workflow) == 1
    run = Execution.objects.get(workflow=workflow)
    assert run.status == "succeeded", run.error
    name = next(n for n in graph["nodes"] if n["label"] == "Name")
    assert run.steps.get(key=name["id"]).output["result"]["file"] == "scan.pdf"
