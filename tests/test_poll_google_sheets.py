"""trigger.poll's google_sheets source (the "Google Sheets: new row" preset) against a fake
Google (tests/fakes/google_sheets.py): the preset fills the settings, the first poll records the
sheet's rows, each appended row starts one run with the row as an object by the header row and
its row_number, a seen row (edited or not) never runs again, and a refused key is shown on the
workflow page without the key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from editor.models import Poll, SeenItem, Workflow
from editor.nodes import trigger_poll
from executions.models import Execution
from tests.fakes import running
from tests.fakes.google_sheets import FakeGoogle, new_key
from tests.test_poll_trigger import active, poll_now

pytestmark = pytest.mark.django_db(transaction=True)
SHEET_ID = "1SheetOfLeads"


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeGoogle]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGoogle(keys[0].public_key())) as fake:
        fake.sheets[SHEET_ID] = {
            "Leads": [["Name", "Email", "Plan"], ["Ada", "ada@x.org", "pro"], ["Bob", "bob@x.org"]]
        }
        yield fake


def key_credential(owner: Any, fake: FakeGoogle, key_file: str) -> int:
    value = {"service_account_key": key_file, "base_url": fake.url, "token_url": fake.token_url}
    return store.create(owner, "Acme Google", "google_sheets", value).pk


def sheet_graph(credential: int | None) -> dict[str, Any]:
    config = trigger_poll.fill_form(
        {
            "preset": "google_sheets_rows",
            "spreadsheet_id": SHEET_ID,
            "sheet_range": "Leads",
            "credential": credential,
            "interval_seconds": 60,
        }
    )
    trigger = {"id": "new_row", "type": "trigger.poll", "config": config}
    note = {
        "id": "note",
        "type": "utility.transform",
        "config": {
            "language": "template",
            "expression": "{{ trigger.Name }} <{{ trigger.Email }}> row {{ trigger.row_number }}",
        },
    }
    return {"nodes": [trigger, note], "edges": [{"source": "new_row", "target": "note"}]}


@pytest.fixture
def leads(alice: Any, google: FakeGoogle, keys: tuple[Any, str]) -> Workflow:
    return active(alice, sheet_graph(key_credential(alice, google, keys[1])))


def test_the_preset_sets_the_sheets_source_with_the_row_number_as_id():
    filled = trigger_poll.fill_form(
        {
            "preset": "google_sheets_rows",
            "spreadsheet_id": SHEET_ID,
            "sheet_range": "Leads!A:C",
            "header_row": True,
            "credential": 4,
            "url": "https://old.example/api",
            "items_path": "data",
        }
    )
    assert filled == {
        "source": "google_sheets",
        "spreadsheet_id": SHEET_ID,
        "sheet_range": "Leads!A:C",
        "header_row": True,
        "credential": 4,
        "method": "GET",
        "id_field": "row_number",
    }
    config = trigger_poll.Config.model_validate(filled)
    assert trigger_poll.asks(config) == f"Google Sheets {SHEET_ID}, Leads!A:C"
    with pytest.raises(ValidationError) as caught:
        trigger_poll.Config.model_validate(trigger_poll.fill_form({"preset": "google_sheets_rows"}))
    assert {e["loc"] for e in caught.value.errors()} == {("spreadsheet_id",), ("sheet_range",)}


def test_the_settings_form_applies_the_sheets_preset(alice_client, alice):
    workflow = Workflow.create(alice, "w")
    response = alice_client.post(
        f"/workflows/{workflow.pk}/node-settings/",
        {
            "action": "apply",
            "node_type": "trigger.poll",
            "node_id": "poll",
            "config": "{}",
            "f:preset": "google_sheets_rows",
            "f:spreadsheet_id": SHEET_ID,
            "f:sheet_range": "Leads",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="row_number"' in html and SHEET_ID in html
    assert "Enter the address of the JSON API" not in html


def test_the_first_poll_records_the_rows_and_starts_nothing(leads, google):
    assert poll_now(leads) == 0
    poll = Poll.objects.get(workflow=leads)
    assert poll.primed and (poll.last_status, poll.last_found, poll.last_started) == ("ok", 2, 0)
    assert SeenItem.objects.filter(workflow=leads, node_id="new_row").count() == 2
    [token, read] = google.requests
    assert token.path == "/token"
    assert (read.method, read.path) == ("GET", f"/v4/spreadsheets/{SHEET_ID}/values/Leads")
    assert read.headers["authorization"].removeprefix("Bearer ") in google.tokens


def test_each_appended_row_starts_one_run_with_the_row_by_header(leads, google):
    poll_now(leads)
    rows = google.sheets[SHEET_ID]["Leads"]
    rows += [["Cy", "cy@x.org", "free"], ["Dee", "dee@x.org"]]

    assert poll_now(leads) == 2

    runs = Execution.objects.filter(workflow=leads).order_by("created_at")
    assert [r.trigger_data for r in runs] == [
        {"Name": "Cy", "Email": "cy@x.org", "Plan": "free", "row_number": 4},
        {"Name": "Dee", "Email": "dee@x.org", "Plan": "", "row_number": 5},
    ]
    for run in runs:
        run.refresh_from_db()
        assert run.status == "succeeded", run.error
    notes = sorted(r.steps.get(key="note").output["result"] for r in runs)
    assert notes == ["Cy <cy@x.org> row 4", "Dee <dee@x.org> row 5"]


def test_seen_rows_never_run_twice_and_edits_start_nothing(leads, google):
    poll_now(leads)
    rows = google.sheets[SHEET_ID]["Leads"]
    rows.append(["Cy", "cy@x.org", "free"])
    assert poll_now(leads) == 1
    assert poll_now(leads) == 1  # still there: not new
    rows[1] = ["Ada", "ada@new.org", "team"]  # an old row edited
    assert poll_now(leads) == 1
    assert Poll.objects.get(workflow=leads).last_started == 0


def test_a_blank_row_starts_a_run_once_it_is_filled_in(leads, google):
    rows = google.sheets[SHEET_ID]["Leads"]
    rows += [[], ["Eve", "eve@x.org", "pro"]]  # row 4 left blank
    poll_now(leads)
    rows[3] = ["Fay", "fay@x.org", "pro"]
    assert poll_now(leads) == 1
    assert Execution.objects.get(workflow=leads).trigger_data["row_number"] == 4


def test_a_refused_key_is_shown_on_the_workflow_page_without_the_key(alice, alice_client, google):
    _, other_key = new_key()  # Google does not know this key: invalid_grant
    workflow = active(alice, sheet_graph(key_credential(alice, google, other_key)))
    poll_now(workflow)
    poll = Poll.objects.get(workflow=workflow)
    assert (poll.last_status, poll.primed) == ("error", False)
    page = alice_client.get(workflow.get_absolute_url()).content.decode()
    assert f"Asks <code>Google Sheets {SHEET_ID}, Leads</code>" in page
    assert "Last poll failed" in page and "Acme Google" in page and "invalid_grant" in page
    private_key = other_key.split("PRIVATE KEY-----")[1][:40].replace("\\n", "")
    assert private_key not in poll.last_error and private_key not in page


def test_a_missing_or_wrong_credential_says_which_kind_to_choose(alice, google):
    workflow = active(alice, sheet_graph(None))
    poll_now(workflow)
    assert Poll.objects.get(workflow=workflow).last_error == (
        "Choose a Google service account key credential in the poll trigger's settings to "
        "read Google Sheets."
    )
    token = store.create(alice, "Acme GitHub", "github", {"token": "ghp_" + "x" * 36}).pk
    workflow = active(alice, sheet_graph(token))
    poll_now(workflow)
    assert Poll.objects.get(workflow=workflow).last_error.endswith(
        "read Google Sheets: “Acme GitHub” is of kind github."
    )


def test_the_sheets_to_slack_starter_posts_each_new_row(alice, google, keys):
    from editor.gallery import TEMPLATES
    from tests.fakes.slack import BOT_TOKEN, FakeSlack

    with running(FakeSlack()) as slack:
        graph = TEMPLATES["new-google-sheets-row-to-slack"].new_graph()
        trigger, _, notify = graph["nodes"]
        trigger["config"]["spreadsheet_id"] = SHEET_ID
        trigger["config"]["credential"] = key_credential(alice, google, keys[1])
        notify["config"]["credential"] = store.create(
            alice, "Acme Slack", "slack", {"bot_token": BOT_TOKEN, "base_url": slack.api_url}
        ).pk
        workflow = active(alice, graph)
        poll_now(workflow)
        google.sheets[SHEET_ID]["Leads"] += [["Cy", "cy@x.org", "team"], ["Dan"]]
        poll_now(workflow)
    runs = Execution.objects.filter(workflow=workflow)
    assert len(runs) == 2
    for run in runs:
        run.refresh_from_db()
        assert run.status == "succeeded", run.error
    [posted] = slack.messages
    assert posted.text == "New lead in row 4: Cy <cy@x.org> (team)"
