"""app.venafi_cloud against a fake Venafi TLS Protect Cloud API (tests/fakes/venafi_cloud.py):
certificate requests made with the CSR Venafi generates or one given, read and listed page by
page, certificates listed by subject, renewed and deleted, Venafi's errors, the key's test, and
a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.venafi_cloud import rest_api
from integrations.venafi_cloud.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.venafi_cloud import KEY, FakeVenafiCloud
from workfuse.lib.node_run import NodeError, Secret

VE = "app.venafi_cloud"
TEMPLATE = {"application_id": "app-1", "issuing_template_id": "tpl-1"}


@pytest.fixture
def venafi(settings: Any) -> Iterator[FakeVenafiCloud]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeVenafiCloud()) as fake:
        yield fake


def key(fake: FakeVenafiCloud, value: str = KEY) -> Secret:
    return Secret("venafi_cloud", {"api_key": value}, {"base_url": fake.url}, name="Venafi")


def test_a_request_with_a_generated_csr_sends_only_the_fields_set(venafi):
    config = TEMPLATE | {
        "generate_csr": True,
        "common_name": "shop.example.com",
        "organizational_units": ["Payments"],
        "key_type": "RSA",
        "key_length": 2048,
        "dns_names": ["www.shop.example.com"],
        "validity_period": "P10D",
    }
    made = run_app(VE, config, key(venafi))
    assert made["id"] == "req-1" and made["creationDate"].startswith("2026-12-06")
    [request] = venafi.requests
    assert request.path == "/outagedetection/v1/certificaterequests"
    assert request.headers["tppl-api-key"] == KEY
    assert request.json == {
        "applicationId": "app-1",
        "certificateIssuingTemplateId": "tpl-1",
        "isVaaSGenerated": True,
        "csrAttributes": {
            "commonName": "shop.example.com",
            "organizationalUnits": ["Payments"],
            "keyTypeParameters": {"keyType": "RSA", "keyLength": 2048},
            "subjectAlternativeNamesByType": {"dnsNames": ["www.shop.example.com"]},
        },
        "validityPeriod": "P10D",
    }


def test_a_given_csr_and_a_renewal_are_sent_as_they_are(venafi):
    run_app(VE, TEMPLATE | {"csr": "-----BEGIN CSR-----"}, key(venafi))
    assert venafi.requests[0].json == {
        "applicationId": "app-1",
        "certificateIssuingTemplateId": "tpl-1",
        "isVaaSGenerated": False,
        "certificateSigningRequest": "-----BEGIN CSR-----",
    }
    renew = TEMPLATE | {"operation": "renew_certificate", "certificate_id": "c-7", "csr": "X"}
    assert run_app(VE, renew, key(venafi))["id"] == "req-2"
    assert venafi.requests[1].json == {
        "applicationId": "app-1",
        "certificateIssuingTemplateId": "tpl-1",
        "certificateSigningRequest": "X",
        "existingCertificateId": "c-7",
    }


def test_requests_are_read_and_listed_following_the_next_links(venafi):
    for n in range(5):
        run_app(VE, TEMPLATE | {"csr": f"csr {n}"}, key(venafi))
    got = run_app(VE, {"operation": "get_request", "request_id": "req-3"}, key(venafi))
    assert got["sent"]["certificateSigningRequest"] == "csr 2"
    venafi.requests.clear()
    listed = run_app(VE, {"operation": "list_requests", "max_results": 5000}, key(venafi))
    assert [r["id"] for r in listed["certificate_requests"]] == [f"req-{n}" for n in range(1, 6)]
    assert listed["count"] == 5
    assert [r.query.get("start") for r in venafi.requests] == [None, ["2"], ["4"]]
    few = run_app(VE, {"operation": "list_requests", "max_results": 2}, key(venafi))
    assert few["count"] == 2 and len(venafi.requests) == 4


def test_certificates_are_listed_by_subject_read_and_deleted(venafi):
    for subject in ("a.example.com", "b.example.com", "a.example.com", "a.example.com"):
        venafi.add_certificate(subject)
    config = {"operation": "list_certificates", "subject": "a.example.com", "max_results": 10}
    listed = run_app(VE, config, key(venafi))
    assert [c["id"] for c in listed["certificates"]] == ["cert-1", "cert-3", "cert-4"]
    assert all(r.query["subject"] == ["a.example.com"] for r in venafi.requests)
    got = run_app(VE, {"operation": "get_certificate", "certificate_id": "cert-2"}, key(venafi))
    assert got["subjectCN"] == ["b.example.com"]
    deleted = run_app(
        VE, {"operation": "delete_certificate", "certificate_id": "cert-2"}, key(venafi)
    )
    assert deleted == {"certificates": [got], "count": 1}
    assert venafi.requests[-1].json == {"certificateIds": ["cert-2"]}
    assert [c["id"] for c in venafi.certificates] == ["cert-1", "cert-3", "cert-4"]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"csr": "x", "issuing_template_id": "t"}, "application_id"),
        (TEMPLATE | {"generate_csr": True}, "common_name"),
        (TEMPLATE, "csr"),
        ({"operation": "get_request"}, "request_id"),
        ({"operation": "renew_certificate", **TEMPLATE, "csr": "x"}, "certificate_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_venafi_s_errors_are_quoted_and_a_wrong_key_names_the_credential(venafi):
    missing = app_error(VE, {"operation": "get_request", "request_id": "nope"}, key(venafi))
    assert (
        missing.message
        == "Venafi TLS Protect Cloud refused get_request (HTTP 404): Entity not found"
    )
    wrong = app_error(VE, {"operation": "list_requests"}, key(venafi, "old"))
    assert not wrong.retryable and wrong.message.startswith(
        "Venafi TLS Protect Cloud did not accept the credential “Venafi” (Invalid api key)"
    )


def test_the_region_chooses_the_api_host():
    us = Secret("venafi_cloud", {"api_key": KEY}, {}, name="US")
    eu = Secret("venafi_cloud", {"api_key": KEY}, {"region": "eu"}, name="EU")
    assert (
        rest_api.base_url(rest_api.read_fields(rest_api.ApiKey, us)) == "https://api.venafi.cloud"
    )
    assert rest_api.base_url(rest_api.read_fields(rest_api.ApiKey, eu)) == "https://api.venafi.eu"


def test_the_key_test_reads_the_preferences(venafi):
    assert rest_api.check_key(key(venafi)) == "Connected to Venafi TLS Protect Cloud."
    assert venafi.requests[0].path == "/v1/preferences"
    with pytest.raises(NodeError, match="did not accept the credential “Venafi”"):
        rest_api.check_key(key(venafi, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_requests_a_certificate_for_the_trigger_s_domain(alice, venafi):
    credential = store.create(
        alice, "Venafi", "venafi_cloud", {"api_key": KEY, "base_url": venafi.url}
    )
    config = TEMPLATE | {
        "credential": credential.pk,
        "generate_csr": True,
        "common_name": "{{ trigger.domain }}",
    }
    nodes = ({"id": "issue", "type": VE, "config": config},)
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"domain": "x.io"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="issue").output
    assert output is not None and output["status"] == "ISSUED"
    assert venafi.requests[0].json["csrAttributes"] == {"commonName": "x.io"}
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
