"""Importing n8n's Wise node (editor/n8n/apps_wise.py) onto `app.wise`: the config each quote and
transfer operation becomes (from the corpus's own settings), the refusals, and the corpus's
quote → transfer → execute → get workflow run in the engine against the fake Wise."""

from __future__ import annotations

import itertools

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.wise import ACCOUNT, PROFILE, TOKEN, FakeWise
from tests.test_n8n_apps import converted, refusal, single

CORPUS = [
    {
        "amount": 500,
        "resource": "quote",
        "operation": "create",
        "profileId": PROFILE,
        "sourceCurrency": "EUR",
        "targetCurrency": "EUR",
        "targetAccountId": ACCOUNT,
    },
    {
        "quoteId": '={{$json["id"]}}',
        "resource": "transfer",
        "operation": "create",
        "profileId": PROFILE,
        "targetAccountId": ACCOUNT,
        "additionalFields": {"reference": "Thank you for the contribution"},
    },
    {
        "resource": "transfer",
        "operation": "execute",
        "profileId": PROFILE,
        "transferId": '={{$json["id"]}}',
    },
    {"resource": "transfer", "transferId": '={{$node["Wise1"].json["id"]}}'},
]


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS[0],
            {
                "operation": "create_quote",
                "amount_type": "source",
                "profile_id": str(PROFILE),
                "source_currency": "EUR",
                "target_currency": "EUR",
                "amount": "500",
                "target_account_id": str(ACCOUNT),
            },
        ),
        (
            CORPUS[1],
            {
                "operation": "create_transfer",
                "reference": "Thank you for the contribution",
                "quote_id": "{{ trigger.id }}",
                "target_account_id": str(ACCOUNT),
            },
        ),
        (
            {"resource": "quote", "operation": "get", "profileId": 1, "quoteId": "q"},
            {"operation": "get_quote", "profile_id": "1", "quote_id": "q"},
        ),
        (
            {"resource": "transfer", "operation": "delete", "transferId": "7"},
            {"operation": "cancel_transfer", "transfer_id": "7"},
        ),
    ],
)
def test_each_operation_becomes_its_wise_config(params, config):
    node = converted("wise", params)
    assert node["type"] == "app.wise"
    assert node["config"] == config
    assert "choose a Wise credential (an API token" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({}, "does 'account (its default operation)'"),
        (
            {"resource": "transfer", "operation": "getAll", "profileId": 1},
            "does 'transfer / getAll'",
        ),
        (
            {"resource": "transfer", "transferId": "1", "downloadReceipt": True},
            "downloads a transfer's PDF receipt",
        ),
        ({"resource": "transfer", "operation": "execute", "transferId": "1"}, "names no profile"),
    ],
)
def test_what_the_wise_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("wise", params)
    assert "'App' (n8n-nodes-base.wise)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_quote_transfer_execute_get_workflow_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("wise", CORPUS[0], name="Wise")
    template = data["nodes"][1]
    names = ["Wise", "Wise1", "Wise2", "Wise3"]
    data["nodes"] += [
        {**template, "name": n, "parameters": p} for n, p in zip(names[1:], CORPUS[1:], strict=True)
    ]
    for source, target in itertools.pairwise(names):
        data["connections"][source] = {"main": [[{"node": target, "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeWise()) as wise:
        credential = store.create(
            alice, "Money", "wise", {"api_token": TOKEN, "base_url": wise.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.wise":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [transfer] = wise.transfers
    assert transfer["reference"] == "Thank you for the contribution"
    last = execution.steps.get(key="wise3")
    assert last.output["id"] == transfer["id"] and last.output["status"] == "processing"
