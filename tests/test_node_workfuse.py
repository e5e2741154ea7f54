"""`app.workfuse` (editor/nodes/app_workfuse.py, executions/engine/own_workflows.py): a step
acting as its workflow's owner, run in the engine against the database: each operation on the
owner's own workflows and executions, another owner's ids answered "not found" and left alone,
creating from WorkFuse and n8n exports (an invalid one failing with the import's reasons), the
running workflow never deleted, and nothing secret in what it outputs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from editor.models import Workflow
from editor.nodes import NODE_TYPES
from editor.nodes.app_workfuse import Config
from editor.transfer import export_workflow, read_import
from executions import engine
from executions.models import Execution
from tests.engine_helpers import TRIGGER, chain, make_workflow, steps_by_key

NODE = "app.workfuse"
N8N_EXPORT = {
    "name": "From n8n",
    "nodes": [
        {
            "parameters": {},
            "name": "Start",
            "type": "n8n-nodes-base.manualTrigger",
            "typeVersion": 1,
            "position": [0, 0],
        },
        {
            "parameters": {
                "assignments": {
                    "assignments": [
                        {"id": "a", "name": "greeting", "value": "hello", "type": "string"}
                    ]
                },
                "options": {},
            },
            "name": "Greet",
            "type": "n8n-nodes-base.set",
            "typeVersion": 3.4,
            "position": [200, 0],
        },
    ],
    "connections": {"Start": {"main": [[{"node": "Greet", "type": "main", "index": 0}]]}},
}


def step(node_id: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": NODE, "config": config}


def run(owner: Any, *nodes: dict[str, Any], payload: Any = None) -> tuple[Execution, Workflow]:
    workflow = make_workflow(owner, chain(*nodes), name="runner")
    execution = engine.start_execution(workflow, payload)
    execution.refresh_from_db()
    return execution, workflow


def outputs(owner: Any, *nodes: dict[str, Any], payload: Any = None) -> dict[str, Any]:
    execution, _ = run(owner, *nodes, payload=payload)
    steps = steps_by_key(execution)
    assert execution.status == "succeeded", [s.error for s in steps.values()]
    return {key: s.output for key, s in steps.items()}


def failure(owner: Any, node: dict[str, Any], payload: Any = None) -> str:
    execution, _ = run(owner, node, payload=payload)
    assert execution.status == "failed"
    return str(steps_by_key(execution)[node["id"]].error)


def manual_only() -> dict[str, Any]:
    return {"nodes": [TRIGGER], "edges": []}


# --- settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "get_workflow"}, "workflow"),
        ({"operation": "delete_workflow", "workflow": ""}, "workflow"),
        ({"operation": "create_workflow"}, "document"),
        ({"operation": "get_execution"}, "execution"),
        ({"operation": "get_workflow", "workflow": "twelve"}, "workflow"),
        ({"operation": "get_workflow", "workflow": 0}, "workflow"),
        ({"operation": "list_workflows", "max_results": 1001}, "max_results"),
    ],
)
def test_a_setting_the_operation_needs_or_a_wrong_one_is_refused_on_its_field(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert [e["loc"][0] for e in caught.value.errors()] == [field]


def test_a_workflow_is_an_id_or_a_template_and_the_examples_are_valid():
    assert Config.model_validate({"operation": "get_workflow", "workflow": 12}).workflow == "12"
    templated = {"operation": "get_workflow", "workflow": "{{ item.id }}"}
    assert Config.model_validate(templated).workflow == "{{ item.id }}"
    for _, config in NODE_TYPES[NODE].examples:
        Config.model_validate(config)
    entry = NODE_TYPES[NODE].catalog_entry()
    assert entry["label"] == "WorkFuse" and entry["category"] == "app"
    assert entry["credential_kinds"] == [] and "credential" not in entry["schema"]["properties"]


# --- workflows ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_list_workflows_gives_only_the_owners_each_as_an_export_that_imports_back(alice, bob):
    mine = make_workflow(alice, manual_only(), name="Invoices")
    mine.is_active = True
    mine.save(update_fields=["is_active"])
    theirs = make_workflow(bob, manual_only(), name="Bob's invoices")
    listed = outputs(alice, step("all", operation="list_workflows"))["all"]
    assert listed["count"] == 2 and listed["truncated"] is False
    by_name = {item["name"]: item for item in listed["items"]}
    assert set(by_name) == {"Invoices", "runner"}
    item = by_name["Invoices"]
    assert item["id"] == mine.pk and item["is_active"] is True
    assert item["graph"] == mine.graph and item["version"] == 1
    assert item["created_at"] == mine.created_at.isoformat()
    assert item["updated_at"] == Workflow.objects.get(pk=mine.pk).updated_at.isoformat()
    assert item["format"] == "workfuse" and "exported_at" not in item
    assert read_import(item).graph == mine.graph  # a backup restores into WorkFuse
    text = json.dumps(listed)
    assert mine.webhook_token not in text and theirs.webhook_token not in text
    assert "Bob" not in text


@pytest.mark.django_db(transaction=True)
def test_list_workflows_filters_by_activation_and_name_and_stops_at_its_maximum(alice):
    for index in range(5):
        workflow = make_workflow(alice, manual_only(), name=f"Report {index}")
        workflow.is_active = index % 2 == 0
        workflow.save(update_fields=["is_active"])
    got = outputs(
        alice,
        step("active", operation="list_workflows", active="active", name_contains="REPORT"),
        step("inactive", operation="list_workflows", active="inactive", name_contains="report"),
        step("two", operation="list_workflows", max_results=2),
    )
    assert [i["name"] for i in got["active"]["items"]] == ["Report 0", "Report 2", "Report 4"]
    assert [i["name"] for i in got["inactive"]["items"]] == ["Report 1", "Report 3"]
    assert [i["name"] for i in got["two"]["items"]] == ["Report 0", "Report 1"]
    assert got["two"]["count"] == 6 and got["two"]["truncated"] is True


@pytest.mark.django_db(transaction=True)
def test_listing_reads_page_after_page_up_to_its_maximum(alice, monkeypatch):
    from executions.engine import own_workflows

    monkeypatch.setattr(own_workflows, "PAGE", 2)
    for index in range(6):
        make_workflow(alice, manual_only(), name=f"w{index}")
    got = outputs(alice, step("five", operation="list_workflows", max_results=5))["five"]
    assert [i["name"] for i in got["items"]] == ["w0", "w1", "w2", "w3", "w4"]
    assert got["count"] == 7 and got["truncated"] is True


@pytest.mark.django_db(transaction=True)
def test_another_owners_workflow_is_not_found_and_left_alone(alice, bob):
    theirs = make_workflow(bob, manual_only(), name="Bob's")
    for operation in ("get_workflow", "activate_workflow", "delete_workflow", "list_executions"):
        message = failure(alice, step("act", operation=operation, workflow=str(theirs.pk)))
        assert message == f"workflow: workflow {theirs.pk} was not found among your workflows."
    missing = failure(alice, step("act", operation="get_workflow", workflow="999999"))
    assert missing == "workflow: workflow 999999 was not found among your workflows."
    theirs.refresh_from_db()
    assert theirs.is_active is False


@pytest.mark.django_db(transaction=True)
def test_get_activate_and_deactivate_a_workflow_named_by_a_template(alice):
    target = make_workflow(alice, manual_only(), name="Target")
    got = outputs(
        alice,
        step("on", operation="activate_workflow", workflow="{{ trigger.id }}"),
        step("read", operation="get_workflow", workflow="{{ nodes.on.id }}"),
        step("off", operation="deactivate_workflow", workflow="{{ nodes.read.id }}"),
        payload={"id": target.pk},
    )
    assert got["on"]["is_active"] is True and got["read"]["is_active"] is True
    assert got["read"]["name"] == "Target" and got["off"]["is_active"] is False
    target.refresh_from_db()
    assert target.is_active is False


@pytest.mark.django_db(transaction=True)
def test_a_workflow_that_cannot_run_is_not_activated(alice):
    broken = Workflow.objects.create(
        owner=alice, name="Broken", graph={"nodes": [{"id": "x", "type": "nope"}], "edges": []}
    )
    message = failure(alice, step("on", operation="activate_workflow", workflow=str(broken.pk)))
    assert message.startswith(f"workflow: 'Broken' ({broken.pk}) cannot be activated: ")
    assert "needs at least one trigger" in message and message.endswith("(and 1 more problem)")
    broken.refresh_from_db()
    assert broken.is_active is False


@pytest.mark.django_db(transaction=True)
def test_delete_removes_another_of_the_owners_workflows_but_never_the_running_one(alice):
    old = make_workflow(alice, manual_only(), name="Old")
    got = outputs(alice, step("gone", operation="delete_workflow", workflow=str(old.pk)))
    assert got["gone"]["name"] == "Old" and got["gone"]["id"] == old.pk
    assert not Workflow.objects.filter(pk=old.pk).exists()
    execution, runner = run(
        alice, step("self", operation="delete_workflow", workflow="{{ workflow.id }}")
    )
    assert execution.status == "failed"
    assert "a workflow cannot be deleted by its own run" in steps_by_key(execution)["self"].error
    assert Workflow.objects.filter(pk=runner.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_called_workflow_cannot_delete_the_workflow_that_called_it(alice):
    child = make_workflow(
        alice,
        {
            "nodes": [
                {
                    "id": "called",
                    "type": "trigger.workflow",
                    "config": {"inputs": [{"name": "caller", "type": "number"}]},
                },
                step("parent", operation="delete_workflow", workflow="{{ trigger.caller }}"),
            ],
            "edges": [{"source": "called", "target": "parent"}],
        },
        name="child",
    )
    call = {"workflow": child.pk, "inputs": {"caller": "{{ workflow.id }}"}}
    caller = make_workflow(
        alice, chain({"id": "call", "type": "action.workflow", "config": call}), name="caller"
    )
    execution = engine.start_execution(caller, None)
    execution.refresh_from_db()
    called = Execution.objects.get(parent=execution)
    assert called.status == "failed"
    assert "cannot be deleted by its own run" in steps_by_key(called)["parent"].error
    assert Workflow.objects.filter(pk=caller.pk).exists()


# --- create ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_create_from_a_workfuse_export_given_as_json_text_makes_the_owners_workflow(alice):
    source = make_workflow(alice, chain(step("list", operation="list_workflows")), name="Copied")
    document = json.dumps(export_workflow(source))
    got = outputs(
        alice,
        step("make", operation="create_workflow", document="{{ trigger.doc }}"),
        payload={"doc": document},
    )["make"]
    made = Workflow.objects.get(pk=got["id"])
    assert made.owner == alice and made.name == "Copied" and made.graph == source.graph
    assert got["graph"] == source.graph and got["is_active"] is False
    assert made.versions.count() == 1


@pytest.mark.django_db(transaction=True)
def test_create_from_an_n8n_export_imports_it_for_the_same_owner(alice, bob):
    got = outputs(
        alice,
        step("make", operation="create_workflow", document="{{ trigger }}"),
        payload=N8N_EXPORT,
    )["make"]
    made = Workflow.objects.get(pk=got["id"])
    assert made.owner == alice and made.name == "From n8n"
    assert made.description.startswith("Imported from n8n")
    assert [n["label"] for n in made.graph["nodes"]] == ["Start", "Greet"]
    assert made.n8n_import["nodes"]  # the run view reads n8n's items of it
    assert not Workflow.objects.filter(owner=bob).exists()
    run = engine.start_execution(made, None)
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert "hello" in json.dumps(steps_by_key(run)["greet"].output)


@pytest.mark.django_db(transaction=True)
def test_an_export_that_does_not_import_fails_the_step_with_the_imports_reasons(alice):
    unknown = dict(
        N8N_EXPORT,
        nodes=[
            *N8N_EXPORT["nodes"],
            {**N8N_EXPORT["nodes"][1], "name": "Odd", "type": "n8n-nodes-base.nothingLikeIt"},
        ],
    )
    message = failure(
        alice, step("make", operation="create_workflow", document="{{ trigger }}"), unknown
    )
    assert message.startswith("document: the workflow cannot be imported: nodes[2]: ")
    assert "n8n node 'Odd' (n8n-nodes-base.nothingLikeIt) has no WorkFuse equivalent" in message
    bad_graph = {
        "format": "workfuse",
        "format_version": 1,
        "name": "Bad",
        "graph": {"nodes": [{"id": "a", "type": "action.http", "config": {}}], "edges": []},
    }
    message = failure(
        alice, step("make", operation="create_workflow", document="{{ trigger }}"), bad_graph
    )
    assert message.startswith("document: the workflow cannot be imported: ")
    assert "trigger" in message and "more problem" in message
    not_json = failure(
        alice,
        step("make", operation="create_workflow", document="{{ trigger.text }}"),
        {"text": "```json\n{}```"},
    )
    assert not_json.startswith(
        "document: must be a workflow export (a JSON object): This is "
        "not valid JSON: Expecting value at line 1, column 1."
    )
    assert Workflow.objects.filter(owner=alice).count() == 3  # the runners only


# --- executions --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_list_and_get_executions_give_only_the_owners_runs(alice, bob):
    ok = make_workflow(alice, manual_only(), name="Fine")
    done = engine.start_execution(ok, None)
    bobs = engine.start_execution(make_workflow(bob, manual_only(), name="Bob's"), None)
    got = outputs(
        alice,
        step("all", operation="list_executions"),
        step("mine", operation="list_executions", workflow=str(ok.pk), status="succeeded"),
        step("one", operation="get_execution", execution="{{ nodes.mine.items[0].id }}"),
        step("none", operation="list_executions", status="failed"),
    )
    listed = got["all"]
    assert listed["count"] == 2  # "Fine"'s run and this one, running
    assert [i["workflow_name"] for i in listed["items"]] == ["runner", "Fine"]
    assert listed["items"][0]["status"] == "running"
    one = got["one"]
    done.refresh_from_db()
    assert one == {
        "id": str(done.pk),
        "workflow": ok.pk,
        "workflow_name": "Fine",
        "version": 1,
        "status": "succeeded",
        "trigger": "manual",
        "created_at": done.created_at.isoformat(),
        "started_at": done.started_at.isoformat(),
        "finished_at": done.finished_at.isoformat(),
        "error": "",
        "duration_ms": done.duration_ms,
    }
    assert got["mine"]["items"] == [one]
    assert got["none"] == {"items": [], "count": 0, "truncated": False}
    message = failure(alice, step("theirs", operation="get_execution", execution=str(bobs.pk)))
    assert message == f"execution: execution {bobs.pk} was not found among your runs."
    assert str(bobs.pk) not in json.dumps(got)
    wrong = failure(alice, step("wrong", operation="get_execution", execution="42"))
    assert wrong == "execution: '42' is not an execution id (a UUID)."


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_is_listed_with_its_error(alice):
    failing = make_workflow(
        alice,
        chain({"id": "stop", "type": "logic.stop", "config": {"message": "No stock left"}}),
        name="Stops",
    )
    engine.start_execution(failing, None)
    got = outputs(alice, step("failed", operation="list_executions", status="failed"))["failed"]
    [item] = got["items"]
    assert item["workflow_name"] == "Stops" and item["status"] == "failed"
    assert "No stock left" in item["error"] and item["duration_ms"] >= 0
