"""app.zoom against a fake Zoom (tests/fakes/zoom.py): the account_credentials token, each
meeting operation's request and output, paging by next_page_token, Zoom's errors, the app's
test, and a run through the engine with a stored credential."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from integrations.zoom import node, rest_api
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.zoom import ACCESS, ACCOUNT, CLIENT, SECRET, FakeZoom
from workfuse.lib.node_run import Secret

ZM = "app.zoom"


@pytest.fixture
def zoom(settings: Any) -> Iterator[FakeZoom]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeZoom()) as fake:
        yield fake


def fields(fake: FakeZoom, secret: str = SECRET) -> dict[str, Any]:
    return {
        "client_secret": secret,
        "account_id": ACCOUNT,
        "client_id": CLIENT,
        "base_url": fake.url,
        "token_url": f"{fake.url}/oauth/token",
    }


def app(fake: FakeZoom, secret: str = SECRET) -> Secret:
    given = fields(fake, secret)
    value = {"client_secret": given.pop("client_secret")}
    return Secret("zoom", value, given, name="Meetings")


def test_a_meeting_is_created_with_one_token_for_the_step(zoom):
    config = {"topic": "Standup", "fields": {"type": 3, "settings": {"mute_upon_entry": True}}}
    meeting = run_app(ZM, config, app(zoom))
    token, created = zoom.requests
    assert (token.method, token.path) == ("POST", "/oauth/token")
    assert token.form == {"grant_type": "account_credentials", "account_id": ACCOUNT}
    assert (created.method, created.path) == ("POST", "/v2/users/me/meetings")
    assert created.headers["authorization"] == f"Bearer {ACCESS}"
    assert created.json == {"type": 3, "settings": {"mute_upon_entry": True}, "topic": "Standup"}
    assert meeting["topic"] == "Standup" and meeting["id"]


def test_a_meeting_is_read_updated_and_deleted_as_n8n_outputs_them(zoom):
    meeting_id = str(zoom.add("Review")["id"])
    got = run_app(ZM, {"operation": "get_meeting", "meeting_id": meeting_id}, app(zoom))
    assert got["topic"] == "Review"
    update = {"operation": "update_meeting", "meeting_id": meeting_id, "fields": {"duration": 60}}
    assert run_app(ZM, update, app(zoom)) == {"success": True}
    assert zoom.meetings[meeting_id]["duration"] == 60
    delete = {"operation": "delete_meeting", "meeting_id": meeting_id}
    assert run_app(ZM, delete, app(zoom)) == {"success": True}
    assert zoom.meetings == {}


def test_meetings_are_listed_page_by_page(zoom, monkeypatch):
    monkeypatch.setattr(node, "PAGE", 2)
    for n in range(5):
        zoom.add(f"M{n}")
    config = {"operation": "list_meetings", "list_type": "scheduled", "max_results": 5}
    listed = run_app(ZM, config, app(zoom))
    assert [m["topic"] for m in listed["meetings"]] == ["M0", "M1", "M2", "M3", "M4"]
    pages = [r for r in zoom.requests if r.path == "/v2/users/me/meetings"]
    assert [r.query.get("next_page_token") for r in pages] == [None, ["2"], ["4"]]
    assert pages[0].query["type"] == ["scheduled"]


def test_zooms_errors_are_quoted_and_a_wrong_secret_names_the_credential(zoom):
    missing = {"operation": "get_meeting", "meeting_id": "1"}
    assert "Meeting does not exist." in str(app_error(ZM, missing, app(zoom)))
    message = str(app_error(ZM, {"topic": "x"}, app(zoom, "wrong")))
    assert "Invalid client_id or client_secret" in message and "Meetings" in message


def test_the_app_test_names_the_user(zoom):
    assert rest_api.check_app(app(zoom)) == "Connected to Zoom as host@acme.test."


@pytest.mark.django_db(transaction=True)
def test_a_workflow_creates_a_meeting_through_a_stored_credential(alice, zoom):
    credential = store.create(alice, "Meetings", "zoom", fields(zoom))
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {
                "id": "meet",
                "type": ZM,
                "config": {"credential": credential.pk, "topic": "Call with {{ trigger.who }}"},
            },
        ],
        "edges": [{"source": "start", "target": "meet"}],
    }
    execution = engine.start_execution(make_workflow(alice, graph), {"who": "Ada"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [meeting] = zoom.meetings.values()
    assert meeting["topic"] == "Call with Ada"
