"""Importing n8n's Tapfiliate node (editor/n8n/apps_tapfiliate.py) onto `app.tapfiliate`: the
config each operation becomes (from the corpus's own settings), the refusals, and the corpus's
create → enrol → metadata workflow run in the engine against the fake Tapfiliate."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.tapfiliate import KEY, PROGRAM, FakeTapfiliate
from tests.test_n8n_apps import converted, refusal, single

CORPUS = [
    {
        "email": "n8ndocsburner@gmail.com",
        "lastname": "Ryan",
        "firstname": "Jack",
        "additionalFields": {},
    },
    {
        "resource": "programAffiliate",
        "programId": "testing-program-5",
        "affiliateId": '={{$node["Tapfiliate"].json["id"]}}',
        "additionalFields": {},
    },
    {
        "resource": "affiliateMetadata",
        "metadataUi": {"metadataValues": [{"key": "source", "value": "n8n"}]},
        "affiliateId": '={{$json["id"]}}',
    },
]


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS[0]
            | {
                "additionalFields": {
                    "companyName": "Acme",
                    "addressUi": {"addressValues": {"city": "Delft", "country": "NL"}},
                }
            },
            {
                "operation": "create_affiliate",
                "email": "n8ndocsburner@gmail.com",
                "firstname": "Jack",
                "lastname": "Ryan",
                "fields": {
                    "address": {"city": "Delft", "country": {"code": "NL"}},
                    "company": {"name": "Acme"},
                },
            },
        ),
        (
            CORPUS[1] | {"affiliateId": "jackryan", "additionalFields": {"approved": False}},
            {
                "operation": "add_to_program",
                "program_id": "testing-program-5",
                "affiliate_id": "jackryan",
                "fields": {"approved": False},
            },
        ),
        (
            CORPUS[2] | {"affiliateId": "jackryan"},
            {
                "operation": "set_metadata",
                "affiliate_id": "jackryan",
                "metadata": {"source": "n8n"},
            },
        ),
        (
            {"operation": "get", "affiliateId": "a"},
            {"operation": "get_affiliate", "affiliate_id": "a"},
        ),
        (
            {"operation": "delete", "affiliateId": "a"},
            {"operation": "delete_affiliate", "affiliate_id": "a"},
        ),
    ],
)
def test_each_operation_becomes_its_tapfiliate_config(params, config):
    node = converted("tapfiliate", params)
    assert node["type"] == "app.tapfiliate"
    assert node["config"] == config
    assert "choose a Tapfiliate credential (an API key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "getAll"}, "does 'affiliate / getAll'"),
        (
            {"resource": "programAffiliate", "operation": "approve"},
            "does 'programAffiliate / approve'",
        ),
        ({"resource": "affiliateMetadata", "affiliateId": "a"}, "adds no metadata"),
        ({"email": "a@b.c", "firstname": "A"}, "names no lastname"),
    ],
)
def test_what_the_tapfiliate_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("tapfiliate", params)
    assert "'App' (n8n-nodes-base.tapfiliate)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_create_enrol_metadata_workflow_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("tapfiliate", CORPUS[0], name="Tapfiliate")
    template = data["nodes"][1]
    data["nodes"] += [
        {**template, "name": "Tapfiliate1", "parameters": CORPUS[1]},
        # The corpus reads $json["id"] here, but Tapfiliate's answer to an enrolment is
        # {affiliate: {id}, approved, ...}: n8n would call /affiliates/undefined/; the affiliate's
        # id is the first node's.
        {
            **template,
            "name": "Tapfiliate2",
            "parameters": CORPUS[2] | {"affiliateId": '={{$node["Tapfiliate"].json["id"]}}'},
        },
    ]
    data["connections"]["Tapfiliate"] = {
        "main": [[{"node": "Tapfiliate1", "type": "main", "index": 0}]]
    }
    data["connections"]["Tapfiliate1"] = {
        "main": [[{"node": "Tapfiliate2", "type": "main", "index": 0}]]
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeTapfiliate()) as tapfiliate:
        credential = store.create(
            alice, "Affiliates", "tapfiliate", {"api_key": KEY, "base_url": tapfiliate.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.tapfiliate":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        affiliate = tapfiliate.affiliates["jackryan"]
        enrolled = tapfiliate.enrolled
    assert enrolled[0][:2] == (PROGRAM, "jackryan")
    assert affiliate["meta_data"] == {"source": "n8n"}
