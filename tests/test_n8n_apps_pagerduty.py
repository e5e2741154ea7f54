"""Importing n8n's PagerDuty node (editor/n8n/apps_pagerduty.py) onto `app.pagerduty`: the config
each operation becomes (from the corpus's own settings), the refusals, where many incidents
lie, and an imported workflow run in the engine against the fake PagerDuty."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.pagerduty import SERVICE, TOKEN, FakePagerDuty
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "email": "oncall@acme.test",
                "title": "Firewall on Fire",
                "serviceId": "PWIXJZS",
                "additionalFields": {"urgency": "low", "details": "={{ $json.why }}"},
            },
            {
                "operation": "create_incident",
                "title": "Firewall on Fire",
                "service_id": "PWIXJZS",
                "urgency": "low",
                "details": "{{ trigger.why }}",
                "from_email": "oncall@acme.test",
            },
        ),
        (
            {
                "email": "oncall@acme.test",
                "operation": "update",
                "incidentId": "={{ $json.id }}",
                "updateFields": {
                    "title": "Firewalls on Fire",
                    "status": "resolved",
                    "escalationLevel": 2,
                },
            },
            {
                "operation": "update_incident",
                "incident_id": "{{ trigger.id }}",
                "title": "Firewalls on Fire",
                "status": "resolved",
                "escalation_level": "2",
                "from_email": "oncall@acme.test",
            },
        ),
        (
            {"operation": "get", "incidentId": "PT4KHLK"},
            {"operation": "get_incident", "incident_id": "PT4KHLK"},
        ),
        (
            {"operation": "getAll", "options": {"statuses": ["triggered"], "serviceIds": ["P1"]}},
            {
                "operation": "list_incidents",
                "statuses": ["triggered"],
                "service_ids": ["P1"],
                "max_results": 100,
            },
        ),
        (
            {"operation": "getAll", "returnAll": True},
            {"operation": "list_incidents", "max_results": 5000},
        ),
        (
            {
                "resource": "incidentNote",
                "incidentId": "PT4KHLK",
                "content": "Rolled back",
                "email": "a@b.test",
            },
            {
                "operation": "add_note",
                "incident_id": "PT4KHLK",
                "content": "Rolled back",
                "from_email": "a@b.test",
            },
        ),
    ],
)
def test_each_operation_becomes_its_pagerduty_config(params, config):
    node = converted("pagerDuty", params)
    assert node["type"] == "app.pagerduty"
    assert node["config"] == config
    assert "choose a PagerDuty credential (a REST API key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        (
            {"email": "", "title": "Firewall on Fire", "serviceId": "", "additionalFields": {}},
            "names no service",
        ),
        ({"operation": "get"}, "names no incident (Incident ID)"),
        ({"resource": "logEntry", "operation": "getAll"}, "does 'logEntry / getAll'"),
        ({"resource": "user", "operation": "get", "userId": "P1"}, "does 'user / get'"),
        ({"operation": "getAll", "options": {"teamIds": "T1"}}, "with the option(s) teamIds"),
        (
            {
                "title": "x",
                "serviceId": "P",
                "conferenceBridgeUi": {"conferenceBridgeValues": {"conferenceUrl": "u"}},
            },
            "sets a conference bridge",
        ),
    ],
)
def test_what_the_pagerduty_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("pagerDuty", params)
    assert "'App' (n8n-nodes-base.pagerDuty)" in message
    assert said in message


def test_many_incidents_say_where_their_items_lie():
    assert spec_items("pagerDuty", {"operation": "getAll"}, 1) == "incidents"
    assert spec_items("pagerDuty", {"operation": "get", "incidentId": "P"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_creates_renames_and_reads_an_incident(alice, settings):
    """The corpus's create → update → get chain, with its service and email filled in."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "pagerDuty",
        {
            "email": "oncall@acme.test",
            "title": "Firewall on Fire",
            "serviceId": SERVICE,
            "additionalFields": {},
        },
        name="PagerDuty",
    )
    template = data["nodes"][1]
    data["nodes"] += [
        {
            **template,
            "name": "PagerDuty1",
            "parameters": {
                "email": "oncall@acme.test",
                "operation": "update",
                "incidentId": '={{$node["PagerDuty"].json["id"]}}',
                "updateFields": {"title": "Firewalls on Fire"},
            },
        },
        {
            **template,
            "name": "PagerDuty2",
            "parameters": {"operation": "get", "incidentId": '={{$node["PagerDuty1"].json["id"]}}'},
        },
    ]
    data["connections"]["PagerDuty"] = {
        "main": [[{"node": "PagerDuty1", "type": "main", "index": 0}]]
    }
    data["connections"]["PagerDuty1"] = {
        "main": [[{"node": "PagerDuty2", "type": "main", "index": 0}]]
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakePagerDuty()) as pagerduty:
        credential = store.create(
            alice, "Ops", "pagerduty", {"api_token": TOKEN, "base_url": pagerduty.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.pagerduty":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [incident] = pagerduty.incidents
        methods = [r.method for r in pagerduty.requests]
    assert incident["title"] == "Firewalls on Fire"
    assert methods == ["POST", "PUT", "GET"]
    last = execution.steps.get(key="pagerduty2")
    assert last.output["title"] == "Firewalls on Fire"
