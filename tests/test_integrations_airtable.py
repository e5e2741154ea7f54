"""app.airtable against a fake Airtable (tests/fakes/airtable.py): each operation's request
(method, path, auth, body or query) and output, pagination, Airtable's errors and its 429
(wait 30 s), the token's test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.airtable import web_api
from integrations.airtable.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.airtable import BASE, TOKEN, FakeAirtable
from workfuse.lib.node_run import NodeError, Secret

AIRTABLE = "app.airtable"
TABLE = {"base_id": BASE, "table": "Leads"}


@pytest.fixture
def airtable(settings: Any) -> Iterator[FakeAirtable]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeAirtable()) as fake:
        yield fake


def token(fake: FakeAirtable, value: str = TOKEN) -> Secret:
    return Secret("airtable", {"token": value}, {"base_url": fake.url}, name="Acme Airtable")


def test_create_records_posts_their_fields_and_outputs_the_records(airtable):
    output = run_app(
        AIRTABLE,
        {
            **TABLE,
            "records": json.dumps([{"Name": "Ada", "Total": 42}, {"fields": {"Name": "Alan"}}]),
            "typecast": True,
        },
        token(airtable),
    )

    [request] = airtable.requests
    assert (request.method, request.path) == ("POST", f"/v0/{BASE}/Leads")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.json == {
        "records": [{"fields": {"Name": "Ada", "Total": 42}}, {"fields": {"Name": "Alan"}}],
        "typecast": True,
    }
    assert output["count"] == 2
    assert [r["fields"]["Name"] for r in output["records"]] == ["Ada", "Alan"]
    assert output["records"][0]["id"].startswith("rec")


def test_a_table_name_with_spaces_is_escaped(airtable):
    airtable.tables[(BASE, "Sales Leads")] = []
    run_app(
        AIRTABLE, {"base_id": BASE, "table": "Sales Leads", "records": [{"A": 1}]}, token(airtable)
    )
    assert airtable.requests[0].path == f"/v0/{BASE}/Sales%20Leads"
    assert airtable.tables[(BASE, "Sales Leads")][0]["fields"] == {"A": 1}


def test_update_records_patches_by_id(airtable):
    record = airtable.add("Leads", Name="Ada", Status="New")
    output = run_app(
        AIRTABLE,
        {
            **TABLE,
            "operation": "update_records",
            "records": [{"id": record["id"], "fields": {"Status": "Won"}}],
        },
        token(airtable),
    )

    [request] = airtable.requests
    assert (request.method, request.path) == ("PATCH", f"/v0/{BASE}/Leads")
    assert request.json == {"records": [{"id": record["id"], "fields": {"Status": "Won"}}]}
    assert output["records"][0]["fields"] == {"Name": "Ada", "Status": "Won"}


def test_list_records_follows_the_offset_up_to_max_records(airtable):
    for n in range(250):
        airtable.add("Leads", Name=f"lead {n}", Status="Open" if n % 2 else "Closed")

    output = run_app(
        AIRTABLE,
        {
            **TABLE,
            "operation": "list_records",
            "filter_by_formula": "{Status} = 'Open'",
            "view": "Grid view",
            "max_records": 120,
        },
        token(airtable),
    )

    first, second = airtable.requests
    assert (first.method, first.path) == ("GET", f"/v0/{BASE}/Leads")
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert first.query == {
        "pageSize": ["100"],
        "maxRecords": ["120"],
        "filterByFormula": ["{Status} = 'Open'"],
        "view": ["Grid view"],
    }
    assert second.query["offset"] == ["itr100"] and second.query["pageSize"] == ["20"]
    assert output["count"] == 120 and "offset" not in output
    assert all(r["fields"]["Status"] == "Open" for r in output["records"])


def test_list_records_says_where_to_go_on_when_more_remain(airtable):
    for n in range(5):
        airtable.add("Leads", Name=f"lead {n}")
    airtable.script(
        Answer(200, {"records": [airtable.tables[(BASE, "Leads")][0]], "offset": "itr1"})
    )
    output = run_app(
        AIRTABLE, {**TABLE, "operation": "list_records", "max_records": 1}, token(airtable)
    )
    assert output["count"] == 1 and output["offset"] == "itr1"
    assert len(airtable.requests) == 1


def test_more_than_ten_records_are_refused_on_the_field():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({**TABLE, "records": [{"n": i} for i in range(11)]})
    [error] = caught.value.errors()
    assert error["loc"] == ("records",) and "at most 10 records" in error["msg"]


def test_an_update_needs_each_records_id():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(
            {**TABLE, "operation": "update_records", "records": [{"fields": {"a": 1}}]}
        )
    assert caught.value.errors()[0]["loc"] == ("records",)


@pytest.mark.parametrize(
    ("config", "field"),
    [({"table": "T", "records": [{"a": 1}]}, "base_id"), ({**TABLE}, "records")],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


# --- Airtable's errors --------------------------------------------------------------------------


def test_a_wrong_token_names_the_credential(airtable):
    error = app_error(AIRTABLE, {**TABLE, "records": [{"a": 1}]}, token(airtable, "patWrong"))
    assert not error.retryable
    assert error.message.startswith(
        "Airtable did not accept the credential “Acme Airtable” (AUTHENTICATION_REQUIRED: "
    )


def test_a_base_the_token_cannot_see_names_the_credential(airtable):
    error = app_error(
        AIRTABLE, {"base_id": "appOther", "table": "T", "records": [{"a": 1}]}, token(airtable)
    )
    assert "(INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND: " in error.message
    assert "“Acme Airtable”" in error.message and not error.retryable


def test_a_bad_formula_quotes_airtable(airtable):
    error = app_error(
        AIRTABLE,
        {**TABLE, "operation": "list_records", "filter_by_formula": "Status ="},
        token(airtable),
    )
    assert error.message == (
        "Airtable refused list_records (HTTP 422): INVALID_FILTER_BY_FORMULA: The formula is "
        "invalid"
    )
    assert not error.retryable


def test_429_waits_the_30_seconds_airtable_documents(airtable):
    airtable.script(Answer(429, {"errors": [{"error": "RATE_LIMIT_REACHED"}]}))
    error = app_error(AIRTABLE, {**TABLE, "records": [{"a": 1}]}, token(airtable))
    assert error.retryable and error.retry_after == 30


def test_429_with_retry_after_waits_that(airtable):
    airtable.script(Answer(429, {"error": "RATE_LIMIT_REACHED"}, {"Retry-After": "5"}))
    error = app_error(AIRTABLE, {**TABLE, "records": [{"a": 1}]}, token(airtable))
    assert error.retry_after == 5


def test_an_outage_is_retried_without_the_429_wait(airtable):
    airtable.script(Answer(503, {"error": "SERVICE_UNAVAILABLE"}))
    error = app_error(AIRTABLE, {**TABLE, "records": [{"a": 1}]}, token(airtable))
    assert error.retryable and error.retry_after is None


# --- test connection, engine ----------------------------------------------------------------


def test_the_token_test_is_whoami(airtable):
    assert web_api.check_token(token(airtable)) == "Connected to Airtable as ada@example.com."
    assert [(r.method, r.path) for r in airtable.requests] == [("GET", "/v0/meta/whoami")]


def test_the_token_test_fails_on_a_401(airtable):
    with pytest.raises(NodeError, match="did not accept the credential “Acme Airtable”"):
        web_api.check_token(token(airtable, "patRevoked"))


@pytest.mark.django_db(transaction=True)
def test_a_run_adds_the_rendered_record_with_the_stored_credential(alice, airtable):
    credential = store.create(
        alice, "Acme Airtable", "airtable", {"token": TOKEN, "base_url": airtable.url}
    )
    node = {
        "id": "add",
        "type": AIRTABLE,
        "config": {
            "credential": credential.pk,
            **TABLE,
            "records": [{"Name": "{{ trigger.name }}", "Email": "{{ trigger.email }}"}],
        },
    }

    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"name": "Ada", "email": "ada@example.com"}
    )

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [record] = airtable.tables[(BASE, "Leads")]
    assert record["fields"] == {"Name": "Ada", "Email": "ada@example.com"}
    step = Step.objects.get(execution=execution, key="add")
    assert step.output["records"][0]["id"] == record["id"]
    assert TOKEN not in json.dumps([step.input, step.output])


@pytest.mark.django_db(transaction=True)
def test_the_contact_form_starter_adds_a_record_and_a_notion_page(alice, airtable):
    from editor.gallery import TEMPLATES
    from tests.fakes.notion import DATABASE, FakeNotion
    from tests.fakes.notion import TOKEN as NOTION_TOKEN

    with running(FakeNotion()) as notion:
        graph = TEMPLATES["form-to-airtable-and-notion"].new_graph()
        _, record, follow_up = graph["nodes"]
        record["config"].update(
            base_id=BASE,
            table="Leads",
            credential=store.create(
                alice, "Airtable", "airtable", {"token": TOKEN, "base_url": airtable.url}
            ).pk,
        )
        follow_up["config"].update(
            parent_id=DATABASE,
            credential=store.create(
                alice, "Notion", "notion", {"token": NOTION_TOKEN, "base_url": notion.url}
            ).pk,
        )
        form = {"name": "Ada", "email": "ada@example.com", "message": "Call me"}
        execution = engine.start_execution(make_workflow(alice, graph), {"body": form})
        execution.refresh_from_db()
        pages = list(notion.pages)

    assert execution.status == "succeeded", execution.error
    [added] = airtable.tables[(BASE, "Leads")]
    assert added["fields"] == {"Name": "Ada", "Email": "ada@example.com", "Message": "Call me"}
    [page] = pages
    assert page["properties"]["Name"]["title"][0]["text"]["content"] == "Reply to Ada"
    assert page["properties"]["Email"] == {"email": "ada@example.com"}
