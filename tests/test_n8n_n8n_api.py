"""Importing n8n's n8n node (editor/n8n/n8n_api.py) onto `app.workfuse`: the config each
workflow and execution operation becomes, the refusals naming the construct (credentials and the
audit above all), n8n's field names read after it, and imported workflows run through the API:
a backup (Manual -> get all workflows -> per item) giving one item per workflow of the owner
only, and an "AI workflow generator" creating a workflow from an n8n export for the same owner."""

from __future__ import annotations

import json
from typing import Any

import pytest

from editor.models import Workflow
from editor.n8n import SPECS, SUB_NODES, convert
from editor.n8n.converter import Converter
from editor.nodes.app_workfuse import MAX_RESULTS
from tests.engine_helpers import TRIGGER, make_workflow
from tests.test_n8n_apps import converted, refusal, single
from tests.test_n8n_flow import export, manual, n8n_node, set_fields

LOCATOR = {"__rl": True, "mode": "id"}


def config_of(params: dict[str, Any]) -> dict[str, Any]:
    node = converted("n8n", params)
    assert node["type"] == "app.workfuse"
    return node["config"]


@pytest.mark.parametrize(
    ("params", "config"),
    [
        ({"filters": {}, "requestOptions": {}}, {"max_results": MAX_RESULTS}),
        ({"returnAll": False, "filters": {}}, {"max_results": 100}),
        ({"returnAll": False, "limit": 20}, {"max_results": 20}),
        ({"filters": {"activeWorkflows": True}}, {"active": "active"}),
        ({"filters": {"activeWorkflows": False}}, {"active": "inactive"}),
        ({"filters": {"name": "Backup", "excludePinnedData": True}}, {"name_contains": "Backup"}),
    ],
)
def test_get_many_workflows_becomes_list_workflows(params, config):
    got = config_of(params)
    assert got.pop("operation") == "list_workflows"
    assert {"max_results": MAX_RESULTS, **config} == got


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"operation": "get", "workflowId": {**LOCATOR, "value": "={{ $json.wid }}"}},
            {"operation": "get_workflow", "workflow": "{{ trigger.wid }}"},
        ),
        (
            {"operation": "activate", "workflowId": {**LOCATOR, "value": "={{ $json.wid }}"}},
            {"operation": "activate_workflow", "workflow": "{{ trigger.wid }}"},
        ),
        (
            {"operation": "deactivate", "workflowId": "={{ $json.wid }}"},
            {"operation": "deactivate_workflow", "workflow": "{{ trigger.wid }}"},
        ),
        (
            {
                "operation": "delete",
                "workflowId": {"__rl": True, "mode": "url", "value": "={{ $json.url }}"},
            },
            {"operation": "delete_workflow", "workflow": "{{ trigger.url }}"},
        ),
        (
            {"operation": "create", "workflowObject": "={{ $json.output }}", "requestOptions": {}},
            {"operation": "create_workflow", "document": "{{ trigger.output }}"},
        ),
        (
            {"resource": "execution"},
            {"operation": "list_executions", "max_results": 100},
        ),
        (
            {
                "resource": "execution",
                "returnAll": True,
                "filters": {
                    "status": "error",
                    "workflowId": {**LOCATOR, "value": "={{ $json.wid }}"},
                },
            },
            {
                "operation": "list_executions",
                "max_results": MAX_RESULTS,
                "status": "failed",
                "workflow": "{{ trigger.wid }}",
            },
        ),
        (
            {
                "resource": "execution",
                "operation": "get",
                "executionId": "={{ $json.run }}",
                "options": {},
            },
            {"operation": "get_execution", "execution": "{{ trigger.run }}"},
        ),
    ],
)
def test_each_operation_becomes_its_workfuse_operation(params, config):
    assert config_of(params) == config


