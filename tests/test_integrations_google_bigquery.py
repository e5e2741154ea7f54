"""app.google_bigquery against a fake BigQuery (tests/fakes/google_bigquery.py) with the
service-account key credential: rows streamed with an insertId fixed per step (a retry inserts
nothing twice), BigQuery's insertErrors, a query's rows typed by its schema (and a job that
needs waiting for), Google's refusals, and a run through the engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.google_bigquery.bigquery_api import SCOPE
from integrations.google_bigquery.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.google_bigquery import PROJECT, FakeBigQuery
from tests.fakes.google_sheets import new_key
from workfuse.lib.node_run import Secret

BQ = "app.google_bigquery"
SCHEMA = [
    {"name": "name", "type": "STRING", "mode": "NULLABLE"},
    {"name": "latitude", "type": "FLOAT", "mode": "NULLABLE"},
    {"name": "timestamp", "type": "INTEGER", "mode": "NULLABLE"},
    {"name": "visible", "type": "BOOLEAN", "mode": "NULLABLE"},
]
TABLE = {"project_id": PROJECT, "dataset_id": "iss", "table_id": "position"}
ISS = {"name": "iss", "latitude": 51.5, "timestamp": 1700000000, "visible": True}


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeBigQuery]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeBigQuery(keys[0].public_key())) as fake:
        fake.table("iss", "position", SCHEMA)
        yield fake


@pytest.fixture
def key(google: FakeBigQuery, keys: tuple[Any, str]) -> Secret:
    settings = {"base_url": google.url, "token_url": google.token_url}
    return Secret("google_sheets", {"service_account_key": keys[1]}, settings, name="Acme Google")


def test_insert_streams_the_rows_with_an_insert_id_per_step(google, key):
    config = {"operation": "insert_rows", **TABLE, "rows": [ISS, ISS | {"name": "tiangong"}]}
    assert run_app(BQ, config, key) == {"inserted": 2, "insertErrors": []}
    token, insert = google.requests
    assert token.path == "/token"
    assert google.assertions[0]["scope"] == SCOPE
    assert insert.path == f"/bigquery/v2/projects/{PROJECT}/datasets/iss/tables/position/insertAll"
    assert [r["insertId"] for r in insert.json["rows"]] == ["exec-1-app-0", "exec-1-app-1"]
    assert insert.json["rows"][0]["json"] == ISS
    run_app(BQ, config, key)  # the same step again: BigQuery drops the repeated insertIds
    assert [r["name"] for r in google.tables[("iss", "position")]["rows"]] == ["iss", "tiangong"]


def test_a_refused_row_fails_the_step_unless_invalid_rows_are_skipped(google, key):
    rows = [ISS, {"name": "x", "altitude": 408}]
    refused = app_error(BQ, {"operation": "insert_rows", **TABLE, "rows": rows}, key)
    assert refused.message.startswith(
        "BigQuery refused row 1 of 2 (none was inserted): no such field"
    )
    assert google.tables[("iss", "position")]["rows"] == []
    skipped = run_app(
        BQ, {"operation": "insert_rows", **TABLE, "rows": rows, "skip_invalid_rows": True}, key
    )
    assert skipped["inserted"] == 1 and skipped["insertErrors"][0]["index"] == 1


def test_a_query_outputs_its_rows_typed_by_the_schema(google, key):
    google.tables[("iss", "position")]["rows"].append(ISS)
    output = run_app(BQ, {"project_id": PROJECT, "query": "SELECT * FROM iss.position"}, key)
    query = google.requests[-1]
    assert query.json == {
        "query": "SELECT * FROM iss.position",
        "useLegacySql": False,
        "maxResults": 1000,
        "timeoutMs": 10000,
    }
    assert output["rows"] == [ISS] and output["count"] == 1 and output["total_rows"] == 1
    google.slow = True
    counted = run_app(
        BQ, {"project_id": PROJECT, "query": "SELECT COUNT(*) AS n FROM iss.position"}, key
    )
    waited = google.requests[-1]
    assert waited.method == "GET" and waited.query["location"] == ["EU"]
    assert counted["rows"] == [{"n": 1}]


def test_googles_refusals_are_quoted(google, key):
    bad = app_error(BQ, {"project_id": PROJECT, "query": "SELEC 1"}, key)
    assert "HTTP 400" in bad.message and "INVALID_ARGUMENT: Syntax error" in bad.message
    missing = app_error(
        BQ, {"operation": "insert_rows", **TABLE, "table_id": "nope", "rows": ISS}, key
    )
    assert "HTTP 404" in missing.message and "Not found: Table" in missing.message


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "run_query", "query": "SELECT 1"}, "project_id"),
        ({"operation": "run_query", "project_id": "p"}, "query"),
        ({"operation": "insert_rows", **TABLE}, "rows"),
        ({"operation": "insert_rows", **TABLE, "rows": "[1, 2]"}, "rows"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


@pytest.mark.django_db(transaction=True)
def test_a_run_inserts_the_triggers_row_with_the_stored_key(alice, google, keys):
    credential = store.create(
        alice,
        "Acme Google",
        "google_sheets",
        {"service_account_key": keys[1], "base_url": google.url, "token_url": google.token_url},
    )
    node = {
        "id": "insert",
        "type": BQ,
        "config": {
            "credential": credential.pk,
            "operation": "insert_rows",
            **TABLE,
            "rows": {"name": "{{ trigger.name }}", "latitude": "{{ trigger.latitude }}"},
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), ISS)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert google.tables[("iss", "position")]["rows"] == [{"name": "iss", "latitude": 51.5}]
