"""app.google_contacts against a fake Google (tests/fakes/google_contacts.py): the refresh token
traded once per step, each operation's People API call (personFields, createContact's body,
updateContact's etag and updatePersonFields, connections pages, searchContacts), n8n's
simplified output with contactId, Google's errors, the credential's test, and a run through the
engine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.google_contacts import people_api
from integrations.google_contacts.node import ALL_FIELDS, Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from tests.fakes.google_contacts import FakeContacts
from workfuse.lib.node_run import NodeError, Secret

GC = "app.google_contacts"


@pytest.fixture
def contacts(settings: Any) -> Iterator[FakeContacts]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeContacts()) as fake:
        yield fake


def oauth(fake: FakeContacts, refresh: str = REFRESH_TOKEN) -> Secret:
    return Secret(
        "google_contacts",
        {"client_secret": CLIENT_SECRET, "refresh_token": refresh},
        {"client_id": CLIENT_ID, "base_url": fake.url, "token_url": fake.token_url},
        name="Address book",
    )


def api_calls(fake: FakeContacts) -> list[Any]:
    return [r for r in fake.requests if r.path != "/token"]


def test_create_sends_the_names_and_fields_and_outputs_the_contact_id(contacts):
    output = run_app(
        GC,
        {
            "given_name": "Grace",
            "family_name": "Hopper",
            "person": {
                "emailAddresses": [{"type": "work", "value": "grace@navy.test"}],
                "organizations": [{"name": "Navy", "title": "Rear Admiral"}],
            },
        },
        oauth(contacts),
    )
    [token, create] = contacts.requests
    assert token.form["grant_type"] == "refresh_token"
    assert (create.method, create.path) == ("POST", "/v1/people:createContact")
    assert create.headers["authorization"].startswith("Bearer ya29.")
    assert create.json["names"] == [{"givenName": "Grace", "familyName": "Hopper"}]
    assert create.query["personFields"] == [ALL_FIELDS]
    [stored] = contacts.people.values()
    assert output["contactId"] == stored["resourceName"].removeprefix("people/")
    assert output["names"]["displayName"] == "Grace Hopper"
    assert "metadata" not in output and "metadata" not in output["names"]
    assert output["emailAddresses"] == {"work": ["grace@navy.test"]}
    assert output["organizations"] == [{"name": "Navy", "title": "Rear Admiral"}]


def test_get_asks_the_fields_and_raw_keeps_googles_shape(contacts):
    person = contacts.add(
        "Ada", "Lovelace", phoneNumbers=[{"type": "mobile", "value": "+44 20 7946 0000"}]
    )
    ident = person["resourceName"].removeprefix("people/")
    simple = run_app(
        GC,
        {"operation": "get_contact", "contact_id": ident, "person_fields": "names, phoneNumbers"},
        oauth(contacts),
    )
    raw = run_app(
        GC,
        {"operation": "get_contact", "contact_id": f"people/{ident}", "raw": True},
        oauth(contacts),
    )
    calls = api_calls(contacts)
    assert calls[0].path == f"/v1/people/{ident}"
    assert calls[0].query["personFields"] == ["names,phoneNumbers"]
    assert simple == {
        "resourceName": f"people/{ident}",
        "etag": person["etag"],
        "names": {"givenName": "Ada", "familyName": "Lovelace", "displayName": "Ada Lovelace"},
        "phoneNumbers": {"mobile": ["+44 20 7946 0000"]},
        "contactId": ident,
    }
    assert raw["phoneNumbers"][0]["metadata"]["primary"] is True
    assert raw["contactId"] == ident and "metadata" in raw


def test_update_reads_the_etag_and_replaces_only_the_given_fields(contacts):
    person = contacts.add("Ada", "Lovelace")
    ident, etag = person["resourceName"].removeprefix("people/"), person["etag"]
    output = run_app(
        GC,
        {
            "operation": "update_contact",
            "contact_id": ident,
            "person": {"organizations": [{"name": "n8n", "title": "n8n", "current": True}]},
            "person_fields": "organizations",
        },
        oauth(contacts),
    )
    read, update = api_calls(contacts)
    assert read.query["personFields"] == ["names"]
    assert update.method == "PATCH" and update.path == f"/v1/people/{ident}:updateContact"
    assert update.query["updatePersonFields"] == ["organizations"]
    assert update.json["etag"] == etag
    assert contacts.people[f"people/{ident}"]["names"][0]["givenName"] == "Ada"
    assert output["organizations"] == [{"name": "n8n", "title": "n8n", "current": True}]
    assert output["contactId"] == ident


def test_an_update_with_a_stale_etag_is_googles_refusal_quoted(contacts):
    ident = contacts.add("Ada")["resourceName"].removeprefix("people/")
    error = app_error(
        GC,
        {"operation": "update_contact", "contact_id": ident, "family_name": "L", "etag": "%old"},
        oauth(contacts),
    )
    assert "FAILED_PRECONDITION" in error.message and not error.retryable


def test_list_reads_connections_page_after_page_or_searches(contacts):
    for n in range(7):
        contacts.add(f"Person{n}", "Smith")
    contacts.add("Ada", "Lovelace")
    book = people_api.AddressBook(oauth(contacts))
    assert len(book.people(None, "names", 5)) == 5
    output = run_app(
        GC,
        {"operation": "list_contacts", "person_fields": "names", "max_results": 8},
        oauth(contacts),
    )
    assert output["count"] == 8
    assert output["contacts"][7]["names"]["givenName"] == "Ada"
    found = run_app(
        GC,
        {"operation": "list_contacts", "query": "ada", "person_fields": "names"},
        oauth(contacts),
    )
    search = api_calls(contacts)[-1]
    assert search.path == "/v1/people:searchContacts"
    assert search.query["readMask"] == ["names"] and search.query["pageSize"] == ["30"]
    assert [c["names"]["familyName"] for c in found["contacts"]] == ["Lovelace"]


def test_delete_removes_the_contact_and_a_missing_one_is_named(contacts):
    ident = contacts.add("Ada")["resourceName"].removeprefix("people/")
    config = {"operation": "delete_contact", "contact_id": ident}
    assert run_app(GC, config, oauth(contacts)) == {"success": True}
    assert contacts.people == {}
    missing = app_error(GC, config, oauth(contacts))
    assert "404" in missing.message and "Requested entity was not found" in missing.message


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "get_contact"}, "contact_id"),
        ({"operation": "delete_contact"}, "contact_id"),
        ({"operation": "list_contacts", "max_results": 0}, "max_results"),
        ({"operation": "create_contact", "person": "[1]"}, "person"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_create_without_a_name_and_an_empty_update_are_refused(contacts):
    nameless = app_error(GC, {"operation": "create_contact"}, oauth(contacts))
    assert "given_name or a family_name" in nameless.message
    empty = app_error(GC, {"operation": "update_contact", "contact_id": "c1"}, oauth(contacts))
    assert "changes nothing" in empty.message
    assert contacts.requests == []


def test_a_revoked_token_names_the_credential_and_the_test_names_the_owner(contacts):
    revoked = app_error(GC, {"given_name": "Ada"}, oauth(contacts, "1//revoked"))
    assert not revoked.retryable
    assert "did not accept the credential “Address book”" in revoked.message
    assert people_api.check(oauth(contacts)) == (
        "Google Contacts accepted the credential of Ada Lovelace."
    )
    with pytest.raises(NodeError, match="invalid_grant"):
        people_api.check(oauth(contacts, "1//revoked"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_then_reads_the_contact_with_the_stored_credential(alice, contacts):
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
    create = {
        "id": "create",
        "type": GC,
        "config": {
            "credential": credential.pk,
            "given_name": "{{ trigger.first }}",
            "family_name": "n8n",
        },
    }
    get = {
        "id": "get",
        "type": GC,
        "config": {
            "credential": credential.pk,
            "operation": "get_contact",
            "contact_id": "{{ nodes.create.contactId }}",
            "person_fields": "names",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(create, get)), {"first": "Ada"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="get")
    assert step.output is not None and step.output["names"]["givenName"] == "Ada"
    assert REFRESH_TOKEN not in json.dumps([step.input, step.output])
