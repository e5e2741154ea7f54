"""app.mailchimp against a fake Mailchimp (tests/fakes/mailchimp.py): each operation's request
(method, path with the member's hash, basic auth, body or query) and output, paging by offset,
the datacenter read from the key, Mailchimp's problems, the key's test, and a run through the
engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from credentials.store import CredentialRefused
from executions import engine
from executions.models import Step
from integrations.mailchimp import marketing_api
from integrations.mailchimp.credentials import ApiKey
from integrations.mailchimp.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.mailchimp import API_KEY, LIST_ID, FakeMailchimp, md5
from workfuse.lib.node_run import NodeError, Secret

MC = "app.mailchimp"
MEMBERS = f"/3.0/lists/{LIST_ID}/members"


@pytest.fixture
def mailchimp(settings: Any) -> Iterator[FakeMailchimp]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeMailchimp()) as fake:
        yield fake


def key(fake: FakeMailchimp, value: str = API_KEY) -> Secret:
    return Secret("mailchimp", {"api_key": value}, {"base_url": fake.url}, name="News")


def test_the_datacenter_comes_from_the_key():
    assert ApiKey(api_key=API_KEY).api_root() == "https://us6.api.mailchimp.com/3.0"


@pytest.mark.django_db
def test_a_key_without_a_datacenter_is_refused_on_its_field_without_quoting_it(alice):
    with pytest.raises(CredentialRefused) as caught:
        store.create(alice, "News", "mailchimp", {"api_key": "0123456789abcdef"})
    assert caught.value.field == "value.api_key"
    assert "datacenter" in caught.value.message
    assert "0123456789abcdef" not in str(caught.value.errors)


def test_create_member_sends_status_merge_fields_and_tags(mailchimp):
    output = run_app(
        MC,
        {
            "list_id": LIST_ID,
            "email": "Ada@Example.com",
            "status": "subscribed",
            "merge_fields": '{"FNAME": "Ada"}',
            "tags": "Interest, VIP",
        },
        key(mailchimp),
    )
    [request] = mailchimp.requests
    assert (request.method, request.path) == ("POST", MEMBERS)
    assert request.headers["authorization"].startswith("Basic ")
    assert request.json == {
        "email_address": "Ada@Example.com",
        "status": "subscribed",
        "merge_fields": {"FNAME": "Ada"},
        "tags": ["Interest", "VIP"],
    }
    assert output["id"] == md5("ada@example.com") and output["tags"][1]["name"] == "VIP"


def test_update_and_get_member_address_it_by_the_md5_of_its_email(mailchimp):
    mailchimp.add("ada@example.com")
    run_app(
        MC,
        {
            "operation": "update_member",
            "list_id": LIST_ID,
            "email": "ADA@example.com",
            "status": "unsubscribed",
        },
        key(mailchimp),
    )
    output = run_app(
        MC,
        {"operation": "get_member", "list_id": LIST_ID, "email": "ada@example.com"},
        key(mailchimp),
    )
    path = f"{MEMBERS}/{md5('ada@example.com')}"
    assert [(r.method, r.path) for r in mailchimp.requests] == [("PUT", path), ("GET", path)]
    assert mailchimp.requests[0].json == {
        "email_address": "ADA@example.com",
        "status": "unsubscribed",
    }
    assert output["status"] == "unsubscribed"


def test_list_members_pages_by_offset_and_filters(mailchimp):
    for n in range(1200):
        mailchimp.members[md5(f"m{n}@x.io")] = {
            "id": md5(f"m{n}@x.io"),
            "email_address": f"m{n}@x.io",
            "status": "subscribed",
            "last_changed": "2026-12-05T10:00:00+00:00",
        }
    output = run_app(
        MC,
        {
            "operation": "list_members",
            "list_id": LIST_ID,
            "max_results": 1100,
            "since_last_changed": "2026-12-01T00:00:00+00:00",
        },
        key(mailchimp),
    )
    assert output["count"] == 1100 and output["members"][1099]["email_address"] == "m1099@x.io"
    assert [(r.query["count"], r.query["offset"]) for r in mailchimp.requests] == [
        (["1000"], ["0"]),
        (["100"], ["1000"]),
    ]
    assert mailchimp.requests[0].query["since_last_changed"] == ["2026-12-01T00:00:00+00:00"]


def test_tags_are_added_and_removed_and_answer_success(mailchimp):
    mailchimp.add("ada@example.com")
    base = {"list_id": LIST_ID, "email": "ada@example.com"}
    added = run_app(MC, {**base, "operation": "add_tags", "tags": ["a", "b"]}, key(mailchimp))
    removed = run_app(MC, {**base, "operation": "remove_tags", "tags": "a"}, key(mailchimp))
    assert added == removed == {"success": True}
    assert mailchimp.requests[0].path == f"{MEMBERS}/{md5('ada@example.com')}/tags"
    assert mailchimp.requests[1].json == {"tags": [{"name": "a", "status": "inactive"}]}
    assert [t["name"] for t in mailchimp.members[md5("ada@example.com")]["tags"]] == ["b"]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"list_id": LIST_ID, "email": "a@b.c"}, "status"),
        ({"operation": "get_member", "email": "a@b.c"}, "list_id"),
        ({"operation": "add_tags", "list_id": LIST_ID, "email": "a@b.c"}, "tags"),
        (
            {"list_id": LIST_ID, "email": "a@b.c", "status": "subscribed", "merge_fields": "[]"},
            "merge_fields",
        ),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_an_existing_member_is_refused_in_mailchimps_words(mailchimp):
    mailchimp.add("ada@example.com")
    error = app_error(
        MC, {"list_id": LIST_ID, "email": "ada@example.com", "status": "subscribed"}, key(mailchimp)
    )
    assert not error.retryable
    assert error.message.startswith(
        "Mailchimp refused create_member (HTTP 400): Member Exists: ada@example.com is already"
    )


def test_a_wrong_key_names_the_credential(mailchimp):
    error = app_error(
        MC,
        {"operation": "get_member", "list_id": LIST_ID, "email": "a@b.c"},
        key(mailchimp, "x-us1"),
    )
    assert error.message.startswith(
        "Mailchimp did not accept the credential “News” (API Key Invalid"
    )


def test_the_key_test_reads_the_account(mailchimp):
    assert (
        marketing_api.check_key(key(mailchimp)) == "Connected to Mailchimp account Acme Newsletter."
    )
    with pytest.raises(NodeError, match="did not accept the credential “News”"):
        marketing_api.check_key(key(mailchimp, "old-us6"))


@pytest.mark.django_db(transaction=True)
def test_a_run_subscribes_the_rendered_member_with_the_stored_credential(alice, mailchimp):
    credential = store.create(
        alice, "News", "mailchimp", {"api_key": API_KEY, "base_url": mailchimp.url}
    )
    node = {
        "id": "subscribe",
        "type": MC,
        "config": {
            "credential": credential.pk,
            "list_id": LIST_ID,
            "email": "{{ trigger.email }}",
            "status": "subscribed",
            "merge_fields": {"FNAME": "{{ trigger.name }}"},
        },
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"email": "ada@example.com", "name": "Ada"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [member] = mailchimp.members.values()
    assert member["merge_fields"] == {"FNAME": "Ada"}
    step = Step.objects.get(execution=execution, key="subscribe")
    assert step.output is not None
    assert step.output["email_address"] == "ada@example.com"
    assert API_KEY not in json.dumps([step.input, step.output])
