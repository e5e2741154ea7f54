"""app.google_drive against a fake Google (tests/fakes/google_drive.py): the token with Drive's
scope from the Sheets credential, each operation's request and output (search queries as n8n
builds them, paging, downloads and Google-file exports as file values, multipart uploads),
Drive's errors and quota answers, and a run through the engine with a stored credential."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from executions.models import Step
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.google_drive import FOLDER, FakeDrive, drive_error
from tests.fakes.google_sheets import new_key
from workfuse.lib import files
from workfuse.lib.node_run import Secret

DRIVE = "app.google_drive"
DOC = "application/vnd.google-apps.document"


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeDrive]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeDrive(keys[0].public_key())) as fake:
        fake.add("Reports", FOLDER, id="1Reports")
        fake.add("q1.pdf", "application/pdf", b"%PDF-1.4 q1", id="1Q1", parents=["1Reports"])
        fake.add("q2.pdf", "application/pdf", b"%PDF-1.4 q2", id="1Q2", parents=["1Reports"])
        fake.add("notes.txt", "text/plain", b"hello", id="1Notes", parents=["1Reports"])
        fake.add("Plan", DOC, id="1Plan")
        fake.exports["1Plan"] = {"text/plain": b"The plan.", "application/pdf": b"%PDF plan"}
        yield fake


@pytest.fixture
def key(google: FakeDrive, keys: tuple[Any, str]) -> Secret:
    settings = {"base_url": google.url, "token_url": google.token_url}
    return Secret("google_sheets", {"service_account_key": keys[1]}, settings, name="Acme Google")


def api(fake: FakeDrive) -> list[Any]:
    return [r for r in fake.requests if r.path != "/token"]


def file_value(data: bytes, name: str, content_type: str) -> dict[str, Any]:
    return files.make(data, name, content_type).value()


# --- the token ---------------------------------------------------------------------------------


def test_the_sheets_credential_gets_a_token_with_drives_scope(google, key):
    run_app(DRIVE, {"operation": "get", "file_id": "1Q1"}, key)
    [claims] = google.assertions
    assert claims["scope"] == "https://www.googleapis.com/auth/drive"
    [get] = api(google)
    assert get.headers["authorization"].removeprefix("Bearer ") in google.tokens
    assert get.query["supportsAllDrives"] == ["true"]


# --- search ------------------------------------------------------------------------------------


def test_search_by_name_builds_n8ns_query_and_lists_id_and_name(google, key):
    output = run_app(DRIVE, {"operation": "search", "query": "q"}, key)
    [listing] = api(google)
    assert listing.query["q"] == ["name contains 'q' and trashed = false"]
    assert listing.query["fields"] == ["nextPageToken, files(id, name)"]
    assert listing.query["corpora"] == ["allDrives"]
    assert output == {
        "files": [{"id": "1Q1", "name": "q1.pdf"}, {"id": "1Q2", "name": "q2.pdf"}],
        "count": 2,
        "truncated": False,
    }


def test_search_in_a_folder_by_type_with_fields(google, key):
    output = run_app(
        DRIVE,
        {
            "operation": "search",
            "folder_id": "https://drive.google.com/drive/folders/1Reports",
            "what": "files",
            "file_types": ["application/pdf", "text/plain"],
            "fields": "id, name, mimeType",
        },
        key,
    )
    assert api(google)[0].query["q"] == [
        "name contains '' and '1Reports' in parents and "
        "mimeType != 'application/vnd.google-apps.folder' and "
        "(mimeType = 'application/pdf' or mimeType = 'text/plain') and trashed = false"
    ]
    assert [f["name"] for f in output["files"]] == ["q1.pdf", "q2.pdf", "notes.txt"]
    assert output["files"][2] == {"id": "1Notes", "name": "notes.txt", "mimeType": "text/plain"}


def test_search_folders_with_a_drive_query_and_a_quote_in_a_name(google, key):
    output = run_app(DRIVE, {"operation": "search", "what": "folders"}, key)
    assert output["files"] == [{"id": "1Reports", "name": "Reports"}]
    run_app(DRIVE, {"operation": "search", "query": "Ada's"}, key)
    assert api(google)[-1].query["q"] == ["name contains 'Ada\\'s' and trashed = false"]
    run_app(
        DRIVE,
        {"operation": "search", "search_method": "query", "query": "mimeType = 'text/plain'"},
        key,
    )
    assert api(google)[-1].query["q"] == ["mimeType = 'text/plain' and trashed = false"]


def test_search_pages_until_the_limit_and_says_it_stopped(google, key):
    for n in range(5):
        google.add(f"x{n}.csv", "text/csv", b"a,b")
    output = run_app(DRIVE, {"operation": "search", "query": ".csv", "limit": 3}, key)
    assert output["count"] == 3 and output["truncated"] is True
    assert api(google)[0].query["pageSize"] == ["3"]


# --- download ----------------------------------------------------------------------------------


def test_download_outputs_the_file_as_a_file_value(google, key):
    output = run_app(DRIVE, {"operation": "download", "file_id": "1Q1"}, key)
    meta, media = api(google)
    assert meta.query["fields"] == ["id, name, mimeType"]
    assert media.path == "/drive/v3/files/1Q1" and media.query["alt"] == ["media"]
    assert output == {
        "file": file_value(b"%PDF-1.4 q1", "q1.pdf", "application/pdf"),
        "id": "1Q1",
        "name": "q1.pdf",
        "mimeType": "application/pdf",
    }


def test_a_google_doc_is_exported_to_the_chosen_format(google, key):
    output = run_app(
        DRIVE,
        {"operation": "download", "file_id": "1Plan", "docs_format": "text/plain"},
        key,
    )
    assert api(google)[1].path == "/drive/v3/files/1Plan/export"
    assert api(google)[1].query["mimeType"] == ["text/plain"]
    assert output["file"] == file_value(b"The plan.", "Plan.txt", "text/plain")
    named = run_app(
        DRIVE,
        {
            "operation": "download",
            "file_id": "https://docs.google.com/document/d/1Plan/edit",
            "docs_format": "application/pdf",
            "file_name": "plan-final.pdf",
        },
        key,
    )
    assert named["file"]["filename"] == "plan-final.pdf"
    assert base64.b64decode(named["file"]["content"]) == b"%PDF plan"


def test_a_download_over_the_file_limit_stops_reading(google, key, settings):
    settings.WORKFUSE_FILE_MAX_BYTES = 4
    error = app_error(DRIVE, {"operation": "download", "file_id": "1Q1"}, key)
    assert "Google Drive answered files.get (alt=media) with more than" in str(error)


def test_an_export_format_that_does_not_fit_is_refused_at_save():
    from integrations.google_drive.node import Config

    with pytest.raises(ValueError, match="docs_format"):
        Config.model_validate({"operation": "download", "file_id": "x", "docs_format": "text/csv"})


# --- writing -----------------------------------------------------------------------------------


def test_upload_sends_metadata_and_content_as_one_multipart_request(google, key):
    report = file_value(b"a,b\n1,2\n", "report.csv", "text/csv")
    output = run_app(DRIVE, {"operation": "upload", "file": report, "folder_id": "1Reports"}, key)
    [upload] = api(google)
    assert (upload.method, upload.path) == ("POST", "/upload/drive/v3/files")
    assert upload.query["uploadType"] == ["multipart"]
    assert upload.headers["content-type"].startswith("multipart/related; boundary=")
    assert google.uploads == [
        ({"name": "report.csv", "parents": ["1Reports"]}, "text/csv", b"a,b\n1,2\n")
    ]
    assert output["name"] == "report.csv" and output["mimeType"] == "text/csv"
    assert google.contents[output["id"]] == b"a,b\n1,2\n"


def test_upload_refuses_what_is_not_a_file(google, key):
    error = app_error(DRIVE, {"operation": "upload", "file": "{{ x }}"}, key)
    assert "file must be a file" in str(error)
    assert api(google) == []


def test_create_from_text_as_a_google_doc(google, key):
    output = run_app(
        DRIVE,
        {
            "operation": "create_from_text",
            "name": "Minutes",
            "content": "We met.",
            "convert_to_google_doc": True,
        },
        key,
    )
    assert google.uploads == [({"name": "Minutes", "mimeType": DOC}, "text/plain", b"We met.")]
    assert output["mimeType"] == DOC


def test_update_renames_and_replaces_content(google, key):
    run_app(DRIVE, {"operation": "update", "file_id": "1Notes", "name": "n.txt"}, key)
    new = file_value(b"bye", "x.txt", "text/plain")
    output = run_app(DRIVE, {"operation": "update", "file_id": "1Notes", "file": new}, key)
    rename, replace = api(google)
    assert (rename.method, rename.path, rename.json) == (
        "PATCH",
        "/drive/v3/files/1Notes",
        {"name": "n.txt"},
    )
    assert (replace.method, replace.path) == ("PATCH", "/upload/drive/v3/files/1Notes")
    assert google.contents["1Notes"] == b"bye"
    assert output["name"] == "n.txt"


def test_copy_move_share_delete_and_create_folder(google, key):
    copied = run_app(DRIVE, {"operation": "copy", "file_id": "1Q1"}, key)
    assert copied["name"] == "Copy of q1.pdf" and google.contents[copied["id"]] == b"%PDF-1.4 q1"
    folder = run_app(DRIVE, {"operation": "create_folder", "name": "Done"}, key)
    assert folder["mimeType"] == FOLDER
    moved = run_app(DRIVE, {"operation": "move", "file_id": "1Q1", "folder_id": folder["id"]}, key)
    assert moved["parents"] == [folder["id"]]
    assert api(google)[-1].query["removeParents"] == ["1Reports"]
    shared = run_app(
        DRIVE,
        {
            "operation": "share",
            "file_id": "1Q1",
            "role": "writer",
            "grantee": "anyone",
            "allow_file_discovery": True,
        },
        key,
    )
    assert shared["role"] == "writer" and shared["type"] == "anyone"
    assert google.permissions["1Q1"][0]["allowFileDiscovery"] is True
    trashed = run_app(DRIVE, {"operation": "delete", "file_id": "1Q2"}, key)
    assert trashed == {"id": "1Q2", "success": True} and google.files["1Q2"]["trashed"] is True
    run_app(DRIVE, {"operation": "delete", "file_id": "1Q2", "permanently": True}, key)
    assert "1Q2" not in google.files and api(google)[-1].method == "DELETE"


# --- errors ------------------------------------------------------------------------------------


def test_a_missing_file_is_drives_own_words_and_not_retried(google, key):
    error = app_error(DRIVE, {"operation": "get", "file_id": "1Nope"}, key)
    assert str(error) == (
        "Google Drive refused files.get (HTTP 404): notFound: File not found: 1Nope."
    )
    assert not error.retryable


def test_drives_403_rate_limit_is_retried(google, key):
    google.script(
        google_token_answer(google),
        drive_error(403, "userRateLimitExceeded", "User Rate Limit Exceeded"),
    )
    error = app_error(DRIVE, {"operation": "get", "file_id": "1Q1"}, key)
    assert error.retryable and "rate limiting files.get" in str(error)


def google_token_answer(google: FakeDrive) -> Any:
    from tests.fakes import Answer

    google.tokens.add("ya29.scripted")
    return Answer(200, {"access_token": "ya29.scripted", "expires_in": 3599})


# --- through the engine ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_workflow_downloads_a_file_with_a_stored_credential(alice, google, keys):
    credential = store.create(
        alice,
        "Acme Google",
        "google_sheets",
        {"service_account_key": keys[1], "base_url": google.url, "token_url": google.token_url},
    )
    graph = chain(
        {
            "id": "fetch",
            "type": DRIVE,
            "config": {
                "credential": credential.pk,
                "operation": "download",
                "file_id": "{{ trigger.id }}",
            },
        }
    )
    execution = engine.start_execution(make_workflow(alice, graph), {"id": "1Notes"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = Step.objects.get(execution=execution, key="fetch").output
    assert output["file"] == file_value(b"hello", "notes.txt", "text/plain")
