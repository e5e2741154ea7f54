"""workfuse/lib/netguard.py: private targets refused at connect time by every outbound HTTP
client (httpx, and httpx2 under the AI SDKs), each redirect hop checked.

Real servers on 127.0.0.1 (one on 127.0.0.2); other names resolve through a fake resolver, and
`socket.create_connection` fails the test for any address outside 127.0.0.0/8, so no test
reaches beyond this machine even if the guard broke.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from aiconfig.providers import ProviderError, ProviderSetupError, Request, get_provider
from editor.nodes.action_ai import NODE as AI_NODE
from editor.nodes.action_ai import Config as AIConfig
from editor.nodes.base import NodeError, RunContext
from tests.fake_ai_server import FakeAIServer, fake_ai_server
from workfuse.lib import netguard
from workfuse.lib.netguard import PrivateTargetError, blocked_reason, checked_addresses

PUBLIC = "93.184.215.14"  # only ever handed to the guard, never connected to
KEY = "sk-netguard-test-key-0123456789"
AI_URLS: dict[str, Callable[[FakeAIServer], str]] = {
    "openai": lambda fake: fake.openai_url,
    "openai_compatible": lambda fake: fake.url + "/compat/v1",
    "anthropic": lambda fake: fake.anthropic_url,
    "gemini": lambda fake: fake.gemini_url,
}
AI_MODELS = {"openai_compatible": "llama3.1", "anthropic": "claude-haiku-4-5"}
Client = httpx.Client | httpx2.Client
CLIENTS: dict[str, Callable[[], Client]] = {
    "httpx": netguard.httpx_client,
    "httpx2": netguard.httpx2_client,
}
CONNECT_ERRORS = {"httpx": httpx.ConnectError, "httpx2": httpx2.ConnectError}
SSL_CONTEXTS = {"httpx": "_ssl_context", "httpx2": "_ssl_context2"}


# --- fixtures: what the network looks like ------------------------------------------------------


@pytest.fixture(autouse=True)
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every (address, port) a client opened a socket to; anything outside 127/8 fails."""
    opened: list[tuple[str, int]] = []
    real = socket.create_connection

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        host, port = address
        assert ipaddress.ip_address(host).is_loopback, f"a test tried to reach {host}"
        opened.append((host, port))
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return opened


@pytest.fixture(autouse=True)
def deny_private(settings: Any) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False


class FakeDNS:
    """Answers for made-up names; each lookup takes the next answer, the last one repeats."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    def add(self, name: str, *answers: list[str]) -> None:
        self.answers[name] = list(answers)

    def resolve(self, host: str, port: int) -> list[Any]:
        self.lookups.append(host)
        queue = self.answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    fake = FakeDNS()
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host in fake.answers:
            return fake.resolve(host, port)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return fake


class Site:
    """A local HTTP(S) server that answers what it saw, or redirects every request (307, so
    a POST stays a POST) to `redirect_to` plus the request's path."""

    def __init__(self, host: str, redirect_to: str | None, tls: ssl.SSLContext | None) -> None:
        self.requests: list[dict[str, str]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                seen = {"method": self.command, "path": self.path, "host": self.headers["Host"]}
                site.requests.append(seen)
                if redirect_to:
                    self.send_response(307)
                    self.send_header("Location", redirect_to + self.path)
                    body = b""
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    body = json.dumps(seen).encode()
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.url = f"{'https' if tls else 'http'}://{host}:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Callable[..., Site]]:
    started: list[Site] = []

    def start(
        host: str = "127.0.0.1", redirect_to: str | None = None, tls: ssl.SSLContext | None = None
    ) -> Site:
        started.append(Site(host, redirect_to, tls))
        return started[-1]

    yield start
    for each in started:
        each.close()


@pytest.fixture(params=list(CLIENTS))
def kind(request: pytest.FixtureRequest) -> str:
    """Which guarded client a test uses: httpx (the HTTP node) or httpx2 (the AI SDKs)."""
    return str(request.param)


# --- the policy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.5", "private address"),
        ("192.168.1.1", "private address"),
        ("172.16.0.1", "private address"),
        ("127.0.0.2", "loopback address"),
        ("169.254.169.254", "link-local address"),
        ("224.0.0.1", "multicast address"),
        ("240.0.0.1", "reserved address"),
        ("0.0.0.0", "unspecified address"),
        ("100.64.0.1", "non-public address"),
        ("::1", "loopback address"),
        ("::", "unspecified address"),
        ("fe80::1", "link-local address"),
        ("fc00::1", "private address"),
        ("ff02::1", "multicast address"),
        ("::ffff:127.0.0.1", "loopback address"),
        ("64:ff9b::a00:5", "private address"),
        ("2002:a00:1::", "private address"),
        ("93.184.215.14", None),
        ("2606:4700:4700::1111", None),
        ("64:ff9b::808:808", None),
    ],
)
def test_blocked_reason_names_each_kind_of_non_public_address(
    address: str, reason: str | None
) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) == reason


