"""app.erpnext against a fake ERPNext site (tests/fakes/erpnext.py): each operation's request
and output, paging and filters, Frappe's errors, the key's test, and a run through the engine
with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.erpnext import frappe_api, node
from integrations.erpnext.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.erpnext import KEY, SECRET, FakeErpNext
from workfuse.lib.node_run import NodeError, Secret

ERP = "app.erpnext"
APPLICANT = {"doc_type": "Job Applicant", "document_name": "HR-APP-0001"}


@pytest.fixture
def erp(settings: Any) -> Iterator[FakeErpNext]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeErpNext()) as fake:
        fake.add("Job Applicant", "HR-APP-0001", applicant_name="Ada", status="Open")
        fake.add("Job Opening", "engineer", job_title="Engineer", description="Python")
        yield fake


def key(fake: FakeErpNext, secret: str = SECRET) -> Secret:
    value = {"api_key": KEY, "api_secret": secret}
    return Secret("erpnext", value, {"base_url": fake.url}, name="HR site")


def test_update_puts_the_properties_on_the_quoted_doctype_and_name(erp):
    config = APPLICANT | {"operation": "update_document", "properties": {"status": "Rejected"}}
    output = run_app(ERP, config, key(erp))
    [request] = erp.requests
    assert (request.method, request.path) == ("PUT", "/api/resource/Job%20Applicant/HR-APP-0001")
    assert request.headers["authorization"] == f"token {KEY}:{SECRET}"
    assert request.json == {"status": "Rejected"}
    assert output["status"] == "Rejected" and output["applicant_name"] == "Ada"


def test_create_get_and_delete(erp):
    created = run_app(
        ERP,
        {
            "operation": "create_document",
            "doc_type": "Job Opening",
            "properties": {"job_title": "QA"},
        },
        key(erp),
    )
    got = run_app(ERP, APPLICANT | {"operation": "get_document"}, key(erp))
    deleted = run_app(ERP, APPLICANT | {"operation": "delete_document"}, key(erp))
    assert created["job_title"] == "QA" and created["name"] in erp.documents["Job Opening"]
    assert got["applicant_name"] == "Ada"
    assert deleted == {"message": "ok"} and "HR-APP-0001" not in erp.documents["Job Applicant"]


def test_list_pages_through_the_filtered_documents(erp, monkeypatch):
    monkeypatch.setattr(node, "PAGE", 2)
    for n in range(4):
        erp.add("Job Applicant", f"HR-APP-1{n}", status="Open" if n % 2 else "Hold")
    config = {
        "operation": "list_documents",
        "doc_type": "Job Applicant",
        "fields": ["name", "status"],
        "filters": '[["status", "=", "Open"]]',
        "max_results": 3,
    }
    output = run_app(ERP, config, key(erp))
    assert output == {
        "documents": [
            {"name": "HR-APP-0001", "status": "Open"},
            {"name": "HR-APP-11", "status": "Open"},
            {"name": "HR-APP-13", "status": "Open"},
        ],
        "count": 3,
    }
    first = erp.requests[0].query
    assert json.loads(first["filters"][0]) == [["Job Applicant", "status", "=", "Open"]]
    assert [r.query["limit_start"] for r in erp.requests] == [["0"], ["2"]]
    assert [r.query["limit_page_length"] for r in erp.requests] == [["2"], ["1"]]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "get_document", "doc_type": "Customer"}, "document_name"),
        ({"operation": "update_document", **APPLICANT}, "properties"),
        ({"operation": "list_documents", "doc_type": "Customer", "filters": '{"a": 1}'}, "filters"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_frappe_s_errors_are_quoted_and_a_wrong_key_names_the_credential(erp):
    missing = app_error(
        ERP, APPLICANT | {"operation": "get_document", "document_name": "nope"}, key(erp)
    )
    assert (
        missing.message == "ERPNext refused get_document (HTTP 404): Job Applicant nope not found"
    )
    wrong = app_error(ERP, APPLICANT | {"operation": "get_document"}, key(erp, "old"))
    assert not wrong.retryable
    assert wrong.message.startswith(
        "ERPNext did not accept the credential “HR site” (Invalid Request)"
    )
    bad = app_error(
        ERP,
        {"operation": "list_documents", "doc_type": "Customer", "filters": [["a", "~", 1]]},
        key(erp),
    )
    assert "is not [field, operator, value]" in bad.message


def test_the_key_test_reads_the_logged_user(erp):
    assert frappe_api.check_key(key(erp)) == "Connected to ERPNext as hr@acme.example."
    with pytest.raises(NodeError, match="did not accept the credential “HR site”"):
        frappe_api.check_key(key(erp, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_reads_the_opening_and_holds_the_applicant(alice, erp):
    credential = store.create(
        alice, "HR site", "erpnext", {"api_key": KEY, "api_secret": SECRET, "base_url": erp.url}
    )
    nodes = (
        {
            "id": "opening",
            "type": ERP,
            "config": {
                "credential": credential.pk,
                "operation": "get_document",
                "doc_type": "Job Opening",
                "document_name": "{{ trigger.opening }}",
            },
        },
        {
            "id": "hold",
            "type": ERP,
            "config": {
                "credential": credential.pk,
                "operation": "update_document",
                "doc_type": "Job Applicant",
                "document_name": "{{ trigger.applicant }}",
                "properties": {"status": "Hold", "notes": "{{ nodes.opening.job_title }}"},
            },
        },
    )
    trigger = {"opening": "engineer", "applicant": "HR-APP-0001"}
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), trigger)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert erp.documents["Job Applicant"]["HR-APP-0001"]["status"] == "Hold"
    step = Step.objects.get(execution=execution, key="hold")
    assert step.output is not None and step.output["notes"] == "Engineer"
    assert SECRET not in json.dumps([s.input for s in execution.steps.all()])
