"""app.airtable's delete_records, the fields a write keeps or leaves out, updates given as the
fields with the id beside them (n8n's "map automatically"), and a list's output fields and
sort, against the fake Airtable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from integrations.airtable.node import Config
from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.airtable import BASE, TOKEN, FakeAirtable
from workfuse.lib.node_run import Secret

AIRTABLE = "app.airtable"
TABLE = {"base_id": BASE, "table": "Leads"}


@pytest.fixture
def airtable(settings: Any) -> Iterator[FakeAirtable]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeAirtable()) as fake:
        yield fake


def token(fake: FakeAirtable) -> Secret:
    return Secret("airtable", {"token": TOKEN}, {"base_url": fake.url}, name="Acme Airtable")


def test_delete_removes_the_records_in_one_request(airtable):
    ada = airtable.add("Leads", Name="Ada")
    bob = airtable.add("Leads", Name="Bob")
    kept = airtable.add("Leads", Name="Cy")
    config = {**TABLE, "operation": "delete_records", "record_ids": [ada["id"], bob["id"]]}
    output = run_app(AIRTABLE, config, token(airtable))
    assert output == {
        "records": [{"id": ada["id"], "deleted": True}, {"id": bob["id"], "deleted": True}],
        "count": 2,
    }
    [request] = airtable.requests
    assert (request.method, request.path) == ("DELETE", f"/v0/{BASE}/Leads")
    assert request.query["records[]"] == [ada["id"], bob["id"]]
    assert airtable.tables[(BASE, "Leads")] == [kept]


def test_delete_takes_one_id_as_text_and_says_when_it_is_unknown(airtable):
    assert Config.model_validate({**TABLE, "operation": "delete_records", "record_ids": "rec1"})
    error = app_error(
        AIRTABLE,
        {**TABLE, "operation": "delete_records", "record_ids": "recNOPE0000000001"},
        token(airtable),
    )
    assert error.detail["status"] == 404
    assert "recNOPE0000000001 does not exist" in str(error)


def test_delete_needs_ids_and_at_most_ten():
    with pytest.raises(ValidationError, match="record_ids"):
        Config.model_validate({**TABLE, "operation": "delete_records"})
    with pytest.raises(ValidationError, match="at most 10 records"):
        Config.model_validate(
            {**TABLE, "operation": "delete_records", "record_ids": [f"rec{i}" for i in range(11)]}
        )


def test_create_sends_only_the_kept_fields_a_record_has(airtable):
    output = run_app(
        AIRTABLE,
        {
            **TABLE,
            "operation": "create_records",
            "records": [{"chat": 42, "name": "Ada", "secret": "x"}],
            "keep_fields": ["chat", "name", "missing"],
        },
        token(airtable),
    )
    [request] = airtable.requests
    assert request.json == {"records": [{"fields": {"chat": 42, "name": "Ada"}}]}
    assert output["records"][0]["fields"] == {"chat": 42, "name": "Ada"}


def test_update_by_id_takes_the_fields_beside_the_id_without_the_ignored_ones(airtable):
    ada = airtable.add("Leads", Name="Ada", Email="ada@example.com")
    run_app(
        AIRTABLE,
        {
            **TABLE,
            "operation": "update_records",
            "records": [{"id": ada["id"], "Name": "Ada L.", "tmp": 1}],
            "ignore_fields": ["tmp"],
        },
        token(airtable),
    )
    [request] = airtable.requests
    assert request.json == {"records": [{"id": ada["id"], "fields": {"Name": "Ada L."}}]}
    assert ada["fields"] == {"Name": "Ada L.", "Email": "ada@example.com"}


def test_upsert_by_id_takes_the_fields_beside_the_id(airtable):
    ada = airtable.add("Leads", Name="Ada")
    output = run_app(
        AIRTABLE,
        {
            **TABLE,
            "operation": "upsert_records",
            "fields_to_merge_on": ["id"],
            "records": [{"id": ada["id"], "Name": "Ada L."}],
        },
        token(airtable),
    )
    assert output["updated_records"] == [ada["id"]]
    assert ada["fields"] == {"Name": "Ada L."}


def test_update_by_matching_fields_leaves_out_the_ignored_ones(airtable):
    ada = airtable.add("Leads", Name="Ada", Email="ada@example.com")
    run_app(
        AIRTABLE,
        {
            **TABLE,
            "operation": "update_records",
            "match_fields": ["Email"],
            "records": [{"Email": "ada@example.com", "Name": "Ada L.", "row": 3}],
            "ignore_fields": ["row"],
        },
        token(airtable),
    )
    assert airtable.requests[-1].json == {
        "records": [{"id": ada["id"], "fields": {"Email": "ada@example.com", "Name": "Ada L."}}]
    }


def test_list_gives_the_output_fields_in_the_sort_order(airtable):
    airtable.add("Leads", Name="Bob", Email="bob@example.com")
    airtable.add("Leads", Name="Ada", Email="ada@example.com")
    airtable.add("Leads", Name="Cy", Email="cy@example.com")
    output = run_app(
        AIRTABLE,
        {
            **TABLE,
            "operation": "list_records",
            "fields": ["Name"],
            "sort": [{"field": "Name", "direction": "desc"}],
            "flatten": True,
        },
        token(airtable),
    )
    assert [r["Name"] for r in output["records"]] == ["Cy", "Bob", "Ada"]
    assert all("Email" not in r for r in output["records"])
    [request] = airtable.requests
    assert request.query["fields[]"] == ["Name"]
    assert request.query["sort[0][field]"] == ["Name"]
    assert request.query["sort[0][direction]"] == ["desc"]


def test_a_sort_without_fields_or_with_a_strange_direction_is_named(airtable):
    shapeless = app_error(
        AIRTABLE, {**TABLE, "operation": "list_records", "sort": [{"x": 1}]}, token(airtable)
    )
    assert shapeless.message.startswith("The sort field must render to a JSON list of objects")
    sideways = app_error(
        AIRTABLE,
        {**TABLE, "operation": "list_records", "sort": '[{"field": "Name", "direction": "up"}]'},
        token(airtable),
    )
    assert sideways.message == "The sort field's direction is asc or desc, not “up”."
    assert airtable.requests == []
