"""Importing n8n's DHL node (editor/n8n/apps_dhl.py) onto `app.dhl`: the tracking config, the
refusals, and the corpus's support agent's tracking step (one parcel per item, an unknown
parcel routed to the error output as n8n's "continue (using error output)" does) run in the
engine against the fake DHL."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.dhl import KEY, FakeDhl
from tests.test_n8n_apps import converted, refusal

PARCEL = "00340434292135100186"


def test_tracking_becomes_its_dhl_config():
    node = converted(
        "dhl",
        {
            "trackingNumber": "={{ $json.tracking_number }}",
            "options": {"recipientPostalCode": "53113"},
        },
    )
    assert node["type"] == "app.dhl"
    assert node["config"] == {
        "operation": "track_shipment",
        "tracking_number": "{{ trigger.tracking_number }}",
        "recipient_postal_code": "53113",
    }
    assert "choose a DHL credential (an API key)" in node["notes"]
    assert "outputs the first shipment" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [({"options": {}}, "names no Tracking Number"), ({"operation": "create"}, "shipment / create")],
)
def test_what_the_dhl_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("dhl", params)
    assert "'App' (n8n-nodes-base.dhl)" in message and said in message


def _node(name: str, kind: str, params: dict, x: int, **extra: object) -> dict:
    return {
        "name": name,
        "type": kind,
        "typeVersion": 1,
        "position": [x, 0],
        "parameters": params,
        **extra,
    }


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_parcels_are_tracked_and_an_unknown_one_goes_to_the_error_output(
    alice, settings
):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    dhl_params = {"options": {}, "trackingNumber": "={{ $json.tracking_number }}"}
    data = {
        "name": "Tracking",
        "nodes": [
            _node(
                "Webhook",
                "n8n-nodes-base.webhook",
                {"path": "t", "httpMethod": "POST", "options": {}},
                0,
            ),
            _node(
                "Split Out",
                "n8n-nodes-base.splitOut",
                {"fieldToSplitOut": "body.tracking", "options": {}},
                100,
            ),
            _node("DHL", "n8n-nodes-base.dhl", dhl_params, 200, onError="continueErrorOutput"),
            _node("Found", "n8n-nodes-base.noOp", {}, 300),
            _node("Not found", "n8n-nodes-base.noOp", {}, 300),
        ],
        "connections": {
            "Webhook": {"main": [[{"node": "Split Out", "type": "main", "index": 0}]]},
            "Split Out": {"main": [[{"node": "DHL", "type": "main", "index": 0}]]},
            "DHL": {
                "main": [
                    [{"node": "Found", "type": "main", "index": 0}],
                    [{"node": "Not found", "type": "main", "index": 0}],
                ]
            },
        },
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeDhl()) as dhl:
        credential = store.create(alice, "Parcels", "dhl", {"api_key": KEY, "base_url": dhl.url})
        for node in graph["nodes"]:
            if node["type"] == "app.dhl":
                node["config"]["credential"] = credential.pk
        payload = {"body": {"tracking": [{"tracking_number": PARCEL}, {"tracking_number": "1"}]}}
        execution = engine.start_execution(make_workflow(alice, graph), payload)
        execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    steps = {s.key: s for s in execution.steps.all()}
    assert steps["dhl[0]"].output["id"] == PARCEL
    assert steps["dhl[1]"].status == "failed" or steps["dhl[1]"].error
    assert steps["found[0]"].status == "succeeded" and steps["not_found[1]"].status == "succeeded"
    assert steps["found[1]"].status == "skipped" and steps["not_found[0]"].status == "skipped"
