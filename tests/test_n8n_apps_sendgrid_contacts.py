"""Importing n8n's SendGrid contact resource (editor/n8n/apps_email.py, the svcb block) onto
`app.sendgrid`'s contact operations: the config each becomes (from the corpus's own
"Manual Sendgrid Create" settings), the refusals, and an imported upsert → get run against the
fake SendGrid."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.sendgrid import API_KEY, FakeSendGrid
from tests.test_n8n_apps import converted, refusal, single


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "email": "ada@x.test",
                "resource": "contact",
                "additionalFields": {"firstName": "Ada"},
            },
            {"operation": "upsert_contact", "email": "ada@x.test", "first_name": "Ada"},
        ),
        (
            {
                "email": "={{ $json.email }}",
                "resource": "contact",
                "additionalFields": {
                    "lastName": "Lovelace",
                    "listIdsUi": {"listIdValues": {"listIds": ["l-1"]}},
                },
            },
            {
                "operation": "upsert_contact",
                "email": "{{ trigger.email }}",
                "list_ids": ["l-1"],
                "last_name": "Lovelace",
            },
        ),
        (
            {"by": "email", "email": "ada@x.test", "resource": "contact", "operation": "get"},
            {"operation": "get_contact", "email": "ada@x.test"},
        ),
        (
            {"contactId": "c-1", "resource": "contact", "operation": "get"},
            {"operation": "get_contact", "contact_id": "c-1"},
        ),
        (
            {"ids": "c-1", "resource": "contact", "operation": "delete"},
            {"operation": "delete_contact", "contact_id": "c-1"},
        ),
    ],
)
def test_each_contact_operation_becomes_its_sendgrid_config(params, config):
    node = converted("sendGrid", params)
    assert node["type"] == "app.sendgrid"
    assert node["config"] == config


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "contact", "operation": "getAll"}, "does 'contact / getAll'"),
        ({"resource": "contact", "operation": "delete", "ids": "a,b"}, "deletes several contacts"),
        (
            {"resource": "contact", "email": "a@x.test", "additionalFields": {"city": "Berlin"}},
            "sets the contact field(s) city",
        ),
    ],
)
def test_what_the_contact_operations_lack_is_refused_by_name(params, said):
    message = refusal("sendGrid", params)
    assert "(n8n-nodes-base.sendGrid)" in message and said in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_upsert_then_get_by_email_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "sendGrid",
        {"email": "ada@x.test", "resource": "contact", "additionalFields": {"firstName": "Ada"}},
    )
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Get",
            "parameters": {
                "by": "email",
                "email": "ada@x.test",
                "resource": "contact",
                "operation": "get",
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Get", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeSendGrid()) as fake:
        credential = store.create(
            alice, "Mail", "sendgrid", {"api_key": API_KEY, "base_url": fake.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.sendgrid":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [contact] = fake.contacts
    assert (contact["email"], contact["first_name"]) == ("ada@x.test", "Ada")
    got = Step.objects.get(execution=execution, key="get")
    assert got.output is not None and got.output["id"] == contact["id"]