def test_the_setting_decides_and_the_environment_stands_in_without_it(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not netguard.private_targets_allowed()
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    assert netguard.private_targets_allowed()
    del settings.WORKFUSE_HTTP_ALLOW_PRIVATE
    monkeypatch.setenv("WORKFUSE_HTTP_ALLOW_PRIVATE", "yes")
    assert netguard.private_targets_allowed()
    monkeypatch.setenv("WORKFUSE_HTTP_ALLOW_PRIVATE", "0")
    assert not netguard.private_targets_allowed()


def test_one_private_record_refuses_a_name_with_public_ones_too(
    dns: FakeDNS, settings: Any
) -> None:
    dns.add("mixed.test", [PUBLIC, "10.0.0.1"])
    with pytest.raises(PrivateTargetError) as refused:
        checked_addresses("mixed.test", 443)
    assert str(refused.value) == (
        "Refused to connect to 10.0.0.1 (private address) for host mixed.test; set "
        "WORKFUSE_HTTP_ALLOW_PRIVATE=1 to allow private targets."
    )
    assert (refused.value.host, refused.value.reason) == ("mixed.test", "private address")
    expected = [ipaddress.ip_address(PUBLIC), ipaddress.ip_address("10.0.0.1")]
    assert checked_addresses("mixed.test", 443, trusted=True) == expected
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    assert checked_addresses("mixed.test", 443) == expected


# --- the clients: checked where the socket opens ------------------------------------------------


def test_a_name_resolving_to_a_private_address_is_refused_before_any_socket_opens(
    kind: str, dns: FakeDNS, connections: list[tuple[str, int]]
) -> None:
    dns.add("intranet.test", ["10.0.0.1"])
    with CLIENTS[kind]() as client, pytest.raises(PrivateTargetError) as refused:
        client.get("http://intranet.test/admin")
    assert str(refused.value.address) == "10.0.0.1"
    assert connections == []


def test_the_socket_goes_to_the_checked_address_and_the_name_is_resolved_once(
    kind: str, dns: FakeDNS, site: Callable[..., Site], connections: list, settings: Any
) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    server = site()
    dns.add("api.example.test", ["127.0.0.1"])
    with CLIENTS[kind]() as client:
        response = client.get(f"http://api.example.test:{server.port}/hello")
    assert response.json()["host"] == f"api.example.test:{server.port}"
    assert connections == [("127.0.0.1", server.port)]
    assert dns.lookups == ["api.example.test"]


def test_dns_rebinding_after_a_check_is_caught_at_connect(
    kind: str, dns: FakeDNS, site: Callable[..., Site], connections: list
) -> None:
    server = site()
    dns.add("rebind.test", [PUBLIC], ["127.0.0.1"])
    checked_addresses("rebind.test", server.port)  # an early check sees a public address
    with CLIENTS[kind]() as client, pytest.raises(PrivateTargetError) as refused:
        client.get(f"http://rebind.test:{server.port}/")
    assert str(refused.value.address) == "127.0.0.1"
    assert server.requests == [] and connections == []


def test_a_name_that_does_not_resolve_is_the_librarys_connect_error(
    kind: str, dns: FakeDNS
) -> None:
    dns.add("nowhere.test", [])
    with CLIENTS[kind]() as client, pytest.raises(CONNECT_ERRORS[kind]) as caught:
        client.get("http://nowhere.test/")
    assert "could not resolve host nowhere.test" in str(caught.value)


def test_proxies_in_the_environment_are_never_used(
    kind: str,
    site: Callable[..., Site],
    connections: list,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # a proxy opens sockets out of sight
    server = site()
    with CLIENTS[kind]() as client:
        assert client.get(f"{server.url}/direct").status_code == 200
    assert connections == [("127.0.0.1", server.port)]


# --- redirects: every hop is a connection the guard sees ---------------------------------------


def test_a_redirect_to_another_local_port_is_refused_unless_private_targets_are_allowed(
    site: Callable[..., Site], settings: Any
) -> None:
    target = site()
    start = site(redirect_to=target.url)
    # The start server is trusted, as the server's own AI base_url is: only its origin.
    with netguard.httpx2_client([start.url]) as client:
        with pytest.raises(PrivateTargetError) as refused:
            client.get(f"{start.url}/hop")
        assert refused.value.host == "127.0.0.1"
        assert (len(start.requests), target.requests) == (1, [])
        settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
        assert client.get(f"{start.url}/hop").json()["path"] == "/hop"
    assert len(target.requests) == 1


def test_each_hop_a_caller_follows_through_the_httpx_client_is_checked(
    site: Callable[..., Site], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 127.0.0.1 stands in for a public host; the redirect target is another loopback address.
    policy = netguard.blocked_reason
    monkeypatch.setattr(
        netguard, "blocked_reason", lambda a: None if str(a) == "127.0.0.1" else policy(a)
    )
    target = site(host="127.0.0.2")
    start = site(redirect_to=target.url)
    with netguard.httpx_client() as client:
        assert not client.get(f"{start.url}/hop").is_success  # follows nothing by itself
        with pytest.raises(PrivateTargetError) as refused:
            client.get(f"{start.url}/hop", follow_redirects=True)
        assert str(refused.value.address) == "127.0.0.2" and target.requests == []
        settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
        assert client.get(f"{start.url}/hop", follow_redirects=True).json()["path"] == "/hop"


# --- TLS to a pinned address --------------------------------------------------------------------


def _tls(name: str, folder: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server, client) contexts: the server holds a certificate for `name` signed by a
    throwaway CA that only the client context trusts."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "netguard test CA")])
    usage = dict.fromkeys(
        (
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, **usage),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    (folder / "leaf.pem").write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(folder / "leaf.pem")
    client = ssl.create_default_context(cadata=ca.public_bytes(serialization.Encoding.PEM).decode())
    return server, client


def test_tls_to_the_pinned_address_still_names_and_verifies_the_urls_host(
    kind: str,
    dns: FakeDNS,
    site: Callable[..., Site],
    connections: list,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    server_tls, client_tls = _tls("api.example.test", tmp_path)
    names: list[str | None] = []
    server_tls.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,misc]
    monkeypatch.setattr(netguard, SSL_CONTEXTS[kind], lambda: client_tls)
    server = site(tls=server_tls)
    dns.add("api.example.test", ["127.0.0.1"])
    dns.add("other.example.test", ["127.0.0.1"])
    with CLIENTS[kind]() as client:
        seen = client.get(f"https://api.example.test:{server.port}/secure").json()
        with pytest.raises(CONNECT_ERRORS[kind], match="CERTIFICATE_VERIFY_FAILED"):
            client.get(f"https://other.example.test:{server.port}/secure")
    assert seen["host"] == f"api.example.test:{server.port}"
    assert names == ["api.example.test", "other.example.test"]
    assert connections == [("127.0.0.1", server.port)] * 2


# --- the AI SDKs, as our provider code builds them ----------------------------------------------


def _ask(name: str) -> Request:
    return Request(model=AI_MODELS.get(name, "gpt-4o-mini"), prompt="Hi there")


@pytest.mark.parametrize("name", list(AI_URLS))
def test_an_ai_sdk_client_at_a_users_private_base_url_is_refused_at_connect(
    name: str, settings: Any
) -> None:
    with fake_ai_server() as fake:
        provider = get_provider(
            name, api_key=KEY, base_url=AI_URLS[name](fake), timeout=5, user_base_url=True
        )
        with pytest.raises(ProviderSetupError) as refused:
            provider.generate(_ask(name))
        assert fake.requests == []
        settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
        assert provider.generate(_ask(name)).text == "ok"
    error = refused.value
    assert error.message.startswith(f"{provider.label}: Refused to connect to 127.0.0.1 (loopback")
    assert not error.retryable and KEY not in error.message


@pytest.mark.parametrize("name", ["openai", "anthropic", "gemini"])
def test_a_redirect_from_the_servers_own_ai_base_url_is_checked_at_its_next_hop(
    name: str, site: Callable[..., Site], settings: Any
) -> None:
    with fake_ai_server() as fake:
        gateway = site(redirect_to=fake.url)  # the operator's gateway, sending calls elsewhere
        base_url = AI_URLS[name](fake).replace(fake.url, gateway.url)
        provider = get_provider(name, api_key=KEY, base_url=base_url, timeout=5)
        with pytest.raises(ProviderSetupError, match=r"Refused to connect to 127\.0\.0\.1"):
            provider.generate(_ask(name))
        assert (len(gateway.requests), fake.requests) == (1, [])
        settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
        with contextlib.suppress(ProviderError):  # httpx drops Authorization across origins
            provider.generate(_ask(name))
        assert len(fake.requests_for(name)) == 1


def test_the_ai_node_refuses_a_base_url_that_turns_private_after_its_early_check(
    dns: FakeDNS,
) -> None:
    with fake_ai_server() as fake:
        port = int(fake.url.rsplit(":", 1)[1])
        dns.add("models.test", [PUBLIC], ["127.0.0.1"])
        config = AIConfig.model_validate(
            {
                "provider": "openai_compatible",
                "model": "llama3.1",
                "prompt": "Hi there",
                "base_url": f"http://models.test:{port}/v1",
            }
        )
        ctx = RunContext(execution_id="e", node_id="ask", step_key="ask")
        with pytest.raises(NodeError) as refused:
            AI_NODE.run(config, ctx)
        assert fake.requests == []
    assert "Refused to connect to 127.0.0.1 (loopback address) for host models.test" in (
        refused.value.message
    )
    assert not refused.value.retryable
    assert dns.lookups == ["models.test", "models.test"]  # the early check, then the connection


# --- a request marks its thread as waiting on another service ------------------------------------


class _SlowAnswer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        threading.Event().wait(0.4)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize("make_client", [netguard.httpx_client, netguard.httpx2_client])
def test_a_request_marks_its_thread_as_waiting_outside_while_it_waits(
    settings: Any, make_client: Callable[[], Any]
) -> None:
    # The web process's kept threads count such a thread as held (workfuse/lib/lean_asgi.py).
    from tests.fakes import handled_by
    from workfuse.lib import outside_waits

    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with handled_by(_SlowAnswer) as url, make_client() as client:
        answers: list[int] = []
        caller = threading.Thread(target=lambda: answers.append(client.get(url).status_code))
        caller.start()
        threading.Event().wait(0.2)
        assert caller.ident is not None
        during = outside_waits.is_waiting(caller.ident)
        caller.join(5)
        after = outside_waits.is_waiting(caller.ident)
    assert answers == [200]
    assert during and not after
