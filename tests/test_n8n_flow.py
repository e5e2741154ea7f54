"""n8n control flow imported (editor/n8n/: sub_workflows, respond, wait, forms, chat_trigger,
switch, cycles; sets of files through POST /api/workflows/import): converted, validated, and
run through the engine where it runs, the outputs compared with what n8n gives."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from editor.graph import ImportRefused
from editor.models import Workflow
from editor.n8n import convert, import_n8n
from editor.templating import render_value
from editor.transfer import read_import
from editor.validation import validate_graph
from executions import engine
from executions.models import Execution
from tests.engine_helpers import recorder, steps_by_key
from tests.test_n8n_import import by_label, edges_of, refusal_messages, run_node

BASE = "n8n-nodes-base."


# --- building n8n exports ------------------------------------------------------------------


def n8n_node(name: str, kind: str, params: dict | None = None, version: float = 1, **extra: Any):
    full = kind if "." in kind else BASE + kind
    return {
        "parameters": params or {},
        "id": f"id-{name}",
        "name": name,
        "type": full,
        "typeVersion": version,
        "position": [0, 0],
        **extra,
    }


def export(name: str, nodes: list[dict], links: list[tuple], **top: Any) -> dict:
    """An n8n export; each link is (source, target) or (source, output index, target)."""
    connections: dict[str, Any] = {}
    for link in links:
        source, index, target = link if len(link) == 3 else (link[0], 0, link[1])
        outputs = connections.setdefault(source, {"main": []})["main"]
        while len(outputs) <= index:
            outputs.append([])
        outputs[index].append({"node": target, "type": "main", "index": 0})
    return {"name": name, "nodes": nodes, "connections": connections, **top}


def manual() -> dict:
    return n8n_node("Start", "manualTrigger")


def set_fields(label: str, **fields: Any) -> dict:
    rows = [
        {"id": f"f{i}", "name": k, "value": v, "type": "number" if isinstance(v, int) else "string"}
        for i, (k, v) in enumerate(fields.items())
    ]
    return n8n_node(label, "set", {"assignments": {"assignments": rows}, "options": {}}, 3.4)


def http(name: str, url: str, method: str = "GET") -> dict:
    return n8n_node(name, "httpRequest", {"url": url, "method": method, "options": {}}, 4.2)


def later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


def run(workflow: Workflow, payload: Any = None) -> Execution:
    execution = engine.start_execution(workflow, payload)
    execution.refresh_from_db()
    return execution


def import_set(api: Any, documents: Any) -> Any:
    return api.post("/api/workflows/import", documents)


# --- sub-workflows -------------------------------------------------------------------------

CALLEE = export(
    "Greeter",
    [
        n8n_node("When called", "executeWorkflowTrigger"),
        set_fields("Greet", greeting="=Hello {{ $json.name }}, {{ $json.city }}"),
    ],
    [("When called", "Greet")],
    id="calleeN8nId01",
)
CALLER = export(
    "Front desk",
    [
        manual(),
        set_fields("Visitor", name="Ada", city="Paris", badge=7),
        n8n_node(
            "Call greeter",
            "executeWorkflow",
            {
                "workflowId": {
                    "__rl": True,
                    "mode": "list",
                    "value": "calleeN8nId01",
                    "cachedResultName": "Greeter",
                },
                "options": {},
            },
            1.1,
        ),
        set_fields("Answer", said="={{ $json.greeting }}!"),
    ],
    [("Start", "Visitor"), ("Visitor", "Call greeter"), ("Call greeter", "Answer")],
    id="callerN8nId02",
)


@pytest.mark.django_db(transaction=True)
def test_a_set_of_two_files_keeps_the_call_and_the_caller_gets_the_callees_answer(alice, alice_api):
    response = import_set(alice_api, [CALLER, CALLEE])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["count"] == 2
    caller_out, callee_out = body["items"]
    assert (caller_out["name"], callee_out["name"]) == ("Front desk", "Greeter")
    caller, callee = (
        Workflow.objects.get(pk=caller_out["id"]),
        Workflow.objects.get(pk=callee_out["id"]),
    )
    assert caller.owner == alice and callee.owner == alice
    call = by_label(caller.graph, "Call greeter")
    # The n8n id became the new workflow's id; the inputs are what the callee reads.
    assert call["type"] == "action.workflow"
    assert call["config"]["workflow"] == callee.pk
    assert set(call["config"]["inputs"]) == {"name", "city"}
    assert by_label(callee.graph, "When called")["type"] == "trigger.workflow"
    assert callee.versions.get(number=1).graph == callee.graph

    execution = run(caller)

    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    child = Execution.objects.get(parent=execution)
    assert steps_by_key(child)["when_called"].output == {"name": "Ada", "city": "Paris"}
    assert steps["call_greeter"].output["output"] == {"result": {"greeting": "Hello Ada, Paris"}}
    # n8n's `$json.greeting` after the call reads the callee's last item.
    assert steps["answer"].output == {"result": {"said": "Hello Ada, Paris!"}}


def test_declared_inputs_are_mapped_and_typed():
    callee = export(
        "Adder",
        [
            n8n_node(
                "Inputs",
                "executeWorkflowTrigger",
                {
                    "workflowInputs": {
                        "values": [
                            {"name": "amount", "type": "number"},
                            {"name": "tags", "type": "array"},
                            {"name": "note"},
                        ]
                    }
                },
                1.1,
            ),
            set_fields("Sum", total="={{ $json.amount }}"),
        ],
        [("Inputs", "Sum")],
        id="adder",
    )
    caller = export(
        "Shop",
        [
            manual(),
            n8n_node(
                "Add",
                "executeWorkflow",
                {
                    "workflowId": {"__rl": True, "mode": "id", "value": "adder"},
                    "workflowInputs": {
                        "mappingMode": "defineBelow",
                        "value": {"amount": "={{ $json.price }}", "tags": "=[1]"},
                        "schema": [
                            {"id": "amount", "displayName": "amount", "type": "number"},
                            {"id": "tags", "displayName": "tags", "type": "array"},
                            {"id": "note", "displayName": "note", "removed": True},
                        ],
                    },
                    "options": {"waitForSubWorkflow": False},
                },
                1.2,
            ),
        ],
        [("Start", "Add")],
    )
    from editor.n8n.sets import convert_set, members

    callee_graph, caller_graph = convert_set(members([callee, caller]), [41, 42])
    assert by_label(callee_graph, "Inputs")["config"]["inputs"] == [
        {"name": "amount", "type": "number", "required": False},
        {"name": "tags", "type": "json", "required": False},
        {"name": "note", "type": "string", "required": False},
    ]
    add = by_label(caller_graph, "Add")["config"]
    assert add["workflow"] == 41 and add["wait"] is False
    assert add["inputs"]["amount"] == "{{ trigger.price }}"
    # `note` is declared but was removed from the mapping; n8n still passes the item's own.
    assert add["inputs"]["note"] == "{{ trigger.note | default(none) }}"


def test_a_call_to_a_workflow_not_in_the_set_is_refused_naming_it():
    [message] = refusal_messages(CALLER)
    assert "'Call greeter'" in message
    assert "'Greeter' (n8n id calleeN8nId01)" in message
    assert "not among the workflows imported with it" in message
    assert "JSON array" in message


@pytest.mark.django_db(transaction=True)
def test_a_call_to_a_workflow_imported_before_calls_it(alice, alice_api, charlie_api):
    """Migrating one file at a time: the called workflow first, then its caller."""
    first = alice_api.post("/api/workflows/import", CALLEE)
    assert first.status_code == 201, first.json()
    callee = Workflow.objects.get(pk=first.json()["id"])
    assert callee.n8n_import["source"] == {"id": "calleeN8nId01", "name": "Greeter"}
    # Another user's import does not see it.
    refused = charlie_api.post("/api/workflows/import", CALLER)
    assert refused.status_code == 400
    assert "nor imported before" in json.dumps(refused.json())
    # The report read before saving (the dashboard's dialog, ?dry_run=1) finds it too.
    preview = alice_api.post("/api/workflows/import?dry_run=1", CALLER)
    assert preview.status_code == 200, preview.json()
    assert preview.json()["report"]["counts"]["refused"] == 0
    second = alice_api.post("/api/workflows/import", CALLER)
    assert second.status_code == 201, second.json()
    assert second.json()["report"]["counts"]["refused"] == 0
    caller = Workflow.objects.get(pk=second.json()["id"])
    call = by_label(caller.graph, "Call greeter")
    assert call["config"]["workflow"] == callee.pk
    assert set(call["config"]["inputs"]) == {"name", "city"}
    execution = run(caller)
    assert execution.status == "succeeded", execution.error
    assert steps_by_key(execution)["answer"].output == {"result": {"said": "Hello Ada, Paris!"}}


@pytest.mark.django_db(transaction=True)
def test_a_template_carrying_the_workflow_it_calls_calls_itself(alice_api):
    """n8n's templates often hold the called workflow beside its caller, started by an Execute
    Workflow Trigger, while the call still names the id the workflow had in its author's n8n."""
    nodes = [n for n in CALLER["nodes"]] + [n for n in CALLEE["nodes"]]
    links = [("Start", "Visitor"), ("Visitor", "Call greeter"), ("Call greeter", "Answer")]
    template = export("Front desk template", nodes, [*links, ("When called", "Greet")])
    assert "id" not in template
    preview = alice_api.post("/api/workflows/import?dry_run=1", template)
    assert preview.status_code == 200, preview.json()
    response = import_set(alice_api, template)
    assert response.status_code == 201, response.json()
    report = response.json()["report"]
    assert report["counts"]["refused"] == 0
    caveats = json.dumps(report)
    assert "'Greeter' (n8n id calleeN8nId01), which is not imported" in caveats
    assert "Execute Workflow Trigger 'When called'" in caveats
    workflow = Workflow.objects.get(pk=response.json()["id"])
    assert by_label(workflow.graph, "Call greeter")["config"]["workflow"] == workflow.pk
    execution = run(workflow)
    assert execution.status == "succeeded", execution.error
    assert steps_by_key(execution)["answer"].output == {"result": {"said": "Hello Ada, Paris!"}}


