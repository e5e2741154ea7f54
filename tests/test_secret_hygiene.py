"""Secret hygiene (DESIGN §9): a credential's value reaches the remote server it is meant for
and nothing else — no table, no log line, no page, no API answer, no export — even when the
server echoes it back in a response body, a response header or an error."""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core import serializers
from django.db import connection
from django.test import Client

from credentials import store
from credentials.models import Credential
from executions import engine
from executions.models import Execution
from tests.conftest import ApiClient
from tests.engine_helpers import chain, make_workflow, recorder, steps_by_key
from workfuse.lib.redaction import RedactSecretsFilter

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/credentials"


@dataclass
class Kind:
    """A credential kind, how the HTTP node sends it, and every text that would betray it."""

    kind: str
    value: Any
    config: dict  # the node's auth settings
    sent: str  # what the server receives (header value, or the query string)
    forbidden: list[str] = field(default_factory=list)

    def received(self, request: dict) -> str:
        if self.config.get("auth") == "query":
            return request["path"]
        name = self.config.get("auth_header_name", "Authorization")
        return request["headers"].get(name, "")


BASIC_PAIR = base64.b64encode(b"hygiene-user:hyg-basic-Pw7Qz4Lx9").decode()
KINDS = {
    "bearer": Kind(
        "bearer",
        "hyg-bearer-Tk3Vd9Lm2Qx",
        {"auth": "bearer"},
        "Bearer hyg-bearer-Tk3Vd9Lm2Qx",
        ["hyg-bearer-Tk3Vd9Lm2Qx"],
    ),
    "basic": Kind(
        "basic",
        {"username": "hygiene-user", "password": "hyg-basic-Pw7Qz4Lx9"},
        {"auth": "basic"},
        f"Basic {BASIC_PAIR}",
        ["hyg-basic-Pw7Qz4Lx9", BASIC_PAIR],
    ),
    "header": Kind(
        "header",
        "hyg-header-Wn5Kc8Rb2Jy",
        {"auth": "header", "auth_header_name": "X-Hygiene-Key"},
        "hyg-header-Wn5Kc8Rb2Jy",
        ["hyg-header-Wn5Kc8Rb2Jy"],
    ),
    "api_key": Kind(  # in the query string, so it is in the URL httpx logs for every request
        "api_key",
        "hyg-apikey-Ld4Gh7Sv1Mx",
        {"auth": "query", "auth_query_param": "api_key"},
        "/hygiene?api_key=hyg-apikey-Ld4Gh7Sv1Mx",
        ["hyg-apikey-Ld4Gh7Sv1Mx"],
    ),
}
EVERY_SECRET = [text for kind in KINDS.values() for text in kind.forbidden]


@pytest.fixture(autouse=True)
def private_targets(settings: Any) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[Any]:
    """Every log record at DEBUG, as pytest captures them and as a handler configured like the
    app's (settings.LOGGING: the plain format behind RedactSecretsFilter) writes them."""
    root = logging.getLogger()
    assert any(  # the app's handlers redact: the filter is wired in settings
        isinstance(f, RedactSecretsFilter) for h in root.handlers for f in h.filters
    ), "settings.LOGGING attaches no RedactSecretsFilter to the root handlers"
    caplog.set_level(logging.DEBUG)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        logging.Formatter(django_settings.LOGGING["formatters"]["plain"]["format"])
    )
    handler.addFilter(RedactSecretsFilter())
    root.addHandler(handler)

    class Logs:
        @staticmethod
        def lines() -> list[str]:
            texts = [caplog.text, stream.getvalue()]
            for record in caplog.records:
                texts.append(record.getMessage())
                texts.append(record.exc_text or "")
            return "\n".join(texts).splitlines()

    try:
        yield Logs
    finally:
        root.removeHandler(handler)


def dump_every_table() -> str:
    """All the data in the database, as text: pg_dump on PostgreSQL, else every row of every
    model (auto-created many-to-many tables included) serialized."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
        command = ["pg_dump", "--data-only", "--no-owner", "--dbname", db["NAME"]]
        for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if db.get(key):
                command += [flag, str(db[key])]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
        assert "COPY public.credentials_credential" in done.stdout  # it really dumped our tables
        return done.stdout
    parts = []
    for model in apps.get_models(include_auto_created=True):
        parts.append(serializers.serialize("json", model._default_manager.all()))
    text = "\n".join(parts)
    assert '"model": "credentials.credential"' in text
    return text


def assert_nowhere(text: str, secrets: list[str], where: str) -> None:
    for secret in secrets:
        assert secret not in text, f"a secret value is in {where}"


def node(node_id: str, url: str, credential: Credential, kind: Kind, **extra: Any) -> dict:
    """An HTTP node sending the credential the kind's way (`extra`: node settings)."""
    config = {"method": "GET", "url": url, "credential": credential.pk, **kind.config}
    return {"id": node_id, "type": "action.http", "config": config, **extra}


