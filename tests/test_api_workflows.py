"""/api/workflows as a token-holding script uses it."""

from __future__ import annotations

import copy

import pytest
from django.db.models import RestrictedError

from editor.graph import starter_graph
from editor.models import Workflow, WorkflowVersion
from executions.models import Execution, Step
from tests.conftest import design_example_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def example(alice):
    return design_example_for(alice)


def create(api, graph, name="Orders"):
    response = api.post("/api/workflows", {"name": name, "graph": graph})
    assert response.status_code == 201, response.content
    return response.json()


def test_create_read_update_restore_export_import_round_trip(alice_api, example):
    created = create(alice_api, example)
    assert created["version"] == 1
    assert created["graph"] == example
    assert created["webhook_url"].startswith("http://testserver/hooks/")
    assert created["is_active"] is False

    read = alice_api.get(f"/api/workflows/{created['id']}").json()
    assert read["graph"] == example

    changed = copy.deepcopy(example)
    changed["nodes"][1]["label"] = "Fetch the user"
    updated = alice_api.put(
        f"/api/workflows/{created['id']}",
        {"name": "Orders v2", "description": "d", "graph": changed},
    )
    assert updated.status_code == 200
    assert updated.json()["version"] == 2
    assert updated.json()["name"] == "Orders v2"

    versions = alice_api.get(f"/api/workflows/{created['id']}/versions").json()
    assert versions["count"] == 2
    assert [v["number"] for v in versions["items"]] == [2, 1]

    restored = alice_api.post(f"/api/workflows/{created['id']}/versions/1/restore").json()
    assert restored["version"] == 3
    assert restored["graph"] == example

    exported = alice_api.get(f"/api/workflows/{created['id']}/export").json()
    assert exported["format"] == "workfuse"
    imported = alice_api.post("/api/workflows/import", exported)
    assert imported.status_code == 201
    assert imported.json()["id"] != created["id"]
    assert imported.json()["graph"] == exported["graph"]
    assert imported.json()["name"] == "Orders v2"


def test_an_update_without_graph_changes_keeps_the_version(alice_api, example):
    created = create(alice_api, example)
    patched = alice_api.patch(f"/api/workflows/{created['id']}", {"name": "Renamed"}).json()
    assert patched["name"] == "Renamed"
    assert patched["version"] == 1
    same_graph = alice_api.patch(f"/api/workflows/{created['id']}", {"graph": example}).json()
    assert same_graph["version"] == 1


def test_create_without_graph_starts_with_a_manual_trigger(alice_api):
    created = alice_api.post("/api/workflows", {"name": "Blank"}).json()
    assert [n["type"] for n in created["graph"]["nodes"]] == ["trigger.manual"]


def test_cyclic_graph_is_refused_with_field_level_details(alice_api, example):
    graph = copy.deepcopy(example)
    graph["edges"].append({"source": "notify", "target": "get_user"})
    response = alice_api.post("/api/workflows", {"name": "Loopy", "graph": graph})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_graph"
    assert body["details"][0]["field"] == "edges"
    assert "get_user → big → notify → get_user" in body["details"][0]["message"]
    assert not Workflow.objects.exists()


def test_invalid_update_is_refused_and_changes_nothing(alice_api, example):
    created = create(alice_api, example)
    bad = copy.deepcopy(example)
    bad["edges"].append({"source": "big", "source_handle": "true", "target": "ghost"})
    response = alice_api.put(f"/api/workflows/{created['id']}", {"name": "x", "graph": bad})
    assert response.status_code == 400
    assert response.json()["details"] == [
        {
            "node_id": None,
            "field": "edges[3].target",
            "message": "Edge target 'ghost' is not a node in this workflow.",
        }
    ]
    workflow = Workflow.objects.get(pk=created["id"])
    assert (workflow.version, workflow.name) == (1, "Orders")


def test_request_validation_errors_name_the_field(alice_api):
    response = alice_api.post("/api/workflows", {"name": ""})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["details"][0]["field"] == "name"


def test_other_users_workflows_answer_404_everywhere(alice_api, charlie_api, example):
    created = create(alice_api, example)
    base = f"/api/workflows/{created['id']}"
    assert charlie_api.get(base).status_code == 404
    assert charlie_api.get(base).json()["code"] == "not_found"
    assert charlie_api.put(base, {"name": "x", "graph": example}).status_code == 404
    assert charlie_api.patch(base, {"name": "x"}).status_code == 404
    assert charlie_api.delete(base).status_code == 404
    assert charlie_api.get(f"{base}/versions").status_code == 404
    assert charlie_api.post(f"{base}/versions/1/restore").status_code == 404
    assert charlie_api.get(f"{base}/export").status_code == 404
    assert charlie_api.post(f"{base}/activate").status_code == 404
    assert charlie_api.get("/api/workflows").json() == {"items": [], "count": 0}
    assert Workflow.objects.get(pk=created["id"]).name == "Orders"


