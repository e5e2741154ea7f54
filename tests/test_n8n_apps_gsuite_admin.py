"""Importing n8n's G Suite Admin node (editor/n8n/apps_gsuite_admin.py) onto
`app.gsuite_admin`: the config each operation becomes (from the corpus's own settings), the
refusals, and the corpus's create → update → get workflow run in the engine against the fake
Google."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from tests.fakes.gsuite_admin import FakeDirectory
from tests.test_n8n_apps import converted, refusal, single

CORPUS: list[dict[str, Any]] = [
    {
        "domain": "n8n.io",
        "lastName": "Nat",
        "password": "YOUR_PASSWORD_HERE",
        "username": "nat",
        "firstName": "Nathan",
        "additionalFields": {},
    },
    {
        "userId": '={{$node["G Suite Admin"].json["id"]}}',
        "operation": "update",
        "updateFields": {"lastName": "Nate"},
    },
    {"userId": '={{$node["G Suite Admin"].json["id"]}}', "options": {}, "operation": "get"},
]


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS[0] | {"additionalFields": {"changePasswordAtNextLogin": True}},
            {
                "operation": "create_user",
                "email": "nat@n8n.io",
                "first_name": "Nathan",
                "last_name": "Nat",
                "password": "YOUR_PASSWORD_HERE",
                "fields": {"changePasswordAtNextLogin": True},
            },
        ),
        (
            CORPUS[1] | {"userId": "u1"},
            {"operation": "update_user", "user_id": "u1", "last_name": "Nate"},
        ),
        (
            CORPUS[2] | {"userId": "u1", "options": {"viewType": "domain_public"}},
            {"operation": "get_user", "user_id": "u1", "view_type": "domain_public"},
        ),
        (
            {"operation": "getAll", "options": {"domain": "n8n.io", "query": "givenName:Na*"}},
            {
                "operation": "list_users",
                "domain": "n8n.io",
                "query": "givenName:Na*",
                "max_results": 100,
            },
        ),
        ({"operation": "delete", "userId": "u1"}, {"operation": "delete_user", "user_id": "u1"}),
        (
            {"resource": "group", "email": "sales@n8n.io", "additionalFields": {"name": "Sales"}},
            {"operation": "create_group", "email": "sales@n8n.io", "name": "Sales"},
        ),
        (
            {"resource": "group", "operation": "getAll", "returnAll": True},
            {"operation": "list_groups", "max_results": 5000},
        ),
        (
            {"resource": "group", "operation": "update", "groupId": "g1"}
            | {"updateFields": {"description": "Sales team"}},
            {"operation": "update_group", "group_id": "g1", "description": "Sales team"},
        ),
    ],
)
def test_each_operation_becomes_its_gsuite_admin_config(params, config):
    node = converted("gSuiteAdmin", params)
    assert node["type"] == "app.gsuite_admin"
    assert node["config"] == config
    assert "choose a G Suite Admin credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "device", "operation": "get"}, "does 'device / get'"),
        (CORPUS[0] | {"additionalFields": {"phoneUi": {"phoneValues": []}}}, "sets phoneUi"),
        (CORPUS[0] | {"makeAdmin": True}, "makes the user an administrator"),
        ({"operation": "update", "userId": "u1", "updateFields": {}}, "updates no field"),
        ({"operation": "getAll", "options": {"showDeleted": True}}, "showDeleted"),
        ({**CORPUS[0], "domain": ""}, "has no Domain"),
    ],
)
def test_what_the_gsuite_admin_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("gSuiteAdmin", params)
    assert "'App' (n8n-nodes-base.gSuiteAdmin)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_create_update_get_workflow_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("gSuiteAdmin", CORPUS[0], name="G Suite Admin")
    template = data["nodes"][1]
    data["nodes"] += [
        {**template, "name": "G Suite Admin1", "parameters": CORPUS[1]},
        {**template, "name": "G Suite Admin2", "parameters": CORPUS[2]},
    ]
    data["connections"]["G Suite Admin"] = {
        "main": [[{"node": "G Suite Admin1", "type": "main", "index": 0}]]
    }
    data["connections"]["G Suite Admin1"] = {
        "main": [[{"node": "G Suite Admin2", "type": "main", "index": 0}]]
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeDirectory()) as directory:
        credential = store.create(
            alice,
            "Workspace admin",
            "gsuite_admin",
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH_TOKEN,
                "base_url": directory.url,
                "token_url": directory.token_url,
            },
        )
        for node in graph["nodes"]:
            if node["type"] == "app.gsuite_admin":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [user] = directory.users.values()
    assert user["primaryEmail"] == "nat@n8n.io"
    last = Step.objects.filter(execution=execution).order_by("-id").first()
    assert last is not None and last.output is not None
    assert last.output["name"]["familyName"] == "Nate" and last.output["id"] == user["id"]