def test_a_call_found_nowhere_stays_refused_when_the_trigger_beside_it_is_disabled():
    callee_nodes = [dict(CALLEE["nodes"][0], disabled=True), CALLEE["nodes"][1]]
    links = [("Start", "Visitor"), ("Visitor", "Call greeter"), ("Call greeter", "Answer")]
    template = export("Front desk", [*CALLER["nodes"], *callee_nodes], links)
    [message] = refusal_messages(template)
    assert "not among the workflows imported with it" in message


def test_a_workflow_that_calls_itself_alone_is_refused_with_what_to_do():
    data = export(
        "Recursive",
        [
            manual(),
            n8n_node(
                "Again",
                "executeWorkflow",
                {"workflowId": "={{ $workflow.id }}", "mode": "each", "options": {}},
            ),
        ],
        [("Start", "Again")],
    )
    [message] = refusal_messages(data)
    assert "its own workflow" in message and "POST /api/workflows/import" in message


@pytest.mark.django_db
def test_a_workflow_that_calls_itself_imports_through_the_api(alice_api):
    data = export(
        "Recursive",
        [
            manual(),
            n8n_node("When called", "executeWorkflowTrigger"),
            n8n_node(
                "Again",
                "executeWorkflow",
                {
                    "workflowId": {"__rl": True, "mode": "id", "value": "={{ $workflow.id }}"},
                    "options": {"waitForSubWorkflow": False},
                },
                1.1,
            ),
        ],
        [("Start", "Again")],
    )
    response = import_set(alice_api, data)
    assert response.status_code == 201, response.json()
    workflow = Workflow.objects.get(pk=response.json()["id"])
    assert by_label(workflow.graph, "Again")["config"]["workflow"] == workflow.pk


def test_a_callee_that_reads_its_input_whole_is_refused_naming_what_to_declare():
    callee = export(
        "Coder",
        [
            n8n_node("When called", "executeWorkflowTrigger"),
            n8n_node("Code", "code", {"jsCode": "return items;"}, 2),
        ],
        [("When called", "Code")],
        id="coder",
    )
    caller = export(
        "Boss",
        [manual(), n8n_node("Run", "executeWorkflow", {"workflowId": "coder"})],
        [("Start", "Run")],
    )
    from editor.n8n.sets import convert_set, members

    with pytest.raises(ImportRefused) as caught:
        convert_set(members([callee, caller]), [1, 2])
    [issue] = caught.value.issues
    assert issue.field.startswith("[1].")
    assert issue.message.startswith("In 'Boss': n8n node 'Run'")
    assert "Define using fields below" in issue.message


@pytest.mark.django_db(transaction=True)
def test_a_callee_reading_its_input_whole_gets_every_field_an_edit_fields_before_the_call_sets(
    alice, alice_api
):
    """n8n hands the called workflow the caller's item; when an Edit Fields node right before
    the call sets the item's fields (keeping no others), each is passed by name, and the
    callee's trigger, declaring none, outputs them all: the Code node sees the whole item."""
    callee = export(
        "Coder",
        [
            n8n_node("When called", "executeWorkflowTrigger"),
            n8n_node(
                "Code",
                "code",
                {"jsCode": "return [{json: {keys: Object.keys($input.first().json).sort()}}];"},
                2,
            ),
        ],
        [("When called", "Code")],
        id="coder",
    )
    caller = export(
        "Boss",
        [
            manual(),
            set_fields("Article", title="T", body="B", **{"meta.words": 3}),
            n8n_node("Run", "executeWorkflow", {"workflowId": "coder"}, 1.1),
        ],
        [("Start", "Article"), ("Article", "Run")],
    )
    response = import_set(alice_api, [callee, caller])
    assert response.status_code == 201, response.json()
    boss = Workflow.objects.get(pk=response.json()["items"][1]["id"])
    assert set(by_label(boss.graph, "Run")["config"]["inputs"]) == {"title", "body", "meta"}

    execution = run(boss)

    assert execution.status == "succeeded", execution.error
    child = Execution.objects.get(parent=execution)
    assert steps_by_key(child)["when_called"].output == {
        "title": "T",
        "body": "B",
        "meta": {"words": 3},
    }
    assert steps_by_key(execution)["run"].output["output"]["result"] == [
        {"keys": ["body", "meta", "title"]}
    ]


