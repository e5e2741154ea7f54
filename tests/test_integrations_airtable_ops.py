"""app.airtable's upsert (performUpsert.fieldsToMergeOn), update by matching fields, get, list
bases and base schema against the fake Airtable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from integrations.airtable.node import Config
from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.airtable import BASE, SCHEMA, TOKEN, FakeAirtable
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


def test_upsert_updates_the_matching_record_and_creates_the_missing_one(airtable):
    ada = airtable.add("Leads", Email="ada@example.com", Name="Ada")
    output = run_app(
        AIRTABLE,
        {
            **TABLE,
            "operation": "upsert_records",
            "fields_to_merge_on": ["Email"],
            "records": [
                {"Email": "ada@example.com", "Name": "Ada Lovelace"},
                {"Email": "bob@example.com", "Name": "Bob"},
            ],
            "typecast": True,
        },
        token(airtable),
    )
    [request] = airtable.requests
    assert (request.method, request.path) == ("PATCH", f"/v0/{BASE}/Leads")
    assert request.json == {
        "performUpsert": {"fieldsToMergeOn": ["Email"]},
        "records": [
            {"fields": {"Email": "ada@example.com", "Name": "Ada Lovelace"}},
            {"fields": {"Email": "bob@example.com", "Name": "Bob"}},
        ],
        "typecast": True,
    }
    assert output["count"] == 2 and output["updated_records"] == [ada["id"]]
    [created] = output["created_records"]
    assert [r["fields"]["Name"] for r in airtable.tables[(BASE, "Leads")]] == [
        "Ada Lovelace",
        "Bob",
    ]
    assert output["records"][1]["id"] == created


def test_an_upsert_matching_several_records_updates_the_first_as_n8n_does(airtable):
    first = airtable.add("Leads", Email="a@x.io", Name="")
    second = airtable.add("Leads", Email="a@x.io", Name="")
    output = run_app(
        AIRTABLE,
        {
            **TABLE,
            "operation": "upsert_records",
            "fields_to_merge_on": ["Email"],
            "records": [{"Email": "a@x.io", "Name": "Ann"}],
        },
        token(airtable),
    )
    # Airtable refuses the upsert; the first match is then found and updated by id.
    assert [r.method for r in airtable.requests] == ["PATCH", "GET", "PATCH"]
    assert (first["fields"]["Name"], second["fields"]["Name"]) == ("Ann", "")
    assert output["updated_records"] == [first["id"]] and output["created_records"] == []


def test_an_upsert_by_id_updates_that_record_or_creates_one_when_the_id_is_refused(airtable):
    ada = airtable.add("Leads", Name="Ada")
    config = {**TABLE, "operation": "upsert_records", "fields_to_merge_on": ["id"]}
    updated = run_app(
        AIRTABLE,
        {**config, "records": [{"id": ada["id"], "fields": {"Name": "Ada L."}}]},
        token(airtable),
    )
    assert updated["updated_records"] == [ada["id"]] and ada["fields"]["Name"] == "Ada L."
    created = run_app(
        AIRTABLE, {**config, "records": [{"id": "", "fields": {"Name": "New"}}]}, token(airtable)
    )
    assert [r.method for r in airtable.requests[1:]] == ["PATCH", "POST"]
    assert airtable.requests[-1].json == {"records": [{"fields": {"Name": "New"}}]}
    assert created["created_records"] == [created["records"][0]["id"]]


def test_update_by_matching_fields_finds_the_records_by_formula_then_patches_them(airtable):
    first = airtable.add("Leads", session_id='s"1', Status="new")
    second = airtable.add("Leads", session_id='s"1', Status="new")
    other = airtable.add("Leads", session_id="s2", Status="new")
    output = run_app(
        AIRTABLE,
        {
            **TABLE,
            "operation": "update_records",
            "match_fields": ["session_id"],
            "all_matches": True,
            "records": [{"session_id": 's"1', "Status": "booked"}],
        },
        token(airtable),
    )
    find, patch = airtable.requests
    assert find.method == "GET"
    assert find.query["filterByFormula"] == ['{session_id} = "s\\"1"']
    assert find.query["fields[]"] == ["session_id"]
    assert patch.json == {
        "records": [
            {"id": first["id"], "fields": {"session_id": 's"1', "Status": "booked"}},
            {"id": second["id"], "fields": {"session_id": 's"1', "Status": "booked"}},
        ]
    }
    assert output["count"] == 2
    assert other["fields"]["Status"] == "new"


def test_update_by_matching_changes_the_first_match_unless_all_matches(airtable):
    first = airtable.add("Leads", Email="a@x.io", Status="new")
    second = airtable.add("Leads", Email="a@x.io", Status="new")
    run_app(
        AIRTABLE,
        {
            **TABLE,
            "operation": "update_records",
            "match_fields": ["Email"],
            "records": [{"Email": "a@x.io", "Status": "seen"}],
        },
        token(airtable),
    )
    assert (first["fields"]["Status"], second["fields"]["Status"]) == ("seen", "new")


def test_update_by_several_fields_ands_them_and_nothing_matching_changes_nothing(airtable):
    airtable.add("Leads", Email="a@x.io", Name="Ann", Score=1)
    output = run_app(
        AIRTABLE,
        {
            **TABLE,
            "operation": "update_records",
            "match_fields": ["Email", "Name"],
            "records": [{"Email": "a@x.io", "Name": "Bob", "Score": 2}],
        },
        token(airtable),
    )
    [find] = airtable.requests
    assert find.query["filterByFormula"] == ['AND({Email} = "a@x.io", {Name} = "Bob")']
    assert output == {"records": [], "count": 0}


def test_update_by_matching_needs_the_match_values(airtable):
    error = app_error(
        AIRTABLE,
        {
            **TABLE,
            "operation": "update_records",
            "match_fields": ["Email"],
            "records": [{"Name": "x"}],
        },
        token(airtable),
    )
    assert "update_records matches on Email, but a record does not give" in error.message


def test_get_record_reads_one_record(airtable):
    ada = airtable.add("Leads", Name="Ada")
    output = run_app(
        AIRTABLE, {**TABLE, "operation": "get_record", "record_id": ada["id"]}, token(airtable)
    )
    assert airtable.requests[0].path == f"/v0/{BASE}/Leads/{ada['id']}"
    assert output == ada


def test_list_bases_follows_the_offset_and_get_base_schema_lists_the_tables(airtable):
    output = run_app(AIRTABLE, {"operation": "list_bases"}, token(airtable))
    assert [b["name"] for b in output["bases"]] == ["Sales", "Ops"] and output["count"] == 2
    assert [r.query.get("offset") for r in airtable.requests] == [None, ["itr1"]]
    schema = run_app(AIRTABLE, {"operation": "get_base_schema", "base_id": BASE}, token(airtable))
    assert schema == {"tables": [SCHEMA], "count": 1}
    assert airtable.requests[-1].path == f"/v0/meta/bases/{BASE}/tables"


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "upsert_records", **TABLE, "records": [{"a": 1}]}, "fields_to_merge_on"),
        (
            {
                "operation": "upsert_records",
                **TABLE,
                "records": [{"a": 1}],
                "fields_to_merge_on": ["a", "b", "c", "d"],
            },
            "fields_to_merge_on",
        ),
        ({"operation": "get_record", **TABLE}, "record_id"),
        ({"operation": "get_base_schema"}, "base_id"),
        ({"operation": "update_records", **TABLE, "records": [{"a": 1}]}, "records"),
    ],
)
def test_each_operation_names_what_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert [e["loc"] for e in caught.value.errors()] == [(field,)]


def test_flatten_puts_the_fields_beside_the_id_as_n8n_does(airtable):
    ada = airtable.add("Leads", Name="Ada", Email="ada@example.com")
    flat = {"id": ada["id"], "createdTime": ada["createdTime"], **ada["fields"]}
    listed = run_app(
        AIRTABLE, {**TABLE, "operation": "list_records", "flatten": True}, token(airtable)
    )
    assert listed["records"] == [flat]
    got = run_app(
        AIRTABLE,
        {**TABLE, "operation": "get_record", "record_id": ada["id"], "flatten": True},
        token(airtable),
    )
    assert got == flat
