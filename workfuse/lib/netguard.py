"""The private-network guard (DESIGN §10): which addresses outbound HTTP may reach, and the
httpx and httpx2 clients that check every connection they open against it.

The check sits where the socket is opened. A guarded network backend resolves the host
itself, judges every resolved address and connects to that very address, so a name that
resolves to 127.0.0.1, a DNS answer that changes between a check and the connection, and
every redirect hop (a new host is a new connection) all pass the same gate. TLS still checks
the host name from the URL: httpcore does the handshake with the request's host (SNI and
certificate) over the socket the backend returns, and the Host header comes from the URL.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
import ssl
from collections.abc import Callable, Iterable
from typing import TypeVar

import anyio
import httpcore
import httpcore2
import httpx
import httpx2
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from workfuse.lib import outside_waits

NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# httpx's defaults, which its transport takes from a private module.
MAX_CONNECTIONS = 100
MAX_KEEPALIVE_CONNECTIONS = 20
KEEPALIVE_EXPIRY = 5.0

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)
Origin = tuple[str, int]
Stream = TypeVar("Stream")


class PrivateTargetError(Exception):
    """The guard refused a connection: `host` resolved to `address`, which is a `reason`
    ("loopback address", ...). Nothing was sent."""

    def __init__(self, host: str, address: IPAddress, reason: str) -> None:
        super().__init__(
            f"Refused to connect to {address} ({reason}) for host {host}; set "
            "WORKFUSE_HTTP_ALLOW_PRIVATE=1 to allow private targets."
        )
        self.host = host
        self.address = address
        self.reason = reason


def private_targets_allowed() -> bool:
    """WORKFUSE_HTTP_ALLOW_PRIVATE, read per connection so a changed setting applies at once."""
    try:
        value = getattr(settings, "WORKFUSE_HTTP_ALLOW_PRIVATE", None)
    except ImproperlyConfigured:  # used outside a Django process
        value = None
    if value is None:
        value = os.environ.get("WORKFUSE_HTTP_ALLOW_PRIVATE", "")
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def blocked_reason(address: IPAddress) -> str | None:
    """Why `address` is not a public internet target ("loopback address", ...), or None.
    IPv6 forms that carry an IPv4 address (mapped, 6to4, NAT64) are judged by that address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return blocked_reason(embedded)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("non-public", not address.is_global),
    )
    return next((f"{name} address" for name, hit in checks if hit), None)


def checked_addresses(host: str, port: int, *, trusted: bool = False) -> list[IPAddress]:
    """Every address `host` resolves to, in the resolver's order. Unless private targets are
    allowed or the origin is `trusted`, one non-public address refuses them all
    (PrivateTargetError): a name that mixes public and private records is how DNS rebinding
    is staged. A name that does not resolve raises OSError."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as exc:  # a name IDNA cannot encode
        raise OSError(f"invalid host name {host!r}: {exc}") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not (trusted or private_targets_allowed()):
        for address in addresses:
            reason = blocked_reason(address)
            if reason:
                raise PrivateTargetError(host, address, reason)
    return addresses


def refusal(exc: BaseException) -> PrivateTargetError | None:
    """The guard's refusal behind `exc`, which a client library may have wrapped in its own
    connection error (the AI SDKs do), or None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, PrivateTargetError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def httpx_client() -> httpx.Client:
    """An httpx client whose every connection passes the guard. It follows no redirects by
    itself: a caller that follows them sends each hop through this client, so each is checked."""
    return httpx.Client(transport=_GuardedTransport(), trust_env=False)


def httpx2_client(trusted: Iterable[str] = ()) -> httpx2.Client:
    """An httpx2 client (the AI SDKs' HTTP library) whose every connection passes the guard;
    it follows redirects as the SDKs' own clients do, each hop checked when it connects.
    `trusted` lists base URLs the server's operator configured: their origins (host and port)
    may be private, every other origin, redirect targets included, may not."""
    origins = frozenset(_origin(url) for url in trusted)
    return httpx2.Client(
        transport=_GuardedTransport2(origins), trust_env=False, follow_redirects=True
    )


# --- mcp: the MCP SDK's client is async (httpx.AsyncClient) ---
def httpx_async_client(
    headers: dict[str, str] | None = None, timeout: httpx.Timeout | None = None
) -> httpx.AsyncClient:
    """An async httpx client whose every connection passes the guard (the MCP client's). It
    follows no redirects by itself; the MCP SDK follows same-origin ones through it, each a
    connection the guard checks."""
    return httpx.AsyncClient(
        transport=_GuardedAsyncTransport(),
        headers=headers,
        timeout=timeout if timeout is not None else httpx.Timeout(30.0),
        trust_env=False,
    )


# --- end mcp ---


def _origin(url: str) -> Origin:
    parsed = httpx2.URL(url)
    port = parsed.port or (80 if parsed.scheme == "http" else 443)
    return parsed.raw_host.decode("ascii"), port


# --- the backends and transports ----------------------------------------------------------


