"""The import of n8n's Google Sheets Trigger (editor/n8n/apps_google.py) on "Row Updated" and
"Row Added or Updated": trigger.poll with `emit` and `watch_fields`, n8n's default event
(anyUpdate, left out of exports), the data location, the caveats and refusals naming node and
construct, and the corpus's shape (Printify: a trigger on the column "upload" → If upload is
"yes" → nodes reading the trigger's row) imported through the API with every node mapped and
run against the fake Google."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from editor.graph import ImportRefused
from editor.models import Workflow
from editor.n8n import convert
from editor.nodes import trigger_poll
from executions.models import Execution, Step
from tests.fakes import running
from tests.fakes.google_sheets import FakeGoogle, new_key
from tests.test_n8n_cycle_exits import if_node
from tests.test_n8n_flow import export, n8n_node, set_fields
from tests.test_n8n_import import by_label
from tests.test_poll_google_sheets import key_credential
from tests.test_poll_trigger import poll_now

SHEET = "1A6PrintifySheet"
TRIGGER = "Google Sheets Trigger"
DOCUMENT = {"__rl": True, "mode": "list", "value": SHEET, "cachedResultName": "Printify"}
TAB = {"__rl": True, "mode": "list", "value": "gid=0", "cachedResultName": "Sheet1"}


def sheets_trigger(**params: Any) -> dict[str, Any]:
    base = {
        "pollTimes": {"item": [{"mode": "everyMinute"}]},
        "documentId": DOCUMENT,
        "sheetName": TAB,
        **params,
    }
    return n8n_node(TRIGGER, "googleSheetsTrigger", base, 1)


def printify_export(**params: Any) -> dict[str, Any]:
    """The corpus's Printify shape: Row Updated, watching "upload" → If upload is "yes" → a
    node reading the trigger's row by name."""
    trigger = sheets_trigger(event="rowUpdate", options={"columnsToWatch": ["upload"]}, **params)
    nodes = [
        trigger,
        if_node("If", "={{ $json.upload }}", "equals", "yes"),
        set_fields(
            "Product",
            title=f"={{{{ $('{TRIGGER}').item.json.product_title }}}}",
            row="={{ $json.row_number }}",
        ),
    ]
    return export("Printify", nodes, [(TRIGGER, "If"), ("If", 0, "Product")])


def converted(trigger: dict[str, Any]) -> dict[str, Any]:
    graph = convert(export("Sheet", [trigger], []))
    [node] = graph["nodes"]
    assert node["type"] == "trigger.poll"
    trigger_poll.Config.model_validate(node["config"])
    return node


def refusal(trigger: dict[str, Any]) -> str:
    with pytest.raises(ImportRefused) as refused:
        convert(export("Sheet", [trigger], []))
    [issue] = refused.value.issues
    assert issue.message.startswith(f"n8n node '{TRIGGER}' (n8n-nodes-base.googleSheetsTrigger)")
    return issue.message


def test_row_updated_becomes_a_poll_of_changed_rows_watching_the_chosen_columns():
    node = converted(sheets_trigger(event="rowUpdate", options={"columnsToWatch": ["upload"]}))
    assert node["config"] == {
        "source": "google_sheets",
        "spreadsheet_id": SHEET,
        "sheet_range": "Sheet1",
        "id_field": "row_number",
        "interval_seconds": 60,
        "emit": "changed",
        "watch_fields": ["upload"],
    }
    assert "one run with all the changed rows; WorkFuse starts one run per row" in node["notes"]
    assert "WorkFuse reads the cells as the sheet shows them" in node["notes"]
    assert "column right of each watched one" not in node["notes"]


def test_the_event_left_out_is_n8ns_default_row_added_or_updated():
    node = converted(sheets_trigger())
    assert (node["config"]["emit"], node["config"]["watch_fields"]) == ("new_or_changed", [])
    assert "all the added or changed rows" in node["notes"]


