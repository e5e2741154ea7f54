"""trigger.poll's `emit` changed and new_or_changed on the google_sheets source (n8n's Google
Sheets Trigger on "Row Updated" and "Row Added or Updated") against the fake Google: the first
poll records a baseline of digests and starts nothing, an edited row starts one run with its new
values, an added row starts a run only for new_or_changed (with change_type), watched columns
alone count, the snapshot holds no cell value and lives and dies with the poll, and a run that
cannot start leaves the snapshot as it was, so the next poll finds the change again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from editor.models import Poll, PollSnapshot, SeenItem, Workflow
from editor.nodes import trigger_poll
from executions.models import Execution
from tests.fakes import running
from tests.fakes.google_sheets import FakeGoogle, new_key
from tests.test_node_form import apply
from tests.test_poll_google_sheets import SHEET_ID, key_credential
from tests.test_poll_trigger import active, poll_now

pytestmark = pytest.mark.django_db(transaction=True)
HEADER = ["Name", "Email", "Plan"]


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeGoogle]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGoogle(keys[0].public_key())) as fake:
        fake.sheets[SHEET_ID] = {
            "Leads": [HEADER, ["Ada", "ada@x.org", "pro"], ["Bob", "bob@x.org", "free"]]
        }
        yield fake


def rows(google: FakeGoogle) -> list[list[Any]]:
    return google.sheets[SHEET_ID]["Leads"]


def graph(credential: int, expression: str = "{{ trigger.Name }}: {{ trigger.Plan }}", **config):
    trigger = trigger_poll.fill_form(
        {
            "preset": "google_sheets_rows",
            "spreadsheet_id": SHEET_ID,
            "sheet_range": "Leads",
            "credential": credential,
            "interval_seconds": 60,
            **config,
        }
    )
    note = {
        "id": "note",
        "type": "utility.transform",
        "config": {"language": "template", "expression": expression},
    }
    return {
        "nodes": [{"id": "changed", "type": "trigger.poll", "config": trigger}, note],
        "edges": [{"source": "changed", "target": "note"}],
    }


@pytest.fixture
def watch(alice: Any, google: FakeGoogle, keys: tuple[Any, str]):
    """An active workflow polling the sheet with these settings (emit, watch_fields)."""

    credential = key_credential(alice, google, keys[1])

    def make(**config: Any) -> Workflow:
        return active(alice, graph(credential, **config))

    return make


def triggers(workflow: Workflow) -> list[Any]:
    runs = Execution.objects.filter(workflow=workflow).order_by("created_at", "pk")
    return [run.trigger_data for run in runs]


def test_the_first_poll_records_a_baseline_of_digests_and_starts_nothing(watch, google):
    workflow = watch(emit="changed")
    assert poll_now(workflow) == 0
    poll = Poll.objects.get(workflow=workflow)
    assert poll.primed and (poll.last_status, poll.last_found, poll.last_started) == ("ok", 2, 0)
    snapshot = PollSnapshot.objects.get(poll=poll)
    assert len(snapshot.digests) == 2
    stored = json.dumps(snapshot.digests)
    assert not any(cell in stored for row in rows(google) for cell in row)
    assert not SeenItem.objects.filter(workflow=workflow).exists()
    assert poll_now(workflow) == 0  # nothing changed


def test_an_edited_row_starts_one_run_with_its_new_values_and_an_added_row_none(watch, google):
    workflow = watch(emit="changed")
    poll_now(workflow)
    rows(google)[2][2] = "team"  # Bob upgraded
    rows(google).append(["Cy", "cy@x.org", "free"])

    assert poll_now(workflow) == 1
    assert triggers(workflow) == [
        {"Name": "Bob", "Email": "bob@x.org", "Plan": "team", "row_number": 3}
    ]
    run = Execution.objects.get(workflow=workflow)
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    assert run.steps.get(key="note").output == {"result": "Bob: team"}
    assert poll_now(workflow) == 1  # no further change
    rows(google)[3][2] = "pro"  # the row added meanwhile, now edited
    assert poll_now(workflow) == 2
    assert triggers(workflow)[-1]["row_number"] == 4


def test_the_workflow_page_says_which_items_start_runs(watch, alice_client):
    page = alice_client.get(watch(emit="changed").get_absolute_url()).content.decode()
    assert (
        f"Asks <code>Google Sheets {SHEET_ID}, Leads</code> every 60 s, a run per changed " in page
    )
    page = alice_client.get(watch(emit="new_or_changed").get_absolute_url()).content.decode()
    assert "every 60 s, a run per new or changed item" in page
    page = alice_client.get(watch().get_absolute_url()).content.decode()
    assert "every 60 s" in page and "every 60 s, a run per" not in page


def test_a_row_edited_back_starts_again(watch, google):
    workflow = watch(emit="changed")
    poll_now(workflow)
    rows(google)[1][2] = "free"
    poll_now(workflow)
    rows(google)[1][2] = "pro"
    assert poll_now(workflow) == 2
    assert [t["Plan"] for t in triggers(workflow)] == ["free", "pro"]


def test_any_update_starts_added_and_edited_rows_with_their_change_type(watch, google):
    workflow = watch(emit="new_or_changed")
    poll_now(workflow)
    rows(google)[1][1] = "ada@new.org"
    rows(google).append(["Cy", "cy@x.org", "free"])

    assert poll_now(workflow) == 2
    assert triggers(workflow) == [
        {
            "Name": "Ada",
            "Email": "ada@new.org",
            "Plan": "pro",
            "row_number": 2,
            "change_type": "updated",
        },
        {
            "Name": "Cy",
            "Email": "cy@x.org",
            "Plan": "free",
            "row_number": 4,
            "change_type": "added",
        },
    ]


def test_only_a_change_in_a_watched_column_starts_a_run(watch, google):
    workflow = watch(emit="changed", watch_fields=["Plan"])
    poll_now(workflow)
    rows(google)[1][1] = "ada@new.org"
    rows(google)[2][0] = "Robert"
    assert poll_now(workflow) == 0
    rows(google)[2][2] = "team"
    assert poll_now(workflow) == 1
    assert triggers(workflow) == [
        {"Name": "Robert", "Email": "bob@x.org", "Plan": "team", "row_number": 3}
    ]


def test_deactivation_drops_the_snapshot_and_activation_records_a_new_baseline(watch, google):
    workflow = watch(emit="changed")
    poll_now(workflow)
    workflow.is_active = False
    workflow.save()
    assert not PollSnapshot.objects.exists()
    rows(google)[1][2] = "team"
    workflow.is_active = True
    workflow.save()
    assert poll_now(workflow) == 0  # the edit made while inactive is the new baseline
    rows(google)[1][2] = "free"
    assert poll_now(workflow) == 1


def test_changing_what_starts_a_run_records_a_new_baseline(watch, google):
    workflow = watch()  # emit new: seen row numbers, no snapshot
    poll_now(workflow)
    assert not PollSnapshot.objects.exists()
    workflow.graph["nodes"][0]["config"]["emit"] = "changed"
    workflow.save()
    poll = Poll.objects.get(workflow=workflow)
    assert not poll.primed
    rows(google)[1][2] = "team"
    assert poll_now(workflow) == 0
    assert PollSnapshot.objects.filter(poll=poll).exists()
    workflow.graph["nodes"][0]["config"]["watch_fields"] = ["Email"]
    workflow.save()
    assert not Poll.objects.get(workflow=workflow).primed


def test_a_run_that_cannot_start_keeps_the_old_snapshot_so_the_change_is_found_again(watch, google):
    workflow = watch(emit="changed", expression="{{ nodes.ghost.text }}")  # not a node
    poll_now(workflow)
    before = PollSnapshot.objects.get(poll__workflow=workflow).digests
    rows(google)[1][2] = "team"
    assert poll_now(workflow) == 0
    poll = Poll.objects.get(workflow=workflow)
    assert poll.last_status == "error" and "The workflow cannot run" in poll.last_error
    assert PollSnapshot.objects.get(poll=poll).digests == before
    fixed = json.loads(json.dumps(workflow.graph))
    fixed["nodes"][1]["config"]["expression"] = "{{ trigger.Plan }}"
    workflow.save_graph(fixed, user=workflow.owner)
    assert poll_now(workflow) == 1
    assert triggers(workflow)[0]["Plan"] == "team"


def test_watched_fields_need_a_change_mode_and_names():
    base = {"source": "google_sheets", "spreadsheet_id": SHEET_ID, "sheet_range": "Leads"}
    with pytest.raises(ValidationError) as caught:
        trigger_poll.Config.model_validate({**base, "watch_fields": ["Plan"]})
    [error] = caught.value.errors()
    assert error["loc"] == ("watch_fields",) and "emit changed or new_or_changed" in error["msg"]
    with pytest.raises(ValidationError, match="Name each watched field"):
        trigger_poll.Config.model_validate({**base, "emit": "changed", "watch_fields": [" "]})


def test_the_settings_form_sets_emit_and_the_watched_columns(alice, alice_client):
    workflow = Workflow.create(alice, "w")
    values = [
        ("f:preset", "google_sheets_rows"),
        ("f:spreadsheet_id", SHEET_ID),
        ("f:sheet_range", "Leads"),
        ("f:emit", "changed"),
        ("f:watch_fields", ""),
        ("f:watch_fields.item", "Plan"),
        ("f:watch_fields.item", ""),
    ]
    _, result = apply(alice_client, workflow, "trigger.poll", {}, values)
    assert result["applicable"] and result["valid"], result
    config = result["config"]
    assert (config["source"], config["id_field"]) == ("google_sheets", "row_number")
    assert (config["emit"], config["watch_fields"]) == ("changed", ["Plan"])
