"""app.nextcloud against a fake Nextcloud WebDAV (tests/fakes/nextcloud.py): each operation's
request and output, a folder listed as n8n lists it, the file downloaded and uploaded as file
values, Sabre's errors, the login's test, and a run through the engine with a stored
credential."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.nextcloud import webdav
from integrations.nextcloud.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.nextcloud import PASSWORD, ROOT, USER, FakeNextcloud, entry_paths
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, Secret

NC = "app.nextcloud"


@pytest.fixture
def cloud(settings: Any) -> Iterator[FakeNextcloud]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeNextcloud()) as fake:
        yield fake


def login(fake: FakeNextcloud, password: str = PASSWORD) -> Secret:
    settings = {"base_url": fake.webdav_url + "/", "user": USER}
    return Secret("nextcloud", {"password": password}, settings, name="Cloud")


def test_download_outputs_the_file_named_after_its_path(cloud):
    cloud.put("examples/Problems.xls", b"\xd0\xcf\x11\xe0 sheet")
    output = run_app(NC, {"operation": "download", "path": "/examples/Problems.xls"}, login(cloud))
    [request] = cloud.requests
    assert (request.method, request.path) == ("GET", f"{ROOT}/examples/Problems.xls")
    auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {auth}"
    assert output["path"] == "examples/Problems.xls"
    assert files.read(output["file"]).data == b"\xd0\xcf\x11\xe0 sheet"
    assert output["file"]["filename"] == "Problems.xls"


def test_upload_puts_a_file_value_or_the_text(cloud):
    made = files.make(b'{"name": "Backup"}', "wf.json").value()
    cloud.folders |= {"n8n", "n8n/Backup"}
    stored = run_app(NC, {"path": "n8n/Backup/wf one.json", "file": made}, login(cloud))
    text = run_app(NC, {"path": "notes.txt", "content": "hello"}, login(cloud))
    assert cloud.requests[0].path == f"{ROOT}/n8n/Backup/wf%20one.json"
    assert stored == {"success": True, "path": "n8n/Backup/wf one.json"} and text["success"]
    assert cloud.files == {"n8n/Backup/wf one.json": b'{"name": "Backup"}', "notes.txt": b"hello"}


def test_list_folder_gives_each_entry_as_n8n_does(cloud):
    cloud.put("Docs/a.txt", b"abc")
    cloud.put("Docs/Old/b.txt", b"b")
    output = run_app(NC, {"operation": "list_folder", "path": "Docs"}, login(cloud))
    assert cloud.requests[0].method == "PROPFIND" and cloud.requests[0].headers["depth"] == "1"
    assert output["count"] == 2 and entry_paths(output["entries"]) == ["Docs/Old/", "Docs/a.txt"]
    folder, file = output["entries"]
    assert folder["type"] == "folder" and file["type"] == "file"
    assert file["contentLength"] == "3" and file["eTag"] and '"' not in file["eTag"]
    assert file["lastModified"].endswith("GMT")


def test_folders_are_created_and_entries_moved_copied_and_deleted(cloud):
    cloud.put("Inbox/scan.pdf", b"%PDF")
    run_app(NC, {"operation": "create_folder", "path": "Archive"}, login(cloud))
    run_app(
        NC,
        {"operation": "copy", "path": "Inbox/scan.pdf", "to_path": "Archive/copy.pdf"},
        login(cloud),
    )
    run_app(
        NC,
        {"operation": "move", "path": "Inbox/scan.pdf", "to_path": "Archive/scan.pdf"},
        login(cloud),
    )
    done = run_app(NC, {"operation": "delete", "path": "Archive/copy.pdf"}, login(cloud))
    assert [r.method for r in cloud.requests] == ["MKCOL", "COPY", "MOVE", "DELETE"]
    assert cloud.requests[2].headers["destination"] == f"{cloud.webdav_url}/Archive/scan.pdf"
    assert done == {"success": True, "path": "Archive/copy.pdf"}
    assert cloud.files == {"Archive/scan.pdf": b"%PDF"}


@pytest.mark.parametrize(
    ("config", "field"),
    [({"operation": "download"}, "path"), ({"operation": "move", "path": "a"}, "to_path")],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_sabre_s_errors_are_quoted_and_a_wrong_password_names_the_credential(cloud):
    failed = app_error(NC, {"operation": "download", "path": "a.txt"}, login(cloud, "old"))
    assert not failed.retryable
    assert failed.message.startswith(
        "Nextcloud did not accept the credential “Cloud” (No public access"
    )
    missing = app_error(NC, {"operation": "download", "path": "nope.txt"}, login(cloud))
    assert missing.message == (
        "Nextcloud refused download (HTTP 404): File with name nope.txt could not be located"
    )
    orphan = app_error(NC, {"path": "no/such/dir/a.txt", "content": "x"}, login(cloud))
    assert orphan.message == "Nextcloud refused upload (HTTP 409): Parent node does not exist"
    top = app_error(NC, {"operation": "delete", "path": "/"}, login(cloud))
    assert top.message.startswith("path must name a file or folder for delete")


def test_the_login_test_reads_the_top_folder(cloud):
    assert webdav.check_login(login(cloud)) == "Connected to Nextcloud as ada."
    assert cloud.requests[0].headers["depth"] == "0"
    with pytest.raises(NodeError, match="did not accept the credential “Cloud”"):
        webdav.check_login(login(cloud, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_copies_a_downloaded_file_back_with_the_stored_credential(alice, cloud):
    cloud.put("examples/Problems.xls", b"sheet")
    value = {"password": PASSWORD, "user": USER, "base_url": cloud.webdav_url}
    credential = store.create(alice, "Cloud", "nextcloud", value)
    nodes = (
        {
            "id": "get",
            "type": NC,
            "config": {
                "credential": credential.pk,
                "operation": "download",
                "path": "examples/Problems.xls",
            },
        },
        {
            "id": "put",
            "type": NC,
            "config": {
                "credential": credential.pk,
                "path": "examples/{{ trigger.name }}.xls",
                "file": "{{ nodes.get.file }}",
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"name": "Copy"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert cloud.files["examples/Copy.xls"] == b"sheet"
    step = Step.objects.get(execution=execution, key="put")
    assert step.output == {"success": True, "path": "examples/Copy.xls"}
    assert PASSWORD not in json.dumps([s.input for s in execution.steps.all()])