def test_row_added_or_updated_with_watched_columns_notes_n8ns_shifted_comparison():
    node = converted(sheets_trigger(event="anyUpdate", options={"columnsToWatch": ["Status"]}))
    assert node["config"]["watch_fields"] == ["Status"]
    assert "compared the column right of each watched one" in node["notes"]


def test_row_added_stays_a_poll_of_new_rows():
    node = converted(sheets_trigger(event="rowAdded"))
    assert "emit" not in node["config"] and "watch_fields" not in node["config"]


def test_the_data_location_on_the_sheet_becomes_the_range_read():
    a1 = {"dataLocationOnSheet": {"values": {"rangeDefinition": "specifyRangeA1", "range": "A:F"}}}
    assert converted(sheets_trigger(options=a1))["config"]["sheet_range"] == "Sheet1!A:F"
    rows = {"dataLocationOnSheet": {"values": {"rangeDefinition": "specifyRange"}}}
    assert converted(sheets_trigger(options=rows))["config"]["sheet_range"] == "Sheet1"


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"includeInOutput": "old"}, "outputs the old version of each changed row"),
        ({"includeInOutput": "both"}, "outputs the old and new version of each changed row"),
        (
            {"options": {"columnsToWatch": "={{ ['upload'] }}"}},
            "chooses its Columns to Watch by an expression",
        ),
        (
            {
                "options": {
                    "dataLocationOnSheet": {
                        "values": {"rangeDefinition": "specifyRange", "headerRow": 3}
                    }
                }
            },
            "reads the sheet with header row 3 and first data row 2",
        ),
        (
            {"options": {"dataLocationOnSheet": {"values": {"rangeDefinition": "specifyRangeA1"}}}},
            "has an empty Range",
        ),
        ({"event": "rowDeleted"}, "starts on 'rowDeleted'"),
    ],
)
def test_what_the_poll_cannot_do_is_refused_naming_it(params: dict[str, Any], reason: str):
    assert reason in refusal(sheets_trigger(**{"event": "rowUpdate", **params}))


@pytest.fixture
def google(settings: Any) -> Iterator[tuple[FakeGoogle, str]]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    private, key_file = new_key()
    with running(FakeGoogle(private.public_key())) as fake:
        fake.sheets[SHEET] = {
            "Sheet1": [
                ["product_id", "product_title", "upload"],
                ["p1", "Mug", "no"],
                ["p2", "Poster", "no"],
            ]
        }
        yield fake, key_file


@pytest.mark.django_db(transaction=True)
def test_the_corpus_shape_imports_with_every_node_mapped_and_runs_on_a_watched_edit(
    alice, alice_api, google
):
    fake, key_file = google
    response = alice_api.post("/api/workflows/import", copy.deepcopy(printify_export()))
    assert response.status_code == 201, response.json()
    report = response.json()["report"]
    assert report["counts"]["refused"] == 0 and report["counts"]["nodes"] == 3
    workflow = Workflow.objects.get(pk=response.json()["id"], owner=alice)
    graph = copy.deepcopy(workflow.graph)
    trigger = by_label(graph, TRIGGER)
    trigger["config"]["credential"] = key_credential(alice, fake, key_file)
    workflow.save_graph(graph, user=alice)
    workflow.is_active = True
    workflow.save()
    rows = fake.sheets[SHEET]["Sheet1"]

    assert poll_now(workflow) == 0  # the baseline
    rows[1][1] = "Mug, 11 oz"  # not a watched column
    assert poll_now(workflow) == 0
    rows[2][2] = "yes"
    assert poll_now(workflow) == 1

    run = Execution.objects.get(workflow=workflow)
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    assert run.trigger_data == {
        "product_id": "p2",
        "product_title": "Poster",
        "upload": "yes",
        "row_number": 3,
    }
    product = Step.objects.get(execution=run, node_id=by_label(graph, "Product")["id"])
    assert product.output == {"result": {"title": "Poster", "row": "3"}}
