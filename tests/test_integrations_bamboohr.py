"""app.bamboohr against a fake BambooHR API (tests/fakes/bamboohr.py): each operation's request
and output, the file downloaded as a file value, BambooHR's refusals, the key's test, and a run
through the engine with a stored credential."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.bamboohr import rest_api
from integrations.bamboohr.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.bamboohr import COMPANY, KEY, PREFIX, FakeBambooHR
from workfuse.lib.node_run import NodeError, Secret

HR = "app.bamboohr"


@pytest.fixture
def bamboo(settings: Any) -> Iterator[FakeBambooHR]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeBambooHR()) as fake:
        yield fake


def key(fake: FakeBambooHR, value: str = KEY) -> Secret:
    settings = {"base_url": fake.url, "company_domain": COMPANY}
    return Secret("bamboohr", {"api_key": value}, settings, name="HR")


def test_list_employees_reads_the_directory_with_the_key_as_basic_user(bamboo):
    for first in ("Ada", "Grace", "Alan"):
        bamboo.hire(first, "X")
    output = run_app(HR, {"operation": "list_employees", "max_results": 2}, key(bamboo))
    [request] = bamboo.requests
    assert (request.method, request.path) == ("GET", f"{PREFIX}/employees/directory")
    assert request.headers["accept"] == "application/json"
    assert (
        request.headers["authorization"]
        == "Basic " + base64.b64encode(f"{KEY}:x".encode()).decode()
    )
    assert output["count"] == 2
    assert [e["firstName"] for e in output["employees"]] == ["Ada", "Grace"]


def test_get_employee_asks_for_the_fields_named(bamboo):
    person = bamboo.hire("Ada", "Lovelace", hireDate="2020-01-06")
    config = {"operation": "get_employee", "employee_id": person["id"]}
    output = run_app(HR, config | {"fields": ["hireDate", "jobTitle"]}, key(bamboo))
    assert bamboo.requests[0].query == {"fields": ["hireDate,jobTitle"]}
    assert output == {"id": person["id"], "hireDate": "2020-01-06", "jobTitle": "Engineer"}


def test_list_files_flattens_the_categories_unless_asked_for_them(bamboo):
    bamboo.add_file("Policies", "handbook.pdf", b"%PDF-1.4 handbook", "application/pdf")
    bamboo.add_file("Policies", "leave.pdf", b"%PDF-1.4 leave", "application/pdf")
    bamboo.add_file("Benefits", "dental.txt", b"Dental plan", "text/plain")
    flat = run_app(HR, {"operation": "list_files"}, key(bamboo))
    assert bamboo.requests[0].path == f"{PREFIX}/files/view"
    assert flat["count"] == 3
    assert [f["originalFileName"] for f in flat["files"]] == [
        "handbook.pdf",
        "leave.pdf",
        "dental.txt",
    ]
    grouped = run_app(HR, {"operation": "list_files", "by_category": True}, key(bamboo))
    assert [c["name"] for c in grouped["categories"]] == ["Policies", "Benefits"]


def test_download_file_outputs_the_file_with_its_name_and_type(bamboo):
    entry = bamboo.add_file("Benefits", "dental.txt", b"Dental plan", "text/plain")
    output = run_app(HR, {"operation": "download_file", "file_id": str(entry["id"])}, key(bamboo))
    assert bamboo.requests[0].path == f"{PREFIX}/files/{entry['id']}"
    assert output["file_id"] == str(entry["id"])
    assert output["file"]["filename"] == "dental.txt"
    assert output["file"]["content_type"] == "text/plain"
    assert base64.b64decode(output["file"]["content"]) == b"Dental plan"


@pytest.mark.parametrize(
    ("config", "field"),
    [({"operation": "get_employee"}, "employee_id"), ({"operation": "download_file"}, "file_id")],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_wrong_key_names_the_credential_and_a_missing_file_is_refused(bamboo):
    failed = app_error(HR, {"operation": "list_employees"}, key(bamboo, "old"))
    assert not failed.retryable
    assert failed.message.startswith("BambooHR did not accept the credential “HR”")
    missing = app_error(HR, {"operation": "download_file", "file_id": "9"}, key(bamboo))
    assert missing.message == "BambooHR refused download_file (HTTP 404): Not Found"


def test_the_key_test_reads_the_directory(bamboo):
    bamboo.hire("Ada", "Lovelace")
    assert (
        rest_api.check_key(key(bamboo)) == "Connected to BambooHR: 1 employee(s) in the directory."
    )
    with pytest.raises(NodeError, match="did not accept the credential “HR”"):
        rest_api.check_key(key(bamboo, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_downloads_each_listed_file_with_the_stored_credential(alice, bamboo):
    bamboo.add_file("Policies", "handbook.pdf", b"%PDF-1.4 handbook", "application/pdf")
    credential = store.create(
        alice, "HR", "bamboohr", {"api_key": KEY, "company_domain": COMPANY, "base_url": bamboo.url}
    )
    nodes = (
        {
            "id": "files",
            "type": HR,
            "config": {"credential": credential.pk, "operation": "list_files"},
        },
        {
            "id": "get",
            "type": HR,
            "config": {
                "credential": credential.pk,
                "operation": "download_file",
                "file_id": "{{ nodes.files.files[0].id }}",
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="get")
    assert step.output is not None and step.output["file"]["filename"] == "handbook.pdf"
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
