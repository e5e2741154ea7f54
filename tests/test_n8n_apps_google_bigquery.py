"""Importing n8n's Google BigQuery node (editor/n8n/apps_google_bigquery.py) onto
`app.google_bigquery`: the corpus's record create becomes a row of the item's columns, the
refusals, and the imported node run in the engine against the fake BigQuery."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.google_bigquery import PROJECT, FakeBigQuery
from tests.fakes.google_sheets import new_key
from tests.test_n8n_apps import converted, refusal, single

CORPUS: dict[str, Any] = {
    "columns": "name, latitude, longitude, timestamp",
    "options": {},
    "tableId": "position",
    "datasetId": "iss",
    "projectId": PROJECT,
}
ISS = {"name": "iss", "latitude": 51.5, "longitude": -0.12, "timestamp": 1700000000}


def test_record_create_becomes_a_row_of_the_items_columns():
    node = converted("googleBigQuery", CORPUS | {"options": {"skipInvalidRows": True}})
    assert node["type"] == "app.google_bigquery"
    assert node["config"]["operation"] == "insert_rows"
    assert node["config"]["project_id"] == PROJECT
    assert (node["config"]["dataset_id"], node["config"]["table_id"]) == ("iss", "position")
    assert list(node["config"]["rows"]) == ["name", "latitude", "longitude", "timestamp"]
    assert node["config"]["skip_invalid_rows"] is True
    assert "choose a Google BigQuery credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "version", "said"),
    [
        ({**CORPUS, "operation": "getAll"}, 1, "does 'record / getAll'"),
        ({**CORPUS, "columns": ""}, 1, "inserts no columns"),
        ({**CORPUS, "datasetId": ""}, 1, "has no Dataset ID"),
        ({**CORPUS, "options": {"traceId": "t"}}, 1, "traceId"),
        (CORPUS, 2, "is version 2"),
    ],
)
def test_what_the_bigquery_node_lacks_is_refused_naming_node_and_construct(params, version, said):
    message = refusal("googleBigQuery", params, version)
    assert "'App' (n8n-nodes-base.googleBigQuery)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_insert_runs_with_the_items_fields(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(single("googleBigQuery", CORPUS, name="Google BigQuery"))
    assert validate_graph(graph) == []
    public, private = new_key()
    with running(FakeBigQuery(public.public_key())) as google:
        schema = [{"name": k, "type": "STRING", "mode": "NULLABLE"} for k in ISS]
        rows = google.table("iss", "position", schema)
        credential = store.create(
            alice,
            "Acme Google",
            "google_sheets",
            {"service_account_key": private, "base_url": google.url, "token_url": google.token_url},
        )
        for node in graph["nodes"]:
            if node["type"] == "app.google_bigquery":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), ISS)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    assert rows == [ISS]
