"""app.webflow against a fake Webflow Data API v2 (tests/fakes/webflow.py): items created
staged or live, read, listed by offset pages until Webflow's total, updated, deleted (success
on its 204), Webflow's errors, the token's test, and a run through the engine with a stored
credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.webflow import rest_api
from integrations.webflow.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.webflow import COLLECTION, TOKEN, FakeWebflow
from workfuse.lib.node_run import NodeError, Secret

WF = "app.webflow"
IN = {"collection_id": COLLECTION}


@pytest.fixture
def webflow(settings: Any) -> Iterator[FakeWebflow]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeWebflow()) as fake:
        yield fake


def token(fake: FakeWebflow, value: str = TOKEN) -> Secret:
    return Secret("webflow", {"token": value}, {"base_url": f"{fake.url}/v2"}, name="Site")


def test_an_item_is_created_staged_or_live_as_its_field_data(webflow):
    staged = run_app(
        WF, IN | {"operation": "create_item", "fields": {"name": "Ada"}}, token(webflow)
    )
    assert staged["fieldData"]["name"] == "Ada" and staged["lastPublished"] is None
    assert webflow.requests[0].path == f"/v2/collections/{COLLECTION}/items"
    assert webflow.requests[0].json == {"fieldData": {"name": "Ada"}}
    assert webflow.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    config = IN | {
        "operation": "create_item",
        "fields": '{"name": "Bo", "role": "x"}',
        "live": True,
    }
    live = run_app(WF, config, token(webflow))
    assert webflow.requests[1].path.endswith("/items/live")
    assert live["fieldData"] == {"name": "Bo", "slug": "bo", "role": "x"} and live["lastPublished"]


def test_an_item_is_read_updated_and_deleted(webflow):
    item = webflow.add("Ada")
    by_id = IN | {"item_id": item["id"]}
    updated = run_app(
        WF, by_id | {"operation": "update_item", "fields": {"role": "CTO"}}, token(webflow)
    )
    assert updated["fieldData"]["role"] == "CTO"
    assert webflow.requests[-1].method == "PATCH" and webflow.requests[-1].json == {
        "fieldData": {"role": "CTO"}
    }
    assert run_app(WF, by_id, token(webflow))["fieldData"]["name"] == "Ada"
    assert run_app(WF, by_id | {"operation": "delete_item"}, token(webflow)) == {"success": True}
    assert webflow.items == []


def test_items_are_listed_by_offset_until_webflow_s_total(webflow, monkeypatch):
    monkeypatch.setattr(rest_api, "PAGE", 2)
    for n in range(5):
        webflow.add(f"N{n}")
    listed = run_app(WF, IN | {"operation": "list_items", "max_results": 5000}, token(webflow))
    assert [i["fieldData"]["name"] for i in listed["items"]] == [f"N{n}" for n in range(5)]
    assert [(r.query["limit"], r.query["offset"]) for r in webflow.requests] == [
        (["2"], ["0"]),
        (["2"], ["2"]),
        (["2"], ["4"]),
    ]
    monkeypatch.setattr(rest_api, "PAGE", 100)
    webflow.requests.clear()
    few = run_app(WF, IN | {"operation": "list_items", "max_results": 3}, token(webflow))
    assert few["count"] == 3
    assert [(r.query["limit"], r.query["offset"]) for r in webflow.requests] == [(["3"], ["0"])]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create_item"}, "collection_id"),
        (IN, "item_id"),
        (IN | {"operation": "create_item", "fields": "[1]"}, "fields"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_webflow_s_errors_are_quoted_and_a_wrong_token_names_the_credential(webflow):
    bad = app_error(WF, IN | {"operation": "create_item", "fields": {"role": "x"}}, token(webflow))
    assert (
        bad.message
        == "Webflow refused create_item (HTTP 400): Validation Error; name: Field is required"
    )
    wrong = app_error(WF, IN | {"item_id": "x"}, token(webflow, "old"))
    assert not wrong.retryable and wrong.message.startswith(
        "Webflow did not accept the credential “Site” (Request not authorized)"
    )


def test_the_token_test_lists_the_sites(webflow):
    assert rest_api.check_token(token(webflow)) == "Connected to Webflow (1 site)."
    with pytest.raises(NodeError, match="did not accept the credential “Site”"):
        rest_api.check_token(token(webflow, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_adds_the_trigger_s_person(alice, webflow):
    credential = store.create(
        alice, "Site", "webflow", {"token": TOKEN, "base_url": f"{webflow.url}/v2"}
    )
    config = IN | {
        "credential": credential.pk,
        "operation": "create_item",
        "fields": {"name": "{{ trigger.name }}"},
    }
    nodes = ({"id": "add", "type": WF, "config": config},)
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"name": "Grace"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert [i["fieldData"]["name"] for i in webflow.items] == ["Grace"]
    assert TOKEN not in json.dumps([s.input for s in execution.steps.all()])
