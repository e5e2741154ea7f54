"""app.egoi against a fake E-goi API v3 (tests/fakes/egoi.py): each operation's requests and
output (the contact read back, simplified or not), E-goi's errors, the key's test, and a run
through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.egoi import rest_api
from integrations.egoi.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.egoi import KEY, FakeEgoi
from workfuse.lib.node_run import NodeError, Secret

EG = "app.egoi"
NATHAN = {"list_id": "1", "email": "nathan@testmail.com", "fields": {"first_name": "Nathan"}}


@pytest.fixture
def egoi(settings: Any) -> Iterator[FakeEgoi]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeEgoi()) as fake:
        yield fake


def key(fake: FakeEgoi, value: str = KEY) -> Secret:
    return Secret("egoi", {"api_key": value}, {"base_url": fake.url}, name="Mailing")


def test_create_posts_base_and_extra_attaches_tags_and_reads_the_contact_back(egoi):
    config = NATHAN | {"extra_fields": {"1": "Lisbon"}, "tag_ids": ["7"]}
    output = run_app(EG, config, key(egoi))
    create, tag, read = egoi.requests
    assert (create.method, create.path) == ("POST", "/lists/1/contacts")
    assert create.headers["apikey"] == KEY
    assert create.json == {
        "base": {"email": "nathan@testmail.com", "first_name": "Nathan"},
        "extra": [{"field_id": "1", "value": "Lisbon"}],
    }
    assert tag.json == {"tag_id": 7, "contacts": ["c0000001"]}
    assert (read.method, read.path) == ("GET", "/lists/1/contacts/c0000001")
    assert output["base"]["first_name"] == "Nathan" and output["tags"] == [7]


def test_update_patches_and_get_simplifies_by_id_or_email(egoi):
    run_app(EG, NATHAN, key(egoi))
    updated = run_app(
        EG,
        {
            "operation": "update_contact",
            "list_id": "1",
            "contact_id": "c0000001",
            "fields": {"first_name": "Nat"},
            "extra_fields": {"1": "Porto"},
            "resolve": False,
        },
        key(egoi),
    )
    by_id = run_app(
        EG, {"operation": "get_contact", "list_id": "1", "contact_id": "c0000001"}, key(egoi)
    )
    by_email = run_app(
        EG,
        {
            "operation": "get_contact",
            "list_id": "1",
            "email": "nathan@testmail.com",
            "simplify": False,
        },
        key(egoi),
    )
    assert egoi.requests[2].method == "PATCH"
    assert egoi.requests[2].json == {
        "base": {"first_name": "Nat"},
        "extra": [{"field_id": "1", "value": "Porto"}],
    }
    assert updated == {"contact_id": "c0000001"}
    assert by_id["first_name"] == "Nat" and by_id["city"] == "Porto"
    assert by_id["tags"] == [] and by_id["email_stats"] == {"sent": 0}
    assert by_email["base"]["contact_id"] == "c0000001"


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create_contact", "list_id": "1"}, "email"),
        ({"operation": "update_contact", "list_id": "1"}, "contact_id"),
        ({"operation": "get_contact", "contact_id": "c1"}, "list_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_egoi_s_problems_are_quoted_and_a_wrong_key_names_the_credential(egoi):
    wrong = app_error(EG, NATHAN, key(egoi, "old"))
    assert not wrong.retryable
    assert wrong.message.startswith(
        "E-goi did not accept the credential “Mailing” (Invalid API key)"
    )
    missing = app_error(
        EG, {"operation": "get_contact", "list_id": "1", "contact_id": "x"}, key(egoi)
    )
    assert missing.message == "E-goi refused get_contact (HTTP 404): Contact not found"
    nobody = app_error(
        EG, {"operation": "get_contact", "list_id": "1", "email": "a@b.c"}, key(egoi)
    )
    assert nobody.message == "E-goi has no contact with the email a@b.c in list 1."


def test_the_key_test_reads_the_lists(egoi):
    assert rest_api.check_key(key(egoi)) == "Connected to E-goi: 1 list(s)."
    with pytest.raises(NodeError, match="did not accept the credential “Mailing”"):
        rest_api.check_key(key(egoi, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_then_renames_the_rendered_contact(alice, egoi):
    credential = store.create(alice, "Mailing", "egoi", {"api_key": KEY, "base_url": egoi.url})
    nodes = (
        {
            "id": "new",
            "type": EG,
            "config": {"credential": credential.pk, **NATHAN, "email": "{{ trigger.email }}"},
        },
        {
            "id": "rename",
            "type": EG,
            "config": {
                "credential": credential.pk,
                "operation": "update_contact",
                "list_id": "1",
                "contact_id": "{{ nodes.new.base.contact_id }}",
                "fields": {"first_name": "Nat"},
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"email": "n@x.io"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [contact] = egoi.contacts.values()
    assert contact["base"] == {
        "contact_id": "c0000001",
        "status": "active",
        "email": "n@x.io",
        "first_name": "Nat",
    }
    step = Step.objects.get(execution=execution, key="rename")
    assert step.output is not None and step.output["base"]["first_name"] == "Nat"
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
