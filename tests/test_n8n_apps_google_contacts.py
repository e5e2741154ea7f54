"""Importing n8n's Google Contacts node (editor/n8n/apps_google_contacts.py) onto
`app.google_contacts`: the config each operation becomes (from the corpus's own settings), the
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
from tests.fakes.google_contacts import FakeContacts
from tests.test_n8n_apps import converted, refusal, single

COMPANY = {"companyValues": [{"name": "n8n", "title": "n8n", "domain": "n8n.io", "current": True}]}
CORPUS: list[dict[str, Any]] = [
    {"givenName": "n8n", "familyName": "n8n", "additionalFields": {}},
    {
        "fields": [],
        "contactId": '={{$node["Google Contacts"].json["contactId"]}}',
        "operation": "update",
        "updateFields": {"companyUi": COMPANY},
    },
    {
        "fields": ["organizations"],
        "contactId": '={{$node["Google Contacts"].json["contactId"]}}',
        "operation": "get",
    },
]


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS[0],
            {"operation": "create_contact", "raw": True, "given_name": "n8n", "family_name": "n8n"},
        ),
        (
            CORPUS[0]
            | {
                "additionalFields": {
                    "middleName": "B",
                    "emailsUi": {"emailsValues": [{"type": "work", "value": "a@b.test"}]},
                    "biographies": "Wrote the first program",
                    "group": ["contactGroups/friends"],
                }
            },
            {
                "operation": "create_contact",
                "raw": True,
                "given_name": "n8n",
                "family_name": "n8n",
                "middle_name": "B",
                "person": {
                    "emailAddresses": [{"type": "work", "value": "a@b.test"}],
                    "biographies": [
                        {"value": "Wrote the first program", "contentType": "TEXT_PLAIN"}
                    ],
                    "memberships": [
                        {
                            "contactGroupMembership": {
                                "contactGroupResourceName": "contactGroups/friends"
                            }
                        }
                    ],
                },
            },
        ),
        (
            CORPUS[1] | {"contactId": "c1"},
            {
                "contact_id": "c1",
                "person_fields": "*",
                "operation": "update_contact",
                "raw": True,
                "person": {"organizations": COMPANY["companyValues"]},
            },
        ),
        (
            CORPUS[2] | {"contactId": "c1", "rawData": True},
            {
                "contact_id": "c1",
                "person_fields": "organizations",
                "operation": "get_contact",
                "raw": True,
            },
        ),
        (
            {"operation": "getAll", "fields": ["names", "emailAddresses"], "limit": 20},
            {
                "person_fields": "names,emailAddresses",
                "operation": "list_contacts",
                "max_results": 20,
            },
        ),
        (
            {"operation": "getAll", "fields": ["*"], "useQuery": True, "query": "ada"},
            {
                "person_fields": "*",
                "operation": "list_contacts",
                "query": "ada",
                "max_results": 100,
            },
        ),
        (
            {"operation": "delete", "contactId": "c1"},
            {"operation": "delete_contact", "contact_id": "c1"},
        ),
    ],
)
def test_each_operation_becomes_its_google_contacts_config(params, config):
    node = converted("googleContacts", params)
    assert node["type"] == "app.google_contacts"
    assert node["config"] == config
    assert "choose a Google Contacts credential" in node["notes"]


def test_get_all_s_contacts_are_items_and_return_all_is_capped():
    graph = convert(single("googleContacts", {"operation": "getAll", "returnAll": True}))
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    assert node["config"]["max_results"] == 5000
    assert "at most 5000" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "group", "operation": "create"}, "does 'group / create'"),
        (CORPUS[0] | {"additionalFields": {"birthday": "2000-01-01"}}, "sets a birthday"),
        ({"operation": "update", "contactId": "c1", "updateFields": {}}, "updates no field"),
        ({"operation": "get", "fields": ["names"]}, "has no Contact ID"),
        ({"operation": "getAll", "options": {"sortOrder": "FIRST_NAME_ASCENDING"}}, "sorts the"),
        ({"operation": "getAll", "useQuery": True}, "its Query is empty"),
    ],
)
def test_what_the_google_contacts_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("googleContacts", params)
    assert "'App' (n8n-nodes-base.googleContacts)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_create_update_get_workflow_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("googleContacts", CORPUS[0], name="Google Contacts")
    template = data["nodes"][1]
    data["nodes"] += [
        {**template, "name": "Google Contacts1", "parameters": CORPUS[1]},
        {**template, "name": "Google Contacts2", "parameters": CORPUS[2]},
    ]
    data["connections"]["Google Contacts"] = {
        "main": [[{"node": "Google Contacts1", "type": "main", "index": 0}]]
    }
    data["connections"]["Google Contacts1"] = {
        "main": [[{"node": "Google Contacts2", "type": "main", "index": 0}]]
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeContacts()) as contacts:
        credential = store.create(
            alice,
            "Address book",
            "google_contacts",
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH_TOKEN,
                "base_url": contacts.url,
                "token_url": contacts.token_url,
            },
        )
        for node in graph["nodes"]:
            if node["type"] == "app.google_contacts":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [person] = contacts.people.values()
    assert person["names"][0]["givenName"] == "n8n"
    assert person["organizations"][0]["domain"] == "n8n.io"
    last = Step.objects.filter(execution=execution).order_by("-id").first()
    assert last is not None and last.output is not None
    assert last.output["organizations"] == COMPANY["companyValues"]
    assert last.output["contactId"] == person["resourceName"].removeprefix("people/")
