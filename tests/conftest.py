"""Shared fixtures: an owner (alice), a teammate-to-be (bob) and an outsider (charlie)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import ApiToken

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _eager_tasks(request: Any) -> Any:
    """Outside integration tests, Celery tasks run in-process when dispatched (on commit), so
    nothing leaks to a broker a real worker might be reading."""
    from workfuse.celery import app

    if request.node.get_closest_marker("integration"):
        yield
        return
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fresh_version_caches() -> None:
    """The engine caches versions and their plans by id, which never repeat in a real database;
    tests roll back, and SQLite then hands the same ids to the next test's rows."""
    from executions import engine, plan

    plan._PLANS.clear()
    engine._valid_versions.clear()
    engine._versions.clear()


@pytest.fixture(autouse=True)
def _private_vault(settings: Any, tmp_path_factory: Any) -> None:
    """Each test's local vault lives in its own temporary folder, never in the repo's data/."""
    settings.WORKFUSE_VAULT_BACKEND = "credentials.vault.local.LocalVault"
    settings.WORKFUSE_VAULT_DIR = tmp_path_factory.mktemp("vault") / "secrets"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache(settings: Any) -> None:
    # Rate limits live in the cache; a private cache per test keeps them from leaking between tests.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }


def make_user(email: str) -> Any:
    return get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD
    )


@pytest.fixture
def alice(db: Any) -> Any:
    return make_user("alice@example.com")


@pytest.fixture
def bob(db: Any) -> Any:
    return make_user("bob@example.com")


@pytest.fixture
def charlie(db: Any) -> Any:
    return make_user("charlie@example.com")


def design_example_for(user: Any) -> dict:
    """DESIGN §3's example graph, its credential id replaced by a credential the user owns."""
    import copy

    from credentials import store
    from tests.test_graph import DESIGN_EXAMPLE

    credential = store.create(user, "Example API", "bearer", "example-token-value")
    graph = copy.deepcopy(DESIGN_EXAMPLE)
    graph["nodes"][1]["config"]["credential"] = credential.pk
    return graph


@pytest.fixture
def alice_client(alice: Any) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def charlie_client(charlie: Any) -> Client:
    client = Client()
    client.force_login(charlie)
    return client


class ApiClient:
    """A JSON API client authenticated with a bearer token, as a script would be."""

    def __init__(self, user: Any):
        _, self.token = ApiToken.issue(user, "tests")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def _send(self, method: str, path: str, body: Any = None) -> Any:
        kwargs: dict[str, Any] = {}
        if body is not None:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def post(self, path: str, body: Any = None) -> Any:
        return self._send("post", path, body if body is not None else {})

    def put(self, path: str, body: Any) -> Any:
        return self._send("put", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self._send("patch", path, body)

    def delete(self, path: str) -> Any:
        return self.client.delete(path)


@pytest.fixture
def alice_api(alice: Any) -> ApiClient:
    return ApiClient(alice)


@pytest.fixture
def charlie_api(charlie: Any) -> ApiClient:
    return ApiClient(charlie)


# Nothing listens on port 1: a connection is refused at once ("Redis is down" tests).
CLOSED_REDIS = "redis://127.0.0.1:1/0"


class BrokerDown:
    """Celery's broker points at a Redis that is down, and tasks are really sent (not run
    eagerly); `recover()` brings the in-process eager "broker" back."""

    def __init__(self) -> None:
        from workfuse.celery import app

        self.app, self.url, self.eager = app, app.conf.broker_url, app.conf.task_always_eager
        app.conf.update(broker_url=CLOSED_REDIS, task_always_eager=False)
        self._forget_connections()

    def recover(self) -> None:
        self.app.conf.update(broker_url=self.url, task_always_eager=self.eager)
        self._forget_connections()

    def _forget_connections(self) -> None:
        # Celery keeps the pools it made for the old URL; forgotten, they are made again from
        # conf (not closed: kombu's registry hands the same pool out again for the same URL).
        self.app._pool = None
        self.app.amqp._producer_pool = None


@pytest.fixture
def broker_down() -> Any:
    down = BrokerDown()
    yield down
    down.recover()


@pytest.fixture
def cache_down(settings: Any) -> None:
    """The cache (rate limits, lockouts) is a Redis that is down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_REDIS,
        }
    }
