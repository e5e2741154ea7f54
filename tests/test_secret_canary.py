"""A canary secret in every credential kind, echoed back by a careless server in every way it
can (JSON body, headers, short and long errors, an error cut mid-secret by the far side, a
binary body), and sent in by a webhook caller: no stored or sent byte holds it, in any
encoding (DESIGN §10)."""

from __future__ import annotations

import base64
import itertools
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, get_args
from urllib.parse import parse_qs, quote_plus, unquote_plus, urlsplit

import pytest
from django.test import Client

from credentials import store
from editor.models import Workflow
from executions import engine
from executions.models import Execution
from integrations import registry
from tests.conftest import ApiClient
from tests.engine_helpers import chain, make_workflow
from tests.fakes.google_sheets import new_key
from tests.fakes.mongodb import fake_mongo
from tests.fakes.mysql import fake_mysql
from tests.fakes.postgres import fake_postgres
from tests.fakes.redis_server import fake_redis
from tests.test_secret_hygiene import dump_every_table
from workfuse.lib.redaction import forms_of

pytestmark = pytest.mark.django_db(transaction=True)

CANARY = "cnry-Q7vLk2Zp9Xw4Rt6Yb"
# name: (credential kind, stored value, the node's auth settings)
KINDS: dict[str, tuple[str, Any, dict[str, str]]] = {
    "bearer": ("bearer", CANARY, {"auth": "bearer"}),
    "basic": ("basic", {"username": "canary-user", "password": CANARY}, {"auth": "basic"}),
    "header": ("header", CANARY, {"auth": "header", "auth_header_name": "X-Canary"}),
    "api_key_query": ("api_key", CANARY, {"auth": "query", "auth_query_param": "key"}),
    "api_key_as_basic": ("api_key", f"canary-user:{CANARY}", {"auth": "basic"}),
}
PATHS = ["json", "short-error", "long-error", "far-cut", "binary"]


def received_credential(handler: BaseHTTPRequestHandler) -> str:
    """What the client sent as its credential, exactly as it arrived."""
    query = parse_qs(urlsplit(handler.path).query)
    return (
        handler.headers.get("Authorization")
        or handler.headers.get("X-Canary")
        or (query.get("key") or [""])[0]
    )


