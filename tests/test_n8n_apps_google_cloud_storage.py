"""Importing n8n's Google Cloud Storage node (editor/n8n/apps_google_cloud_storage.py) onto
`app.google_cloud_storage`: the config each operation becomes (from the corpus's own settings),
the refusals, and the corpus's listing run in the engine against the fake Cloud Storage, its
objects one item each for the node after it."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.google_cloud_storage import BUCKET, FakeStorage
from tests.fakes.google_sheets import new_key
from tests.test_n8n_apps import converted, refusal, single

CORPUS: dict[str, Any] = {
    "resource": "object",
    "returnAll": True,
    "bucketName": BUCKET,
    "listFilters": {"prefix": "agricultural-crops"},
    "requestOptions": {},
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS,
            {
                "operation": "list_objects",
                "bucket": BUCKET,
                "prefix": "agricultural-crops",
                "max_results": 10000,
            },
        ),
        (
            {"resource": "object", "operation": "get", "bucketName": "b", "objectName": "a/b.png"},
            {"operation": "get_object", "bucket": "b", "object_name": "a/b.png"},
        ),
        (
            {"resource": "object", "operation": "delete", "bucketName": "b", "objectName": "x"},
            {"operation": "delete_object", "bucket": "b", "object_name": "x"},
        ),
    ],
)
def test_each_operation_becomes_its_cloud_storage_config(params, config):
    node = converted("googleCloudStorage", params)
    assert node["type"] == "app.google_cloud_storage"
    assert node["config"] == config
    assert "choose a Google Cloud Storage credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "bucket", "operation": "getAll"}, "does 'bucket / getAll'"),
        (
            {"resource": "object", "operation": "create", "bucketName": "b"},
            "does 'object / create'",
        ),
        (CORPUS | {"listFilters": {"versions": True}}, "filters by versions"),
        (
            {
                "resource": "object",
                "operation": "get",
                "bucketName": "b",
                "objectName": "x",
                "alt": "media",
            },
            "downloads the object's content",
        ),
        (CORPUS | {"bucketName": ""}, "has no Bucket Name"),
    ],
)
def test_what_the_cloud_storage_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("googleCloudStorage", params)
    assert "'App' (n8n-nodes-base.googleCloudStorage)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_listing_runs_and_its_objects_are_items(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("googleCloudStorage", CORPUS, name="Google Cloud Storage")
    data["nodes"].append(
        {
            "parameters": {
                "assignments": {
                    "assignments": [
                        {
                            "id": "1",
                            "name": "cropName",
                            "type": "string",
                            "value": "={{ $json.id.split('/').slice(-3, -2)[0].toLowerCase()}}",
                        }
                    ]
                },
                "options": {},
            },
            "name": "Get fields",
            "type": "n8n-nodes-base.set",
            "typeVersion": 3.4,
            "position": [400, 0],
        }
    )
    data["connections"]["Google Cloud Storage"] = {
        "main": [[{"node": "Get fields", "type": "main", "index": 0}]]
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    public, private = new_key()
    with running(FakeStorage(public.public_key())) as google:
        google.add("agricultural-crops/Maize/image (1).jpg")
        google.add("agricultural-crops/Tomato/image (1).jpg")
        credential = store.create(
            alice,
            "Acme Google",
            "google_sheets",
            {"service_account_key": private, "base_url": google.url, "token_url": google.token_url},
        )
        for node in graph["nodes"]:
            if node["type"] == "app.google_cloud_storage":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    outputs = [s.output for s in Step.objects.filter(execution=execution).order_by("id")]
    assert any(o and o.get("count") == 2 for o in outputs if isinstance(o, dict))
    each = [o["result"] for o in outputs if isinstance(o, dict) and "result" in o]
    crops = sorted(r["cropName"] for r in each)
    assert crops == ["maize", "tomato"]
