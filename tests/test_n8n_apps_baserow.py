"""Importing n8n's Baserow node (editor/n8n/apps_baserow.py) onto `app.baserow`: the config
each operation becomes (from the corpus's own settings), field ids as `field_<id>`, the
refusals, where many rows lie, and an imported workflow run in the engine against the fake
Baserow."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.baserow import TABLE_ID, TOKEN, FakeBaserow
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "tableId": 607,
                "fieldsUi": {
                    "fieldValues": [
                        {"fieldId": 5870, "fieldValue": "={{ $json.summary }}"},
                        {"fieldId": 5871, "fieldValue": "Name of your blog"},
                    ]
                },
                "operation": "create",
                "databaseId": 121,
            },
            {
                "operation": "create_row",
                "table_id": 607,
                "fields": {
                    "field_5870": "{{ trigger.summary }}",
                    "field_5871": "Name of your blog",
                },
            },
        ),
        (
            {
                "tableId": 607,
                "operation": "update",
                "rowId": "={{ $json.id }}",
                "fieldsUi": {"fieldValues": [{"fieldId": 5870, "fieldValue": "done"}]},
            },
            {
                "operation": "update_row",
                "table_id": 607,
                "row_id": "{{ trigger.id }}",
                "fields": {"field_5870": "done"},
            },
        ),
        (
            {"tableId": 607, "operation": "get", "rowId": "3"},
            {"operation": "get_row", "table_id": 607, "row_id": "3"},
        ),
        (
            {"tableId": 607, "operation": "delete", "rowId": "3"},
            {"operation": "delete_row", "table_id": 607, "row_id": "3"},
        ),
        (
            {"tableId": 607},
            {"operation": "list_rows", "table_id": 607, "max_results": 50},
        ),
        (
            {
                "tableId": 607,
                "limit": 5,
                "additionalOptions": {
                    "filters": {"fields": [{"field": 5870, "value": "open"}]},
                    "filterType": "OR",
                    "search": "blog",
                    "order": {"fields": [{"field": 5868, "direction": "-"}]},
                },
            },
            {
                "operation": "list_rows",
                "table_id": 607,
                "max_results": 5,
                "filters": [{"field": "field_5870", "operator": "equal", "value": "open"}],
                "filter_type": "OR",
                "search": "blog",
                "order": [{"field": "field_5868", "direction": "desc"}],
            },
        ),
    ],
)
def test_each_operation_becomes_its_baserow_config(params, config):
    node = converted("baserow", params)
    assert node["type"] == "app.baserow"
    assert node["config"] == config
    assert "choose a Baserow credential (a database token" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "create", "tableId": 1, "dataToSend": "autoMapInputData"}, "Auto-map"),
        ({"operation": "create", "tableId": 1, "fieldsUi": {}}, "sends no field values"),
        ({"operation": "get", "tableId": 1}, "names no row; set the Row ID"),
        ({"operation": "getAll"}, "names no table"),
    ],
)
def test_what_the_baserow_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("baserow", params)
    assert "'App' (n8n-nodes-base.baserow)" in message
    assert said in message


def test_many_rows_say_where_their_items_lie():
    assert spec_items("baserow", {"tableId": 1}, 1) == "rows"
    assert spec_items("baserow", {"tableId": 1, "operation": "get", "rowId": "1"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_saves_the_row_by_field_id(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "baserow",
        {
            "tableId": TABLE_ID,
            "databaseId": 121,
            "operation": "create",
            "fieldsUi": {
                "fieldValues": [
                    {"fieldId": 5869, "fieldValue": "={{ $json.text }}"},
                    {"fieldId": 5870, "fieldValue": "new"},
                ]
            },
        },
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeBaserow()) as baserow:
        credential = store.create(
            alice, "Tables", "baserow", {"token": TOKEN, "base_url": baserow.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.baserow":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {"text": "Good week"})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [row] = baserow.rows
    assert (row["field_5869"], row["field_5870"]) == ("Good week", "new")
