"""app.supabase against a fake PostgREST (tests/fakes/supabase.py): each operation's request
(method, path, both key headers, Prefer, query, body) and output, filters (all, any, quoted
values, JSON paths, filter text), paging, PostgREST's errors, the key's test, and a run through
the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.supabase import rest_api
from integrations.supabase.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.supabase import SERVICE_KEY, FakeSupabase
from workfuse.lib.node_run import NodeError, Secret

SUPABASE = "app.supabase"


@pytest.fixture
def supabase(settings: Any) -> Iterator[FakeSupabase]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSupabase()) as fake:
        fake.tables["users"] = [
            {"id": 1, "name": "Ada", "plan": "pro", "age": 36, "meta": {"ref": "a"}},
            {"id": 2, "name": "Alan", "plan": "free", "age": 41, "meta": {"ref": "b"}},
            {"id": 3, "name": "Grace, R.", "plan": "free", "age": 30, "meta": {"ref": "c"}},
        ]
        yield fake


def key(fake: FakeSupabase, value: str = SERVICE_KEY) -> Secret:
    return Secret("supabase", {"service_key": value}, {"base_url": fake.url}, name="Project")


def test_insert_rows_posts_the_list_and_outputs_the_rows_written(supabase):
    output = run_app(
        SUPABASE,
        {"table": "users", "rows": json.dumps([{"name": "Linus", "plan": "pro"}])},
        key(supabase),
    )
    [request] = supabase.requests
    assert (request.method, request.path) == ("POST", "/rest/v1/users")
    assert request.headers["apikey"] == SERVICE_KEY
    assert request.headers["authorization"] == f"Bearer {SERVICE_KEY}"
    assert request.headers["prefer"] == "return=representation"
    assert request.json == [{"name": "Linus", "plan": "pro"}]
    assert output == {"rows": [{"name": "Linus", "plan": "pro", "id": 4}], "count": 1}


def test_select_rows_with_all_conditions_sends_one_parameter_each(supabase):
    output = run_app(
        SUPABASE,
        {
            "operation": "select_rows",
            "table": "users",
            "filters": [
                {"column": "plan", "operator": "eq", "value": "free"},
                {"column": "age", "operator": "gt", "value": 35},
            ],
        },
        key(supabase),
    )
    assert supabase.requests[0].query == {
        "plan": ["eq.free"],
        "age": ["gt.35"],
        "limit": ["50"],
        "offset": ["0"],
    }
    assert [r["name"] for r in output["rows"]] == ["Alan"]


def test_select_rows_with_any_condition_quotes_reserved_characters(supabase):
    output = run_app(
        SUPABASE,
        {
            "operation": "select_rows",
            "table": "users",
            "match": "any",
            "filters": [
                {"column": "name", "operator": "eq", "value": "Grace, R."},
                {"column": "plan", "operator": "eq", "value": "pro"},
            ],
        },
        key(supabase),
    )
    assert supabase.requests[0].query["or"] == ['(name.eq."Grace, R.",plan.eq.pro)']
    assert [r["id"] for r in output["rows"]] == [1, 3]


def test_select_rows_pages_by_offset_up_to_max_rows(supabase):
    supabase.tables["events"] = [{"id": n} for n in range(2500)]
    output = run_app(
        SUPABASE, {"operation": "select_rows", "table": "events", "max_rows": 2200}, key(supabase)
    )
    assert output["count"] == 2200
    assert [(r.query["limit"], r.query["offset"]) for r in supabase.requests] == [
        (["1000"], ["0"]),
        (["1000"], ["1000"]),
        (["200"], ["2000"]),
    ]


def test_update_rows_patches_the_rows_the_filter_string_keeps(supabase):
    output = run_app(
        SUPABASE,
        {
            "operation": "update_rows",
            "table": "users",
            "filter_string": "plan=eq.free&age=lt.35",
            "values": {"plan": "trial"},
        },
        key(supabase),
    )
    [request] = supabase.requests
    assert request.method == "PATCH" and request.json == {"plan": "trial"}
    assert output["count"] == 1 and output["rows"][0]["name"] == "Grace, R."


def test_delete_rows_by_a_json_path_returns_the_deleted_rows(supabase):
    output = run_app(
        SUPABASE,
        {"operation": "delete_rows", "table": "users", "filter_string": "meta->>ref=eq.b"},
        key(supabase),
    )
    assert supabase.requests[0].method == "DELETE"
    assert [r["id"] for r in output["rows"]] == [2]
    assert [r["id"] for r in supabase.tables["users"]] == [1, 3]


def test_update_and_delete_need_a_filter():
    for config in (
        {"operation": "delete_rows", "table": "users"},
        {"operation": "update_rows", "table": "users", "values": {"a": 1}},
    ):
        with pytest.raises(ValidationError) as caught:
            Config.model_validate(config)
        assert caught.value.errors()[0]["loc"] == ("filters",)


def test_a_duplicate_key_quotes_postgres(supabase):
    error = app_error(SUPABASE, {"table": "users", "rows": [{"id": 1}]}, key(supabase))
    assert error.message == (
        "Supabase refused insert_rows (HTTP 409): 23505: duplicate key value violates unique "
        'constraint "pkey" (Key (id)=(1) already exists.)'
    )


def test_a_missing_table_quotes_postgrest(supabase):
    error = app_error(SUPABASE, {"operation": "select_rows", "table": "nope"}, key(supabase))
    assert "PGRST205: Could not find the table 'public.nope'" in error.message


def test_a_wrong_key_names_the_credential(supabase):
    error = app_error(SUPABASE, {"operation": "select_rows", "table": "users"}, key(supabase, "x"))
    assert error.message.startswith("Supabase did not accept the credential “Project” (")
    with pytest.raises(NodeError, match="did not accept the credential “Project”"):
        rest_api.check_key(key(supabase, "x"))
    assert "Connected to Supabase" in rest_api.check_key(key(supabase))


@pytest.mark.django_db(transaction=True)
def test_a_run_inserts_the_rendered_row_with_the_stored_credential(alice, supabase):
    credential = store.create(
        alice, "Project", "supabase", {"service_key": SERVICE_KEY, "base_url": supabase.url}
    )
    node = {
        "id": "add",
        "type": SUPABASE,
        "config": {
            "credential": credential.pk,
            "table": "users",
            "rows": [{"name": "{{ trigger.name }}", "plan": "pro"}],
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"name": "Linus"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert supabase.tables["users"][-1] == {"name": "Linus", "plan": "pro", "id": 4}
    step = Step.objects.get(execution=execution, key="add")
    assert step.output["rows"][0]["name"] == "Linus"
    assert SERVICE_KEY not in json.dumps([step.input, step.output])
