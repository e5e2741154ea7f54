"""Importing n8n's Customer.io node (editor/n8n/apps_customerio.py) onto `app.customerio`: the
config each operation becomes (from the corpus's own settings), the refusals (the corpus's
segment node without its Segment ID among them), and the corpus's upsert → add-to-segment
workflow, its segment set, run in the engine against the fake Customer.io."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.customerio import KEY, SEGMENT, SITE, FakeCustomerIo
from tests.test_n8n_apps import converted, refusal, single

CORPUS = [
    {
        "id": "2",
        "additionalFields": {
            "customProperties": {"customProperty": [{"key": "source", "value": "n8n"}]}
        },
    },
    {"resource": "segment", "customerIds": '={{$node["CustomerIo"].json["id"]}}'},
]


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS[0]
            | {
                "additionalFields": {
                    **CORPUS[0]["additionalFields"],
                    "email": "ada@example.com",
                    "createdAt": "2024-01-02T00:00:00Z",
                }
            },
            {
                "operation": "upsert_customer",
                "customer_id": "2",
                "attributes": {"source": "n8n", "created_at": 1704153600},
                "email": "ada@example.com",
            },
        ),
        (
            {"operation": "delete", "id": "2"},
            {"operation": "delete_customer", "customer_id": "2"},
        ),
        (
            {
                "resource": "event",
                "customerId": "2",
                "eventName": "purchase",
                "additionalFields": {
                    "type": "page",
                    "customAttributes": {"customAttribute": [{"key": "price", "value": "23"}]},
                },
            },
            {
                "operation": "track_event",
                "customer_id": "2",
                "event_name": "purchase",
                "event_data": {"price": "23", "type": "page"},
            },
        ),
        (
            {"resource": "event", "operation": "trackAnonymous", "eventName": "view"},
            {"operation": "track_anonymous_event", "event_name": "view"},
        ),
        (
            {"resource": "segment", "operation": "remove", "segmentId": 7, "customerIds": "2,3"},
            {"operation": "remove_from_segment", "segment_id": "7", "customer_ids": ["2", "3"]},
        ),
    ],
)
def test_each_operation_becomes_its_customerio_config(params, config):
    node = converted("customerIo", params)
    assert node["type"] == "app.customerio"
    assert node["config"] == config
    assert "choose a Customer.io credential (a Track API site id and key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        (CORPUS[1], "names no Segment ID"),
        ({"resource": "campaign", "operation": "get"}, "does 'campaign / get'"),
        ({"id": "2", "jsonParameters": True}, "JSON Parameters"),
        ({"id": "2", "additionalFields": {"createdAt": "={{ $now }}"}}, "Created At"),
        ({"additionalFields": {}}, "names no customer ID"),
    ],
)
def test_what_the_customerio_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("customerIo", params)
    assert "'App' (n8n-nodes-base.customerIo)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_upsert_then_segment_workflow_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("customerIo", CORPUS[0], name="CustomerIo")
    data["nodes"].append(
        {**data["nodes"][1], "name": "CustomerIo1", "parameters": CORPUS[1] | {"segmentId": 7}}
    )
    data["connections"]["CustomerIo"] = {
        "main": [[{"node": "CustomerIo1", "type": "main", "index": 0}]]
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeCustomerIo()) as cio:
        credential = store.create(
            alice, "Messaging", "customerio", {"api_key": KEY, "site_id": SITE, "base_url": cio.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.customerio":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        people, segment = cio.people, cio.segment
    assert people == {"2": {"source": "n8n"}} and segment == {"2"} and SEGMENT == "7"
