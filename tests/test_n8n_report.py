"""The import report (editor/n8n/report.py): through the API (with every import, dry run,
preview, refusals as 400s naming the n8n node and never a 500) and in the dashboard's import
dialog (upload -> report -> Import / Cancel), and the n8n view of a run over the API."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.models import Workflow
from executions import engine

BASE = "n8n-nodes-base."

LEADS: dict[str, Any] = {
    "name": "Lead intake",
    "nodes": [
        {
            "parameters": {"httpMethod": "POST", "path": "lead", "options": {}},
            "id": "1",
            "name": "Webhook",
            "type": f"{BASE}webhook",
            "typeVersion": 2,
            "position": [0, 0],
        },
        {
            "parameters": {
                "method": "POST",
                "url": "https://crm.example.com/leads",
                "authentication": "genericCredentialType",
                "genericAuthType": "httpHeaderAuth",
                "options": {},
            },
            "id": "2",
            "name": "Create lead",
            "type": f"{BASE}httpRequest",
            "typeVersion": 4.2,
            "position": [220, 0],
            "credentials": {"httpHeaderAuth": {"id": "7", "name": "CRM key"}},
        },
        {
            "parameters": {},
            "id": "3",
            "name": "Done",
            "type": f"{BASE}noOp",
            "typeVersion": 1,
            "position": [440, 0],
        },
    ],
    "connections": {
        "Webhook": {"main": [[{"node": "Create lead", "type": "main", "index": 0}]]},
        "Create lead": {"main": [[{"node": "Done", "type": "main", "index": 0}]]},
    },
}


def with_unknown_node() -> dict[str, Any]:
    data = copy.deepcopy(LEADS)
    data["nodes"].append(
        {
            "parameters": {},
            "id": "4",
            "name": "Tell the team",
            "type": f"{BASE}mattermost",
            "typeVersion": 1,
            "position": [660, 0],
        }
    )
    data["connections"]["Done"] = {
        "main": [[{"node": "Tell the team", "type": "main", "index": 0}]]
    }
    return data


def outcome(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(n for n in report["nodes"] if n["name"] == name)


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_answers_the_report_with_the_new_workflow(alice_api, alice):
    response = alice_api.post("/api/workflows/import", copy.deepcopy(LEADS))
    assert response.status_code == 201, response.json()
    report = response.json()["report"]
    assert report["source"] == "n8n"
    assert report["counts"] == {
        "nodes": 3,
        "exact": 1,  # the No-op
        "caveats": 2,  # the webhook's URL changes; the HTTP node's credential and response
        "refused": 0,
        "credentials": 1,
        "added": 0,
    }
    lead = outcome(report, "Create lead")
    assert lead["status"] == "caveats" and lead["node_id"] == "create_lead"
    assert any("credential" in note for note in lead["notes"])
    assert any("JSON array" in note for note in lead["notes"])
    [slot] = report["credentials"]
    assert slot["kind"] == "header" and slot["node"] == "Create lead"
    assert slot["message"].startswith("Choose a header credential for 'create_lead'")
    assert "CRM key" in slot["message"] and "7" not in slot["message"].split("key")[-1]
    workflow = Workflow.objects.get(pk=response.json()["id"], owner=alice)
    assert workflow.n8n_import["nodes"]["create_lead"]["name"] == "Create lead"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/workflows/import?dry_run=1", "/api/workflows/import/preview"]
)
def test_a_dry_run_returns_the_report_and_saves_nothing(alice_api, path):
    response = alice_api.post(path, copy.deepcopy(LEADS))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["importable"] is True and body["name"] == "Lead intake"
    assert body["report"]["counts"]["nodes"] == 3
    refused = alice_api.post(path, with_unknown_node()).json()
    assert refused["importable"] is False
    assert outcome(refused["report"], "Tell the team")["status"] == "refused"
    assert not Workflow.objects.exists()


@pytest.mark.django_db
def test_a_refused_import_names_each_refused_n8n_node_and_its_type(alice_api):
    response = alice_api.post("/api/workflows/import", with_unknown_node())
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_import"
    assert body["message"].startswith("1 of 4 nodes cannot be imported: n8n node 'Tell the team'")
    [detail] = body["details"]
    assert detail["n8n_node"] == "Tell the team"
    assert detail["n8n_type"] == f"{BASE}mattermost"
    assert detail["field"] == "nodes[3]"
    assert not Workflow.objects.exists()


@pytest.mark.django_db
def test_a_graph_the_import_made_but_validation_refuses_is_reported_on_its_n8n_node(alice_api):
    data = copy.deepcopy(LEADS)
    data["nodes"][1]["parameters"]["url"] = "={{ $('Done').item.json.url }}"
    response = alice_api.post("/api/workflows/import?dry_run=1", data)
    report = response.json()["report"]
    lead = outcome(report, "Create lead")
    assert lead["status"] == "refused"
    assert lead["reasons"][0].startswith("n8n node 'Create lead' (config.url):")


@pytest.mark.django_db
def test_a_workfuse_export_gets_a_report_too(alice_api, alice):
    graph = {"nodes": [{"id": "start", "type": "trigger.manual", "config": {}}], "edges": []}
    exported = {"format": "workfuse", "format_version": 1, "name": "Mine", "graph": graph}
    body = alice_api.post("/api/workflows/import", exported).json()
    assert body["report"]["source"] == "workfuse"
    assert body["report"]["counts"]["exact"] == 1


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    where=st.sampled_from(["parameters", "connections", "node", "credentials", "position"]),
    index=st.integers(0, 2),
    value=JSON,
)
def test_no_mangled_n8n_export_gets_a_500(alice_api, where, index, value):
    data = copy.deepcopy(LEADS)
    node = data["nodes"][index]
    if where == "connections":
        data["connections"][node["name"]] = {"main": value}
    elif where == "node":
        node["type"] = value if not isinstance(value, str) else f"{BASE}{value}"
    else:
        node[where] = value
    for path in ("/api/workflows/import", "/api/workflows/import?dry_run=1"):
        response = alice_api.post(path, data)
        assert response.status_code in (200, 201, 400), response.content
        if response.status_code == 400:
            assert response.json()["details"], response.json()


# --- the n8n view over the API ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_execution_api_shows_a_run_as_n8n_items(alice_api):
    data = {
        "name": "view",
        "nodes": [
            {"name": "Start", "type": f"{BASE}manualTrigger", "typeVersion": 1, "parameters": {}},
            {
                "name": "Make",
                "type": f"{BASE}code",
                "typeVersion": 2,
                "parameters": {"jsCode": 'return [{"n": 1}, {"n": 2}];'},
            },
            {"name": "Pass", "type": f"{BASE}noOp", "typeVersion": 1, "parameters": {}},
        ],
        "connections": {
            "Start": {"main": [[{"node": "Make", "type": "main", "index": 0}]]},
            "Make": {"main": [[{"node": "Pass", "type": "main", "index": 0}]]},
        },
    }
    workflow = Workflow.objects.get(pk=alice_api.post("/api/workflows/import", data).json()["id"])
    execution = engine.start_execution(workflow, {})
    body = alice_api.get(f"/api/executions/{execution.pk}?view=n8n").json()
    assert body["n8n"] == {
        "Start": [{"json": {}}],
        "Make": [{"json": {"n": 1}}, {"json": {"n": 2}}],
        "Pass": [{"json": {"n": 1}}, {"json": {"n": 2}}],
    }
    assert alice_api.get(f"/api/executions/{execution.pk}").json()["n8n"] is None
    assert alice_api.get(f"/api/executions/{execution.pk}?view=x").status_code == 400


# --- the dashboard's import dialog --------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_import_shows_the_report_before_saving(alice_client, alice):
    upload = SimpleUploadedFile("leads.json", json.dumps(LEADS).encode(), "application/json")
    preview = alice_client.post("/workflows/import/", {"file": upload, "action": "preview"})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Import report" in page and "2 with caveats" in page
    assert "Choose a header credential for &#x27;create_lead&#x27;" in page
    assert 'value="import"' in page and "Cancel" in page
    assert not Workflow.objects.exists()
    saved = alice_client.post(
        "/workflows/import/", {"text": preview.context["import_text"], "action": "import"}
    )
    workflow = Workflow.objects.get(owner=alice)
    assert saved["Location"] == f"/workflows/{workflow.pk}/"
    assert workflow.n8n_import["nodes"]["done"]["name"] == "Done"


@pytest.mark.django_db
def test_dashboard_import_of_a_refused_n8n_file_lists_the_refused_nodes(alice_client):
    text = json.dumps(with_unknown_node())
    response = alice_client.post("/workflows/import/", {"text": text, "action": "import"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "1 refused" in page and "Tell the team" in page and f"{BASE}mattermost" in page
    assert 'value="import"' not in page
    assert not Workflow.objects.exists()


@pytest.mark.django_db
def test_dashboard_import_help_mentions_n8n(alice_client):
    page = alice_client.get("/workflows/").content.decode()
    assert "exported\n        from <strong>n8n</strong>" in page
