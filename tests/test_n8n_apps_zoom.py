"""Importing n8n's Zoom node (editor/n8n/apps_zoom.py) onto `app.zoom`: each meeting operation's
config (corpus workflows 0631 and the Zoom AI Meeting Assistant), the Start Time caveat, the
refusals naming node and construct, and 0631's meeting created against the fake."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.zoom import ACCOUNT, CLIENT, SECRET, FakeZoom
from tests.test_n8n_apps import converted, refusal, single, spec_items

CORPUS_0631 = {
    "topic": "New Meeting",
    "authentication": "{{ $credentials.oAuth2 }}",
    "additionalFields": {
        "type": 3,
        "settings": {"muteUponEntry": True, "joinBeforeHost": True, "participantVideo": True},
        "timeZone": "America/New_York",
    },
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS_0631,
            {
                "operation": "create_meeting",
                "topic": "New Meeting",
                "fields": {
                    "type": 3,
                    "settings": {
                        "mute_upon_entry": True,
                        "join_before_host": True,
                        "participant_video": True,
                    },
                    "timezone": "America/New_York",
                },
            },
        ),
        (  # the Zoom AI Meeting Assistant's "Get data of last meeting"
            {"filters": {"type": "scheduled"}, "operation": "getAll", "returnAll": True},
            {"operation": "list_meetings", "list_type": "scheduled", "max_results": 3000},
        ),
        (
            {"operation": "get", "meetingId": "857"},
            {"operation": "get_meeting", "meeting_id": "857"},
        ),
        (
            {"operation": "delete", "meetingId": "857", "additionalFields": {"occurrenceId": "16"}},
            {"operation": "delete_meeting", "meeting_id": "857", "occurrence_id": "16"},
        ),
        (
            {"operation": "update", "meetingId": "857", "updateFields": {"duration": 45}},
            {"operation": "update_meeting", "meeting_id": "857", "fields": {"duration": 45}},
        ),
    ],
)
def test_each_meeting_operation_becomes_its_zoom_config(params, config):
    node = converted("zoom", params)
    assert node["type"] == "app.zoom"
    assert node["config"] == config
    assert "Server-to-Server OAuth app" in node["notes"]


def test_a_start_time_says_how_to_write_it_and_lists_are_the_nodes_items():
    zoned = converted(
        "zoom",
        {"topic": "x", "additionalFields": {"startTime": "2026-12-24T10:00:00", "timeZone": "UTC"}},
    )
    assert "YYYY-MM-DDTHH:mm:ss in that Time Zone" in zoned["notes"]
    plain = converted(
        "zoom", {"topic": "x", "additionalFields": {"startTime": "2026-12-24T10:00:00"}}
    )
    assert "ISO 8601 with its offset" in plain["notes"]
    assert spec_items("zoom", {"operation": "getAll"}, 1) == "meetings"


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"topic": ""}, "names no Topic"),
        ({"operation": "get"}, "names no Meeting ID"),
        (
            {"topic": "x", "additionalFields": {"settings": {"approvalType": 1}}},
            "setting(s) approvalType",
        ),
        ({"resource": "webinar", "operation": "create"}, "does 'webinar / create'"),
    ],
)
def test_what_the_zoom_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("zoom", params)
    assert "'App' (n8n-nodes-base.zoom)" in message and said in message


@pytest.mark.django_db(transaction=True)
def test_the_imported_0631_meeting_is_created_as_n8n_sent_it(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(single("zoom", CORPUS_0631))
    assert validate_graph(graph) == []
    with running(FakeZoom()) as zoom:
        value = {
            "client_secret": SECRET,
            "account_id": ACCOUNT,
            "client_id": CLIENT,
            "base_url": zoom.url,
            "token_url": f"{zoom.url}/oauth/token",
        }
        credential = store.create(alice, "Meetings", "zoom", value)
        graph["nodes"][1]["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [meeting] = zoom.meetings.values()
    assert meeting["type"] == 3 and meeting["timezone"] == "America/New_York"
    assert meeting["settings"]["mute_upon_entry"] is True
