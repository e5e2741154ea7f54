"""app.s3 against a real moto_server that checks signatures (tests/fakes/s3.py): each
operation's request and output, S3's errors, throttling and auth failures mapped to what the
engine retries or not, the private-endpoint guard, the credential test, and a run through the
engine with a stored credential."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from executions.models import Step
from integrations.s3 import s3_api
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.s3 import FakeS3, MotoS3, moto_s3, s3_error
from workfuse.lib.node_run import NodeError, Secret

S3 = "app.s3"


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoS3]:
    with moto_s3(tmp_path_factory.mktemp("moto-s3") / "server.log") as server:
        yield server


@pytest.fixture
def s3(moto: MotoS3, settings: Any) -> MotoS3:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    return moto


@pytest.fixture
def fake(settings: Any) -> Iterator[FakeS3]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeS3()) as server:
        yield server


def key(url: str, key_id: str, secret_key: str) -> Secret:
    settings = {"access_key_id": key_id, "region": "us-east-1", "base_url": url}
    return Secret("s3", {"secret_access_key": secret_key}, settings, name="Acme S3")


def good(s3: MotoS3) -> Secret:
    return key(s3.url, s3.access_key_id, s3.secret_access_key)


# --- operations ------------------------------------------------------------------------------


def test_put_object_stores_text_with_its_content_type(s3):
    bucket = s3.new_bucket()
    output = run_app(
        S3,
        {
            "bucket": bucket,
            "key": "orders/42.json",
            "content": '{"id": 42, "name": "Zoë"}',
            "content_type": "application/json",
        },
        good(s3),
    )

    stored = s3.client().get_object(Bucket=bucket, Key="orders/42.json")
    assert stored["Body"].read() == '{"id": 42, "name": "Zoë"}'.encode()
    assert stored["ContentType"] == "application/json"
    assert output["bucket"] == bucket and output["key"] == "orders/42.json"
    assert output["size"] == len('{"id": 42, "name": "Zoë"}'.encode())
    assert output["etag"] == stored["ETag"].strip('"')


def test_put_object_decodes_base64_content_to_bytes(s3):
    bucket = s3.new_bucket()
    data = b"\x89PNG\r\n\x1a\n\x00\xff"
    run_app(
        S3,
        {
            "bucket": bucket,
            "key": "logo.png",
            "content": base64.b64encode(data).decode(),
            "encoding": "base64",
        },
        good(s3),
    )
    stored = s3.client().get_object(Bucket=bucket, Key="logo.png")
    assert stored["Body"].read() == data
    assert stored["ContentType"] == "application/octet-stream"


def test_put_object_refuses_content_that_is_not_base64(s3):
    error = app_error(
        S3,
        {"bucket": "b-any", "key": "k", "content": "not base64!", "encoding": "base64"},
        good(s3),
    )
    assert "content is not valid base64" in error.message and not error.retryable


def test_get_object_answers_text_or_base64(s3):
    bucket = s3.new_bucket()
    client = s3.client()
    client.put_object(
        Bucket=bucket, Key="a.csv", Body="name\nZoë\n".encode(), ContentType="text/csv"
    )
    client.put_object(Bucket=bucket, Key="b.bin", Body=b"\xff\xfe\x00")

    text = run_app(S3, {"operation": "get_object", "bucket": bucket, "key": "a.csv"}, good(s3))
    binary = run_app(S3, {"operation": "get_object", "bucket": bucket, "key": "b.bin"}, good(s3))

    assert (text["content"], text["encoding"]) == ("name\nZoë\n", "text")
    assert text["content_type"] == "text/csv" and text["size"] == len("name\nZoë\n".encode())
    assert text["last_modified"].startswith("20")
    assert (binary["content"], binary["encoding"]) == (
        base64.b64encode(b"\xff\xfe\x00").decode(),
        "base64",
    )


def test_get_object_refuses_an_object_over_max_bytes(s3):
    bucket = s3.new_bucket()
    s3.client().put_object(Bucket=bucket, Key="big.txt", Body=b"x" * 2000)
    error = app_error(
        S3,
        {"operation": "get_object", "bucket": bucket, "key": "big.txt", "max_bytes": 1000},
        good(s3),
    )
    assert "is 2000 bytes, over max_bytes (1000)" in error.message and not error.retryable


def test_get_object_of_a_missing_key_quotes_s3(s3):
    bucket = s3.new_bucket()
    error = app_error(S3, {"operation": "get_object", "bucket": bucket, "key": "nope"}, good(s3))
    assert error.message.startswith("S3 refused GetObject: NoSuchKey")
    assert not error.retryable and error.detail["status"] == 404


def test_list_objects_lists_keys_under_a_prefix_page_by_page(s3):
    bucket = s3.new_bucket()
    client = s3.client()
    for name in ("invoices/1.pdf", "invoices/2.pdf", "invoices/3.pdf", "other/x"):
        client.put_object(Bucket=bucket, Key=name, Body=b"12345")
    config = {"operation": "list_objects", "bucket": bucket, "prefix": "invoices/", "max_keys": 2}

    first = run_app(S3, config, good(s3))
    rest = run_app(S3, {**config, "continuation_token": first["next_continuation_token"]}, good(s3))

    assert [o["key"] for o in first["objects"]] == ["invoices/1.pdf", "invoices/2.pdf"]
    assert first["count"] == 2 and first["is_truncated"] is True
    assert first["objects"][0]["size"] == 5
    assert [o["key"] for o in rest["objects"]] == ["invoices/3.pdf"]
    assert rest["is_truncated"] is False


def test_a_missing_bucket_quotes_s3(s3):
    error = app_error(S3, {"operation": "list_objects", "bucket": "no-such-bucket-77"}, good(s3))
    assert "NoSuchBucket" in error.message and not error.retryable


# --- the key, errors and rate limits -----------------------------------------------------------


def test_a_wrong_secret_key_is_an_auth_error_naming_the_credential(s3):
    error = app_error(
        S3,
        {"operation": "list_objects", "bucket": "any-bucket"},
        key(s3.url, s3.access_key_id, "wrong"),
    )
    assert "S3 did not accept the credential “Acme S3” (SignatureDoesNotMatch" in error.message
    assert not error.retryable


def test_an_unknown_access_key_id_is_an_auth_error(s3):
    error = app_error(
        S3, {"operation": "list_objects", "bucket": "any-bucket"}, key(s3.url, "AKIANOSUCHKEY", "x")
    )
    assert "did not accept the credential “Acme S3” (InvalidAccessKeyId" in error.message
    assert not error.retryable


@pytest.mark.parametrize(
    ("answer", "wait"),
    [
        (s3_error(503, "SlowDown", "Please reduce your request rate."), None),
        (s3_error(503, "SlowDown", "Please reduce your request rate.", **{"Retry-After": "4"}), 4),
        (s3_error(400, "Throttling", "Rate exceeded"), None),
        (s3_error(500, "InternalError", "We encountered an internal error."), None),
        (s3_error(503, "ServiceUnavailable", "Reduce your request rate."), None),
    ],
)
def test_throttling_and_failures_are_retried(fake, answer, wait):
    fake.script(answer)
    error = app_error(
        S3, {"operation": "list_objects", "bucket": "acme"}, key(fake.url, "AKIA1", "s")
    )
    assert error.retryable and error.retry_after == wait
    assert len(fake.requests) == 1  # boto3 does not retry by itself: the engine does


def test_a_lost_connection_is_retried(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeS3()) as gone:
        url = gone.url
    error = app_error(S3, {"operation": "list_objects", "bucket": "acme"}, key(url, "AKIA1", "s"))
    assert error.retryable and "Could not reach S3" in error.message


def test_a_private_endpoint_is_refused_before_anything_is_sent(fake, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    error = app_error(
        S3, {"operation": "list_objects", "bucket": "acme"}, key(fake.url, "AKIA1", "s")
    )
    assert "Refused to connect to 127.0.0.1 (loopback address)" in error.message
    assert not error.retryable and fake.requests == []


def test_the_request_is_signed_with_the_key_and_path_style(fake):
    run_app(
        S3,
        {"operation": "list_objects", "bucket": "acme", "prefix": "a/"},
        key(fake.url, "AKIA1", "s"),
    )
    [request] = fake.requests
    assert (request.method, request.path) == ("GET", "/acme")
    assert request.query["list-type"] == ["2"] and request.query["prefix"] == ["a/"]
    assert request.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIA1/")
    assert "/us-east-1/s3/aws4_request" in request.headers["authorization"]


def test_the_settings_name_the_fields_each_operation_needs():
    from pydantic import ValidationError

    from integrations.s3.node import Config

    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "get_object", "bucket": "b"})
    assert [(e["loc"], e["msg"]) for e in caught.value.errors()] == [
        (("key",), "Needed for the get_object operation.")
    ]
    with pytest.raises(ValidationError, match="less than or equal to 1000"):
        Config.model_validate({"operation": "list_objects", "bucket": "b", "max_keys": 5000})


# --- Test connection ---------------------------------------------------------------------------


def test_the_test_lists_buckets(s3):
    s3.new_bucket()
    count = len(s3.client().list_buckets()["Buckets"])
    message = s3_api.check_access_key(good(s3))
    assert message.startswith(f"Connected to S3: the key sees {count} buckets (wf-")


def test_the_test_fails_on_a_wrong_key(s3):
    with pytest.raises(
        NodeError, match="did not accept the credential “Acme S3” \\(SignatureDoesNotMatch"
    ):
        s3_api.check_access_key(key(s3.url, s3.access_key_id, "wrong"))


def test_a_key_that_may_not_list_buckets_still_passes_the_test(fake):
    fake.script(s3_error(403, "AccessDenied", "Access Denied"))
    assert "accepted the key; it may not list buckets" in s3_api.check_access_key(
        key(fake.url, "AKIA1", "s")
    )


# --- through the engine ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_run_stores_the_rendered_object_with_the_stored_credential(alice, s3, alice_api):
    bucket = s3.new_bucket()
    credential = store.create(
        alice,
        "Acme S3",
        "s3",
        {
            "access_key_id": s3.access_key_id,
            "secret_access_key": s3.secret_access_key,
            "base_url": s3.url,
        },
    )
    node = {
        "id": "save",
        "type": S3,
        "config": {
            "credential": credential.pk,
            "bucket": bucket,
            "key": "orders/{{ trigger.id }}.json",
            "content": "{{ trigger | tojson }}",
        },
    }

    execution = engine.start_execution(make_workflow(alice, chain(node)), {"id": 7})

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    stored = s3.client().get_object(Bucket=bucket, Key="orders/7.json")["Body"].read()
    assert json.loads(stored) == {"id": 7}
    step = Step.objects.get(execution=execution, key="save")
    assert s3.secret_access_key not in json.dumps([step.input, step.output])
    answer = alice_api.post(f"/api/credentials/{credential.pk}/test").json()
    assert answer["ok"] is True and answer["message"].startswith("Connected to S3")