def echo(kind: Kind) -> str:
    """What a careless server sends back: the credential as it received it."""
    return kind.sent


def run(workflow: Any) -> Execution:
    execution = engine.start_execution(workflow, {})
    execution.refresh_from_db()
    return execution


@pytest.mark.parametrize("name", list(KINDS))
def test_a_secret_reaches_the_server_and_no_table_or_log_line(
    alice: Any, logs: Any, name: str
) -> None:
    kind = KINDS[name]
    credential = store.create(alice, f"{name} credential", kind.kind, kind.value)
    with recorder() as server:
        url = f"{server.url}/hygiene"
        server.script = [
            # 1. a plain call; 2. the body and a header echo the secret back (the output);
            (200, {}, {"ok": True}),
            (200, {"X-Echo": echo(kind)}, {"you_sent": echo(kind), "again": [echo(kind)]}),
            # 3. an error whose body and headers echo it, stored as the output (on_error continue);
            (400, {"X-Echo": echo(kind)}, {"error": f"bad credentials: {echo(kind)}"}),
            # 4. the same error failing the workflow (the step error and the execution error).
            (401, {"WWW-Authenticate": echo(kind)}, {"error": f"rejected {echo(kind)}"}),
        ]
        graph = chain(
            node("plain", url, credential, kind),
            node("echoed", url, credential, kind),
            node("error_kept", url, credential, kind, on_error="continue"),
            node("error_failed", url, credential, kind),
        )
        execution = run(make_workflow(alice, graph, name="Hygiene"))

        received = [kind.received(r) for r in server.requests]

    # The secret did travel where it was meant to, four times.
    assert received == [kind.sent] * 4
    assert execution.status == "failed"
    steps = steps_by_key(execution)
    # Each echo came back and was stored scrubbed (so this test checks something).
    echoed = steps["echoed"].output
    assert echoed["status"] == 200
    assert "[REDACTED]" in echoed["body"]["you_sent"]
    assert "[REDACTED]" in echoed["headers"]["x-echo"]
    kept = steps["error_kept"]
    assert kept.status == "failed" and kept.error_handled
    assert kept.error.startswith("HTTP 400 Bad Request from GET")
    assert "bad credentials:" in kept.output["detail"]["body"]
    failed = steps["error_failed"]
    assert failed.error.startswith("HTTP 401 Unauthorized from GET")
    assert "rejected" in failed.error
    assert execution.error

    assert_nowhere(dump_every_table(), kind.forbidden, "the database")
    lines = logs.lines()
    assert_nowhere("\n".join(lines), kind.forbidden, "the logs")
    assert any("HTTP Request: GET" in line for line in lines)  # httpx did log each request
    if kind.config.get("auth") == "query":
        # httpx logs the full URL: with the key in the query, the log line had the secret in it.
        assert any("api_key=[REDACTED]" in line for line in lines)


def test_several_credentials_in_one_workflow_leave_no_trace(alice: Any, logs: Any) -> None:
    credentials = {
        name: store.create(alice, f"{name} credential", kind.kind, kind.value)
        for name, kind in KINDS.items()
    }
    with recorder() as server:
        server.script = [(200, {}, {"you_sent": echo(kind)}) for kind in KINDS.values()]
        graph = chain(
            *(
                node(name, f"{server.url}/hygiene", credentials[name], kind)
                for name, kind in KINDS.items()
            )
        )
        execution = run(make_workflow(alice, graph, name="All kinds"))
        received = [
            kind.received(r) for kind, r in zip(KINDS.values(), server.requests, strict=True)
        ]

    assert execution.status == "succeeded"
    assert received == [kind.sent for kind in KINDS.values()]
    assert all(s.output["body"]["you_sent"] != "" for s in execution.steps.exclude(key="start"))
    assert_nowhere(dump_every_table(), EVERY_SECRET, "the database")
    assert_nowhere("\n".join(logs.lines()), EVERY_SECRET, "the logs")


