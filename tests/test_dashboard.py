"""The workflows dashboard: list, search, pagination, create, rename, duplicate, delete, import."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from editor.models import Workflow
from executions import engine
from executions.models import Execution, Step
from tests.conftest import design_example_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def example(alice):
    return design_example_for(alice)


def test_empty_state_invites_to_create(alice_client):
    response = alice_client.get("/workflows/")
    assert b"No workflows yet" in response.content
    assert b"Create your first workflow" in response.content


def test_create_opens_the_new_workflow(alice_client, alice):
    response = alice_client.post(
        "/workflows/", {"action": "create", "name": "Invoices", "description": "Daily"}
    )
    workflow = Workflow.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/workflows/{workflow.pk}/"
    assert (workflow.name, workflow.version, workflow.versions.count()) == ("Invoices", 1, 1)


def test_create_without_a_name_shows_the_error(alice_client, alice):
    response = alice_client.post("/workflows/", {"action": "create", "name": ""})
    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert not Workflow.objects.exists()


def test_search_and_pagination(alice_client, alice):
    for i in range(30):
        Workflow.create(alice, f"Report {i:02d}" if i % 2 else f"Sync {i:02d}")
    first = alice_client.get("/workflows/")
    assert b"Page 1 of 2" in first.content
    assert b"30 workflows" in first.content
    found = alice_client.get("/workflows/?q=sync", HTTP_HX_REQUEST="true")
    assert found.content.lstrip().startswith(
        b'<div id="workflow-list">'
    )  # the partial, not the page
    assert found.content.count(b'class="rowtitle"') == 15
    assert b"Report" not in found.content
    nothing = alice_client.get("/workflows/?q=zzz")
    assert "No workflows match “zzz”".encode() in nothing.content


def test_list_shows_only_my_workflows(alice_client, alice, charlie):
    Workflow.create(alice, "Mine")
    Workflow.create(charlie, "Not mine")
    content = alice_client.get("/workflows/").content
    assert b"Mine" in content
    assert b"Not mine" not in content


def test_rename_duplicate_and_delete_with_htmx_return_the_list(alice_client, alice, example):
    workflow = Workflow.create(alice, "Original", graph=example)
    renamed = alice_client.post(
        "/workflows/",
        {"action": "rename", "id": workflow.pk, "name": "Renamed"},
        HTTP_HX_REQUEST="true",
    )
    assert b"Renamed" in renamed.content
    assert "Renamed to “Renamed”".encode() in renamed.content
    workflow.refresh_from_db()
    assert workflow.name == "Renamed"

    alice_client.post(
        "/workflows/", {"action": "duplicate", "id": workflow.pk}, HTTP_HX_REQUEST="true"
    )
    copy = Workflow.objects.get(name="Renamed (copy)")
    assert copy.graph == workflow.graph
    assert copy.webhook_token != workflow.webhook_token

    deleted = alice_client.post(
        "/workflows/", {"action": "delete", "id": workflow.pk}, HTTP_HX_REQUEST="true"
    )
    assert deleted.status_code == 200
    assert not Workflow.objects.filter(pk=workflow.pk).exists()
    assert b"Renamed (copy)" in deleted.content


def test_delete_asks_for_confirmation(alice_client, alice):
    Workflow.create(alice, "Precious")
    assert b'hx-confirm="Delete' in alice_client.get("/workflows/").content


def test_blank_rename_is_refused(alice_client, alice):
    workflow = Workflow.create(alice, "Keep")
    response = alice_client.post(
        "/workflows/", {"action": "rename", "id": workflow.pk, "name": "  "}, HTTP_HX_REQUEST="true"
    )
    assert b"A name is required" in response.content
    workflow.refresh_from_db()
    assert workflow.name == "Keep"


def test_actions_on_other_users_workflows_answer_404(charlie_client, alice):
    workflow = Workflow.create(alice, "Alice's")
    for action in ("rename", "duplicate", "delete"):
        response = charlie_client.post(
            "/workflows/", {"action": action, "id": workflow.pk, "name": "pwned"}
        )
        assert response.status_code == 404
    workflow.refresh_from_db()
    assert workflow.name == "Alice's"
    assert Workflow.objects.count() == 1


def test_import_of_an_exported_file_recreates_the_workflow(alice_client, alice, example):
    original = Workflow.create(alice, "Exported", graph=example)
    exported = alice_client.get(f"/workflows/{original.pk}/export/")
    assert exported["Content-Disposition"] == 'attachment; filename="exported.workfuse.json"'
    upload = SimpleUploadedFile("x.json", exported.content, content_type="application/json")
    preview = alice_client.post("/workflows/import/", {"file": upload})
    assert preview.status_code == 200 and Workflow.objects.count() == 1  # shown, not saved
    text = preview.context["import_text"]
    response = alice_client.post("/workflows/import/", {"text": text, "action": "import"})
    imported = Workflow.objects.exclude(pk=original.pk).get()
    assert response["Location"] == f"/workflows/{imported.pk}/"
    assert imported.graph == example
    assert imported.name == "Exported"


def test_import_of_a_broken_file_explains_why(alice_client):
    response = alice_client.post("/workflows/import/", {"text": "{not json"})
    assert response.status_code == 400
    assert b"Not valid JSON" in response.content
    cyclic = {
        "format": "workfuse",
        "format_version": 1,
        "name": "c",
        "graph": {
            "nodes": [
                {"id": "t", "type": "trigger.manual"},
                {"id": "a", "type": "x"},
                {"id": "b", "type": "x"},
            ],
            "edges": [
                {"source": "t", "target": "a"},
                {"source": "a", "target": "b"},
                {"source": "b", "target": "a"},
            ],
        },
    }
    response = alice_client.post("/workflows/import/", {"text": json.dumps(cyclic)})
    assert "a → b → a".encode() in response.content
    assert not Workflow.objects.exists()


def run_twice(workflow: Workflow) -> None:
    for n in (1, 2):
        engine.start_execution(workflow, {"n": n})


def test_delete_confirmation_says_how_many_executions_go_with_it(alice_client, alice):
    run_twice(Workflow.create(alice, "Busy"))
    Workflow.create(alice, "Idle")
    content = alice_client.get("/workflows/").content.decode()
    assert "Delete “Busy”? Its 2 executions and all its versions are deleted with it." in content
    assert "Delete “Idle”? Its 0 executions and all its versions are deleted with it." in content


def test_deleting_a_workflow_that_has_run_deletes_its_history(alice_client, alice):
    workflow = Workflow.create(alice, "Has history")
    run_twice(workflow)
    response = alice_client.post(
        "/workflows/", {"action": "delete", "id": workflow.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Deleted “Has history” and its 2 executions.".encode() in response.content
    assert not Workflow.objects.exists()
    assert not Execution.objects.exists()
    assert not Step.objects.exists()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"a": ' * 50_000 + "1" + "}" * 50_000, "more than 64 levels deep"),
        ('{"format": "workfuse", "n": ' + "9" * 5000 + "}", "At &#x27;n&#x27;: the integer has"),
        ('{"format": "workfuse", "x": NaN}', "NaN is not a number JSON allows"),
    ],
)
def test_import_of_a_hostile_file_is_refused_with_the_reason(alice_client, text, says):
    pasted = alice_client.post("/workflows/import/", {"text": text})
    upload = SimpleUploadedFile("x.json", text.encode(), content_type="application/json")
    uploaded = alice_client.post("/workflows/import/", {"file": upload})
    for response in (pasted, uploaded):
        assert response.status_code == 400
        assert says in response.content.decode()
    assert not Workflow.objects.exists()


@pytest.mark.parametrize("given", ["abc", "", "-3", str(2**64), "1e3"])
def test_an_action_on_an_id_that_is_not_a_row_is_a_404(alice_client, alice, given):
    Workflow.create(alice, "Keep")
    response = alice_client.post("/workflows/", {"action": "delete", "id": given})
    assert response.status_code == 404
    assert Workflow.objects.count() == 1