def test_a_fixed_id_names_this_workflow_or_one_imported_with_it():
    own = single("n8n", {"operation": "deactivate", "workflowId": {**LOCATOR, "value": "selfId9"}})
    own["id"] = "selfId9"
    node = next(n for n in convert(own)["nodes"] if n["label"] == "App")
    assert node["config"]["workflow"] == "{{ workflow.id }}"
    message = refusal(
        "n8n",
        {
            "operation": "get",
            "workflowId": {**LOCATOR, "value": "aB12", "cachedResultName": "Invoices"},
        },
    )
    assert "names the n8n workflow 'Invoices' (n8n id aB12), which is not among the workflows" in (
        message
    )


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        (
            {
                "resource": "credential",
                "name": "x",
                "credentialTypeName": "githubApi",
                "data": "={}",
            },
            "does 'credential / create': WorkFuse never creates, deletes or describes "
            "credentials from workflow data",
        ),
        ({"resource": "credential", "operation": "getSchema"}, "'credential / getSchema'"),
        ({"resource": "audit"}, "generates n8n's security audit"),
        (
            {"operation": "update", "workflowObject": "{}"},
            "does 'workflow / update', which WorkFuse's own node",
        ),
        ({"operation": "getVersion"}, "does 'workflow / getVersion', which"),
        (
            {"resource": "execution", "operation": "delete", "executionId": "=1"},
            "does 'execution / delete', which",
        ),
        ({"filters": {"tags": "prod"}}, "WorkFuse workflows have no tags"),
        ({"filters": {"projectId": "p1"}}, "WorkFuse has no projects"),
        ({"returnAll": False, "limit": "={{ $json.n }}"}, "sets its limit with an expression"),
        ({"resource": "execution", "filters": {"status": "waiting"}}, "with status 'waiting'"),
        (
            {"resource": "execution", "options": {"activeWorkflows": True}},
            "includes each execution's node data",
        ),
        (
            {"resource": "execution", "operation": "get", "executionId": "1234"},
            "names the n8n execution 1234, which WorkFuse does not have",
        ),
        (
            {
                "operation": "activate",
                "workflowId": "={{ $json.id }}",
                "additionalFields": {"versionId": "v1"},
            },
            "publishes one version of the workflow",
        ),
        ({"operation": "create"}, "names no workflow JSON"),
        ({"operation": "get", "workflowId": {**LOCATOR, "value": ""}}, "names no workflow;"),
    ],
)
def test_what_the_node_cannot_do_is_refused_by_name(params, reason):
    message = refusal("n8n", params)
    assert message.startswith("n8n node 'App' (n8n-nodes-base.n8n)")
    assert reason in message


def test_the_corpus_credential_creation_is_refused_with_its_reason():
    params = {
        "data": '={\n "clientId":"{{ $json.web.client_id }}"\n}',
        "name": "={{ $json.service }}",
        "resource": "credential",
        "requestOptions": {},
        "credentialTypeName": "YOUR_CREDENTIAL_HERE",
    }
    assert "Create the credential once on the Credentials page" in refusal("n8n", params)


def spec_of(params: dict[str, Any]) -> Any:
    cx = Converter(single("n8n", params), SPECS, SUB_NODES)
    cx.run()
    return cx.spec_of("App")


def test_a_get_many_emits_one_item_per_workflow_read_by_n8n_field_names():
    spec = spec_of({"filters": {}})
    assert spec.items == "items" and ("active", "is_active") in spec.item_aliases
    assert spec_of({"resource": "execution"}).items == "items"
    single_spec = spec_of({"operation": "get", "workflowId": "={{ $json.id }}"})
    assert single_spec.items is None and ("updatedAt", "updated_at") in single_spec.aliases
    data = export(
        "Read",
        [
            manual(),
            n8n_node("n8n", "n8n", {"filters": {}}),
            set_fields(
                "Each",
                name="={{ $json.name }}",
                on="={{ $json.active }}",
                changed="={{ $json.updatedAt }}",
                nodes="={{ $json.nodes }}",
            ),
        ],
        [("Start", "n8n"), ("n8n", "Each")],
    )
    graph = convert(data)
    loop = next(n for n in graph["nodes"] if n["type"] == "logic.loop")
    assert loop["config"]["items"] == "{{ nodes.n8n.items }}"
    text = json.dumps(next(n for n in graph["nodes"] if n["label"] == "Each")["config"])
    assert "item.name" in text and "item.is_active" in text and "item.updated_at" in text
    assert "item.graph.nodes" in text


# --- imported and run through the API --------------------------------------------------------