@contextmanager
def careless_server() -> Iterator[str]:
    """Echoes the credential back in the form the path names."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            sent = received_credential(self)
            path = urlsplit(self.path).path.strip("/")
            status, kind, body = 200, "application/json", b""
            if path == "json":
                body = json.dumps({"you_sent": sent, "nested": [{"k": sent}]}).encode()
            elif path == "short-error":
                status, kind, body = 401, "text/plain", f"bad key {sent}".encode()
            elif path == "long-error":
                # The secret straddles the 300- and 2,000-character cuts of errors.
                status, kind = 422, "text/plain"
                body = ("x" * 250 + sent + "y" * 1700 + sent + "z" * 100).encode()
            elif path == "far-cut":  # the far side cut its message mid-secret
                status, kind, body = 400, "text/plain", f"invalid: {sent[:-5]}".encode()
            elif path == "binary":
                kind, body = "application/octet-stream", b"\x00\x01" + sent.encode() + b"\xff"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Echo", sent)
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def forbidden(value: Any) -> set[str]:
    """Every text that would betray the canary: its forms, and its first characters."""
    return forms_of(value) | forms_of(CANARY) | {CANARY[:12]}


def assert_clean(text: str, value: Any, where: str) -> None:
    for form in forbidden(value):
        assert form not in text, f"{form!r} (a form of the secret) is in {where}"


def binary_bodies(execution: Execution) -> list[bytes]:
    return [
        base64.b64decode(s.output["body"])
        for s in execution.steps.all()
        if isinstance(s.output, dict) and s.output.get("body_encoding") == "base64"
    ]


@pytest.fixture(autouse=True)
def private_targets(settings: Any) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True


@pytest.mark.parametrize("name", list(KINDS))
def test_an_echoed_canary_is_nowhere_in_any_encoding(
    alice: Any, alice_api: ApiClient, client: Client, name: str
) -> None:
    kind, value, auth = KINDS[name]
    credential = store.create(alice, f"canary {name}", kind, value)
    with careless_server() as url:
        nodes = [
            {
                "id": path.replace("-", "_"),
                "type": "action.http",
                "config": {"url": f"{url}/{path}", "credential": credential.pk, **auth},
                "on_error": "continue",
            }
            for path in PATHS
        ]
        execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {})
        execution.refresh_from_db()

    assert execution.status == "succeeded", execution.error
    steps = {s.key: s for s in execution.steps.all()}
    # The echoes came back and were masked (so the test checks something).
    assert "[REDACTED]" in json.dumps(steps["json"].output)
    assert "[REDACTED]" in steps["long_error"].error
    assert steps["far_cut"].error.endswith("[REDACTED]")
    [binary] = binary_bodies(execution)
    assert binary.startswith(b"\x00\x01") and b"[REDACTED]" in binary

    for raw in binary_bodies(execution):
        assert_clean(raw.decode("latin-1"), value, "a binary body")
    assert_clean(dump_every_table(), value, "the database")
    api = alice_api.get(f"/api/executions/{execution.pk}")
    assert api.status_code == 200
    assert_clean(api.content.decode(), value, "the execution API")
    client.force_login(alice)
    page = client.get(execution.get_absolute_url())
    assert page.status_code == 200
    assert_clean(page.content.decode(), value, "the execution page")


@pytest.mark.parametrize(
    ("config", "headers"),
    [
        ({"auth": "header", "header_name": "X-Token"}, {"HTTP_X_TOKEN": CANARY}),
        (
            {"auth": "hmac", "hmac_preset": "custom", "header_name": "X-Sig"},
            None,  # signed below
        ),
    ],
)
def test_a_webhook_callers_secret_is_not_stored(alice: Any, config: dict, headers: Any) -> None:
    from editor.nodes.trigger_webhook import Config
    from executions.signatures import sign

    credential = store.create(alice, "hook secret", "webhook_secret", CANARY)
    config = {**config, "credential": credential.pk}
    graph = {"nodes": [{"id": "hook", "type": "trigger.webhook", "config": config}], "edges": []}
    workflow = Workflow.create(alice, "hook", graph=graph)
    workflow.is_active = True
    workflow.save()
    body = json.dumps({"note": f"my key is {CANARY}"}).encode()
    if headers is None:
        signed = sign(Config.model_validate(config), CANARY, body)
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
    response = Client().post(
        f"/hooks/{workflow.webhook_token}?also={CANARY}",
        data=body,
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 202
    execution = Execution.objects.get()
    stored = json.dumps(execution.trigger_data)
    assert "[REDACTED]" in stored
    signature_header = next(iter(headers)).removeprefix("HTTP_").replace("_", "-").title()
    assert execution.trigger_data["headers"][signature_header] == "[REDACTED]"
    assert_clean(dump_every_table(), CANARY, "the database")


# --- integrations: every credential kind in the registry, so a new service is covered ----------

INTEGRATION_CANARY = "123456789:cnryQ7vLk2Zp9Xw4Rt6Yb"  # fits a Telegram token's shape too


def integration_value(kind: Any, server: str) -> dict[str, Any]:
    """The canary in every secret field (a secret URL carries it as its token and points at the
    careless server), and base_url pointing at the careless server."""
    value: dict[str, Any] = {}
    for name in kind.secret_fields:
        secret_url = name.endswith("url")
        value[name] = f"{server}/hook/{INTEGRATION_CANARY}" if secret_url else INTEGRATION_CANARY
    if "base_url" in kind.Fields.model_fields:
        value["base_url"] = server
    # --- messaging: other settings (a field's example; a careless SMTP server's address) ---
    for name, info in kind.Fields.model_fields.items():
        if name not in value and name != "base_url" and info.examples:
            value[name] = info.examples[0]
    if server.startswith("smtp://"):
        host, port = server.removeprefix("smtp://").split(":")
        value.update(host=host, port=int(port), security="none")
    # --- end messaging ---
    return value


def example_value(node_type: Any, operation: str, name: str) -> Any:
    """A JSON field's value (no type in the schema: Airtable's records) from a Magic Input
    example of the operation that uses no template, else a list of one object."""
    for _, config in node_type.examples:
        value = config.get(name)
        if config.get("operation") == operation and value and "{{" not in json.dumps(value):
            return value
    return [{"x": "x"}]


def _example_fields(node_type: Any, operation: str) -> set[str]:
    """The fields a Magic Input example of the operation sets without a template (a JSON field
    an operation needs only in some cases, Notion's update_page properties)."""
    return {
        name
        for _, config in node_type.examples
        if config.get("operation") == operation
        for name, value in config.items()
        if value and "{{" not in json.dumps(value)
    }


def operation_nodes(node_type: Any, credential: int) -> list[dict[str, Any]]:
    """Two nodes per operation, with every text and list field its operation uses filled in, and
    the JSON fields it needs."""
    schema = node_type.Config.model_json_schema()
    nodes = []
    for operation in get_args(node_type.Config.model_fields["operation"].annotation):
        config: dict[str, Any] = {"credential": credential, "operation": operation}
        for name, prop in schema["properties"].items():
            if operation not in prop.get("operations", ()):
                continue
            if prop.get("examples"):  # where "x" does not fit (an address, a formatted number)
                config[name] = prop["examples"][0]
            elif prop.get("type") == "string" and "enum" not in prop:
                config[name] = "x"
            elif prop.get("type") == "array":
                config[name] = ["x"]
            elif "type" not in prop and (
                operation in prop.get("required_for", ())
                or name in _example_fields(node_type, operation)
            ):
                config[name] = example_value(node_type, operation, name)
        # Each operation twice, so it meets the careless server in two of its moods (a service
        # whose success answer is not the output echoes only in an error). One attempt each: a
        # careless answer a service reads as a failure to retry (S3 takes a 200 it cannot parse
        # as one) must not leave the run waiting.
        for node_id in (f"op_{operation}", f"op_{operation}_again"):
            nodes.append(
                {
                    "id": node_id,
                    "type": node_type.type,
                    "config": config,
                    "on_error": "continue",
                    "retry": {"max_attempts": 1},
                }
            )
    return nodes


@contextmanager
def careless_service() -> Iterator[tuple[str, list[str]]]:
    """Any path, any method: echoes what the client sent (path, Authorization, body) in turn as
    a success (which every service here takes: `ok`, a `result`, an upload URL), a 400, a 401
    and a 400 cut mid-secret. Yields its URL and what each request carried."""
    received: list[str] = []
    modes = itertools.cycle(["ok", "refused", "unauthorized", "cut"])

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            auth = self.headers.get("Authorization", "")
            # --- crm2: a token in a header of its own (Pipedrive's x-api-token) ---
            auth = auth or self.headers.get("x-api-token", "")
            # --- end crm2 ---
            # --- svca: a Google API key in X-Goog-Api-Key (Perspective's) ---
            auth = auth or self.headers.get("x-goog-api-key", "")
            # --- end svca ---
            # --- svcd: a key in a header of its own (Tapfiliate's Api-Key) ---
            auth = auth or self.headers.get("Api-Key", "")
            # --- end svcd ---
            # --- svcg: a key in a header of its own (E-goi's Apikey, Clockify's X-Api-Key) ---
            auth = auth or self.headers.get("Apikey", "") or self.headers.get("X-Api-Key", "")
            # --- end svcg ---
            # --- svce: a token in a header of its own (NocoDB's xc-token) ---
            auth = auth or self.headers.get("xc-token", "")
            # --- end svce ---
            # --- svcb: a key in a header of its own (CoinGecko's x-cg-demo-api-key, DHL's) ---
            auth = auth or self.headers.get("x-cg-demo-api-key", "")
            auth = auth or self.headers.get("DHL-API-Key", "")
            # --- end svcb ---
            # --- svc1: Venafi TLS Protect Cloud's key in a header of its own ---
            auth = auth or self.headers.get("tppl-api-key", "")
            # --- end svc1 ---
            # --- spontit: Spontit's secret key in X-Authorization ---
            auth = auth or self.headers.get("X-Authorization", "")
            # --- end spontit ---
            if auth.startswith("Basic "):  # messaging: basic auth decoded too (Twilio's)
                auth += " " + base64.b64decode(auth[6:]).decode("utf-8", "replace")
            # --- mail: form bodies (OAuth token requests) read decoded ---
            if "x-www-form-urlencoded" in self.headers.get("Content-Type", ""):
                body = unquote_plus(body)
            # --- end mail ---
            # A key sent as a query parameter (OpenWeatherMap's appid) is read decoded.
            sent = f"{unquote_plus(self.path)} {auth} {body}"
            received.append(sent)
            mode = next(modes)
            status, kind, text = 200, "application/json", ""
            if mode == "ok":
                echo = {"you_sent": sent}
                text = json.dumps(
                    {
                        "ok": True,
                        "result": echo,
                        "echo": echo,
                        "file_id": "F1",
                        "upload_url": f"http://{self.headers['Host']}/upload/{sent[-40:]}",
                    }
                )
            elif mode == "refused":
                status, text = (
                    400,
                    json.dumps(
                        {
                            "error": sent,
                            "message": sent,
                            "description": sent,
                            "errors": [{"message": sent}],  # messaging: SendGrid's shape
                        }
                    ),
                )
            elif mode == "unauthorized":
                status, kind, text = 401, "text/plain", f"bad credential {sent}"
            else:
                status, kind, text = 400, "text/plain", f"invalid: {sent[:-5]}"
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()


# --- messaging: a careless SMTP server, for kinds that connect to a host and port ---


@contextmanager
def careless_smtp() -> Iterator[tuple[str, list[str]]]:
    """Echoes the login it received in its refusals, connection after connection: refused
    whole (535), then cut mid-secret (535), then accepted and the sender refused with it
    (550). Yields its address (smtp://host:port) and what each login carried."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    received: list[str] = []
    modes = itertools.cycle(["refused", "cut", "mail"])
    logins: dict[int, str] = {}

    class Handler:
        async def handle_MAIL(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
            return f"550 5.7.1 not from you, {logins.get(id(session), '')}"

    def authenticate(server, session, envelope, mechanism, data):  # type: ignore[no-untyped-def]
        sent = (
            f"{data.login.decode()} {data.password.decode()}"
            if isinstance(data, LoginPassword)
            else ""
        )
        received.append(sent)
        mode = next(modes)
        if mode == "mail":
            logins[id(session)] = sent
            return AuthResult(success=True)
        echo = sent if mode == "refused" else sent[:-5]
        return AuthResult(success=False, handled=False, message=f"535 5.7.8 bad login {echo}")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", received
    finally:
        controller.stop()


# --- end messaging ---


@contextmanager
def canary_value(kind: Any, url: str, received: list[str]) -> Iterator[tuple[Any, list[str], bool]]:
    """The value to store for `kind` (the canary in its secret, pointed at a careless server),
    what that server received, and whether the secret itself travels to the service (a token
    or password does; a signing key does not). Most kinds are HTTP APIs whose secret fields
    take any text: `integration_value` and the careless HTTP service serve them."""
    # --- datastores: kinds whose secret has a shape, or a server that is not HTTP ---
    if kind.kind == "postgres":
        with fake_postgres(echo=True) as server:  # quotes the password in its refusal
            value = {"password": INTEGRATION_CANARY, "host": "127.0.0.1", "port": server.port}
            value |= {"database": "shop", "username": "canary", "sslmode": "disable"}
            yield value, server.passwords, True
        return
    if kind.kind == "mysql":
        with fake_mysql(echo=True) as server:  # quotes the cleartext password in its refusal
            value = {"password": INTEGRATION_CANARY, "host": "127.0.0.1", "port": server.port}
            value |= {"database": "shop", "username": "canary", "ssl_mode": "disabled"}
            yield value, server.passwords, True
        return
    if kind.kind == "redis":
        with fake_redis(echo=True) as server:  # quotes the password in its WRONGPASS
            value = {"password": INTEGRATION_CANARY, "host": "127.0.0.1", "port": server.port}
            yield value, server.passwords, True
        return
    if kind.kind == "mongodb":
        with fake_mongo(echo=True) as server:  # quotes the PLAIN login's password in its refusal
            password = quote_plus(INTEGRATION_CANARY)
            uri = f"mongodb://canary:{password}@127.0.0.1:{server.port}/?authMechanism=PLAIN"
            yield {"connection_string": uri, "database": "shop"}, server.logins, True
        return
    if kind.kind == "s3":
        value = {"access_key_id": "AKIACANARY", "secret_access_key": INTEGRATION_CANARY}
        yield {**value, "base_url": url}, received, False
        return
    if kind.kind == "google_sheets":
        info = json.loads(new_key()[1]) | {"private_key_id": INTEGRATION_CANARY}
        value = {"service_account_key": json.dumps(info), "base_url": url, "token_url": url}
        yield value, received, False
        return
    # --- end datastores ---
    # --- messaging: kinds that connect to an SMTP host and port ---
    if kind.kind == "email":
        with careless_smtp() as (smtp_url, logins):
            yield integration_value(kind, smtp_url), logins, True
        return
    # --- end messaging ---
    # --- mail: OAuth refresh-token kinds: the token endpoint is the careless server too ---
    if kind.kind in ("gmail", "outlook"):
        yield integration_value(kind, url) | {"token_url": url}, received, True
        return
    # --- end mail ---
    # --- feeds: an IMAP server that echoes the login in every other refusal ---
    if kind.kind == "imap":
        from tests.fakes.imap import USER, FakeImap

        fake = FakeImap()
        fake.careless = fake.accept_any_password = True
        try:
            value = {"password": INTEGRATION_CANARY, "host": "127.0.0.1", "port": fake.port}
            yield value | {"security": "none", "user": USER}, fake.sent, True
        finally:
            fake.close()
        return
    # --- end feeds ---
    # --- social: YouTube trades a Google refresh token, at the careless server too ---
    if kind.kind == "youtube":
        yield integration_value(kind, url) | {"token_url": url}, received, True
        return
    # --- end social ---
    # --- files2: OneDrive's token endpoint (Outlook's machinery) is the careless server too ---
    if kind.kind == "onedrive":
        yield integration_value(kind, url) | {"token_url": url}, received, True
        return
    # --- end files2 ---
    # --- svca: Spotify's token endpoint is the careless server too ---
    if kind.kind == "spotify":
        yield integration_value(kind, url) | {"token_url": url}, received, True
        return
    if kind.kind == "strava":  # the token endpoint is the careless server too
        yield integration_value(kind, url) | {"token_url": url}, received, True
        return
    # --- end svca ---
    # --- svce: Ghost's Admin API key has a shape (<id>:<hex secret>) and signs tokens ---
    if kind.kind == "ghost":
        key = f"{INTEGRATION_CANARY.split(':')[0]}:{INTEGRATION_CANARY.encode().hex()}"
        yield {"admin_api_key": key, "base_url": url}, received, False
        return
    if kind.kind == "reddit":  # the token endpoint is the careless server too
        value = integration_value(kind, url) | {"token_url": url, "username": "canary-user"}
        yield value, received, True
        return
    # --- end svce ---
    # --- svcf: Google Contacts, Books and Admin trade a Google refresh token, careless there ---
    if kind.kind in ("google_contacts", "google_books", "gsuite_admin"):
        yield integration_value(kind, url) | {"token_url": url}, received, True
        return
    # --- end svcf ---
    # --- svca: Zoom's token endpoint (the account_credentials grant) is the careless server ---
    if kind.kind == "zoom":
        yield integration_value(kind, url) | {"token_url": url}, received, True
        return
    # --- end svca ---
    # --- ssh: careless SSH and AMQP servers that quote the password in their answers ---
    if kind.kind == "ssh":
        import asyncssh

        from tests.fakes.ssh import FakeSsh, encrypted_key

        key = asyncssh.generate_private_key("ssh-ed25519")  # refused: the password is tried next
        pem = encrypted_key(key, INTEGRATION_CANARY)
        fake = FakeSsh(careless=True)
        try:
            value = {"password": INTEGRATION_CANARY, "private_key": pem}
            value |= {"passphrase": INTEGRATION_CANARY, "host": "127.0.0.1", "port": fake.port}
            yield value | {"username": "canary"}, fake.passwords, True
        finally:
            fake.close()
        return
    if kind.kind == "amqp":  # a broker that quotes the login in its refusal
        from tests.fakes.amqp_broker import CarelessBroker

        broker = CarelessBroker()
        try:
            value = {"password": INTEGRATION_CANARY, "host": "127.0.0.1", "port": broker.port}
            yield value, broker.received, True
        finally:
            broker.close()
        return
    # --- end ssh ---
    # --- svcd: Excel 365 trades Outlook's refresh token, at the careless server too; QuestDB
    # speaks PostgreSQL's protocol: the careless PostgreSQL fake ---
    if kind.kind == "microsoft_excel":
        yield integration_value(kind, url) | {"token_url": url}, received, True
        return
    if kind.kind == "questdb":
        with fake_postgres(echo=True) as server:
            value = {"password": INTEGRATION_CANARY, "host": "127.0.0.1", "port": server.port}
            yield value, server.passwords, True
        return
    # --- end svcd ---
    yield integration_value(kind, url), received, True


@pytest.mark.parametrize("kind_name", sorted(registry.KINDS))
def test_an_integration_secret_echoed_back_is_nowhere(
    alice: Any, alice_api: ApiClient, client: Client, kind_name: str
) -> None:
    kind = registry.KINDS[kind_name]
    service = next(s for s in registry.SERVICES if kind in s.kinds)
    with careless_service() as (url, careless), canary_value(kind, url, careless) as canary:
        value, received, travels = canary
        credential = store.create(alice, f"canary {kind_name}", kind_name, value)
        graph = chain(*operation_nodes(service.node, credential.pk))
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        test_answer = alice_api.post(f"/api/credentials/{credential.pk}/test")

    assert execution.status == "succeeded", execution.error
    stored = json.dumps([[s.output, s.error] for s in execution.steps.all()])
    if travels:
        assert any(INTEGRATION_CANARY in sent for sent in received), "the secret was never sent"
        assert "[REDACTED]" in stored  # the echoes came back and were masked
    else:  # a signing key: the service sees signatures, never the key
        assert received, "nothing reached the service"
        assert not any(INTEGRATION_CANARY in sent for sent in received)
    secret = {name: value[name] for name in kind.secret_fields}
    assert INTEGRATION_CANARY not in dump_every_table()  # also where it sits inside a secret
    assert_clean(stored, secret, "the steps")
    assert_clean(dump_every_table(), secret, "the database")
    assert_clean(test_answer.content.decode(), secret, "Test connection's answer")
    api = alice_api.get(f"/api/executions/{execution.pk}")
    assert_clean(api.content.decode(), secret, "the execution API")
    client.force_login(alice)
    page = client.get(execution.get_absolute_url())
    assert page.status_code == 200
    assert_clean(page.content.decode(), secret, "the execution page")