ISSUES = [
    {
        "id": str(n),
        "key": f"SUP-{n}",
        "self": f"https://acme.atlassian.net/rest/api/2/issue/{n}",
        "fields": {"summary": summary, "created": "2026-11-02T10:00:00.000+0000"},
    }
    for n, summary in ((1, "Login fails"), (2, "Slow search"))
]


def linker(url: str) -> dict:
    """A callee accepting all data whose Edit Fields reads the item in an expression of
    JavaScript (`url`) and natively (`title`)."""
    return export(
        "Linker",
        [
            n8n_node("When called", "executeWorkflowTrigger"),
            set_fields("Link", url=url, title="={{ $json.fields.summary }}"),
        ],
        [("When called", "Link")],
        id="linker",
    )


def issue_caller() -> dict:
    issues = n8n_node("Issues", "code", {"jsCode": f"return {json.dumps(ISSUES)};"}, 2)
    call = n8n_node("Run", "executeWorkflow", {"workflowId": "linker", "mode": "each"}, 1.1)
    return export("Sweeper", [manual(), issues, call], [("Start", "Issues"), ("Issues", "Run")])


@pytest.mark.django_db(transaction=True)
def test_a_callee_whose_javascript_reads_fields_of_its_input_gets_those_fields(alice, alice_api):
    """n8n hands the called workflow the caller's item; the callee's expressions, JavaScript
    included, read only `self`, `key` and `fields` of it, so those are passed by name and the
    callee outputs what n8n's does."""
    url = "={{ ['https:/', $json.self.extractDomain(), 'browse', $json[\"key\"]].join('/') }}"
    response = import_set(alice_api, [linker(url), issue_caller()])
    assert response.status_code == 201, response.json()
    sweeper = Workflow.objects.get(pk=response.json()["items"][1]["id"])
    assert set(by_label(sweeper.graph, "Run")["config"]["inputs"]) == {"self", "key", "fields"}

    execution = run(sweeper)

    assert execution.status == "succeeded", execution.error
    children = Execution.objects.filter(parent=execution).order_by("created_at")
    links = [steps_by_key(child)["link"].output["result"] for child in children]
    assert links == [
        {"url": "https://acme.atlassian.net/browse/SUP-1", "title": "Login fails"},
        {"url": "https://acme.atlassian.net/browse/SUP-2", "title": "Slow search"},
    ]


@pytest.mark.parametrize(
    "url",
    [
        "={{ JSON.stringify($json) }}",
        "={{ Object.keys($input.item.json).join() }}",
        "={{ `${JSON.stringify($json)}` }}",
    ],
)
def test_a_callee_whose_javascript_may_read_its_input_whole_stays_refused(url):
    from editor.n8n.sets import convert_set, members

    with pytest.raises(ImportRefused) as caught:
        convert_set(members([linker(url), issue_caller()]), [1, 2])
    [issue] = caught.value.issues
    assert "whose nodes read it whole" in issue.message


@pytest.mark.django_db
def test_a_refused_file_in_a_set_saves_none_of_them(alice, alice_api):
    broken = json.loads(json.dumps(CALLEE))
    broken["nodes"].append(n8n_node("Mystery", "someUnknownNode"))
    response = import_set(alice_api, [CALLER, broken])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_import"
    assert any(
        "In 'Greeter'" in d["message"] and "'Mystery'" in d["message"] for d in body["details"]
    )
    assert not Workflow.objects.filter(owner=alice).exists()


@pytest.mark.django_db
def test_a_list_must_hold_n8n_exports(alice_api):
    response = import_set(alice_api, [CALLEE, {"format": "workfuse"}])
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "[1]"
    assert import_set(alice_api, []).status_code == 400
    duplicate = import_set(alice_api, [CALLEE, CALLEE])
    assert "the same n8n workflow (id calleeN8nId01)" in duplicate.json()["message"]


def test_the_dashboard_import_of_a_list_says_where_lists_go():
    with pytest.raises(ImportRefused) as caught:
        read_import([CALLEE])
    assert "POST /api/workflows/import" in caught.value.issues[0].message


# --- error workflows -----------------------------------------------------------------------

ALERTS = export(
    "Alerts",
    [
        n8n_node("On error", "errorTrigger"),
        set_fields("Say", text="={{ $json.execution.error.message }}"),
    ],
    [("On error", "Say")],
    id="alertsId",
)


@pytest.mark.django_db
def test_the_error_workflow_setting_follows_a_set_and_is_noted_alone(alice_api):
    failing = export(
        "Nightly",
        [manual(), n8n_node("Fail", "stopAndError", {"errorMessage": "boom"})],
        [("Start", "Fail")],
        id="nightlyId",
        settings={"errorWorkflow": "alertsId"},
    )
    response = import_set(alice_api, [failing, ALERTS])
    assert response.status_code == 201, response.json()
    nightly_id, alerts_id = (w["id"] for w in response.json()["items"])
    assert Workflow.objects.get(pk=nightly_id).error_workflow_id == alerts_id
    assert by_label(Workflow.objects.get(pk=nightly_id).graph, "Fail")["type"] == "logic.stop"

    alone = import_set(alice_api, failing)
    assert alone.status_code == 201
    workflow = Workflow.objects.get(pk=alone.json()["id"])
    assert workflow.error_workflow_id is None
    assert "error workflow with n8n id alertsId" in workflow.description
    assert "error workflow with n8n id alertsId" in read_import(failing).description


# --- respond to webhook --------------------------------------------------------------------


def hook(mode: str = "responseNode") -> dict:
    return n8n_node(
        "Webhook", "webhook", {"httpMethod": "POST", "path": "orders", "responseMode": mode}, 2
    )


def respond(params: dict, version: float = 1.1) -> dict:
    return n8n_node("Respond", "respondToWebhook", params, version)


def respond_config(params: dict, version: float = 1.1) -> dict:
    graph = convert(export("Hook", [hook(), respond(params, version)], [("Webhook", "Respond")]))
    assert validate_graph(graph) == []
    assert by_label(graph, "Webhook")["config"]["response"] == "respond_node"
    return by_label(graph, "Respond")["config"]


