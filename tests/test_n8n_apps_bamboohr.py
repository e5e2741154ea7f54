"""Importing n8n's BambooHR node (editor/n8n/apps_bamboohr.py) onto `app.bamboohr`: the config
each operation becomes (from the corpus's own settings), the refusals, where many items and
the downloaded file lie, and an imported workflow run in the engine against the fake BambooHR."""

from __future__ import annotations

import base64

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.bamboohr import COMPANY, KEY, FakeBambooHR
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"operation": "getAll", "returnAll": True},
            {"operation": "list_employees", "max_results": 5000},
        ),
        ({"operation": "getAll"}, {"operation": "list_employees", "max_results": 5}),
        (
            {"resource": "file", "operation": "getAll", "returnAll": True, "simplifyOutput": False},
            {"operation": "list_files", "max_results": 5000, "by_category": True},
        ),
        (
            {"resource": "file", "operation": "getAll", "limit": 20},
            {"operation": "list_files", "max_results": 20},
        ),
        (
            {"fileId": "={{ $json.id }}", "resource": "file", "operation": "download"},
            {"operation": "download_file", "file_id": "{{ trigger.id }}"},
        ),
    ],
)
def test_each_operation_becomes_its_bamboohr_config(params, config):
    node = converted("bambooHr", params)
    assert node["type"] == "app.bamboohr"
    assert node["config"] == config
    assert "choose a BambooHR credential (an API key and the company's subdomain)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({}, "does 'employee / create'"),
        ({"resource": "file"}, "does 'file / delete'"),
        ({"resource": "companyReport", "operation": "get"}, "does 'companyReport / get'"),
        ({"resource": "file", "operation": "download"}, "names none; set its File ID"),
    ],
)
def test_what_the_bamboohr_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("bambooHr", params)
    assert "'App' (n8n-nodes-base.bambooHr)" in message
    assert said in message


def test_many_items_say_where_they_lie():
    assert spec_items("bambooHr", {"operation": "getAll"}, 1) == "employees"
    assert spec_items("bambooHr", {"resource": "file", "operation": "getAll"}, 1) == "files"
    raw = {"resource": "file", "operation": "getAll", "simplifyOutput": False}
    assert spec_items("bambooHr", raw, 1) == "categories"


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_downloads_every_company_file(alice, settings):
    """As the corpus's chatbot workflow does: get all files, then download each by `$json.id`."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("bambooHr", {"resource": "file", "operation": "getAll", "returnAll": True})
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Download",
            "parameters": {
                "fileId": "={{ $json.id }}",
                "resource": "file",
                "operation": "download",
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Download", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeBambooHR()) as bamboo:
        bamboo.add_file("Policies", "handbook.txt", b"Be kind", "text/plain")
        bamboo.add_file("Benefits", "dental.txt", b"Dental plan", "text/plain")
        credential = store.create(
            alice,
            "HR",
            "bamboohr",
            {"api_key": KEY, "company_domain": COMPANY, "base_url": bamboo.url},
        )
        for node in graph["nodes"]:
            if node["type"] == "app.bamboohr":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    downloads = [
        s.output["file"]
        for s in Step.objects.filter(execution=execution).order_by("key")
        if s.output and "file" in s.output
    ]
    assert sorted(base64.b64decode(f["content"]) for f in downloads) == [b"Be kind", b"Dental plan"]
