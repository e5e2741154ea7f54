"""One workflow's page: details, graph JSON saved as versions, restore, delete, export."""

from __future__ import annotations

import copy
import json

import pytest

from editor.models import Workflow
from executions import engine
from executions.models import Execution
from tests.conftest import design_example_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def example(alice):
    return design_example_for(alice)


@pytest.fixture
def workflow(alice, example):
    return Workflow.create(alice, "Orders", graph=example)


def test_page_shows_graph_versions_and_webhook_url(alice_client, workflow):
    content = alice_client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert "get_user" in content
    assert f"http://testserver/hooks/{workflow.webhook_token}" in content
    assert "v1" in content


def test_saving_a_graph_makes_a_version_and_restore_brings_it_back(alice_client, workflow, example):
    changed = copy.deepcopy(example)
    changed["nodes"][3]["label"] = "Tell the team"
    url = f"/workflows/{workflow.pk}/"
    alice_client.post(url, {"action": "graph", "graph": json.dumps(changed), "note": "label"})
    workflow.refresh_from_db()
    assert workflow.version == 2
    assert workflow.versions.get(number=2).note == "label"
    response = alice_client.post(url, {"action": "restore", "number": 1}, follow=True)
    assert b"Restored v1 as v3" in response.content
    workflow.refresh_from_db()
    assert (workflow.version, workflow.graph) == (3, example)


def test_invalid_graph_is_refused_with_each_problem_listed(alice_client, workflow, example):
    bad = copy.deepcopy(example)
    bad["nodes"].append({"id": "hook", "type": "trigger.manual"})
    bad["nodes"].append({"id": "hook2", "type": "trigger.webhook"})
    response = alice_client.post(
        f"/workflows/{workflow.pk}/", {"action": "graph", "graph": json.dumps(bad)}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Node id &#x27;hook&#x27; is used more than once." in content
    assert "only one &#x27;trigger.webhook&#x27; trigger" in content
    workflow.refresh_from_db()
    assert workflow.version == 1


def test_malformed_json_points_at_the_line(alice_client, workflow):
    response = alice_client.post(
        f"/workflows/{workflow.pk}/", {"action": "graph", "graph": '{\n "nodes": [,]}'}
    )
    assert response.status_code == 400
    assert b"line 2" in response.content


def test_details_and_delete(alice_client, workflow):
    url = f"/workflows/{workflow.pk}/"
    alice_client.post(url, {"action": "details", "name": "Orders 2", "description": "New text"})
    workflow.refresh_from_db()
    assert (workflow.name, workflow.description) == ("Orders 2", "New text")
    response = alice_client.post(url, {"action": "delete"})
    assert response["Location"] == "/workflows/"
    assert not Workflow.objects.exists()


def test_other_users_get_404(charlie_client, workflow):
    assert charlie_client.get(f"/workflows/{workflow.pk}/").status_code == 404
    assert charlie_client.get(f"/workflows/{workflow.pk}/export/").status_code == 404
    assert (
        charlie_client.post(f"/workflows/{workflow.pk}/", {"action": "delete"}).status_code == 404
    )
    assert Workflow.objects.filter(pk=workflow.pk).exists()


def test_404_page_is_readable(alice_client):
    response = alice_client.get("/workflows/999999/")
    assert response.status_code == 404
    assert b"belongs to someone else" in response.content


def test_activation_validates_and_explains_what_blocks_it(alice_client, alice):
    broken = Workflow.create(
        alice,
        "broken",
        graph={
            "nodes": [{"id": "t", "type": "trigger.manual"}, {"id": "x", "type": "utility.nope"}],
            "edges": [],
        },
    )
    response = alice_client.post(f"/workflows/{broken.pk}/", {"action": "activate"}, follow=True)
    assert "It cannot be activated until these are fixed" in response.content.decode()
    assert "Unknown node type &#x27;utility.nope&#x27;" in response.content.decode()
    broken.refresh_from_db()
    assert not broken.is_active
    good = Workflow.create(alice, "good")
    alice_client.post(f"/workflows/{good.pk}/", {"action": "activate"})
    good.refresh_from_db()
    assert good.is_active
    alice_client.post(f"/workflows/{good.pk}/", {"action": "deactivate"})
    good.refresh_from_db()
    assert not good.is_active


def test_new_webhook_url_replaces_the_old_one(alice_client, alice):
    workflow = Workflow.create(
        alice, "hook", graph={"nodes": [{"id": "h", "type": "trigger.webhook"}], "edges": []}
    )
    old = workflow.webhook_token
    alice_client.post(f"/workflows/{workflow.pk}/", {"action": "regenerate_token"})
    workflow.refresh_from_db()
    assert workflow.webhook_token != old
    assert len(workflow.webhook_token) >= 32


def test_delete_of_a_workflow_that_has_run_says_so_and_deletes_the_runs(alice_client, alice):
    workflow = Workflow.create(alice, "Has history")
    engine.start_execution(workflow, {"n": 1})
    url = f"/workflows/{workflow.pk}/"
    assert (
        "Its 1 execution and all its versions are deleted" in alice_client.get(url).content.decode()
    )
    response = alice_client.post(url, {"action": "delete"}, follow=True)
    assert "Deleted “Has history” and its 1 execution." in response.content.decode()
    assert not Workflow.objects.exists()
    assert not Execution.objects.exists()


def test_a_graph_beyond_the_input_limits_is_refused_as_a_form_error(alice_client, workflow):
    deep = '{"nodes": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = alice_client.post(f"/workflows/{workflow.pk}/", {"action": "graph", "graph": deep})
    assert response.status_code == 400
    assert "more than 64 levels deep" in response.content.decode()
    workflow.refresh_from_db()
    assert workflow.version == 1


@pytest.mark.parametrize(
    "path",
    [
        f"/workflows/{2**64}/",
        f"/workflows/{10**30}/export/",
        f"/workflows/{2**63}/executions/",
    ],
)
def test_an_id_beyond_the_database_range_is_a_404_page(alice_client, path):
    assert alice_client.get(path).status_code == 404


def test_a_restore_of_a_version_that_is_not_a_number_is_a_404(alice_client, workflow):
    url = f"/workflows/{workflow.pk}/"
    assert alice_client.post(url, {"action": "restore", "number": "v1"}).status_code == 404
    assert alice_client.post(url, {"action": "restore", "number": str(2**70)}).status_code == 404