def backup_export() -> dict[str, Any]:
    return export(
        "Backup",
        [
            manual(),
            n8n_node("Get Workflows", "n8n", {"filters": {}, "requestOptions": {}}),
            set_fields("Summary", name="={{ $json.name }}", on="={{ $json.active }}"),
            n8n_node(
                "To File",
                "convertToFile",
                {
                    "operation": "toJson",
                    "mode": "each",
                    "options": {"fileName": "={{ $json.name }}.json"},
                },
                1.1,
            ),
        ],
        [("Start", "Get Workflows"), ("Get Workflows", "Summary"), ("Get Workflows", "To File")],
    )


def run_imported(api: Any, document: dict[str, Any]) -> dict[str, Any]:
    made = api.post("/api/workflows/import", document)
    assert made.status_code == 201, made.content
    started = api.post(f"/api/workflows/{made.json()['id']}/run", {"payload": None})
    assert started.status_code == 202, started.content
    body = api.get(f"/api/executions/{started.json()['execution_id']}?view=n8n").json()
    assert body["status"] == "succeeded", [s["error"] for s in body["steps"]]
    return body


@pytest.mark.django_db(transaction=True)
def test_an_imported_backup_runs_once_per_workflow_of_the_owner_only(alice, bob, alice_api):
    make_workflow(alice, {"nodes": [TRIGGER], "edges": []}, name="Invoices")
    make_workflow(bob, {"nodes": [TRIGGER], "edges": []}, name="Bob's payroll")
    body = run_imported(alice_api, backup_export())
    summaries = body["n8n"]["Summary"]
    assert sorted(s["json"]["name"] for s in summaries) == ["Backup", "Invoices"]
    assert [s["json"]["on"] for s in summaries] == ["false", "false"]  # a string field
    files = [s["output"]["file"] for s in body["steps"] if s["node_id"] == "to_file"]
    assert sorted(f["filename"] for f in files) == ["Backup.json", "Invoices.json"]
    assert "Bob" not in json.dumps(body)


@pytest.mark.django_db(transaction=True)
def test_an_imported_generator_creates_the_n8n_workflow_it_is_given_for_the_same_owner(
    alice, bob, alice_api
):
    wanted = export(
        "Written by an agent",
        [manual(), set_fields("Hello", greeting="hi")],
        [("Start", "Hello")],
    )
    generator = export(
        "Generator",
        [
            manual(),
            set_fields("Agent", output=json.dumps(wanted)),
            n8n_node(
                "n8n",
                "n8n",
                {
                    "operation": "create",
                    "workflowObject": "={{ $json.output }}",
                    "requestOptions": {},
                },
            ),
            set_fields("Workflow Link", link="=https://example.com/workflow/{{ $json.id }}"),
        ],
        [("Start", "Agent"), ("Agent", "n8n"), ("n8n", "Workflow Link")],
    )
    body = run_imported(alice_api, generator)
    made = Workflow.objects.get(name="Written by an agent")
    assert made.owner == alice and not Workflow.objects.filter(owner=bob).exists()
    assert [n["label"] for n in made.graph["nodes"]] == ["Start", "Hello"]
    [link] = body["n8n"]["Workflow Link"]
    assert link["json"]["link"] == f"https://example.com/workflow/{made.pk}"


@pytest.mark.django_db(transaction=True)
def test_a_fixed_id_of_a_workflow_imported_together_names_that_workflow(alice, alice_api):
    target = export("Nightly", [manual()], [], id="nightlyN8n1")
    switcher = export(
        "Switch off",
        [
            manual(),
            n8n_node(
                "Off",
                "n8n",
                {
                    "operation": "deactivate",
                    "workflowId": {**LOCATOR, "mode": "list", "value": "nightlyN8n1"},
                },
            ),
        ],
        [("Start", "Off")],
    )
    made = alice_api.post("/api/workflows/import", [target, switcher])
    assert made.status_code == 201, made.content
    nightly, off = (Workflow.objects.get(pk=item["id"]) for item in made.json()["items"])
    node = next(n for n in off.graph["nodes"] if n["label"] == "Off")
    assert node["config"] == {"operation": "deactivate_workflow", "workflow": str(nightly.pk)}
