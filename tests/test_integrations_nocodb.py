"""app.nocodb against a fake NocoDB data API v2 (tests/fakes/nocodb.py): each operation's
request and output, pages of rows, NocoDB's errors, the token's test, and a run through the
engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.nocodb import data_api, node
from integrations.nocodb.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.nocodb import TABLE, TOKEN, FakeNocoDB
from workfuse.lib.node_run import NodeError, Secret

NC = "app.nocodb"
ROWS = f"/api/v2/tables/{TABLE}/records"


@pytest.fixture
def nocodb(settings: Any) -> Iterator[FakeNocoDB]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeNocoDB()) as fake:
        yield fake


def token(fake: FakeNocoDB, value: str = TOKEN) -> Secret:
    return Secret("nocodb", {"api_token": value}, {"base_url": fake.url}, name="News")


def test_create_get_update_list_and_delete_rows(nocodb):
    made = run_app(
        NC, {"table_id": TABLE, "fields": {"Title": "One", "Status": "Open"}}, token(nocodb)
    )
    run_app(NC, {"table_id": TABLE, "fields": {"Title": "Two", "Status": "Done"}}, token(nocodb))
    by_id = {"table_id": TABLE, "row_id": "1"}
    got = run_app(NC, by_id | {"operation": "get_row"}, token(nocodb))
    updated = run_app(
        NC, by_id | {"operation": "update_row", "fields": {"Status": "Done"}}, token(nocodb)
    )
    listed = run_app(
        NC,
        {"operation": "list_rows", "table_id": TABLE, "where": "(Status,eq,Done)", "sort": "-Id"},
        token(nocodb),
    )
    deleted = run_app(NC, by_id | {"operation": "delete_row"}, token(nocodb))
    assert [(r.method, r.path) for r in nocodb.requests] == [
        ("POST", ROWS),
        ("POST", ROWS),
        ("GET", f"{ROWS}/1"),
        ("PATCH", ROWS),
        ("GET", ROWS),
        ("DELETE", ROWS),
    ]
    assert nocodb.requests[0].headers["xc-token"] == TOKEN
    assert made == {"Title": "One", "Status": "Open", "Id": 1}
    assert got == {"Id": 1, "Title": "One", "Status": "Open"}
    assert nocodb.requests[3].json == {"Status": "Done", "Id": 1} == updated
    assert nocodb.requests[4].query["where"] == ["(Status,eq,Done)"]
    assert [r["Title"] for r in listed["rows"]] == ["Two", "One"] and listed["count"] == 2
    assert deleted == {"Id": 1} and list(nocodb.rows) == [2]


def test_list_rows_reads_page_after_page(nocodb, monkeypatch):
    for n in range(5):
        run_app(NC, {"table_id": TABLE, "fields": {"Title": f"R{n}"}}, token(nocodb))
    monkeypatch.setattr(node, "PAGE", 2)
    listed = run_app(
        NC, {"operation": "list_rows", "table_id": TABLE, "max_results": 5}, token(nocodb)
    )
    assert [r["Title"] for r in listed["rows"]] == [f"R{n}" for n in range(5)]
    assert [r.query["offset"] for r in nocodb.requests[5:]] == [["0"], ["2"], ["4"]]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create_row", "fields": {"a": 1}}, "table_id"),
        ({"operation": "create_row", "table_id": TABLE}, "fields"),
        ({"operation": "delete_row", "table_id": TABLE}, "row_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_nocodb_s_errors_are_quoted_and_a_wrong_token_names_the_credential(nocodb):
    failed = app_error(NC, {"table_id": TABLE, "fields": {"a": 1}}, token(nocodb, "old"))
    assert not failed.retryable
    assert failed.message.startswith(
        "NocoDB did not accept the credential “News” (Authentication required - Invalid token)"
    )
    other = app_error(NC, {"table_id": "mnope", "fields": {"a": 1}}, token(nocodb))
    assert other.message == "NocoDB refused create_row (HTTP 404): Table 'mnope' not found"
    gone = app_error(NC, {"operation": "get_row", "table_id": TABLE, "row_id": "9"}, token(nocodb))
    assert gone.message.endswith("(HTTP 404): Record '9' not found")


def test_the_token_test_counts_the_bases(nocodb):
    assert data_api.check_token(token(nocodb)) == "Connected to NocoDB: 1 base(s)."
    with pytest.raises(NodeError, match="did not accept the credential “News”"):
        data_api.check_token(token(nocodb, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_stores_the_rendered_row(alice, nocodb):
    credential = store.create(alice, "News", "nocodb", {"api_token": TOKEN, "base_url": nocodb.url})
    config = {
        "credential": credential.pk,
        "table_id": TABLE,
        "fields": {"Title": "{{ trigger.title }}", "News_Source": "Colt"},
    }
    execution = engine.start_execution(
        make_workflow(alice, chain({"id": "save", "type": NC, "config": config})),
        {"title": "Launch"},
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert nocodb.rows[1] == {"Id": 1, "Title": "Launch", "News_Source": "Colt"}
    step = Step.objects.get(execution=execution, key="save")
    assert step.output == {"Title": "Launch", "News_Source": "Colt", "Id": 1}
    assert TOKEN not in json.dumps([s.input for s in execution.steps.all()])
