"""`/api/` through the ASGI application: sync views run with the whole middleware stack in one
pool thread (workfuse/api_asgi.py); async views stay with Django's handler."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.test import Client

from accounts.models import ApiToken
from executions.models import Execution
from tests.engine_helpers import chain, make_workflow, transform
from workfuse import api_asgi
from workfuse.asgi import application, django_asgi_app

pytestmark = pytest.mark.django_db(transaction=True)


def call(
    method: str,
    path: str,
    body: Any = None,
    headers: list[tuple[bytes, bytes]] = (),
    app: Any = application,
) -> Any:
    data = json.dumps(body).encode() if body is not None else b""
    headers = [(b"host", b"localhost"), (b"content-type", b"application/json"), *headers]
    communicator = HttpCommunicator(app, method, path, body=data, headers=headers)
    return async_to_sync(communicator.get_response)()


def bearer(user: Any) -> list[tuple[bytes, bytes]]:
    _, token = ApiToken.issue(user, "tests")
    return [(b"authorization", f"Bearer {token}".encode())]


def session(user: Any) -> tuple[list[tuple[bytes, bytes]], str]:
    client = Client()
    client.force_login(user)
    csrf = "k" * 32  # a CSRF secret as Django's cookie holds one
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    return [(b"cookie", cookie.encode())], csrf


def test_sync_api_views_take_the_pool_and_async_ones_stay_with_django():
    assert api_asgi.serves("/api/workflows/1/run")
    assert api_asgi.serves("/api/workflows/1/chat/sessions")
    assert not api_asgi.serves("/api/workflows/1/chat")  # a coroutine: waits holding no thread
    assert not api_asgi.serves("/api/no/such/path")
    assert not api_asgi.serves("/workflows/")


def test_a_token_call_starts_a_run_in_a_pool_thread(alice, monkeypatch):
    workflow = make_workflow(alice, chain(transform("t")))
    threads: list[str] = []
    real = api_asgi.ApiHandler.get_response

    def spy(self: Any, request: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(self, request)

    monkeypatch.setattr(api_asgi.ApiHandler, "get_response", spy)
    answer = call("POST", f"/api/workflows/{workflow.pk}/run", {"payload": {"n": 7}}, bearer(alice))

    assert answer["status"] == 202, answer["body"]
    execution = Execution.objects.get(pk=json.loads(answer["body"])["execution_id"])
    assert execution.trigger_data == {"n": 7}
    assert threads and threads[0].startswith("api_")  # lean_asgi.api_pool


def test_session_calls_get_the_session_and_csrf_middleware(alice):
    workflow = make_workflow(alice, chain(transform("t")))
    cookies, csrf = session(alice)
    path = f"/api/workflows/{workflow.pk}/run"

    refused = call("POST", path, {"payload": {}}, cookies)
    accepted = call("POST", path, {"payload": {}}, [*cookies, (b"x-csrftoken", csrf.encode())])

    assert refused["status"] == 403  # no CSRF token: the middleware ran in the pool thread
    assert accepted["status"] == 202, accepted["body"]
    assert call("GET", f"/api/workflows/{workflow.pk}", headers=cookies)["status"] == 200


def test_refusals_are_the_ones_djangos_own_handler_gives(alice, bob):
    workflow = make_workflow(alice, chain(transform("t")))
    path = f"/api/workflows/{workflow.pk}/run"

    requests = [
        ("PUT", path, {}, bearer(alice)),
        ("POST", path, {"payload": {}}, bearer(bob)),
        ("POST", path, {"payload": {}}, []),
        ("POST", path, {"payload": {}}, [(b"authorization", b"Bearer wrong")]),
    ]
    fast = [call(*request) for request in requests]
    django = [call(*request, app=django_asgi_app) for request in requests]

    assert [a["status"] for a in fast] == [405, 404, 403, 403]
    assert [(a["status"], a["body"]) for a in fast] == [(a["status"], a["body"]) for a in django]
    assert json.loads(fast[0]["body"])["code"] == "method_not_allowed"
    assert not Execution.objects.exists()