@pytest.mark.django_db(transaction=True)
def test_a_respond_to_webhook_answers_the_http_call_as_n8n_does(alice, alice_api):
    data = export(
        "Order intake",
        [
            hook(),
            set_fields("Total", total="={{ $json.body.qty * 2 }}", sku="={{ $json.body.sku }}"),
            respond(
                {
                    "respondWith": "json",
                    "responseBody": '={\n  "sku": "{{ $json.sku }}",\n  "total": {{ $json.total }},'
                    '\n  "note": "braces {kept}"\n}',
                    "options": {
                        "responseCode": 201,
                        "responseHeaders": {
                            "entries": [
                                {"name": "X-Order", "value": "={{ $json.sku }}"},
                                {"name": "Set-Cookie", "value": "a=b"},
                            ]
                        },
                    },
                }
            ),
        ],
        [("Webhook", "Total"), ("Total", "Respond")],
    )
    response = import_set(alice_api, data)
    assert response.status_code == 201, response.json()
    workflow = Workflow.objects.get(pk=response.json()["id"])
    assert "Set-Cookie" in by_label(workflow.graph, "Respond")["notes"]
    workflow.is_active = True
    workflow.save()

    answer = Client().post(
        f"/hooks/{workflow.webhook_token}",
        data=json.dumps({"sku": "A-1", "qty": 3}),
        content_type="application/json",
    )

    assert answer.status_code == 201
    assert answer["X-Order"] == "A-1"
    assert "Set-Cookie" not in answer
    assert answer.json() == {"sku": "A-1", "total": 6, "note": "braces {kept}"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"respondWith": "text", "responseBody": "=Hi {{ $json.body.name }}"},
            {
                "body": "Hi {{ trigger.body.name | n8n_text }}",
                "content_type": "text/html",
                "status": 200,
            },
        ),
        (
            {
                "respondWith": "text",
                "responseBody": "ok",
                "options": {
                    "responseHeaders": {
                        "entries": [{"name": "content-type", "value": "text/plain"}]
                    }
                },
            },
            {"body": "ok", "content_type": "text/plain"},
        ),
        ({}, {"body": "{{ trigger }}", "content_type": "application/json"}),
        (
            {"respondWith": "allIncomingItems", "options": {"responseKey": "data.items"}},
            {"body": {"data": {"items": "{{ [trigger] }}"}}},
        ),
        (
            {"respondWith": "noData", "options": {"responseCode": 204}},
            {"body": None, "status": 204},
        ),
        (
            {"respondWith": "redirect", "redirectURL": "=https://example.com/{{ $json.query.to }}"},
            {
                "status": 307,
                "headers": {"Location": "https://example.com/{{ trigger.query.to | n8n_text }}"},
            },
        ),
    ],
)
def test_each_way_of_answering_converts(params, expected):
    config = respond_config(params)
    assert {k: config[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("body", "sent"),
    [({"a": 1}, {"a": 1}), ('{"a": 2}', {"a": 2}), ("6", 6), (7, 7)],
)
def test_a_json_body_made_by_one_expression_is_parsed_when_it_is_text_as_in_n8n(body, sent):
    config = respond_config({"respondWith": "json", "responseBody": "={{ $json.body.v }}"})
    assert render_value(config["body"], {"trigger": {"body": {"v": body}}}) == sent
    inside = respond_config({"respondWith": "json", "responseBody": '={"v": {{ $json.body.v }}}'})
    assert render_value(inside["body"], {"trigger": {"body": {"v": body}}}) == {"v": sent}


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"respondWith": "jwt"}, "JWT"),
        ({"respondWith": "text", "options": {"responseCode": 102}}, "status 102"),
    ],
)
def test_answers_without_a_workfuse_form_are_refused(params, words):
    data = export("Hook", [hook(), respond(params)], [("Webhook", "Respond")])
    [message] = refusal_messages(data)
    assert "'Respond'" in message and words in message


def test_the_nodes_after_a_respond_read_its_input():
    data = export(
        "Hook",
        [
            hook(),
            respond({"respondWith": "noData"}),
            set_fields("After", got="={{ $json.body.a }}"),
        ],
        [("Webhook", "Respond"), ("Respond", "After")],
    )
    graph = convert(data)
    assert "trigger.body.a" in by_label(graph, "After")["config"]["expression"]


# --- wait on a call or a form --------------------------------------------------------------


