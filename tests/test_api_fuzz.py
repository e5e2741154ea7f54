"""Schemathesis over /api/openapi.json, and hypothesis over /hooks/: no input makes either
answer 5xx (docs/security.md, "Input limits").

Bounded: schemathesis' coverage phase (boundary and invalid values of every parameter: nulls,
wrong types, out-of-range numbers; deterministic) plus four generated cases per operation,
valid and invalid, with a fixed seed: about 1,700 requests, 10-20 seconds. Every case with
path ids is sent twice, as generated (mostly unknown ids: 404s and 400s) and with the ids of
a real workflow, version, execution and credential of the signed-in user, so that bodies
reach the code behind the lookups. Requests go to the Django WSGI application, authenticated
with a bearer token; the webhook gets 150 hypothesis-made requests of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ApiToken
from credentials import store
from editor.models import Workflow
from executions import engine
from executions.models import Execution
from tests.conftest import make_user

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261206,  # the same cases every run: a failure here is reproducible
        "generation": {"max-examples": 4, "mode": "all"},
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json", get_wsgi_application(), config=CONFIG
).exclude(
    # Calls the configured AI provider (or a `base_url` it is given); its 502/503 answers are the
    # provider's, covered with a local fake server by tests/test_magic_input*.py.
    path="/api/ai/configure"
)

SENT: list[tuple[str, int]] = []


@dataclass
class World:
    headers: dict[str, str]
    ids: dict[str, Any]


@pytest.fixture
def world(db: Any) -> World:
    user = make_user("fuzz@example.com")
    _, token = ApiToken.issue(user, "fuzz")
    workflow = Workflow.create(user, "Fuzzed")
    execution = engine.start_execution(workflow, {"n": 1}, trigger_kind=Execution.Trigger.API)
    credential = store.create(user, "Fuzz key", "bearer", "fuzz-secret-value")
    ids = {
        "workflow_id": workflow.pk,
        "execution_id": str(execution.pk),
        "credential_id": credential.pk,
        "number": 1,
    }
    return World({"Authorization": f"Bearer {token}"}, ids)


@pytest.fixture(scope="module", autouse=True)
def _keep_the_test_transaction() -> Any:
    """The WSGI app closes a connection inside a transaction at the end of each request (it
    looks obsolete); Django's test client disconnects that handler too, and so do we."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module", autouse=True)
def _report(request: Any) -> Any:
    yield
    if SENT:
        worst = max(status for _, status in SENT)
        print(f"\nschemathesis: {len(SENT)} requests, highest status {worst}")


def _call(case: Any, world: World) -> None:
    response = case.call(headers=world.headers)
    SENT.append((f"{case.method} {case.formatted_path}", response.status_code))
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} answered {response.status_code}: "
        f"{response.text[:500]}\n{case.as_curl_command(headers=world.headers)}"
    )


@schema.parametrize()
@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
def test_no_generated_request_makes_the_api_answer_5xx(case: Any, world: World) -> None:
    _call(case, world)
    known = {k: v for k, v in world.ids.items() if k in (case.path_parameters or {})}
    if known:
        case.path_parameters = {**case.path_parameters, **known}
        _call(case, world)


# --- /hooks/<token> (not in the OpenAPI schema) ----------------------------------------------

json_text = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
).map(repr) | st.text(alphabet='[]{}",:0123456789eE.-+ntrufalsNIiy\\u\x00', max_size=200)
content_types = st.sampled_from(
    [
        "application/json",
        "application/vnd.api+json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xx",
        "text/plain",
        "application/octet-stream",
        "",
    ]
)


@pytest.fixture
def hook(db: Any) -> Workflow:
    trigger = {
        "id": "hook",
        "type": "trigger.webhook",
        "config": {"methods": ["POST", "PUT", "GET"]},
    }
    workflow = Workflow.create(
        make_user("hooks@example.com"), "Hook", graph={"nodes": [trigger], "edges": []}
    )
    workflow.is_active = True
    workflow.save()
    return workflow


@settings(
    max_examples=150,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
@given(
    body=st.binary(max_size=300) | json_text.map(str.encode),
    content_type=content_types,
    query=st.text(max_size=30),
    method=st.sampled_from(["POST", "PUT", "GET"]),
)
def test_no_request_makes_a_webhook_answer_5xx(
    hook: Workflow, body: bytes, content_type: str, query: str, method: str
) -> None:
    client = Client(raise_request_exception=False)
    response = client.generic(
        method, f"/hooks/{hook.webhook_token}?{query}", body, content_type=content_type
    )
    assert response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
