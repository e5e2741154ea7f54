"""app.baserow against a fake Baserow (tests/fakes/baserow.py): rows written by field name and
sent by field id, rows answered by field name (as n8n's node gives them), filters, search,
order and paging, Baserow's errors, the token's test, and a run through the engine with a
stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.baserow import rest_api
from integrations.baserow.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.baserow import TABLE_ID, TOKEN, FakeBaserow
from workfuse.lib.node_run import NodeError, Secret

BR = "app.baserow"
TABLE = str(TABLE_ID)


@pytest.fixture
def baserow(settings: Any) -> Iterator[FakeBaserow]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeBaserow()) as fake:
        yield fake


def token(fake: FakeBaserow, value: str = TOKEN) -> Secret:
    return Secret("baserow", {"token": value}, {"base_url": fake.url}, name="Tables")


def test_create_row_sends_names_and_ids_as_field_ids_and_answers_by_name(baserow):
    output = run_app(
        BR,
        {
            "operation": "create_row",
            "table_id": TABLE,
            "fields": {"Summary": "Good week", "field_5868": "2026-12-06", "5870": "new"},
        },
        token(baserow),
    )
    fields, create = baserow.requests
    assert fields.path == f"/api/database/fields/table/{TABLE_ID}/"
    assert (create.method, create.path) == ("POST", f"/api/database/rows/table/{TABLE_ID}/")
    assert create.headers["authorization"] == f"Token {TOKEN}"
    assert create.json == {
        "field_5869": "Good week",
        "field_5868": "2026-12-06",
        "field_5870": "new",
    }
    assert output == {
        "id": 1,
        "order": "1.00000000000000000000",
        "Date": "2026-12-06",
        "Summary": "Good week",
        "Status": "new",
    }


def test_get_update_and_delete_address_the_row(baserow):
    baserow.add(field_5870="open")
    got = run_app(BR, {"operation": "get_row", "table_id": TABLE, "row_id": "1"}, token(baserow))
    updated = run_app(
        BR,
        {"operation": "update_row", "table_id": TABLE, "row_id": "1", "fields": {"Status": "done"}},
        token(baserow),
    )
    deleted = run_app(
        BR, {"operation": "delete_row", "table_id": TABLE, "row_id": "1"}, token(baserow)
    )
    assert [(r.method, r.path) for r in baserow.requests[1::2]] == [
        ("GET", f"/api/database/rows/table/{TABLE_ID}/1/"),
        ("PATCH", f"/api/database/rows/table/{TABLE_ID}/1/"),
        ("DELETE", f"/api/database/rows/table/{TABLE_ID}/1/"),
    ]
    assert baserow.requests[3].json == {"field_5870": "done"}
    assert got["Status"] == "open" and updated["Status"] == "done"
    assert deleted == {"success": True} and baserow.rows == []


def test_list_rows_filters_orders_and_reads_every_page(baserow):
    for n in range(205):
        baserow.add(field_5870="open" if n % 2 == 0 else "closed", field_5868=f"d{n:03d}")
    output = run_app(
        BR,
        {
            "table_id": TABLE,
            "filters": [{"field": "Status", "value": "open"}],
            "order": [{"field": "Date", "direction": "desc"}],
        },
        token(baserow),
    )
    first = baserow.requests[1]
    assert first.query == {
        "size": ["200"],
        "filter__field_5870__equal": ["open"],
        "filter_type": ["AND"],
        "order_by": ["-field_5868"],
        "page": ["1"],
    }
    assert output["count"] == 103
    assert output["rows"][0]["Date"] == "d204" and output["rows"][0]["Status"] == "open"
    capped = run_app(BR, {"table_id": TABLE, "max_results": 250}, token(baserow))
    assert capped["count"] == 205 and len(baserow.requests) == 2 + 3  # fields, then page 1 and 2


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "get_row"}, "table_id"),
        ({"operation": "delete_row", "table_id": "1"}, "row_id"),
        ({"operation": "create_row", "table_id": "1"}, "fields"),
        ({"operation": "create_row", "table_id": "1", "fields": "[1]"}, "fields"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_an_unknown_field_name_is_named(baserow):
    error = app_error(
        BR,
        {"operation": "create_row", "table_id": TABLE, "fields": {"Colour": "red"}},
        token(baserow),
    )
    assert error.message.startswith(f"Table {TABLE_ID} has no field named “Colour”")
    shapeless = app_error(BR, {"table_id": TABLE, "filters": [{"value": "x"}]}, token(baserow))
    assert shapeless.message.startswith("The filters field must render to a JSON list of objects")
    operator = app_error(
        BR,
        {"table_id": TABLE, "filters": [{"field": "Status", "operator": "x&y=1"}]},
        token(baserow),
    )
    assert operator.message == "The filters field has an operator Baserow lacks: “x&y=1”."


def test_a_wrong_token_names_the_credential_and_a_missing_row_quotes_baserow(baserow):
    error = app_error(BR, {"table_id": TABLE}, token(baserow, "old"))
    assert not error.retryable
    assert error.message.startswith("Baserow did not accept the credential “Tables”")
    missing = app_error(
        BR, {"operation": "get_row", "table_id": TABLE, "row_id": "9"}, token(baserow)
    )
    assert missing.message == (
        "Baserow refused get_row (HTTP 404): ERROR_ROW_DOES_NOT_EXIST: The row 9 does not exist."
    )
    bad = app_error(
        BR,
        {"operation": "create_row", "table_id": TABLE, "fields": {"field_1": "x"}},
        token(baserow),
    )
    assert "ERROR_REQUEST_BODY_VALIDATION: field_1: This field does not exist." in bad.message


def test_the_token_test_checks_the_token(baserow):
    assert (
        rest_api.check_token(token(baserow)) == "Connected to Baserow: the database token is valid."
    )
    with pytest.raises(NodeError, match="did not accept the credential “Tables”"):
        rest_api.check_token(token(baserow, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_saves_the_rendered_row_with_the_stored_credential(alice, baserow):
    credential = store.create(alice, "Tables", "baserow", {"token": TOKEN, "base_url": baserow.url})
    node = {
        "id": "save",
        "type": BR,
        "config": {
            "credential": credential.pk,
            "operation": "create_row",
            "table_id": TABLE,
            "fields": {"Summary": "{{ trigger.text }}"},
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"text": "Fine"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [row] = baserow.rows
    assert row["field_5869"] == "Fine"
    step = Step.objects.get(execution=execution, key="save")
    assert step.output is not None and step.output["Summary"] == "Fine"
    assert TOKEN not in json.dumps([step.input, step.output])
