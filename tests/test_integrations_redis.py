"""app.redis against the machine's Redis (REDIS_URL's server and database; each test's keys
under a prefix of its own, deleted afterwards): n8n's Redis operations (get, set with an
expiry, delete, incr, keys, push, pop, publish), errors mapped to what the engine retries or
not, a refused password (a wire-level fake), the private-network guard, the credential test,
and a run through the engine with a stored credential."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.redis import store as redis_store
from integrations.redis.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes.redis_server import fake_redis
from workfuse.lib.node_run import NodeError, Secret

pytestmark = pytest.mark.integration

RD = "app.redis"


def machine() -> dict[str, Any]:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL must point at the machine's Redis for integration tests")
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return {"host": parts.hostname or "127.0.0.1", "port": parts.port or 6379, "database": database}


@pytest.fixture
def prefix(settings: Any) -> Iterator[str]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    made = f"wf-test-{uuid.uuid4().hex[:8]}:"
    yield made
    client = direct()
    for key in client.scan_iter(match=f"{made}*"):
        client.delete(key)


def direct() -> redis.Redis:
    where = machine()
    return redis.Redis(where["host"], where["port"], where["database"], decode_responses=True)


def conn(**changes: Any) -> Secret:
    return Secret("redis", {}, {**machine(), **changes}, name="Cache")


def run(**config: Any) -> Any:
    return run_app(RD, config, conn())


def test_set_and_get_a_string_with_an_expiry(prefix):
    key = f"{prefix}status"
    assert run(operation="set", key=key, value="running", ttl_seconds=60) == {
        "key": key,
        "type": "string",
        "ttl_seconds": 60,
    }
    assert 0 < direct().ttl(key) <= 60
    assert run(operation="get", key=key) == {"key": key, "type": "string", "value": "running"}
    assert run(operation="get", key=f"{prefix}missing") == {
        "key": f"{prefix}missing",
        "type": "none",
        "value": None,
    }


def test_set_writes_hashes_lists_and_sets_by_their_value(prefix):
    run(operation="set", key=f"{prefix}h", value={"name": "Ada", "age": 36})
    assert direct().hgetall(f"{prefix}h") == {"name": "Ada", "age": "36"}
    run(operation="set", key=f"{prefix}l", value=["a", {"b": 1}])
    run(operation="set", key=f"{prefix}l", value=["c"])  # the list becomes exactly the value
    assert run(operation="get", key=f"{prefix}l")["value"] == ["c"]
    run(operation="set", key=f"{prefix}s", key_type="set", value=["y", "x", "y"])
    assert run(operation="get", key=f"{prefix}s") == {
        "key": f"{prefix}s",
        "type": "set",
        "value": ["x", "y"],
    }
    run(operation="set", key=f"{prefix}n", value=12)  # automatic: a number is a string
    assert run(operation="get", key=f"{prefix}n", key_type="string")["value"] == "12"


def test_get_of_another_type_says_redis_refused(prefix):
    run(operation="push", list=f"{prefix}l", message="a")
    error = app_error(RD, {"operation": "get", "key": f"{prefix}l", "key_type": "string"}, conn())
    assert error.message.startswith("Redis refused the get operation: WRONGTYPE")
    assert not error.retryable


def test_delete_and_incr_with_an_expiry(prefix):
    key = f"{prefix}hits"
    assert run(operation="incr", key=key, ttl_seconds=30) == {"key": key, "value": 1}
    assert run(operation="incr", key=key) == {"key": key, "value": 2}
    assert 0 < direct().ttl(key) <= 30
    assert run(operation="delete", key=key) == {"key": key, "deleted": True}
    assert run(operation="delete", key=key) == {"key": key, "deleted": False}


def test_keys_lists_matching_keys_up_to_the_cap_with_their_values(prefix):
    for n in range(5):
        direct().set(f"{prefix}k{n}", str(n))
    direct().rpush(f"{prefix}list", "x")
    output = run(operation="keys", pattern=f"{prefix}k*", max_keys=10)
    assert output["keys"] == [f"{prefix}k{n}" for n in range(5)]
    assert output["values"][f"{prefix}k3"] == "3" and output["truncated"] is False
    capped = run(operation="keys", pattern=f"{prefix}*", max_keys=2, get_values=False)
    assert capped["count"] == 2 and capped["truncated"] is True and "values" not in capped


def test_push_and_pop_at_either_end(prefix):
    lst = f"{prefix}q"
    assert run(operation="push", list=lst, message="first") == {"list": lst, "length": 1}
    run(operation="push", list=lst, message={"n": 2}, tail=True)
    run(operation="push", list=lst, message="zero")  # the head
    assert direct().lrange(lst, 0, -1) == ["zero", "first", '{"n": 2}']
    assert run(operation="pop", list=lst, tail=True) == {"list": lst, "value": {"n": 2}}
    assert run(operation="pop", list=lst) == {"list": lst, "value": "zero"}
    run(operation="pop", list=lst)
    assert run(operation="pop", list=lst) == {"list": lst, "value": None}


def test_publish_reaches_a_subscriber(prefix):
    subscriber = direct().pubsub()
    subscriber.subscribe(f"{prefix}news")
    subscriber.get_message(timeout=1)  # the subscription's confirmation
    output = run(operation="publish", channel=f"{prefix}news", message={"hello": "world"})
    assert output == {"channel": f"{prefix}news", "receivers": 1}
    message = subscriber.get_message(timeout=2)
    subscriber.close()
    assert message is not None and message["data"] == '{"hello": "world"}'


def test_operations_need_their_fields():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "push"})
    assert caught.value.errors()[0]["loc"] == ("list",)
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "keys"})
    assert caught.value.errors()[0]["loc"] == ("pattern",)
    ttl = Config.model_validate({"key": "k", "operation": "set", "ttl_seconds": "90"})
    assert ttl.ttl_seconds == 90
    templated = {"key": "k", "operation": "set", "ttl_seconds": "{{ trigger.ttl }}"}
    assert Config.model_validate(templated).ttl_seconds == "{{ trigger.ttl }}"
    with pytest.raises(ValidationError, match="must be a whole number of seconds"):
        Config.model_validate({"key": "k", "operation": "set", "ttl_seconds": "soon"})


# --- connecting ------------------------------------------------------------------------------------


def test_a_refused_password_names_the_credential_and_is_not_retried(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with fake_redis() as fake:
        secret = Secret("redis", {"password": "wrong-1"}, {"host": "127.0.0.1", "port": fake.port})
        error = app_error(RD, {"key": "k"}, secret)
    assert fake.passwords == ["wrong-1"]
    assert "Redis did not accept the credential" in error.message
    assert "invalid username-password pair" in error.message and not error.retryable


def test_a_server_that_does_not_answer_is_retried(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with fake_redis() as fake:
        port = fake.port
    error = app_error(RD, {"key": "k"}, conn(host="127.0.0.1", port=port))
    assert error.retryable and error.message.startswith("Could not reach Redis")


def test_a_private_host_is_refused_unless_allowed(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    with fake_redis() as fake:
        error = app_error(RD, {"key": "k"}, conn(host="localhost", port=fake.port))
    assert "Refused to connect to" in error.message and "loopback address" in error.message
    assert not error.retryable and fake.passwords == []


def test_the_test_pings(prefix):
    message = redis_store.check_connection(conn())
    assert message.startswith("Connected to Redis ")
    assert message.endswith(f"on database {machine()['database']}.")


def test_the_test_fails_on_a_refused_password(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with fake_redis() as fake, pytest.raises(NodeError, match="did not accept the credential"):
        redis_store.check_connection(
            Secret("redis", {"password": "p"}, {"host": "127.0.0.1", "port": fake.port})
        )


# --- through the engine -------------------------------------------------------------------------


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Integration-marked tests get no eager Celery (conftest); this one runs its steps
    in-process, as the other tests of an integration do."""
    from workfuse.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.mark.django_db(transaction=True)
def test_a_run_sets_the_rendered_key_with_the_stored_credential(
    alice, alice_api, prefix, eager_tasks
):
    credential = store.create(alice, "Cache", "redis", machine())
    node = {
        "id": "remember",
        "type": RD,
        "config": {
            "credential": credential.pk,
            "operation": "set",
            "key": prefix + "order:{{ trigger.id }}",
            "value": "{{ trigger.status }}",
            "ttl_seconds": "{{ trigger.ttl }}",
        },
    }

    trigger = {"id": 9, "status": "paid", "ttl": 120}
    execution = engine.start_execution(make_workflow(alice, chain(node)), trigger)

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="remember")
    assert step.output == {"key": f"{prefix}order:9", "type": "string", "ttl_seconds": 120}
    assert direct().get(f"{prefix}order:9") == "paid"
    assert 0 < direct().ttl(f"{prefix}order:9") <= 120  # the rendered template
    answer = alice_api.post(f"/api/credentials/{credential.pk}/test").json()
    assert answer["ok"] is True and answer["message"].startswith("Connected to Redis")
