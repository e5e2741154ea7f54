"""app.google_cloud_storage against a fake Cloud Storage (tests/fakes/google_cloud_storage.py)
with the service-account key credential: a bucket listed by prefix and delimiter page after
page, an object's metadata read and the object deleted, Google's refusals, and a run through
the engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.google_cloud_storage.node import SCOPE, Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.google_cloud_storage import BUCKET, FakeStorage
from tests.fakes.google_sheets import new_key
from workfuse.lib.node_run import Secret

GCS = "app.google_cloud_storage"


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeStorage]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeStorage(keys[0].public_key())) as fake:
        for n in range(5):
            fake.add(f"agricultural-crops/maize/image ({n}).jpg")
        fake.add("agricultural-crops/tomato/image (1).jpg")
        fake.add("other/readme.txt")
        yield fake


@pytest.fixture
def key(google: FakeStorage, keys: tuple[Any, str]) -> Secret:
    settings = {"base_url": google.url, "token_url": google.token_url}
    return Secret("google_sheets", {"service_account_key": keys[1]}, settings, name="Acme Google")


def test_a_listing_reads_the_prefix_page_after_page_with_one_token(google, key, monkeypatch):
    monkeypatch.setattr("integrations.google_cloud_storage.node.PAGE_MAX", 4)
    output = run_app(GCS, {"bucket": BUCKET, "prefix": "agricultural-crops"}, key)
    calls = [r for r in google.requests if r.path != "/token"]
    assert google.assertions[0]["scope"] == SCOPE and len(google.assertions) == 1
    assert calls[0].path == f"/storage/v1/b/{BUCKET}/o"
    assert calls[0].query == {"prefix": ["agricultural-crops"], "maxResults": ["4"]}
    assert calls[1].query["pageToken"] == ["4"]
    assert output["count"] == 6 and output["prefixes"] == []
    assert output["objects"][5]["name"] == "agricultural-crops/tomato/image (1).jpg"


def test_a_delimiter_gives_the_folders_as_prefixes(google, key):
    output = run_app(
        GCS, {"bucket": BUCKET, "prefix": "agricultural-crops/", "delimiter": "/"}, key
    )
    assert output == {
        "objects": [],
        "count": 0,
        "prefixes": ["agricultural-crops/maize/", "agricultural-crops/tomato/"],
    }


def test_an_object_is_read_then_deleted(google, key):
    name = "other/readme.txt"
    got = run_app(GCS, {"operation": "get_object", "bucket": BUCKET, "object_name": name}, key)
    assert google.requests[-1].path == f"/storage/v1/b/{BUCKET}/o/other%2Freadme.txt"
    assert got["name"] == name and got["size"] == "1024"
    deleted = run_app(
        GCS, {"operation": "delete_object", "bucket": BUCKET, "object_name": name}, key
    )
    assert deleted == {"success": True} and name not in google.buckets[BUCKET]
    missing = app_error(
        GCS, {"operation": "get_object", "bucket": BUCKET, "object_name": name}, key
    )
    assert "HTTP 404" in missing.message and "No such object" in missing.message
    nobucket = app_error(GCS, {"bucket": "nope"}, key)
    assert "The specified bucket does not exist." in nobucket.message


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "list_objects"}, "bucket"),
        ({"operation": "delete_object", "bucket": "b"}, "object_name"),
        ({"operation": "list_objects", "bucket": "b", "max_results": 0}, "max_results"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


@pytest.mark.django_db(transaction=True)
def test_a_run_lists_the_bucket_with_the_stored_key(alice, google, keys):
    credential = store.create(
        alice,
        "Acme Google",
        "google_sheets",
        {"service_account_key": keys[1], "base_url": google.url, "token_url": google.token_url},
    )
    node = {
        "id": "list",
        "type": GCS,
        "config": {
            "credential": credential.pk,
            "bucket": "{{ trigger.bucket }}",
            "prefix": "other",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"bucket": BUCKET})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="list")
    assert step.output is not None and step.output["count"] == 1
