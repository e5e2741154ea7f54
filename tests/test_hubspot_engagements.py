"""HubSpot engagements (app.hubspot's create_engagement, editor/n8n/apps_hubspot.py): the call
to HubSpot's Engagements API against the fake, its errors, and n8n's engagement / create
imported with the metadata n8n's node sends (corpus workflow 0417's email engagement)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from integrations.hubspot.node import Config, run
from tests.app_nodes import run_app
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.hubspot import TOKEN, FakeHubSpot
from tests.test_n8n_apps import converted, refusal, single
from workfuse.lib.node_run import NodeError, RunContext, Secret

HS = "app.hubspot"
EMAIL = {
    "type": "email",
    "resource": "engagement",
    "metadata": {
        "html": "={{ $json.html }}",
        "subject": "={{ $json.subject }}",
        "toEmail": ["={{ $json.to }}"],
        "firstName": "Mutasem",
        "fromEmail": "mutasem@n8n.io",
    },
    "additionalFields": {"associations": {"contactIds": "={{ $json.id }}"}},
}


@pytest.fixture
def hubspot(settings: Any) -> Iterator[FakeHubSpot]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeHubSpot()) as fake:
        yield fake


def token(fake: FakeHubSpot) -> Secret:
    return Secret("hubspot", {"access_token": TOKEN}, {"base_url": fake.url}, name="CRM")


def test_an_engagement_is_posted_with_its_type_metadata_and_associations(hubspot):
    config = {
        "operation": "create_engagement",
        "engagement_type": "TASK",
        "metadata": {"subject": "Call back", "status": "NOT_STARTED"},
        "associations": {"contactIds": "151, 152", "dealIds": ["9"]},
    }
    answer = run_app(HS, config, token(hubspot))
    [request] = hubspot.requests
    assert (request.method, request.path) == ("POST", "/engagements/v1/engagements")
    assert request.json == {
        "engagement": {"type": "TASK"},
        "metadata": {"subject": "Call back", "status": "NOT_STARTED"},
        "associations": {"contactIds": ["151", "152"], "dealIds": ["9"]},
    }
    assert answer["engagement"]["type"] == "TASK" and answer["engagement"]["id"]


def test_an_engagement_whose_metadata_renders_empty_fails_as_n8ns_does(hubspot):
    config = {"operation": "create_engagement", "metadata": {"subject": "x"}}
    validated = Config.model_validate(config).model_copy(update={"metadata": {}})
    ctx = RunContext(execution_id="e", node_id="app", step_key="app", secret=token(hubspot))
    with pytest.raises(NodeError, match="At least one metadata field"):
        run(validated, ctx)
    assert hubspot.requests == []


def test_n8ns_email_engagement_becomes_the_metadata_n8n_sends():
    node = converted("hubspot", EMAIL, 2)
    assert node["config"] == {
        "operation": "create_engagement",
        "engagement_type": "EMAIL",
        "metadata": {
            "from": {"email": "mutasem@n8n.io", "firstName": "Mutasem"},
            "cc": [],
            "bcc": [],
            "subject": "{{ trigger.subject }}",
            "html": "{{ trigger.html }}",
        },
        "associations": {"contactIds": "{{ trigger.id }}"},
    }
    assert "does not send the metadata toEmail of the email engagement" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({**EMAIL, "type": "meeting"}, "creates a meeting engagement"),
        ({**EMAIL, "metadata": {}}, "sets no metadata"),
        ({**EMAIL, "operation": "getAll"}, "engagement / getAll"),
    ],
)
def test_engagements_n8n_does_otherwise_are_refused_naming_node_and_construct(params, said):
    message = refusal("hubspot", params, 2)
    assert "(n8n-nodes-base.hubspot)" in message and said in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_email_engagement_is_recorded_on_the_contact(alice, hubspot):
    graph = convert(single("hubspot", EMAIL, 2))
    assert validate_graph(graph) == []
    credential = store.create(
        alice, "CRM", "hubspot", {"access_token": TOKEN, "base_url": hubspot.url}
    )
    for node in graph["nodes"]:
        if node["type"] == HS:
            node["config"]["credential"] = credential.pk
    payload = {"id": 151, "subject": "Hello", "html": "<p>Hi</p>", "to": "ada@acme.test"}
    execution = engine.start_execution(make_workflow(alice, graph), payload)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [stored] = hubspot.engagements
    assert stored["associations"] == {"contactIds": ["151"]}
    assert stored["metadata"]["subject"] == "Hello"
    assert stored["metadata"]["from"] == {"email": "mutasem@n8n.io", "firstName": "Mutasem"}