def test_a_wait_for_a_call_becomes_a_utility_wait_with_its_resume_url_and_timeout():
    data = export(
        "Approve",
        [
            manual(),
            http("Ask", "=https://chat.example.com/send?link={{ $execution.resumeUrl }}"),
            n8n_node(
                "Wait",
                "wait",
                {
                    "resume": "webhook",
                    "limitWaitTime": True,
                    "resumeAmount": 2,
                    "resumeUnit": "hours",
                    "options": {},
                },
                1.1,
            ),
            set_fields("Decision", ok="={{ $json.body.ok }}"),
        ],
        [("Start", "Ask"), ("Ask", "Wait"), ("Wait", "Decision")],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    assert by_label(graph, "Ask")["config"]["url"] == (
        "https://chat.example.com/send?link={{ execution.resume_url | n8n_text }}"
    )
    assert by_label(graph, "Wait")["config"] == {"mode": "webhook", "timeout_seconds": 7200}
    # The call's body, not the wait's input; after the time limit n8n went on by the same output.
    assert "nodes.wait.body.ok" in by_label(graph, "Decision")["config"]["expression"]
    assert {("wait", "main", "decision"), ("wait", "timeout", "decision")} <= edges_of(graph)


def test_what_a_wait_outputs_is_read_whatever_the_order_of_the_nodes_in_the_export():
    nodes = [
        manual(),
        n8n_node("Wait", "wait", {"resume": "webhook"}, 1.1),
        set_fields("Decision", ok="={{ $json.body.ok }}"),
    ]
    links = [("Start", "Wait"), ("Wait", "Decision")]
    for listed in (nodes, nodes[::-1]):
        graph = convert(export("Approve", listed, links))
        assert "nodes.wait.body.ok" in by_label(graph, "Decision")["config"]["expression"]
        assert [n["label"] for n in graph["nodes"]] == [n["name"] for n in listed]


def test_a_wait_for_a_form_becomes_an_approval_with_its_fields():
    data = export(
        "Review",
        [
            manual(),
            n8n_node(
                "Review form",
                "wait",
                {
                    "resume": "form",
                    "formTitle": "Check the order",
                    "formFields": {
                        "values": [
                            {"fieldLabel": "Your comment", "fieldType": "textarea"},
                            {"fieldLabel": "Amount", "fieldType": "number", "requiredField": True},
                        ]
                    },
                },
                1.1,
            ),
            set_fields("Use", note="={{ $json['Your comment'] }} at {{ $json.submittedAt }}"),
        ],
        [("Start", "Review form"), ("Review form", "Use")],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    config = by_label(graph, "Review form")["config"]
    assert config["mode"] == "approval" and config["title"] == "Check the order"
    assert config["fields"] == [
        {"name": "your_comment", "type": "text", "required": False},
        {"name": "amount", "type": "number", "required": True},
    ]
    expression = by_label(graph, "Use")["config"]["expression"]
    assert "nodes.review_form.fields.your_comment" in expression
    assert "nodes.review_form.at" in expression


def test_a_wait_form_asking_for_a_file_takes_a_file_field():
    data = export(
        "Upload",
        [
            manual(),
            n8n_node(
                "Ask",
                "wait",
                {
                    "resume": "form",
                    "formFields": {"values": [{"fieldLabel": "CV", "fieldType": "file"}]},
                },
                1.1,
            ),
        ],
        [("Start", "Ask")],
    )
    ask = by_label(convert(data), "Ask")
    assert ask["config"]["fields"] == [{"name": "cv", "type": "file", "required": False}]
    assert "file value" in ask["notes"]


# --- triggers ------------------------------------------------------------------------------


def test_a_form_trigger_is_a_webhook_whose_fields_are_in_the_body():
    data = export(
        "Contact",
        [
            n8n_node(
                "Form",
                "formTrigger",
                {
                    "formTitle": "Contact us",
                    "formFields": {"values": [{"fieldLabel": "Your email", "requiredField": True}]},
                    "responseMode": "lastNode",
                },
                2.2,
            ),
            set_fields("Lead", email="={{ $json['Your email'] }}"),
        ],
        [("Form", "Lead")],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    form = by_label(graph, "Form")
    assert form["config"] == {"methods": ["POST"], "response": "last_node"}
    assert "serves no first form page" in form["notes"] and "'Your email'" in form["notes"]
    assert 'trigger.body["Your email"]' in by_label(graph, "Lead")["config"]["expression"]
    result = run_node(
        by_label(graph, "Lead"), {"trigger": {"body": {"Your email": "a@example.com"}}}
    )
    assert result == {"result": {"email": "a@example.com"}}


def three_page_form(ending: dict) -> dict:
    """Form Trigger (page 1) -> Set -> Form page (page 2) -> Form completion, as n8n exports."""
    return export(
        "Signup",
        [
            n8n_node(
                "Signup form",
                "formTrigger",
                {
                    "formTitle": "Sign up",
                    "formFields": {"values": [{"fieldLabel": "Your name", "requiredField": True}]},
                    "options": {},
                },
                2.2,
            ),
            set_fields("Greeting", hello="=Hello {{ $json['Your name'] }}"),
            n8n_node(
                "Details",
                "form",
                {
                    "formFields": {
                        "values": [
                            {"fieldLabel": "Company name", "requiredField": True},
                            {"fieldLabel": "Seats", "fieldType": "number"},
                            {"fieldLabel": "Plan", "fieldType": "dropdown"},
                        ]
                    },
                    "options": {
                        "formTitle": "={{ $json.hello }}, tell us more",
                        "formDescription": "About your team",
                    },
                },
                1,
            ),
            ending,
        ],
        [("Signup form", "Greeting"), ("Greeting", "Details"), ("Details", "Done")],
    )


THANKS = n8n_node(
    "Done",
    "form",
    {
        "operation": "completion",
        "completionTitle": "=Thanks, {{ $('Signup form').item.json['Your name'] }}",
        "completionMessage": "={{ $('Details').item.json.Seats }} seats for "
        "{{ $('Details').item.json['Company name'] }}",
        "options": {},
    },
    1,
)


def test_n8n_form_pages_become_form_waits_and_an_ending_page():
    graph = convert(three_page_form(THANKS))
    assert validate_graph(graph) == []
    assert by_label(graph, "Signup form")["config"] == {"methods": ["POST"], "response": "form"}
    details = by_label(graph, "Details")
    assert details["type"] == "utility.wait"
    assert details["config"]["mode"] == "form"
    assert details["config"]["fields"] == [
        {"name": "company_name", "type": "string", "required": True},
        {"name": "seats", "type": "number", "required": False},
        {"name": "plan", "type": "string", "required": False},
    ]
    assert "Choice fields are text fields" in details["notes"]
    done = by_label(graph, "Done")
    assert done["type"] == "logic.form_end"
    context = {
        "trigger": {"body": {"Your name": "Ada"}},
        "nodes": {details["id"]: {"fields": {"company_name": "Acme", "seats": 3}}},
    }
    assert run_node(done, context) == {
        "title": "Thanks, Ada",
        "message": "3 seats for Acme",
        "redirect_url": "",
    }


@pytest.mark.django_db(transaction=True)
def test_an_imported_form_is_filled_in_page_by_page_while_it_runs(alice, alice_api):
    response = import_set(alice_api, three_page_form(THANKS))
    assert response.status_code == 201, response.json()
    workflow = Workflow.objects.get(pk=response.json()["id"])
    workflow.is_active = True
    workflow.save()
    browser, html = Client(), {"HTTP_ACCEPT": "text/html"}

    sent = browser.post(f"/hooks/{workflow.webhook_token}", {"Your name": "Ada"}, **html)
    assert sent.status_code == 303
    follow = urlsplit(sent["Location"]).path
    to_page = browser.get(follow, **html)
    page = urlsplit(to_page["Location"]).path
    shown = browser.get(page, **html).content.decode()
    assert "Hello Ada, tell us more" in shown and "About your team" in shown
    assert (
        browser.post(page, {"field.company_name": "Acme", "field.seats": "12"}, **html).status_code
        == 303
    )
    end = browser.get(follow, **html).content.decode()

    assert "Thanks, Ada" in end and "12 seats for Acme" in end
    assert Execution.objects.get(workflow=workflow).status == "succeeded"


def test_an_n8n_completion_can_redirect_or_show_its_text():
    redirect = n8n_node(
        "Done",
        "form",
        {"operation": "completion", "respondWith": "redirect", "redirectUrl": "https://a.example"},
    )
    graph = convert(three_page_form(redirect))
    assert by_label(graph, "Done")["config"] == {"redirect_url": "https://a.example"}
    text = n8n_node(
        "Done",
        "form",
        {"operation": "completion", "respondWith": "showText", "responseText": "<b>Bye</b>"},
    )
    done = by_label(convert(three_page_form(text)), "Done")
    assert done["config"]["message"] == "<b>Bye</b>"
    assert "shows it as text" in done["notes"]


@pytest.mark.parametrize(
    ("node", "words"),
    [
        (
            n8n_node("Done", "form", {"operation": "completion", "respondWith": "returnBinary"}),
            "'returnBinary' (a file download)",
        ),
        (
            n8n_node(
                "Done",
                "form",
                {"operation": "completion", "respondWith": "redirect", "redirectUrl": "ftp://x"},
            ),
            "not an http:// or https:// address",
        ),
        (n8n_node("Done", "form", {"defineForm": "json", "jsonOutput": "={{ [] }}"}), "JSON"),
    ],
)
def test_n8n_form_pages_workfuse_cannot_show_are_refused_naming_the_node(node, words):
    [message] = refusal_messages(three_page_form(node))
    assert "'Done'" in message and words in message


def test_a_form_triggers_file_field_arrives_as_a_file_value_in_the_triggers_files():
    data = export(
        "Apply",
        [
            n8n_node(
                "Apply form",
                "formTrigger",
                {
                    "formFields": {
                        "values": [
                            {"fieldLabel": "Name"},
                            {"fieldLabel": "CV", "fieldType": "file", "acceptFileTypes": ".pdf"},
                        ]
                    },
                },
                2.2,
            ),
            set_fields("Log", file="={{ $json.CV.filename }}", who="={{ $json.Name }}"),
        ],
        [("Apply form", "Log")],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    notes = by_label(graph, "Apply form")["notes"]
    assert "multipart/form-data" in notes and "'CV'" in notes
    cv = {"filename": "cv.pdf", "content_type": "application/pdf", "size": 3, "content": "YWJj"}
    trigger = {"body": {"Name": "Ada"}, "files": {"CV": cv}}
    result = run_node(by_label(graph, "Log"), {"trigger": trigger})
    assert result == {"result": {"file": "cv.pdf", "who": "Ada"}}


def test_an_n8n_form_page_without_a_form_trigger_is_refused():
    data = export("Steps", [manual(), n8n_node("Page 2", "form", {}, 1)], [("Start", "Page 2")])
    [message] = refusal_messages(data)
    assert "'Page 2'" in message and "no n8n Form Trigger" in message


def test_a_chat_trigger_feeds_the_agent_its_message_and_session():
    data = export(
        "Support",
        [
            n8n_node(
                "Chat",
                "@n8n/n8n-nodes-langchain.chatTrigger",
                {"public": True, "initialMessages": "Hello!\nAsk away.", "options": {}},
                1.1,
            ),
            set_fields("Log", said="={{ $json.chatInput }}", who="={{ $json.sessionId }}"),
        ],
        [("Chat", "Log")],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    assert by_label(graph, "Chat")["config"] == {"public": True, "welcome": "Hello!\nAsk away."}
    result = run_node(by_label(graph, "Log"), {"trigger": {"message": "hi", "session_id": "s1"}})
    assert result == {"result": {"said": "hi", "who": "s1"}}


def test_a_private_chat_has_no_welcome_and_n8n_user_auth_stays_private():
    chat = n8n_node(
        "Chat",
        "@n8n/n8n-nodes-langchain.chatTrigger",
        {"public": True, "authentication": "n8nUserAuth"},
        1.1,
    )
    graph = convert(export("Support", [chat], []))
    assert by_label(graph, "Chat")["config"]["public"] is False
    chat["parameters"] = {}
    graph = convert(export("Support", [chat], []))
    assert by_label(graph, "Chat")["config"] == {"public": False, "welcome": ""}


def test_two_webhooks_are_refused_naming_both():
    second = hook()
    second["name"] = "Other hook"
    data = export("Two", [hook(), second], [])
    [message] = refusal_messages(data)
    assert "'Webhook' and 'Other hook'" in message


# --- switch v1/v2 and expression mode, IF v1 -----------------------------------------------


def switch_of(params: dict, version: float, outputs: int) -> tuple[dict, dict]:
    targets = [set_fields(f"Out {i}", n=i) for i in range(outputs)]
    data = export(
        "Route",
        [manual(), n8n_node("Switch", "switch", params, version), *targets],
        [("Start", "Switch"), *(("Switch", i, f"Out {i}") for i in range(outputs))],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    return graph, by_label(graph, "Switch")


def route(switch: dict, graph: dict, payload: dict) -> set[str]:
    """The n8n outputs (by target) an item takes through the converted switch."""
    handle = run_node(switch, {"trigger": payload})["handle"]
    return {target for source, h, target in edges_of(graph) if source == "switch" and h == handle}


def test_switch_v1_sends_the_first_matching_rule_to_its_numbered_output():
    params = {
        "dataType": "string",
        "value1": "={{ $json.kind }}",
        "rules": {
            "rules": [
                {"operation": "startsWith", "value2": "bug", "output": 2},
                {"value2": "question", "output": 0},
                {"operation": "contains", "value2": "bug", "output": 1},
            ]
        },
        "fallbackOutput": 3,
    }
    graph, switch = switch_of(params, 1, 4)
    assert route(switch, graph, {"kind": "bug-report"}) == {"out_2"}
    assert route(switch, graph, {"kind": "question"}) == {"out_0"}
    assert route(switch, graph, {"kind": "a bug"}) == {"out_1"}
    assert route(switch, graph, {"kind": "praise"}) == {"out_3"}


def test_switch_v1_reads_a_comparison_marked_as_an_expression_as_its_text():
    # The corpus's "Completed, Action or Inprogress": n8n evaluates "=equal" to "equal".
    params = {
        "dataType": "string",
        "value1": "={{ $json.status }}",
        "rules": {
            "rules": [
                {"value2": "completed"},
                {"output": 1, "value2": "in_progress", "operation": "=equal"},
            ]
        },
    }
    graph, switch = switch_of(params, 1, 2)
    assert route(switch, graph, {"status": "in_progress"}) == {"out_1"}
    assert route(switch, graph, {"status": "in_progress_2"}) == set()
    chosen = {"value2": "x", "operation": "={{ $json.op }}"}
    with pytest.raises(ImportRefused) as caught:
        switch_of({**params, "rules": {"rules": [chosen]}}, 1, 2)
    assert "chooses a rule's comparison with an expression" in caught.value.issues[0].message


def test_switch_v2_has_an_output_per_rule_and_numbers_compare_as_numbers():
    params = {
        "value1": "={{ $json.score }}",
        "rules": {
            "rules": [
                {"operation": "larger", "value2": 80, "outputKey": "high"},
                {"operation": "largerEqual", "value2": 50},
            ]
        },
    }
    graph, switch = switch_of(params, 2, 2)
    assert [c["handle"] for c in switch["config"]["cases"]] == ["high", "case_1"]
    assert route(switch, graph, {"score": 90}) == {"out_0"}
    assert route(switch, graph, {"score": 50}) == {"out_1"}
    assert route(switch, graph, {"score": 10}) == set()  # n8n's fallback: none


@pytest.mark.parametrize("version", [1, 2, 3])
def test_switch_in_expression_mode_routes_by_the_number_it_gives(version):
    params: dict[str, Any] = {"mode": "expression", "output": "={{ $json.n % 3 }}"}
    params["numberOutputs" if version >= 3 else "outputsAmount"] = 3
    graph, switch = switch_of(params, version, 3)
    assert route(switch, graph, {"n": 4}) == {"out_1"}
    assert route(switch, graph, {"n": 6}) == {"out_0"}


def test_if_v1_any_of_its_typed_conditions():
    data = export(
        "Check",
        [
            manual(),
            n8n_node(
                "IF",
                "if",
                {
                    "conditions": {
                        "number": [
                            {"value1": "={{ $json.age }}", "operation": "largerEqual", "value2": 18}
                        ],
                        "string": [{"value1": "={{ $json.role }}", "value2": "admin"}],
                    },
                    "combineOperation": "any",
                },
            ),
        ],
        [("Start", "IF")],
    )
    graph = convert(data)
    node = by_label(graph, "IF")
    assert node["config"]["combinator"] == "or"
    assert run_node(node, {"trigger": {"age": 12, "role": "admin"}}) == {"result": True}
    assert run_node(node, {"trigger": {"age": 12, "role": "user"}}) == {"result": False}
    assert run_node(node, {"trigger": {"age": 30, "role": "user"}}) == {"result": True}


# --- polling loops -------------------------------------------------------------------------


def poll_export(base: str, *, wait_first: bool = True) -> dict:
    """Start a job, then wait → check → IF done? (no: round again), then fetch the result."""
    wait = n8n_node("Wait", "wait", {"amount": 2}, 1.1)
    check = http("Check", f"={base}/jobs/{{{{ $('Start job').item.json.id }}}}")
    done = n8n_node(
        "Done?",
        "if",
        {
            "conditions": {
                "conditions": [
                    {
                        "leftValue": "={{ $json.state }}",
                        "rightValue": "done",
                        "operator": {"type": "string", "operation": "equals"},
                    }
                ],
                "combinator": "and",
            }
        },
        2.2,
    )
    fetch = http("Fetch", "={{ $json.url }}")
    nodes = [manual(), http("Start job", f"{base}/jobs", "POST"), wait, check, done, fetch]
    if wait_first:
        links = [("Start job", "Wait"), ("Wait", "Check"), ("Check", "Done?"), ("Done?", 1, "Wait")]
    else:
        links = [
            ("Start job", "Check"),
            ("Check", "Done?"),
            ("Done?", 1, "Wait"),
            ("Wait", "Check"),
        ]
    return export("Poller", nodes, [("Start", "Start job"), *links, ("Done?", 0, "Fetch")])


@pytest.mark.django_db(transaction=True)
def test_a_polling_loop_becomes_a_repeat_and_runs_to_completion(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as server:
        server.script = [
            (200, {}, {"id": 7}),
            (200, {}, {"state": "queued"}),
            (200, {}, {"state": "running"}),
            (200, {}, {"state": "done", "url": server.url + "/files/7"}),
            (200, {}, {"text": "the result"}),
        ]
        graph = convert(poll_export(server.url))
        assert validate_graph(graph) == []
        repeat = by_label(graph, "Repeat until Done?")
        assert repeat["config"]["delay_seconds"] == 0  # the wait comes first: it stays in the body
        assert repeat["config"]["max_iterations"] == 1000  # about an hour at 2 s a round
        assert repeat["config"]["until"] == {
            "combinator": "and",
            "rules": [{"left": "{{ nodes.check.body.state }}", "operator": "eq", "right": "done"}],
        }
        assert {
            ("start_job", "main", repeat["id"]),
            (repeat["id"], "body", "wait"),
            ("wait", "main", "check"),
            (repeat["id"], "done", "done"),
            ("done", "true", "fetch"),
            (repeat["id"], "exhausted", "gave_up_done"),
        } == {e for e in edges_of(graph) if e[0] != "start"}
        assert (
            by_label(graph, "Fetch")["config"]["url"]
            == f"{{{{ nodes.{repeat['id']}.last.body.url }}}}"
        )

        execution = run(Workflow.create(alice, "Poller", graph=graph))
        for round_ in range(1, 4):
            engine.sweep(now=later(3 * round_))
        execution.refresh_from_db()

        assert execution.status == "succeeded", execution.error
        steps = steps_by_key(execution)
        assert [steps[f"check[{i}]"].output["body"]["state"] for i in range(3)] == [
            "queued",
            "running",
            "done",
        ]
        assert steps[repeat["id"]].output["iterations"] == 3
        assert steps["fetch"].output["body"] == {"text": "the result"}
        assert [r["path"] for r in server.requests] == [
            "/jobs",
            "/jobs/7",
            "/jobs/7",
            "/jobs/7",
            "/files/7",
        ]


def test_a_wait_after_the_check_waits_between_rounds():
    graph = convert(poll_export("https://jobs.example.com", wait_first=False))
    assert validate_graph(graph) == []
    repeat = by_label(graph, "Repeat until Done?")
    assert repeat["config"]["delay_seconds"] == 2
    assert not any(n["label"] == "Wait" for n in graph["nodes"])
    assert (repeat["id"], "body", "check") in edges_of(graph)


def test_a_loop_going_round_while_its_condition_holds_stops_when_it_fails():
    data = poll_export("https://jobs.example.com")
    condition = data["nodes"][4]["parameters"]["conditions"]["conditions"][0]
    condition["operator"]["operation"] = "notEquals"  # go round while state != done
    data["connections"]["Done?"]["main"] = [
        [{"node": "Wait", "type": "main", "index": 0}],
        [{"node": "Fetch", "type": "main", "index": 0}],
    ]
    graph = convert(data)
    assert validate_graph(graph) == []
    until = by_label(graph, "Repeat until Done?")["config"]["until"]
    assert until["rules"] == [
        {"left": "{{ nodes.check.body.state }}", "operator": "eq", "right": "done"}
    ]


@pytest.mark.parametrize(
    ("operation", "until"),
    [
        (
            "empty",
            {
                "left": "{{ ((nodes.check.body.url) | default(none)) in [none, '', [], {}] }}",
                "operator": "eq",
            },
        ),
        # A missing field is none to these tests, as undefined is to n8n's.
        ("notExists", {"left": "{{ (nodes.check.body.url) | default(none) }}", "operator": "ne"}),
        ("exists", {"left": "{{ (nodes.check.body.url) | default(none) }}", "operator": "eq"}),
    ],
)
def test_a_loop_going_round_while_a_value_is_empty_stops_once_it_is_not(operation, until):
    """'Round again while the result is empty' (or missing): the Repeat stops on its opposite."""
    data = poll_export("https://jobs.example.com")
    condition = data["nodes"][4]["parameters"]["conditions"]["conditions"][0]
    condition["leftValue"] = "={{ $json.url }}"
    condition["operator"] = {"type": "string", "operation": operation, "singleValue": True}
    data["connections"]["Done?"]["main"] = [
        [{"node": "Wait", "type": "main", "index": 0}],
        [{"node": "Fetch", "type": "main", "index": 0}],
    ]
    graph = convert(data)
    assert validate_graph(graph) == []
    [rule] = by_label(graph, "Repeat until Done?")["config"]["until"]["rules"]
    assert {k: v for k, v in rule.items() if k != "right"} == until
    assert rule.get("right") == {"empty": False, "notExists": None, "exists": None}[operation]


def test_a_switch_deciding_a_poll_leaves_by_every_other_output():
    data = poll_export("https://jobs.example.com")
    data["nodes"][4] = n8n_node(
        "Done?",
        "switch",
        {
            "dataType": "string",
            "value1": "={{ $json.state }}",
            "rules": {"rules": [{"value2": "running"}, {"value2": "failed", "output": 1}]},
            "fallbackOutput": 2,
        },
        1,
    )
    data["nodes"].append(set_fields("Failed", why="={{ $json.error }}"))
    data["connections"]["Done?"]["main"] = [
        [{"node": "Wait", "type": "main", "index": 0}],
        [{"node": "Failed", "type": "main", "index": 0}],
        [{"node": "Fetch", "type": "main", "index": 0}],
    ]
    graph = convert(data)
    assert validate_graph(graph) == []
    repeat = by_label(graph, "Repeat until Done?")
    # Leave unless the first matching case is "running".
    assert repeat["config"]["until"]["rules"] == [
        {"left": "{{ nodes.check.body.state }}", "operator": "ne", "right": "running"}
    ]
    assert ("done", "case_1", "failed") in edges_of(graph)
    assert ("done", "default", "fetch") in edges_of(graph)


def retry_counter_export() -> dict:
    """n8n's "retry with a counter" loop (the corpus's Stopanderror template without its error
    branch): Set tries (tries = $json.tries || 0) → Update tries (+ 1) → Wait 5 s → If tries
    left (tries < 3: round again), then Done."""
    set_tries = set_fields("Set tries", tries="={{ $json.tries || 0 }}")
    set_tries["parameters"]["includeOtherFields"] = True
    update_tries = set_fields("Update tries", tries="={{ $('Set tries').item.json.tries + 1 }}")
    for node in (set_tries, update_tries):
        node["parameters"]["assignments"]["assignments"][0]["type"] = "number"
    left = {
        "leftValue": "={{ $json.tries }}",
        "rightValue": 3,
        "operator": {"type": "number", "operation": "lt"},
    }
    nodes = [
        manual(),
        set_tries,
        update_tries,
        n8n_node("Wait", "wait", {"amount": 5}, 1.1),
        n8n_node(
            "If tries left", "if", {"conditions": {"conditions": [left], "combinator": "and"}}, 2.2
        ),
        set_fields("Done", total="={{ $json.tries }}"),
    ]
    links = [
        ("Start", "Set tries"),
        ("Set tries", "Update tries"),
        ("Update tries", "Wait"),
        ("Wait", "If tries left"),
        ("If tries left", 0, "Set tries"),
        ("If tries left", 1, "Done"),
    ]
    return export("Retry counter", nodes, links)


@pytest.mark.django_db(transaction=True)
def test_a_loop_carrying_a_counter_imports_as_a_carrying_repeat_and_counts_as_n8n(alice):
    graph = convert(retry_counter_export())
    assert validate_graph(graph) == []
    repeat = by_label(graph, "Repeat until If tries left")
    assert repeat["config"]["carry"] is True
    assert repeat["config"]["delay_seconds"] == 5
    assert repeat["config"]["until"]["rules"] == [
        {"left": "{{ nodes.update_tries.result.tries }}", "operator": "gte", "right": 3}
    ]
    execution = run(Workflow.create(alice, "Retry counter", graph=graph))
    for round_ in range(1, 4):
        engine.sweep(now=later(6 * round_))
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    # As n8n runs it: each round's Set tries gets the round before's Update tries item, so the
    # counter goes 0, 1, 2 and the loop leaves when it reaches 3.
    assert [steps[f"set_tries[{i}]"].output["result"]["tries"] for i in range(3)] == [0, 1, 2]
    assert [steps[f"update_tries[{i}]"].output["result"]["tries"] for i in range(3)] == [1, 2, 3]
    assert "set_tries[3]" not in steps
    assert steps[repeat["id"]].output["iterations"] == 3
    assert steps["done"].output["result"] == {"total": "3"}  # a string field, as in n8n


def test_a_carrying_loop_says_how_many_rounds_it_stops_after():
    report = import_n8n(retry_counter_export()).report
    decider = next(n for n in report.nodes if n.name == "If tries left")
    assert decider.status == "caveats"
    [caveat] = [note for note in decider.notes if "without a bound" in note]
    assert "stops after 720 rounds (max_iterations)" in caveat  # an hour at 5 s a round


@pytest.mark.django_db(transaction=True)
def test_a_status_check_reading_json_reads_the_check_before_from_the_second_round(alice, settings):
    """As the corpus's LlamaParse invoice workflow: the status check reads `$json.id`, which n8n
    takes from the upload in the first round and from the previous status answer after."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as server:
        server.script = [
            (200, {}, {"id": 7}),
            (200, {}, {"id": 8, "state": "queued"}),  # the job moved: n8n asks for 8 next
            (200, {}, {"id": 8, "state": "done", "url": server.url + "/files/8"}),
            (200, {}, {"text": "the result"}),
        ]
        data = poll_export(server.url, wait_first=False)
        data["nodes"][3] = http("Check", f"={server.url}/jobs/{{{{ $json.id }}}}")
        graph = convert(data)
        assert validate_graph(graph) == []
        repeat = by_label(graph, "Repeat until Done?")
        assert repeat["config"]["carry"] is True
        url = by_label(graph, "Check")["config"]["url"]
        assert "(nodes.start_job.body if iteration == 0 else carried.body)" in url
        execution = run(Workflow.create(alice, "Poller", graph=graph))
        engine.sweep(now=later(3))
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        paths = [r["path"] for r in server.requests]
        assert paths == ["/jobs", "/jobs/7", "/jobs/8", "/files/8"]


def test_a_counting_loop_leaving_by_two_ifs_imports_with_a_way_out_for_each():
    data = retry_counter_export()
    known = {
        "leftValue": "={{ $json.error }}",
        "rightValue": "could not be found",
        "operator": {"type": "string", "operation": "contains"},
    }
    data["nodes"].append(
        n8n_node("Known error", "if", {"conditions": {"conditions": [known]}}, 2.2)
    )
    data["nodes"].append(set_fields("Gave up on it", why="known"))
    data["connections"]["Update tries"]["main"] = [
        [{"node": "Known error", "type": "main", "index": 0}]
    ]
    data["connections"]["Known error"] = {
        "main": [
            [{"node": "Gave up on it", "type": "main", "index": 0}],
            [{"node": "Wait", "type": "main", "index": 0}],
        ]
    }
    # --- cycles ---
    # One Repeat over the whole loop, and a Switch after it to where each IF leaves to
    # (tests/test_n8n_cycle_exits.py runs such a loop).
    graph = convert(data)
    assert validate_graph(graph) == []
    assert ("known_error", "true", "known_error_left_0") in edges_of(graph)
    assert ("way_out_set_tries", "known_error_left_0", "gave_up_on_it") in edges_of(graph)
    assert ("way_out_set_tries", "if_tries_left_left_1", "done") in edges_of(graph)
    # --- end cycles ---


def test_a_loop_that_is_not_a_poll_is_refused_naming_its_nodes():
    data = export(
        "Ping pong",
        [manual(), set_fields("Ping", a=1), set_fields("Pong", b=2)],
        [("Start", "Ping"), ("Ping", "Pong"), ("Pong", "Ping")],
    )
    [message] = refusal_messages(data)
    assert "'Ping' → 'Pong' → 'Ping'" in message
    assert "exactly one IF or Switch" in message and "Repeat until" in message


@pytest.mark.django_db(transaction=True)
def test_a_loop_nothing_leads_into_never_runs_and_keeps_its_nodes_unlinked(alice):
    """A diagram of No Operation nodes linked in a ring (a node linked to itself, say) that no
    trigger reaches: n8n never runs it, and neither does WorkFuse once its links are dropped."""
    table = n8n_node("Table: Tools", "noOp")
    data = export(
        "Diagram",
        [manual(), set_fields("Work", a=1), table, n8n_node("Table: Attributes", "noOp")],
        [
            ("Start", "Work"),
            ("Table: Tools", "Table: Tools"),
            ("Table: Tools", "Table: Attributes"),
        ],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    assert {e[:3:2] for e in edges_of(graph)} == {
        ("start", "work"),
        ("table_tools", "table_attributes"),
    }
    execution = run(Workflow.create(alice, "Diagram", graph=graph))
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert set(steps_by_key(execution)) == {"start", "work"}
    # Without a trigger, the import starts a workflow at its roots: such a ring stays refused.
    looped = export(
        "Ring",
        [set_fields("Ping", a=1), set_fields("Pong", b=2)],
        [("Ping", "Pong"), ("Pong", "Ping")],
    )
    [message] = refusal_messages(looped)
    assert "'Ping' → 'Pong' → 'Ping'" in message


def test_the_manual_chat_trigger_becomes_a_private_chat():
    data = export(
        "Old chat",
        [
            n8n_node("Chat", "@n8n/n8n-nodes-langchain.manualChatTrigger", {}, 1.1),
            set_fields("Echo", said="={{ $json.chatInput }}"),
        ],
        [("Chat", "Echo")],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    chat, echo = graph["nodes"]
    assert (chat["type"], chat["config"]) == ("trigger.chat", {"public": False, "welcome": ""})
    assert "trigger.message" in json.dumps(echo["config"])
