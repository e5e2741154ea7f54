"""app.onedrive against a fake Microsoft (tests/fakes/onedrive.py): the refresh-token grant with
the Files scopes through Outlook's token machinery, each operation's request and output (Graph's
driveItems), downloads through the pre-authenticated URL without the token, uploads of files and
text, listing pages, Graph's errors, the credential's test, and a run through the engine."""

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
from integrations.onedrive import drive_api
from integrations.onedrive.credentials import SCOPES
from integrations.onedrive.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.onedrive import ROOT, FakeOneDrive
from tests.fakes.outlook import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, Secret

OD = "app.onedrive"


@pytest.fixture
def onedrive(settings: Any) -> Iterator[FakeOneDrive]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeOneDrive()) as fake:
        fake.add("Reports", id="01REPORTS")
        fake.add("q1 report.pdf", b"%PDF q1", "01REPORTS", id="01Q1", mime="application/pdf")
        fake.add("q2 report.pdf", b"%PDF q2", "01REPORTS", id="01Q2", mime="application/pdf")
        yield fake


def grant(fake: FakeOneDrive, token: str = REFRESH_TOKEN) -> Secret:
    return Secret(
        "onedrive",
        {"client_secret": CLIENT_SECRET, "refresh_token": token},
        {"client_id": CLIENT_ID, "base_url": fake.base_url, "token_url": fake.token_url},
        name="Ada's OneDrive",
    )


def test_download_reads_the_item_then_its_download_url_without_the_token(onedrive):
    output = run_app(OD, {"operation": "download", "item_id": "01Q1"}, grant(onedrive))
    assert onedrive.scopes == [SCOPES]
    _token, item, content = onedrive.requests
    assert item.path == "/v1.0/me/drive/items/01Q1"
    assert content.path.startswith("/download/") and "authorization" not in content.headers
    assert output["file"]["filename"] == "q1 report.pdf"
    assert output["file"]["content_type"] == "application/pdf"
    assert base64.b64decode(output["file"]["content"]) == b"%PDF q1"
    assert output["item"]["id"] == "01Q1" and "@microsoft.graph.downloadUrl" not in output["item"]


def test_upload_puts_a_file_under_its_own_name_or_text_under_file_name(onedrive):
    made = files.make(b"PNG", "shot.png", "image/png").value()
    output = run_app(
        OD, {"operation": "upload", "folder_id": "01REPORTS", "file": made}, grant(onedrive)
    )
    request = onedrive.requests[-1]
    assert (request.method, request.path) == (
        "PUT",
        "/v1.0/me/drive/items/01REPORTS:/shot.png:/content",
    )
    assert request.headers["content-type"] == "image/png" and request.body == b"PNG"
    assert output["name"] == "shot.png" and output["parentReference"]["id"] == "01REPORTS"
    text = run_app(
        OD, {"operation": "upload", "file_name": "notes.txt", "content": "hi"}, grant(onedrive)
    )
    assert onedrive.requests[-1].path == "/v1.0/me/drive/root:/notes.txt:/content"
    assert onedrive.contents[text["id"]] == b"hi"
    error = app_error(OD, {"operation": "upload", "content": "hi"}, grant(onedrive))
    assert error.message == "upload of text needs file_name: the name to save it as."


def test_list_folder_follows_pages_up_to_max_results(onedrive):
    for n in range(5):
        onedrive.add(f"f{n}.txt", b"x", "01REPORTS")
    everything = run_app(
        OD, {"operation": "list_folder", "folder_id": "01REPORTS"}, grant(onedrive)
    )
    assert everything["count"] == 7 and everything["has_more"] is False
    some = run_app(
        OD,
        {"operation": "list_folder", "folder_id": "01REPORTS", "max_results": 3},
        grant(onedrive),
    )
    assert (some["count"], some["has_more"]) == (3, True)
    top = run_app(OD, {"operation": "list_folder"}, grant(onedrive))
    assert [i["name"] for i in top["items"]] == ["Reports"]
    assert onedrive.requests[-1].path == "/v1.0/me/drive/root/children"


def test_search_keeps_files_as_n8ns_file_search_does(onedrive):
    onedrive.add("report drafts", None, ROOT)
    output = run_app(OD, {"operation": "search", "query": "report"}, grant(onedrive))
    assert sorted(i["name"] for i in output["items"]) == ["q1 report.pdf", "q2 report.pdf"]
    assert onedrive.requests[-1].path == "/v1.0/me/drive/root/search(q='report')"


def test_get_create_folder_and_delete(onedrive):
    got = run_app(OD, {"operation": "get", "item_id": "01REPORTS"}, grant(onedrive))
    assert got["folder"] == {"childCount": 0}
    made = run_app(OD, {"operation": "create_folder", "name": "Clients/Acme"}, grant(onedrive))
    clients = next(i for i in onedrive.items.values() if i["name"] == "Clients")
    assert made["name"] == "Acme" and made["parentReference"]["id"] == clients["id"]
    assert onedrive.requests[-1].json == {
        "name": "Acme",
        "folder": {},
        "@microsoft.graph.conflictBehavior": "fail",
    }
    gone = run_app(OD, {"operation": "delete", "item_id": "01Q2"}, grant(onedrive))
    assert gone == {"success": True} and "01Q2" not in onedrive.items


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "download"}, "item_id"),
        ({"operation": "search"}, "query"),
        ({"operation": "create_folder"}, "name"),
        ({"operation": "list_folder", "max_results": 5000}, "max_results"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_graph_errors_and_an_expired_token(onedrive):
    missing = app_error(OD, {"operation": "get", "item_id": "01NOPE"}, grant(onedrive))
    assert missing.message == (
        "Microsoft Graph refused the item get (HTTP 404): itemNotFound: The resource could not "
        "be found."
    )
    folder = app_error(OD, {"operation": "download", "item_id": "01REPORTS"}, grant(onedrive))
    assert folder.message == "The item 01REPORTS is not a file: it cannot be downloaded."
    expired = app_error(OD, {"operation": "get", "item_id": "01Q1"}, grant(onedrive, "old"))
    assert "did not accept the credential “Ada's OneDrive”" in expired.message


def test_the_credential_test_names_the_owner(onedrive):
    assert drive_api.check(grant(onedrive)) == (
        "Microsoft Graph accepted the credential for the OneDrive of Ada Lovelace."
    )
    with pytest.raises(NodeError):
        drive_api.check(grant(onedrive, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_copies_a_file_into_another_folder(alice, onedrive):
    credential = store.create(
        alice,
        "Ada's OneDrive",
        "onedrive",
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN,
            "base_url": onedrive.base_url,
            "token_url": onedrive.token_url,
        },
    )
    onedrive.add("Archive", id="01ARCHIVE")
    get = {
        "id": "get",
        "type": OD,
        "config": {
            "credential": credential.pk,
            "operation": "download",
            "item_id": "{{ trigger.id }}",
        },
    }
    put = {
        "id": "put",
        "type": OD,
        "config": {
            "credential": credential.pk,
            "operation": "upload",
            "folder_id": "01ARCHIVE",
            "file": "{{ nodes.get.file }}",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(get, put)), {"id": "01Q1"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    copy = next(
        i
        for i in onedrive.items.values()
        if (i.get("parentReference") or {}).get("id") == "01ARCHIVE"
    )
    assert copy["name"] == "q1 report.pdf" and onedrive.contents[copy["id"]] == b"%PDF q1"
    stored = json.dumps([[s.input, s.output] for s in Step.objects.filter(execution=execution)])
    assert REFRESH_TOKEN not in stored and CLIENT_SECRET not in stored
