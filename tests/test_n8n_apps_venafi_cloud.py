"""Importing n8n's Venafi TLS Protect Cloud node (editor/n8n/apps_venafi_cloud.py) onto
`app.venafi_cloud`: each operation's config, the refusals, and the corpus's Slack cert bot's
manual issue (a certificate request built from a Slack message's text by regular expressions)
run in the engine against the fake."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.venafi_cloud import KEY, FakeVenafiCloud
from tests.test_n8n_apps import converted, refusal

KIND = "venafiTlsProtectCloud"
IDS = {"applicationId": "app-1", "certificateIssuingTemplateId": "tpl-1"}
CONFIG_IDS = {"application_id": "app-1", "issuing_template_id": "tpl-1"}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            IDS | {"generateCsr": True, "commonName": "=a.io", "options": {}},
            {
                "operation": "create_request",
                **CONFIG_IDS,
                "generate_csr": True,
                "common_name": "a.io",
            },
        ),
        (
            IDS
            | {
                "generateCsr": True,
                "additionalFields": {
                    "organization": "Acme",
                    "organizationalUnits": ["Ops", "Web"],
                    "keyType": "EC",
                    "keyCurve": "P256",
                    "SubjectAltNamesUi": {"SubjectAltNamesValues": [{"name": "www.a.io"}]},
                },
                "options": {"validityPeriod": "P10D"},
            },
            {
                "operation": "create_request",
                **CONFIG_IDS,
                "validity_period": "P10D",
                "generate_csr": True,
                "common_name": "n8n.io",
                "organization": "Acme",
                "organizational_units": ["Ops", "Web"],
                "key_type": "EC",
                "key_curve": "P256",
                "dns_names": ["www.a.io"],
            },
        ),
        (
            IDS | {"certificateSigningRequest": "=CSR"},
            {"operation": "create_request", **CONFIG_IDS, "csr": "CSR"},
        ),
        (
            {"operation": "get", "certificateRequestId": "r1"},
            {"operation": "get_request", "request_id": "r1"},
        ),
        (
            {"operation": "getMany", "returnAll": True},
            {"operation": "list_requests", "max_results": 5000},
        ),
        (
            {
                "resource": "certificate",
                "operation": "getMany",
                "limit": 7,
                "filters": {"subject": "a.io"},
            },
            {"operation": "list_certificates", "max_results": 7, "subject": "a.io"},
        ),
        (
            {"resource": "certificate", "certificateId": "c1"},
            {"operation": "delete_certificate", "certificate_id": "c1"},
        ),
        (
            {"resource": "certificate", "operation": "get", "certificateId": "c1"},
            {"operation": "get_certificate", "certificate_id": "c1"},
        ),
        (
            IDS
            | {
                "resource": "certificate",
                "operation": "renew",
                "existingCertificateId": "c1",
                "certificateSigningRequest": "CSR",
            },
            {
                "operation": "renew_certificate",
                **CONFIG_IDS,
                "certificate_id": "c1",
                "csr": "CSR",
            },
        ),
    ],
)
def test_each_operation_becomes_its_config(params, config):
    node = converted(KIND, params)
    assert node["type"] == "app.venafi_cloud"
    assert node["config"] == config


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "certificate", "operation": "download"}, "does 'certificate / download'"),
        ({"certificateIssuingTemplateId": "t", "generateCsr": True}, "names no Application"),
        (IDS, "names no Certificate Signing Request"),
        ({"operation": "get"}, "names no Certificate Request ID"),
        (
            IDS | {"generateCsr": True, "additionalFields": {"applicationServerTypeId": "x"}},
            "sets applicationServerTypeId for the CSR",
        ),
        (
            IDS | {"generateCsr": True, "additionalFields": {"keyLength": "={{ $json.bits }}"}},
            "sets the CSR's keyLength by an expression",
        ),
        (
            {"resource": "certificate", "operation": "getMany", "filters": {"status": "ACTIVE"}},
            "filters by status",
        ),
    ],
)
def test_what_the_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal(KIND, params)
    assert f"'App' (n8n-nodes-base.{KIND})" in message
    assert said in message


def node(name: str, kind: str, version: float, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "type": f"n8n-nodes-base.{kind}",
        "typeVersion": version,
        "position": [0, 0],
        "parameters": params,
    }


def link(target: str) -> dict[str, Any]:
    return {"main": [[{"node": target, "type": "main", "index": 0}]]}


TEXT = "$json.response.message.blocks[2].text.text"
# The corpus's Slack cert bot (Slack__Venafi Cloud Slack Cert Bot.json), its manual issue path.
CORPUS = {
    "nodes": [
        node(
            "Webhook",
            "webhook",
            2,
            {"path": "venafiendpoint", "options": {}, "httpMethod": "POST"},
        ),
        node(
            "Parse Webhook",
            "set",
            3.3,
            {
                "options": {},
                "assignments": {
                    "assignments": [
                        {
                            "id": "1",
                            "name": "response",
                            "type": "object",
                            "value": "={{ $json.body.payload }}",
                        }
                    ]
                },
            },
        ),
        node("Manual Issue Certificate", "noOp", 1, {}),
        node(
            "Venafi TLS Protect Cloud1",
            KIND,
            1,
            {
                "options": {},
                "commonName": "={{ "
                + TEXT
                + r".match(/\*Domain:\*\s*<http[^|]+\|([^\n]+)>/)[1] }}",
                "generateCsr": True,
                "applicationId": "f3c15c80-7151-11ef-9a22-abeac49f7094",
                "additionalFields": {
                    "organizationalUnits": ["={{ " + TEXT + r".match(/\*Team:\*\s*([^\n]*)/)[1] }}"]
                },
                "certificateIssuingTemplateId": "d28d82b1-714b-11ef-9026-7bb80b32867a",
            },
        ),
    ],
    "connections": {
        "Webhook": link("Parse Webhook"),
        "Parse Webhook": link("Manual Issue Certificate"),
        "Manual Issue Certificate": link("Venafi TLS Protect Cloud1"),
    },
}


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_manual_issue_requests_the_certificate_from_the_message(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(CORPUS)
    assert validate_graph(graph) == []
    message = (
        "*Domain:* <http://shop.example.com|shop.example.com>\n*Team:* Payments\n"
        "*Requestor Email:* <mailto:ada@example.com|ada@example.com>"
    )
    payload = {"payload": {"message": {"blocks": [{}, {}, {"text": {"text": message}}]}}}
    with running(FakeVenafiCloud()) as venafi:
        credential = store.create(
            alice, "Venafi", "venafi_cloud", {"api_key": KEY, "base_url": venafi.url}
        )
        [issue] = [n for n in graph["nodes"] if n["type"] == "app.venafi_cloud"]
        issue["config"]["credential"] = credential.pk
        trigger = {"method": "POST", "headers": {}, "query": {}, "body": payload}
        execution = engine.start_execution(make_workflow(alice, graph), trigger)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    [request] = venafi.requests
    assert request.json == {
        "applicationId": "f3c15c80-7151-11ef-9a22-abeac49f7094",
        "certificateIssuingTemplateId": "d28d82b1-714b-11ef-9026-7bb80b32867a",
        "isVaaSGenerated": True,
        "csrAttributes": {"commonName": "shop.example.com", "organizationalUnits": ["Payments"]},
    }
    output = execution.steps.get(key=issue["id"]).output
    assert output is not None and output["id"] == "req-1"
