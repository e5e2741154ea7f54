"""Talking to an SMTP server with the standard library's smtplib, behind the private-network
guard.

The server is an outbound target like any URL: its name is resolved once, every address it
resolves to is checked by `workfuse.lib.netguard` (private and loopback addresses are refused
unless WORKFUSE_HTTP_ALLOW_PRIVATE=1) and the socket is opened to a checked address, while TLS
(ssl, or starttls) still verifies the certificate against the server's name.

Replies map to what the engine understands: 4xx (the server asks to try later) and lost
connections are retryable; 5xx are not; a refused login (535 and the other 53x) names the
credential to fix.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from integrations import http
from integrations.addresses import parts
from integrations.email.credentials import SmtpServer
from integrations.service import read_fields
from workfuse.lib import netguard, redaction
from workfuse.lib.node_run import NodeError, Secret

TIMEOUT_SECONDS = 30.0
SERVER = http.Api("The SMTP server")  # only its name, for auth_error's message
TEXT_LIMIT = 300


class _Guarded:
    """Opens smtplib's socket to an address the guard checked, not to the name."""

    _host: str

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        error: OSError = OSError(f"no address found for host {host}")
        for address in netguard.checked_addresses(host, port):
            try:
                return super()._get_socket(str(address), port, timeout)  # type: ignore[misc]
            except (TimeoutError, ConnectionError) as exc:
                error = exc
        raise error


class GuardedSMTP(_Guarded, smtplib.SMTP):
    pass


class GuardedSMTPSSL(_Guarded, smtplib.SMTP_SSL):
    """SMTP_SSL wraps the socket with `server_hostname=self._host`: the name, not the address."""


@contextmanager
def session(secret: Secret) -> Iterator[smtplib.SMTP]:
    """A connection to the credential's server: greeted, in TLS as its security asks, logged
    in when it has a user name. Raises NodeError for anything that goes wrong, here or in the
    body of the `with`."""
    fields = read_fields(SmtpServer, secret)
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if fields.security == "ssl":
            client = GuardedSMTPSSL(
                fields.host, fields.port_number, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            client = GuardedSMTP(fields.host, fields.port_number, timeout=TIMEOUT_SECONDS)
        try:
            client.ehlo()
            if fields.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if fields.username and fields.password:
                client.login(fields.username, fields.password.get_secret_value())
            yield client
        finally:
            _quit(client)
    except NodeError:
        raise
    except Exception as exc:
        raise failure(exc, secret, fields) from None


def send(secret: Secret, message: EmailMessage, recipients: list[str]) -> dict[str, str]:
    """Send `message` to every recipient (to, cc and bcc); the ones the server refused while
    accepting others, with its reply. Raises NodeError when it accepted none."""
    fields = read_fields(SmtpServer, secret)
    with session(secret) as client:
        sender = parts(fields.from_address)[1]
        refused = client.send_message(message, from_addr=sender, to_addrs=recipients)
    return {who: _reply(code, said) for who, (code, said) in refused.items()}


def check(secret: Secret) -> str:
    """Connect, greet, log in and quit: nothing is sent."""
    fields = read_fields(SmtpServer, secret)
    with session(secret) as client:
        greeting = (client.ehlo_resp or b"").decode(errors="replace").split()
    tls = "TLS" if fields.security != "none" else "no encryption"
    login = f"logged in as {fields.username}" if fields.username else "no login"
    greeted = f" ({greeting[0]})" if greeting else ""
    return (
        f"Connected to the SMTP server {fields.host}:{fields.port_number}{greeted} with {tls}, "
        f"{login}."
    )


def _quit(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _reply(code: int, said: Any) -> str:
    text = said.decode(errors="replace") if isinstance(said, bytes) else str(said)
    return redaction.truncate(f"{code} {' '.join(text.split())}".strip(), TEXT_LIMIT)


def failure(exc: Exception, secret: Secret, fields: SmtpServer) -> NodeError:
    """The NodeError for what smtplib, ssl or the socket raised."""
    where = f"SMTP server {fields.host}:{fields.port_number}"
    if isinstance(exc, netguard.PrivateTargetError):
        return NodeError(str(exc), detail={"host": exc.host})
    if isinstance(exc, UnicodeEncodeError):
        # It would quote the offending character, maybe of the password: never pass it on.
        return NodeError(
            f"Could not send to the {where}: a user name, password or address has characters "
            "SMTP cannot carry (only ASCII); correct it."
        )
    if isinstance(exc, smtplib.SMTPAuthenticationError) or (
        isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code in (530, 534, 535, 538)
    ):
        code = exc.smtp_code if isinstance(exc, smtplib.SMTPResponseException) else 535
        said = exc.smtp_error if isinstance(exc, smtplib.SMTPResponseException) else b""
        return http.auth_error(SERVER, secret, _reply(code, said), code)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _recipients_refused(exc.recipients, where)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _response(exc.smtp_code, exc.smtp_error, where)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        what = "STARTTLS" if "STARTTLS" in str(exc) else "logging in (AUTH)"
        return NodeError(
            f"The {where} does not offer {what}: check the credential's security and port "
            "(ssl is usually port 465, starttls 587), or leave the user name empty."
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return NodeError(
            f"TLS with the {where} failed: its certificate is not valid for {fields.host} "
            f"({exc.verify_message})."
        )
    if isinstance(exc, ssl.SSLError):
        return NodeError(
            f"TLS with the {where} failed ({exc.reason or exc}): check the security and port."
        )
    lost = smtplib.SMTPServerDisconnected | ConnectionResetError | BrokenPipeError
    if isinstance(exc, lost | ConnectionAbortedError):
        return _passing(f"Lost the connection to the {where}: {exc or type(exc).__name__}", exc)
    if isinstance(exc, TimeoutError):
        return _passing(f"The {where} did not answer within {TIMEOUT_SECONDS:g} s.", exc)
    if isinstance(exc, OSError):
        return _passing(f"Could not reach the {where}: {exc or type(exc).__name__}", exc)
    if isinstance(exc, smtplib.SMTPException):
        return NodeError(f"The {where} failed: {exc}", detail={"error": type(exc).__name__})
    raise exc


def _passing(message: str, exc: Exception) -> NodeError:
    return NodeError(message, retryable=True, detail={"error": type(exc).__name__})


def _response(code: int, said: Any, where: str) -> NodeError:
    reply = _reply(code, said)
    if 400 <= code < 500:
        return NodeError(
            f"The {where} asked to try again later: {reply}",
            retryable=True,
            detail={"smtp_code": code, "error": reply},
        )
    return NodeError(
        f"The {where} refused the email: {reply}", detail={"smtp_code": code, "error": reply}
    )


def _recipients_refused(refused: dict[str, tuple[int, bytes]], where: str) -> NodeError:
    replies = {who: _reply(code, said) for who, (code, said) in refused.items()}
    listed = "; ".join(f"{who}: {reply}" for who, reply in replies.items())
    later = all(400 <= code < 500 for code, _ in refused.values())
    verdict = "asked to try the recipients again later" if later else "refused every recipient"
    return NodeError(
        f"The {where} {verdict}: {redaction.truncate(listed, TEXT_LIMIT)}",
        retryable=later,
        detail={"refused": replies},
    )