def test_list_is_paginated_and_searchable(alice_api, alice):
    for i in range(12):
        Workflow.create(alice, f"Flow {i:02d}" + (" invoices" if i % 3 == 0 else ""))
    page = alice_api.get("/api/workflows?limit=5&offset=5").json()
    assert page["count"] == 12
    assert len(page["items"]) == 5
    found = alice_api.get("/api/workflows?search=INVOICES").json()
    assert found["count"] == 4
    assert all("invoices" in w["name"] for w in found["items"])


def test_delete_removes_the_workflow(alice_api, example):
    created = create(alice_api, example)
    assert alice_api.delete(f"/api/workflows/{created['id']}").status_code == 204
    assert alice_api.get(f"/api/workflows/{created['id']}").status_code == 404


def test_activation_validates_first(alice_api, alice, example):
    created = create(alice_api, example)
    assert alice_api.post(f"/api/workflows/{created['id']}/activate").json()["is_active"] is True
    assert alice_api.post(f"/api/workflows/{created['id']}/deactivate").json()["is_active"] is False
    broken = Workflow.create(alice, "broken", graph={"nodes": [], "edges": []})
    response = alice_api.post(f"/api/workflows/{broken.pk}/activate")
    assert response.status_code == 400
    assert response.json()["code"] == "cannot_activate"
    assert "trigger" in response.json()["message"]


def test_import_refuses_files_that_are_not_exports(alice_api):
    response = alice_api.post("/api/workflows/import", {"hello": "world"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_import"
    assert response.json()["details"][0]["field"] == "format"
    wrong_version = alice_api.post(
        "/api/workflows/import", {"format": "workfuse", "format_version": 99}
    )
    assert "format_version" in wrong_version.json()["message"]


def test_missing_or_bad_token_answers_401(client):
    assert client.get("/api/workflows").status_code == 401
    response = client.get("/api/workflows", HTTP_AUTHORIZATION="Bearer wf_nope")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_session_writes_need_csrf(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get("/api/workflows").status_code == 200
    refused = client.post("/api/workflows", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403


def test_openapi_schema_and_docs_are_served(client, db):
    schema = client.get("/api/openapi.json").json()
    assert "/api/workflows" in schema["paths"]
    assert "/api/workflows/{workflow_id}/versions/{number}/restore" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_webhook_token_can_be_regenerated(alice_api, charlie_api):
    created = alice_api.post("/api/workflows", {"name": "hook"}).json()
    renewed = alice_api.post(f"/api/workflows/{created['id']}/webhook-token").json()
    assert renewed["webhook_url"] != created["webhook_url"]
    assert charlie_api.post(f"/api/workflows/{created['id']}/webhook-token").status_code == 404


def test_deleting_a_workflow_that_has_run_deletes_its_versions_executions_and_steps(
    alice_api, alice
):
    created = create(alice_api, starter_graph(), name="Has history")
    changed = starter_graph()
    changed["nodes"][0]["label"] = "Go"
    assert alice_api.patch(f"/api/workflows/{created['id']}", {"graph": changed}).status_code == 200
    for payload in ({"n": 1}, {"n": 2}):
        run = alice_api.post(f"/api/workflows/{created['id']}/run", {"payload": payload})
        assert run.status_code == 202
    assert Execution.objects.filter(workflow_id=created["id"]).count() == 2
    assert Step.objects.filter(execution__workflow_id=created["id"]).exists()

    response = alice_api.delete(f"/api/workflows/{created['id']}")

    assert response.status_code == 204
    assert alice_api.get(f"/api/workflows/{created['id']}").status_code == 404
    assert not WorkflowVersion.objects.filter(workflow_id=created["id"]).exists()
    assert not Execution.objects.exists()
    assert not Step.objects.exists()


def test_a_version_that_executions_ran_cannot_be_deleted_on_its_own(alice_api, alice):
    created = create(alice_api, starter_graph())
    alice_api.post(f"/api/workflows/{created['id']}/run", {"payload": {}})
    version = WorkflowVersion.objects.get(workflow_id=created["id"])
    with pytest.raises(RestrictedError):
        version.delete()
    assert Execution.objects.filter(version=version).exists()