def test_a_secret_the_http_client_cannot_send_fails_the_step_without_a_trace(
    alice: Any, logs: Any
) -> None:
    # Header values must be ASCII: a non-ASCII secret fails (today by crashing inside the node,
    # which the engine logs with its traceback). Neither the step nor the log may show it.
    secret = "hyg-ünïcødé-Zr8Bq3"
    credential = store.create(alice, "Unicode", "bearer", secret)
    with recorder() as server:
        graph = chain(node("call", server.url, credential, KINDS["bearer"]))
        execution = run(make_workflow(alice, graph, name="Unicode"))
        assert server.requests == []

    step = steps_by_key(execution)["call"]
    assert execution.status == "failed" and step.status == "failed"
    assert step.error
    forms = [secret, json.dumps(secret)[1:-1], secret.encode().decode("latin-1")]
    assert_nowhere(dump_every_table(), forms, "the database")
    assert_nowhere("\n".join(logs.lines()), forms, "the logs")


def test_the_value_is_never_rendered_back(alice: Any) -> None:
    """The credentials page, the API's answers and a workflow export name the credential by id
    and never show its value."""
    api = ApiClient(alice)
    ids = {}
    for name, kind in KINDS.items():
        response = api.post(
            URL, {"name": f"{name} credential", "kind": kind.kind, "value": kind.value}
        )
        assert response.status_code == 201
        assert_nowhere(response.content.decode(), kind.forbidden, "the create answer")
        ids[name] = response.json()["id"]
    renamed = api.put(f"{URL}/{ids['bearer']}", {"name": "Renamed bearer"})
    rotated = api.put(f"{URL}/{ids['header']}", {"value": KINDS["header"].value})
    graph = chain(
        *(
            node(name, "https://api.example.com/", Credential.objects.get(pk=ids[name]), kind)
            for name, kind in KINDS.items()
        )
    )
    workflow = api.post("/api/workflows", {"name": "Uses them all", "graph": graph})
    assert workflow.status_code == 201
    workflow_id = workflow.json()["id"]

    client = Client()
    client.force_login(alice)
    answers = {
        "the credentials page": client.get("/credentials/"),
        "the API list": api.get(URL),
        "the API rename answer": renamed,
        "the API rotate answer": rotated,
        "the usage answer": api.get(f"{URL}/{ids['bearer']}/usage"),
        "the workflow answer": api.get(f"/api/workflows/{workflow_id}"),
        "the workflow export": api.get(f"/api/workflows/{workflow_id}/export"),
        "the workflow page": client.get(f"/workflows/{workflow_id}/"),
    }
    for where, response in answers.items():
        assert response.status_code == 200, where
        assert_nowhere(response.content.decode(), EVERY_SECRET, where)

    page = answers["the credentials page"].content.decode()
    listed = answers["the API list"].json()["items"]
    exported = answers["the workflow export"].json()["graph"]["nodes"]
    for name in KINDS:
        assert f'id="credential-{ids[name]}"' in page
        assert ids[name] in [c["id"] for c in listed]
        assert {"id": name, "credential": ids[name]} in [
            {"id": n["id"], "credential": n.get("config", {}).get("credential")} for n in exported
        ]

    operator = type(alice).objects.create_superuser("operator", "op@example.com", "pw")
    admin = Client()
    admin.force_login(operator)
    for name in KINDS:
        change = admin.get(f"/admin/credentials/credential/{ids[name]}/change/")
        assert change.status_code == 200
        assert_nowhere(change.content.decode(), EVERY_SECRET, "the admin")


def test_a_rotated_value_is_scrubbed_and_the_old_one_is_no_longer_sent(
    alice: Any, logs: Any
) -> None:
    kind = KINDS["bearer"]
    credential = store.create(alice, "Rotating", "bearer", "hyg-before-rotation-Jd8Kq2")
    with recorder() as server:
        workflow = make_workflow(
            alice, chain(node("call", f"{server.url}/hygiene", credential, kind)), name="Rotating"
        )
        server.script = [(200, {}, {"echo": "Bearer hyg-before-rotation-Jd8Kq2"})]
        run(workflow)
        store.rotate(credential, kind.value)
        server.script = [(200, {}, {"echo": kind.sent})]
        run(workflow)
        received = [kind.received(r) for r in server.requests]

    assert received == ["Bearer hyg-before-rotation-Jd8Kq2", kind.sent]
    secrets = ["hyg-before-rotation-Jd8Kq2", *kind.forbidden]
    assert_nowhere(dump_every_table(), secrets, "the database")
    assert_nowhere("\n".join(logs.lines()), secrets, "the logs")
