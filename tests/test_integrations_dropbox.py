"""app.dropbox against a fake Dropbox (tests/fakes/dropbox.py): the refresh-token grant and the
path root of a full-Dropbox app, each operation's request (RPC JSON, `Dropbox-API-Arg` for
contents) and output in n8n's shapes, uploads and downloads as file values, Dropbox's errors and
rate limits, the credential's test, and a run through the engine with a stored credential."""

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
from integrations.dropbox import dropbox_api
from integrations.dropbox.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.dropbox import APP_KEY, APP_SECRET, REFRESH_TOKEN, ROOT_NAMESPACE, FakeDropbox
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, Secret

DBX = "app.dropbox"


@pytest.fixture
def dropbox(settings: Any) -> Iterator[FakeDropbox]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeDropbox()) as fake:
        fake.add("/Backups/monday.json", b'{"day": 1}')
        fake.add("/Backups/tuesday.json", b'{"day": 2}')
        fake.add("/Backups/old")
        fake.add("/Invoices/Café march.pdf", b"%PDF-1.4 march")
        yield fake


def app(fake: FakeDropbox, token: str = REFRESH_TOKEN, access: str = "full") -> Secret:
    return Secret(
        "dropbox",
        {"app_secret": APP_SECRET, "refresh_token": token},
        {"app_key": APP_KEY, "access_type": access, "base_url": fake.url},
        name="Ada's Dropbox",
    )


def calls(fake: FakeDropbox) -> list[Any]:
    return [r for r in fake.requests if r.path not in ("/oauth2/token",)]


def test_a_full_app_trades_the_refresh_token_and_reads_from_the_root_namespace(dropbox):
    run_app(DBX, {"operation": "list_folder", "path": "/Backups"}, app(dropbox))
    token, account, listing = dropbox.requests
    assert token.form == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH_TOKEN,
        "client_id": APP_KEY,
        "client_secret": APP_SECRET,
    }
    assert account.path == "/2/users/get_current_account" and account.body == b""
    assert json.loads(listing.headers["dropbox-api-path-root"]) == {
        ".tag": "root",
        "root": ROOT_NAMESPACE,
    }
    run_app(DBX, {"operation": "list_folder", "path": "/Backups"}, app(dropbox, access="folder"))
    assert dropbox.path_roots[-1] is None
    assert [r.path for r in dropbox.requests[3:]] == ["/oauth2/token", "/2/files/list_folder"]


def test_list_folder_names_entries_as_n8n_does_and_pages_up_to_the_limit(dropbox):
    for n in range(5):
        dropbox.add(f"/Many/file{n}.txt", b"x")
    output = run_app(DBX, {"operation": "list_folder", "path": "/Backups"}, app(dropbox))
    assert [e["name"] for e in output["entries"]] == ["monday.json", "old", "tuesday.json"]
    monday = output["entries"][0]
    assert monday["type"] == "file" and monday["pathDisplay"] == "/Backups/monday.json"
    assert monday["contentSize"] == 10 and "lastModifiedServer" in monday
    assert output["entries"][1] == {
        "id": output["entries"][1]["id"],
        "name": "old",
        "type": "folder",
        "pathLower": "/backups/old",
        "pathDisplay": "/Backups/old",
    }
    paged = run_app(DBX, {"operation": "list_folder", "path": "/Many", "limit": 3}, app(dropbox))
    assert (paged["count"], paged["has_more"]) == (3, True)
    body = calls(dropbox)[-1].json
    assert body["limit"] == 3 and body["recursive"] is False
    everything = run_app(
        DBX, {"operation": "list_folder", "path": "", "recursive": True}, app(dropbox)
    )
    assert everything["count"] == 12 and everything["has_more"] is False


def test_search_simplifies_matches_and_sends_n8ns_options(dropbox):
    output = run_app(
        DBX,
        {"operation": "search", "query": "day", "file_extensions": "json, .txt", "limit": 1},
        app(dropbox),
    )
    request = next(r for r in calls(dropbox) if r.path == "/2/files/search_v2")
    assert request.json == {
        "query": "day",
        "options": {"filename_only": True, "max_results": 1, "file_extensions": ["json", "txt"]},
    }
    [found] = output["matches"]
    assert found["match_type"] == "filename" and found[".tag"] == "file"
    assert found["name"] == "monday.json" and "metadata" not in found
    assert output["has_more"] is True
    raw = run_app(DBX, {"operation": "search", "query": "tuesday", "simplify": False}, app(dropbox))
    assert raw["matches"][0]["metadata"]["metadata"]["name"] == "tuesday.json"


def test_download_outputs_the_file_named_after_dropbox_with_unicode_escaped_in_the_header(
    dropbox,
):
    output = run_app(
        DBX, {"operation": "download", "path": "/Invoices/Café march.pdf"}, app(dropbox)
    )
    request = calls(dropbox)[-1]
    assert request.path == "/2/files/download"
    assert request.headers["dropbox-api-arg"] == '{"path": "/Invoices/Caf\\u00e9 march.pdf"}'
    assert output["file"]["filename"] == "Café march.pdf"
    assert output["file"]["content_type"] == "application/pdf"
    assert base64.b64decode(output["file"]["content"]) == b"%PDF-1.4 march"
    assert output["metadata"]["path_display"] == "/Invoices/Café march.pdf"


