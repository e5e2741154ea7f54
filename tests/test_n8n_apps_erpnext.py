"""Importing n8n's ERPNext node (editor/n8n/apps_erpnext.py) onto `app.erpnext`: the config
each operation becomes (from the corpus's own settings), the refusals, and the corpus's
candidate-shortlisting steps (read the job opening, hold the applicant) run in the engine
against the fake ERPNext."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.erpnext import KEY, SECRET, FakeErpNext
from tests.test_n8n_apps import converted, refusal

NAME = "={{ $('ApplicantData').item.json.body.name }}"
OPENING = "={{ $('ApplicantData').item.json.body.Job_opening }}"
HOLD = {
    "docType": "Job%20Applicant",
    "operation": "update",
    "properties": {"customProperty": [{"field": "status", "value": "Hold"}]},
    "documentName": NAME,
}
GET_OPENING = {"docType": "Job%20Opening", "operation": "get", "documentName": OPENING}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            HOLD | {"documentName": "HR-APP-0001"},
            {
                "operation": "update_document",
                "doc_type": "Job Applicant",
                "document_name": "HR-APP-0001",
                "properties": {"status": "Hold"},
            },
        ),
        (
            GET_OPENING | {"documentName": "engineer"},
            {"operation": "get_document", "doc_type": "Job Opening", "document_name": "engineer"},
        ),
        (
            {
                "docType": "Customer",
                "properties": {"customProperty": [{"field": "customer_name", "value": "Acme"}]},
            },
            {
                "operation": "create_document",
                "doc_type": "Customer",
                "properties": {"customer_name": "Acme"},
            },
        ),
        (
            {"docType": "Customer", "operation": "delete", "documentName": "Acme"},
            {"operation": "delete_document", "doc_type": "Customer", "document_name": "Acme"},
        ),
        (
            {
                "docType": "Job%20Applicant",
                "operation": "getAll",
                "limit": 25,
                "options": {
                    "fields": ["name", "status"],
                    "filters": {
                        "customProperty": [
                            {"field": "status", "operator": "isNot", "value": "Rejected"}
                        ]
                    },
                },
            },
            {
                "operation": "list_documents",
                "doc_type": "Job Applicant",
                "fields": ["name", "status"],
                "filters": [["status", "!=", "Rejected"]],
                "max_results": 25,
            },
        ),
    ],
)
def test_each_operation_becomes_its_erpnext_config(params, config):
    node = converted("erpNext", params)
    assert node["type"] == "app.erpnext"
    assert node["config"] == config
    assert "choose a ERPNext credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "get", "docType": "Customer"}, "names no Document Name"),
        ({"operation": "get", "documentName": "x"}, "names no DocType"),
        ({"docType": "Customer"}, "with no Properties"),
        ({"resource": "other", "operation": "get"}, "does 'other / get'"),
    ],
)
def test_what_the_erpnext_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("erpNext", params)
    assert "'App' (n8n-nodes-base.erpNext)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_opening_and_hold_steps_run(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    template = {"type": "n8n-nodes-base.erpNext", "typeVersion": 1, "position": [400, 0]}
    data = {
        "name": "Shortlisting",
        "nodes": [
            {
                "parameters": {"path": "applicant", "httpMethod": "POST", "options": {}},
                "name": "ApplicantData",
                "type": "n8n-nodes-base.webhook",
                "typeVersion": 2,
                "position": [0, 0],
            },
            {**template, "name": "Get Job Opening", "parameters": GET_OPENING},
            {**template, "name": "ERPNext - Hold Applicant", "parameters": HOLD},
        ],
        "connections": {
            "ApplicantData": {"main": [[{"node": "Get Job Opening", "type": "main", "index": 0}]]},
            "Get Job Opening": {
                "main": [[{"node": "ERPNext - Hold Applicant", "type": "main", "index": 0}]]
            },
        },
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeErpNext()) as erp:
        erp.add("Job Applicant", "HR-APP-0001", status="Open")
        erp.add("Job Opening", "engineer", job_title="Engineer")
        credential = store.create(
            alice, "HR", "erpnext", {"api_key": KEY, "api_secret": SECRET, "base_url": erp.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.erpnext":
                node["config"]["credential"] = credential.pk
        payload = {"body": {"name": "HR-APP-0001", "Job_opening": "engineer"}}
        execution = engine.start_execution(make_workflow(alice, graph), payload)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        status = erp.documents["Job Applicant"]["HR-APP-0001"]["status"]
        paths = [(r.method, r.path) for r in erp.requests]
    assert status == "Hold"
    assert paths == [
        ("GET", "/api/resource/Job%20Opening/engineer"),
        ("PUT", "/api/resource/Job%20Applicant/HR-APP-0001"),
    ]