def _connect(
    host: str,
    port: int,
    trusted: frozenset[Origin],
    connect: Callable[[str], Stream],
    errors: tuple[type[Exception], type[Exception]],
) -> Stream:
    """A stream to the first of `host`'s checked addresses that answers. `errors` are the
    library's (ConnectError, ConnectTimeout): a name that does not resolve raises the first,
    and either moves on to the next address."""
    try:
        addresses = checked_addresses(host, port, trusted=(host, port) in trusted)
    except OSError as exc:
        raise errors[0](f"could not resolve host {host}: {exc}") from exc
    error: Exception = errors[0](f"no address found for host {host}")
    for address in addresses:
        try:
            return connect(str(address))
        except errors as exc:
            error = exc
    raise error


class _GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to addresses the guard allows; the socket
    goes to the checked address itself, so nothing resolves the name a second time."""

    def __init__(self, trusted: frozenset[Origin]) -> None:
        self._trusted = trusted

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        open_tcp = super().connect_tcp
        return _connect(
            host,
            port,
            self._trusted,
            lambda address: open_tcp(address, port, timeout, local_address, socket_options),
            (httpcore.ConnectError, httpcore.ConnectTimeout),
        )


class _GuardedBackend2(httpcore2.SyncBackend):
    """The same backend for httpcore2, under httpx2."""

    def __init__(self, trusted: frozenset[Origin]) -> None:
        self._trusted = trusted

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore2.NetworkStream:
        open_tcp = super().connect_tcp
        return _connect(
            host,
            port,
            self._trusted,
            lambda address: open_tcp(address, port, timeout, local_address, socket_options),
            (httpcore2.ConnectError, httpcore2.ConnectTimeout),
        )


# --- mcp ---
class _GuardedAsyncBackend(httpcore.AnyIOBackend):
    """httpcore's async socket backend, connecting only to addresses the guard allows. The
    name is resolved (and judged) in a worker thread, as getaddrinfo blocks."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await anyio.to_thread.run_sync(checked_addresses, host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"could not resolve host {host}: {exc}") from exc
        error: Exception = httpcore.ConnectError(f"no address found for host {host}")
        for address in addresses:
            try:
                return await super().connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error


# --- end mcp ---


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle takes ~20 ms; one verifying context serves every connection.
    return httpx.create_ssl_context()


@functools.cache
def _ssl_context2() -> ssl.SSLContext:
    return httpx2.create_ssl_context()


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport, with the guarded backend opening its connections.

    httpx offers no public way to hand httpcore a network backend. Rather than a hand-written
    transport (which would copy httpx's request/response conversion and its private exception
    mapping), this builds the stock transport and swaps its connection pool for one with the
    same settings plus the guard; should httpx rename `_pool`, it fails here instead of the
    guard silently vanishing. No proxy is ever used: a proxy opens the connection on our
    behalf, out of the guard's sight."""

    def __init__(self) -> None:
        super().__init__(verify=_ssl_context())
        if not isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool):
            raise RuntimeError("httpx.HTTPTransport has no _pool: the guard cannot be installed")
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=MAX_CONNECTIONS,
            max_keepalive_connections=MAX_KEEPALIVE_CONNECTIONS,
            keepalive_expiry=KEEPALIVE_EXPIRY,
            network_backend=_GuardedBackend(frozenset()),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with outside_waits.waiting_outside():
            return super().handle_request(request)


class _GuardedTransport2(httpx2.HTTPTransport):
    """The same transport for httpx2, which shares httpx's shape (see `_GuardedTransport`)."""

    def __init__(self, trusted: frozenset[Origin]) -> None:
        super().__init__(verify=_ssl_context2())
        if not isinstance(getattr(self, "_pool", None), httpcore2.ConnectionPool):
            raise RuntimeError("httpx2.HTTPTransport has no _pool: the guard cannot be installed")
        self._pool = httpcore2.ConnectionPool(
            ssl_context=_ssl_context2(),
            max_connections=MAX_CONNECTIONS,
            max_keepalive_connections=MAX_KEEPALIVE_CONNECTIONS,
            keepalive_expiry=KEEPALIVE_EXPIRY,
            network_backend=_GuardedBackend2(trusted),
        )

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        with outside_waits.waiting_outside():
            return super().handle_request(request)


# --- mcp ---
class _GuardedAsyncTransport(httpx.AsyncHTTPTransport):
    """httpx's async transport with the guarded async backend (see `_GuardedTransport`)."""

    def __init__(self) -> None:
        super().__init__(verify=_ssl_context())
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            raise RuntimeError(
                "httpx.AsyncHTTPTransport has no _pool: the guard cannot be installed"
            )
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=MAX_CONNECTIONS,
            max_keepalive_connections=MAX_KEEPALIVE_CONNECTIONS,
            keepalive_expiry=KEEPALIVE_EXPIRY,
            network_backend=_GuardedAsyncBackend(),
        )


# --- end mcp ---