def test_upload_stores_a_file_value_or_text_and_answers_its_metadata(dropbox):
    made = files.make(b"PNG...", "shot.png", "image/png").value()
    output = run_app(
        DBX, {"operation": "upload", "path": "/Shots/sample.png", "file": made}, app(dropbox)
    )
    request = calls(dropbox)[-1]
    assert request.path == "/2/files/upload" and request.body == b"PNG..."
    assert json.loads(request.headers["dropbox-api-arg"]) == {
        "path": "/Shots/sample.png",
        "mode": "overwrite",
        "autorename": False,
        "mute": False,
    }
    assert output["path_display"] == "/Shots/sample.png" and output["size"] == 6
    run_app(DBX, {"operation": "upload", "path": "/notes.txt", "content": "hello"}, app(dropbox))
    assert dropbox.contents["/notes.txt"] == b"hello"


def test_create_delete_move_and_copy_answer_dropboxs_metadata(dropbox):
    created = run_app(DBX, {"operation": "create_folder", "path": "/Clients"}, app(dropbox))
    assert created["metadata"]["path_display"] == "/Clients"
    copied = run_app(
        DBX,
        {"operation": "copy", "path": "/Backups/monday.json", "to_path": "/Clients/m.json"},
        app(dropbox),
    )
    moved = run_app(
        DBX,
        {"operation": "move", "path": "/Backups/tuesday.json", "to_path": "/Backups/old/t.json"},
        app(dropbox),
    )
    deleted = run_app(DBX, {"operation": "delete", "path": "/Backups/monday.json"}, app(dropbox))
    assert copied["metadata"]["name"] == "m.json" and moved["metadata"]["name"] == "t.json"
    assert deleted["metadata"]["name"] == "monday.json"
    assert [r.json for r in calls(dropbox) if r.path == "/2/files/move_v2"] == [
        {"from_path": "/Backups/tuesday.json", "to_path": "/Backups/old/t.json"}
    ]
    assert sorted(dropbox.contents) == [
        "/backups/old/t.json",
        "/clients/m.json",
        "/invoices/café march.pdf",
    ]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "upload"}, "path"),
        ({"operation": "move", "path": "/a"}, "to_path"),
        ({"operation": "search"}, "query"),
        ({"operation": "search", "query": "x", "file_categories": ["pictures"]}, "file_categories"),
        ({"operation": "list_folder", "limit": 0}, "limit"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_relative_path_and_the_top_are_refused_naming_the_field(dropbox):
    error = app_error(DBX, {"operation": "download", "path": "Invoices/x.pdf"}, app(dropbox))
    assert error.message == "The path 'Invoices/x.pdf' must start with / (a full path)."
    error = app_error(DBX, {"operation": "delete", "path": "/"}, app(dropbox))
    assert "path must name a file or folder for delete" in error.message


def test_dropbox_errors_quote_its_summary_and_a_revoked_token_names_the_credential(dropbox):
    missing = app_error(DBX, {"operation": "download", "path": "/nope.pdf"}, app(dropbox))
    assert missing.message == "Dropbox refused files/download (HTTP 409): path/not_found"
    assert not missing.retryable
    revoked = app_error(DBX, {"operation": "list_folder"}, app(dropbox, token="old"))
    assert revoked.message.startswith(
        "Dropbox did not accept the credential “Ada's Dropbox” (invalid_grant: refresh token is "
        "malformed)"
    )
    assert REFRESH_TOKEN not in revoked.message


def test_a_rate_limit_is_retried_after_the_wait_dropbox_asks(dropbox):
    dropbox.script(
        Answer(200, {"access_token": "sl.x", "token_type": "bearer"}),
        Answer(
            429,
            {
                "error_summary": "too_many_requests/..",
                "error": {"reason": {".tag": "too_many_requests"}, "retry_after": 300},
            },
        ),
    )
    error = app_error(DBX, {"operation": "list_folder"}, app(dropbox))
    assert error.retryable and error.retry_after == 300
    assert "too_many_requests" in error.message


def test_the_credential_test_names_the_account(dropbox):
    assert dropbox_api.check(app(dropbox)) == "Connected to Dropbox as Ada Lovelace."
    with pytest.raises(NodeError, match="did not accept the credential"):
        dropbox_api.check(app(dropbox, token="old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_downloads_and_uploads_with_the_stored_credential(alice, dropbox):
    credential = store.create(
        alice,
        "Ada's Dropbox",
        "dropbox",
        {
            "app_key": APP_KEY,
            "app_secret": APP_SECRET,
            "refresh_token": REFRESH_TOKEN,
            "base_url": dropbox.url,
        },
    )
    get = {
        "id": "get",
        "type": DBX,
        "config": {
            "credential": credential.pk,
            "operation": "download",
            "path": "{{ trigger.path }}",
        },
    }
    put = {
        "id": "put",
        "type": DBX,
        "config": {
            "credential": credential.pk,
            "operation": "upload",
            "path": "/Archive/{{ nodes.get.file.filename }}",
            "file": "{{ nodes.get.file }}",
        },
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(get, put)), {"path": "/Backups/monday.json"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert dropbox.contents["/archive/monday.json"] == b'{"day": 1}'
    steps = Step.objects.filter(execution=execution)
    stored = json.dumps([[s.input, s.output] for s in steps])
    assert REFRESH_TOKEN not in stored and APP_SECRET not in stored
