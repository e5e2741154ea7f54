"""app.gsuite_admin against a fake Google (tests/fakes/gsuite_admin.py): the refresh token
traded once per step, users and groups inserted, read, listed page after page, updated and
deleted through the Directory API, a random first password when none is given, Google's errors
(duplicate, missing, not an administrator), the credential's test, and a run through the
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
from integrations.gsuite_admin import directory_api
from integrations.gsuite_admin.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from tests.fakes.gsuite_admin import NOT_ADMIN, FakeDirectory
from workfuse.lib.node_run import NodeError, Secret

GA = "app.gsuite_admin"
NAT = {"email": "nat@acme.test", "first_name": "Nathan", "last_name": "Nat"}


@pytest.fixture
def directory(settings: Any) -> Iterator[FakeDirectory]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeDirectory()) as fake:
        yield fake


def oauth(fake: FakeDirectory, refresh: str = REFRESH_TOKEN) -> Secret:
    return Secret(
        "gsuite_admin",
        {"client_secret": CLIENT_SECRET, "refresh_token": refresh},
        {"client_id": CLIENT_ID, "base_url": fake.url, "token_url": fake.token_url},
        name="Workspace admin",
    )


def api_calls(fake: FakeDirectory) -> list[Any]:
    return [r for r in fake.requests if r.path != "/token"]


def test_create_user_sends_the_name_email_and_password(directory):
    output = run_app(
        GA,
        NAT | {"password": "correct-horse-9", "fields": {"orgUnitPath": "/Sales"}},
        oauth(directory),
    )
    [token, insert] = directory.requests
    assert token.form["grant_type"] == "refresh_token"
    assert (insert.method, insert.path) == ("POST", "/admin/directory/v1/users")
    assert insert.json == {
        "orgUnitPath": "/Sales",
        "name": {"givenName": "Nathan", "familyName": "Nat"},
        "password": "correct-horse-9",
        "primaryEmail": "nat@acme.test",
    }
    assert output["primaryEmail"] == "nat@acme.test" and output["name"]["fullName"] == "Nathan Nat"
    assert "password" not in output


def test_a_user_without_a_password_gets_a_random_one_to_change(directory):
    run_app(GA, NAT, oauth(directory))
    sent = api_calls(directory)[0].json
    assert len(sent["password"]) >= 24 and sent["changePasswordAtNextLogin"] is True


def test_a_user_is_read_updated_listed_and_deleted(directory):
    secret = oauth(directory)
    ident = run_app(GA, NAT | {"password": "p" * 12}, secret)["id"]
    got = run_app(GA, {"operation": "get_user", "user_id": ident}, secret)
    assert api_calls(directory)[-1].query == {"projection": ["basic"], "viewType": ["admin_view"]}
    assert got["id"] == ident
    updated = run_app(
        GA, {"operation": "update_user", "user_id": "nat@acme.test", "last_name": "Nate"}, secret
    )
    update = api_calls(directory)[-1]
    assert (update.method, update.path) == ("PUT", "/admin/directory/v1/users/nat@acme.test")
    assert update.json == {"name": {"familyName": "Nate"}}
    assert updated["name"] == {
        "givenName": "Nathan",
        "familyName": "Nate",
        "fullName": "Nathan Nate",
    }
    for n in range(4):
        run_app(GA, {"email": f"u{n}@acme.test", "first_name": "U", "last_name": str(n)}, secret)
    listed = run_app(
        GA, {"operation": "list_users", "domain": "acme.test", "max_results": 4}, secret
    )
    assert listed["count"] == 4 and listed["users"][0]["id"] == ident
    assert api_calls(directory)[-1].query["domain"] == ["acme.test"]
    deleted = run_app(GA, {"operation": "delete_user", "user_id": ident}, secret)
    assert deleted == {"success": True} and ident not in directory.users
    missing = app_error(GA, {"operation": "get_user", "user_id": ident}, secret)
    assert "HTTP 404" in missing.message and "userKey" in missing.message


def test_groups_are_created_read_listed_updated_and_deleted(directory):
    secret = oauth(directory)
    created = run_app(
        GA, {"operation": "create_group", "email": "sales@acme.test", "name": "Sales"}, secret
    )
    assert api_calls(directory)[-1].json == {"name": "Sales", "email": "sales@acme.test"}
    group = {"group_id": "sales@acme.test"}
    assert run_app(GA, {"operation": "get_group"} | group, secret)["id"] == created["id"]
    updated = run_app(
        GA, {"operation": "update_group", "description": "The sales team"} | group, secret
    )
    assert updated["description"] == "The sales team"
    listed = run_app(GA, {"operation": "list_groups"}, secret)
    assert api_calls(directory)[-1].query["customer"] == ["my_customer"]
    assert listed == {"groups": [updated], "count": 1}
    assert run_app(GA, {"operation": "delete_group"} | group, secret) == {"success": True}
    assert directory.groups == {}


def test_googles_refusals_are_quoted_and_name_the_credential(directory):
    run_app(GA, NAT, oauth(directory))
    duplicate = app_error(GA, NAT, oauth(directory))
    assert (
        "HTTP 409" in duplicate.message
        and "ALREADY_EXISTS: Entity already exists." in duplicate.message
    )
    not_admin = app_error(GA, {"operation": "list_users"}, oauth(directory, NOT_ADMIN))
    assert "HTTP 403" in not_admin.message and "Not Authorized" in not_admin.message
    revoked = app_error(GA, {"operation": "list_users"}, oauth(directory, "1//revoked"))
    assert "did not accept the credential “Workspace admin”" in revoked.message
    empty = app_error(
        GA, {"operation": "update_user", "user_id": "nat@acme.test"}, oauth(directory)
    )
    assert "changes nothing" in empty.message
    maskless = {"operation": "get_user", "user_id": "nat@acme.test", "projection": "custom"}
    assert "custom_field_mask" in app_error(GA, maskless, oauth(directory)).message


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create_user", "first_name": "A", "last_name": "B"}, "email"),
        ({"operation": "get_user"}, "user_id"),
        ({"operation": "delete_group"}, "group_id"),
        ({"operation": "list_users", "projection": "all"}, "projection"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_the_credential_test_needs_an_administrator(directory):
    assert directory_api.check(oauth(directory)) == (
        "Google Workspace accepted the credential as an administrator's."
    )
    with pytest.raises(NodeError, match="Not Authorized"):
        directory_api.check(oauth(directory, NOT_ADMIN))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_then_reads_the_user_with_the_stored_credential(alice, directory):
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
    create = {"id": "create", "type": GA, "config": {"credential": credential.pk, **NAT}}
    get = {
        "id": "get",
        "type": GA,
        "config": {
            "credential": credential.pk,
            "operation": "get_user",
            "user_id": "{{ nodes.create.id }}",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(create, get)), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="get")
    assert step.output is not None and step.output["primaryEmail"] == "nat@acme.test"
    assert REFRESH_TOKEN not in json.dumps([s.output for s in execution.steps.all()])
