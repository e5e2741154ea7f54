"""app.tapfiliate against a fake Tapfiliate API 1.6 (tests/fakes/tapfiliate.py): each
operation's request and output, Tapfiliate's errors, the key's test, and a run through the
engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.tapfiliate import rest_api
from integrations.tapfiliate.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.tapfiliate import KEY, PROGRAM, FakeTapfiliate
from workfuse.lib.node_run import NodeError, Secret

TF = "app.tapfiliate"
JACK = {"firstname": "Jack", "lastname": "Ryan", "email": "jack@example.com"}


@pytest.fixture
def tapfiliate(settings: Any) -> Iterator[FakeTapfiliate]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeTapfiliate()) as fake:
        yield fake


def key(fake: FakeTapfiliate, value: str = KEY) -> Secret:
    return Secret("tapfiliate", {"api_key": value}, {"base_url": fake.url}, name="Affiliates")


def test_create_affiliate_posts_the_person_and_its_fields(tapfiliate):
    config = JACK | {"fields": {"company": {"name": "Acme"}}}
    output = run_app(TF, config, key(tapfiliate))
    [request] = tapfiliate.requests
    assert (request.method, request.path) == ("POST", "/1.6/affiliates/")
    assert request.headers["api-key"] == KEY
    assert request.json == {"company": {"name": "Acme"}, **JACK}
    assert output["id"] == "jackryan" and output["company"] == {"name": "Acme"}


def test_metadata_program_get_and_delete_act_on_the_affiliate(tapfiliate):
    run_app(TF, JACK, key(tapfiliate))
    by_id = {"affiliate_id": "jackryan"}
    meta = run_app(
        TF,
        by_id | {"operation": "set_metadata", "metadata": {"plan": "pro", "tier": 2}},
        key(tapfiliate),
    )
    enrolled = run_app(
        TF, by_id | {"operation": "add_to_program", "program_id": PROGRAM}, key(tapfiliate)
    )
    got = run_app(TF, by_id | {"operation": "get_affiliate"}, key(tapfiliate))
    deleted = run_app(TF, by_id | {"operation": "delete_affiliate"}, key(tapfiliate))
    assert [(r.method, r.path) for r in tapfiliate.requests[1:]] == [
        ("PUT", "/1.6/affiliates/jackryan/meta-data/plan/"),
        ("PUT", "/1.6/affiliates/jackryan/meta-data/tier/"),
        ("POST", f"/1.6/programs/{PROGRAM}/affiliates/"),
        ("GET", "/1.6/affiliates/jackryan/"),
        ("DELETE", "/1.6/affiliates/jackryan/"),
    ]
    assert tapfiliate.requests[2].json == {"value": 2}
    assert meta == deleted == {"success": True}
    assert enrolled["affiliate"] == {"id": "jackryan"}
    assert got["meta_data"] == {"plan": "pro", "tier": 2} and tapfiliate.affiliates == {}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create_affiliate", "firstname": "a", "lastname": "b"}, "email"),
        ({"operation": "set_metadata", "affiliate_id": "a"}, "metadata"),
        ({"operation": "add_to_program", "affiliate_id": "a"}, "program_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_tapfiliate_s_errors_are_quoted_and_a_wrong_key_names_the_credential(tapfiliate):
    failed = app_error(
        TF, {"operation": "get_affiliate", "affiliate_id": "x"}, key(tapfiliate, "old")
    )
    assert not failed.retryable
    assert failed.message.startswith(
        "Tapfiliate did not accept the credential “Affiliates” (Unauthorized)"
    )
    missing = app_error(TF, {"operation": "get_affiliate", "affiliate_id": "x"}, key(tapfiliate))
    assert missing.message == "Tapfiliate refused get_affiliate (HTTP 404): Affiliate not found"
    stranger = app_error(
        TF,
        {"operation": "add_to_program", "affiliate_id": "x", "program_id": PROGRAM},
        key(tapfiliate),
    )
    assert stranger.message == "Tapfiliate refused add_to_program (HTTP 400): Affiliate not found"


def test_the_key_test_reads_the_programs(tapfiliate):
    assert rest_api.check_key(key(tapfiliate)) == "Connected to Tapfiliate: 1 program(s)."
    with pytest.raises(NodeError, match="did not accept the credential “Affiliates”"):
        rest_api.check_key(key(tapfiliate, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_and_enrols_the_rendered_affiliate(alice, tapfiliate):
    credential = store.create(
        alice, "Affiliates", "tapfiliate", {"api_key": KEY, "base_url": tapfiliate.url}
    )
    nodes = (
        {
            "id": "new",
            "type": TF,
            "config": {"credential": credential.pk, **JACK, "firstname": "{{ trigger.first }}"},
        },
        {
            "id": "enrol",
            "type": TF,
            "config": {
                "credential": credential.pk,
                "operation": "add_to_program",
                "affiliate_id": "{{ nodes.new.id }}",
                "program_id": PROGRAM,
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"first": "Jane"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert [a for _, a, _ in tapfiliate.enrolled] == ["janeryan"]
    step = Step.objects.get(execution=execution, key="enrol")
    assert step.output is not None and step.output["affiliate"] == {"id": "janeryan"}
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
