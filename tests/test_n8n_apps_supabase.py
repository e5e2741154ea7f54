"""Importing n8n's Supabase node (editor/n8n/apps_supabase.py) onto `app.supabase`: the config
each operation and filter kind becomes, the refusals, and an imported workflow run in the
engine against the fake PostgREST."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.supabase import SERVICE_KEY, FakeSupabase
from tests.test_n8n_apps import converted, refusal, single, spec_items


def condition(key: str, value: str, op: str = "eq") -> dict[str, str]:
    return {"keyName": key, "keyValue": value, "condition": op}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "tableId": "files",
                "fieldsUi": {
                    "fieldValues": [{"fieldId": "name", "fieldValue": "={{ $json.name }}"}]
                },
            },
            {
                "operation": "insert_rows",
                "table": "files",
                "rows": [{"name": "{{ trigger.name }}"}],
            },
        ),
        (
            {"tableId": "companies", "dataToSend": "autoMapInputData"},
            {"operation": "insert_rows", "table": "companies", "rows": "[{{ trigger | tojson }}]"},
        ),
        (
            {
                "filters": {"conditions": [condition("telegram_id", "={{ $json.chat }}")]},
                "tableId": "telegram_users",
                "operation": "getAll",
            },
            {
                "operation": "select_rows",
                "table": "telegram_users",
                "filters": [
                    {"column": "telegram_id", "operator": "eq", "value": "{{ trigger.chat }}"}
                ],
                "match": "any",
                "max_rows": 50,
            },
        ),
        (
            {"tableId": "n8n", "operation": "getAll", "returnAll": True},
            {"operation": "select_rows", "table": "n8n", "max_rows": 5000},
        ),
        (
            {
                "tableId": "documents",
                "operation": "delete",
                "filterType": "string",
                "filterString": "=metadata->>id=eq.{{ $json.id }}",
            },
            {
                "operation": "delete_rows",
                "table": "documents",
                "filter_string": "metadata->>id=eq.{{ trigger.id | n8n_text }}",
            },
        ),
        (
            {
                "tableId": "users",
                "operation": "update",
                "matchType": "allFilters",
                "filters": {
                    "conditions": [
                        condition("plan", "free"),
                        {
                            "keyName": "bio",
                            "condition": "fullText",
                            "searchFunction": "wfts",
                            "keyValue": "rust",
                        },
                    ]
                },
                "fieldsUi": {"fieldValues": [{"fieldId": "plan", "fieldValue": "pro"}]},
            },
            {
                "operation": "update_rows",
                "table": "users",
                "filters": [
                    {"column": "plan", "operator": "eq", "value": "free"},
                    {"column": "bio", "operator": "wfts", "value": "rust"},
                ],
                "match": "all",
                "values": {"plan": "pro"},
            },
        ),
        (
            {
                "tableId": "users",
                "operation": "get",
                "filters": {"conditions": [condition("id", "7", "gt")]},
            },
            {
                "operation": "select_rows",
                "table": "users",
                "filters": [{"column": "id", "operator": "eq", "value": "7"}],
                "max_rows": 1000,
            },
        ),
    ],
)
def test_each_operation_becomes_its_supabase_config(params, config):
    node = converted("supabase", params)
    assert node["type"] == "app.supabase"
    assert node["config"] == config
    assert "choose a Supabase credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        (
            {"tableId": "t", "operation": "delete", "filterType": "none"},
            "changes rows without a filter (every row of the table)",
        ),
        (
            {"tableId": "t", "useCustomSchema": True, "schema": "crm"},
            "uses the custom schema 'crm'",
        ),
        (
            {"tableId": "t", "dataToSend": "autoMapInputData", "inputsToIgnore": "id"},
            "sends the input item's fields except some (Inputs to Ignore)",
        ),
        ({"operation": "create"}, "names no table"),
    ],
)
def test_what_the_supabase_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("supabase", params)
    assert "'App' (n8n-nodes-base.supabase)" in message
    assert said in message


def test_every_operation_emits_its_rows_as_items():
    assert spec_items("supabase", {"tableId": "t", "operation": "getAll"}, 1) == "rows"


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_finds_each_users_row_by_a_condition(alice, settings):
    """List the users, then get each one's profile row by its id (conditions with templates)."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("supabase", {"tableId": "users", "operation": "getAll", "returnAll": True})
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Profile",
            "parameters": {
                "tableId": "profiles",
                "operation": "getAll",
                "filters": {"conditions": [condition("user_id", "={{ $json.id }}")]},
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Profile", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeSupabase()) as supabase:
        supabase.tables["users"] = [{"id": 1, "name": "Ada"}, {"id": 2, "name": "Alan"}]
        supabase.tables["profiles"] = [
            {"id": 10, "user_id": 2, "bio": "b"},
            {"id": 11, "user_id": 1, "bio": "a"},
        ]
        credential = store.create(
            alice, "Project", "supabase", {"service_key": SERVICE_KEY, "base_url": supabase.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.supabase":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        asked = [r.query.get("or") for r in supabase.requests if r.path.endswith("profiles")]
    assert asked == [["(user_id.eq.1)"], ["(user_id.eq.2)"]]
