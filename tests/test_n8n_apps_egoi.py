"""Importing n8n's E-goi node (editor/n8n/apps_egoi.py) onto `app.egoi`: the config each
operation becomes, a later node's `$node["e-goi"].parameter["list"]` read as the first node's
list, the refusals, and the corpus's create → update → get workflow run in the engine against
the fake E-goi."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.egoi import KEY, FakeEgoi
from tests.test_n8n_apps import converted, refusal, single

CORPUS = [
    {"list": 1, "email": "nathan@testmail.com", "additionalFields": {"first_name": "Nathan"}},
    {
        "list": '={{$node["e-goi"].parameter["list"]}}',
        "contactId": '={{$node["e-goi"].json["base"]["contact_id"]}}',
        "operation": "update",
        "updateFields": {"first_name": "Nat"},
    },
    {
        "list": '={{$node["e-goi"].parameter["list"]}}',
        "contactId": '={{$node["e-goi1"].json["base"]["contact_id"]}}',
        "operation": "get",
    },
]


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS[0]
            | {
                "resolveData": False,
                "additionalFields": {
                    "first_name": "Nathan",
                    "birth_date": "1990-05-01T00:00:00.000Z",
                    "tagIds": [7],
                    "extraFieldsUi": {"extraFieldValues": [{"field_id": 1, "value": "Lisbon"}]},
                },
            },
            {
                "operation": "create_contact",
                "list_id": "1",
                "email": "nathan@testmail.com",
                "fields": {"first_name": "Nathan", "birth_date": "1990-05-01"},
                "extra_fields": {"1": "Lisbon"},
                "tag_ids": ["7"],
                "resolve": False,
            },
        ),
        (
            {"list": 1, "operation": "get", "by": "email", "email": "a@b.c", "simple": False},
            {"operation": "get_contact", "list_id": "1", "email": "a@b.c", "simplify": False},
        ),
        (
            {
                "list": 1,
                "operation": "update",
                "contactId": "c1",
                "updateFields": {"email": "x@y.z"},
            },
            {
                "operation": "update_contact",
                "list_id": "1",
                "contact_id": "c1",
                "fields": {"email": "x@y.z"},
            },
        ),
    ],
)
def test_each_operation_becomes_its_egoi_config(params, config):
    node = converted("egoi", params)
    assert node["type"] == "app.egoi"
    assert node["config"] == config
    assert "choose a E-goi credential (an API key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"list": 1, "operation": "getAll"}, "does 'contact / getAll'"),
        ({"email": "a@b.c"}, "names no List"),
        ({"list": 1, "operation": "update"}, "names no Contact ID"),
    ],
)
def test_what_the_egoi_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("egoi", params)
    assert "'App' (n8n-nodes-base.egoi)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_create_update_get_workflow_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("egoi", CORPUS[0], name="e-goi")
    template = data["nodes"][1]
    data["nodes"] += [
        {**template, "name": "e-goi1", "parameters": CORPUS[1]},
        {**template, "name": "e-goi2", "parameters": CORPUS[2]},
    ]
    data["connections"]["e-goi"] = {"main": [[{"node": "e-goi1", "type": "main", "index": 0}]]}
    data["connections"]["e-goi1"] = {"main": [[{"node": "e-goi2", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    assert {n["config"]["list_id"] for n in graph["nodes"] if n["type"] == "app.egoi"} == {"1"}
    with running(FakeEgoi()) as egoi:
        credential = store.create(alice, "Mailing", "egoi", {"api_key": KEY, "base_url": egoi.url})
        for node in graph["nodes"]:
            if node["type"] == "app.egoi":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        last = execution.steps.get(key=graph["nodes"][-1]["id"]).output
    assert last["first_name"] == "Nat" and last["email"] == "nathan@testmail.com"
    assert last["contact_id"] == "c0000001"
