"""Who may start a webhook trigger: a shared header secret or an HMAC signature of the body.

Pure: no Django, no I/O. `verify` raises `SignatureRejected` with a reason the sender's
developer can act on; reasons never carry the secret or the expected signature. `sign` builds
the headers a correct sender would send, for tests and for the curl example in the UI.

Presets follow each provider's documentation: GitHub (`X-Hub-Signature-256`), Stripe
(`Stripe-Signature`), Slack (`X-Slack-Signature`), Standard Webhooks (`webhook-signature`),
Twilio (`X-Twilio-Signature`, keyed with the account's Auth Token and signing the URL the call
was sent to), Netlify (`X-Webhook-Signature`, a JWS whose claims carry the body's SHA-256), plus a
custom header with a chosen hash, prefix and encoding.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import secrets
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from editor.nodes.trigger_webhook import Config

    _Verifier = Callable[[Config, str, Mapping[str, str], bytes, int], None]

REPLAY_WINDOW_S = 300
ALGORITHMS = ("sha1", "sha256", "sha512")
_TIMESTAMP = re.compile(r"[0-9]{1,15}")
_STANDARD_PREFIX = "whsec_"


class SignatureRejected(Exception):
    """The request did not prove it comes from the configured sender."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verify(
    config: Config,
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float | None = None,
    *,
    url: str = "",
) -> None:
    """Accept the request or raise `SignatureRejected`. `body` is the raw body as received;
    `url` the full URL it was sent to (Twilio signs it)."""
    if config.auth == "none":
        return
    if not secret:
        raise SignatureRejected("No webhook secret is configured for this trigger")
    lowered = {name.lower(): value for name, value in headers.items()}
    if config.auth == "header":
        _verify_header_secret(config.header_name, secret, lowered)
        return
    if config.auth != "hmac":
        raise ValueError(f"unknown webhook auth {config.auth!r}")
    if config.hmac_preset == "twilio":
        _verify_twilio(secret, lowered, body, url)
        return
    # --- svcc ---
    if config.hmac_preset == "netlify":
        _verify_netlify(secret, lowered, body)
        return
    # --- end svcc ---
    current = time.time() if now is None else now
    _VERIFIERS[config.hmac_preset](config, secret, lowered, body, math.floor(current))


def sign(
    config: Config,
    secret: str,
    body: bytes,
    now: float | None = None,
    *,
    msg_id: str | None = None,
    url: str = "",
    form: bool = False,
) -> dict[str, str]:
    """The headers a sender must add so that `verify` accepts `body`.

    `msg_id` is the Standard Webhooks message id; a random one is made when not given. `url`
    and `form` (the body is form-encoded) are Twilio's: a JSON body is signed through a
    bodySHA256 parameter that `url` must already carry."""
    if config.auth == "none":
        return {}
    if config.auth == "header":
        return {config.header_name: secret.strip()}
    timestamp = str(math.floor(time.time() if now is None else now))
    preset = config.hmac_preset
    if preset == "github":
        return {"X-Hub-Signature-256": "sha256=" + _mac(secret.encode(), body).hex()}
    if preset == "stripe":
        mac = _mac(secret.encode(), f"{timestamp}.".encode() + body)
        return {"Stripe-Signature": f"t={timestamp},v1={mac.hex()}"}
    if preset == "slack":
        mac = _mac(secret.encode(), f"v0:{timestamp}:".encode() + body)
        return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=" + mac.hex()}
    if preset == "standard":
        msg_id = msg_id or "msg_" + secrets.token_urlsafe(18)
        mac = _mac(_standard_key(secret), f"{msg_id}.{timestamp}.".encode() + body)
        return {
            "webhook-id": msg_id,
            "webhook-timestamp": timestamp,
            "webhook-signature": "v1," + _b64(mac),
        }
    if preset == "twilio":
        params = urllib.parse.parse_qsl(body.decode(), keep_blank_values=True) if form else []
        return {"X-Twilio-Signature": _b64(_twilio_mac(secret, url, params))}
    # --- svcc ---
    if preset == "netlify":
        return {"X-Webhook-Signature": _netlify_token(secret, body)}
    # --- end svcc ---
    if preset == "custom":
        mac = _mac(secret.encode(), body, _algorithm(config))
        encoded = mac.hex() if config.signature_encoding == "hex" else _b64(mac)
        return {config.header_name: config.signature_prefix + encoded}
    raise ValueError(f"unknown HMAC preset {preset!r}")


def auth_headers(config: Config) -> tuple[str, ...]:
    """The request headers that carry the secret or a signature made with it: never stored."""
    if config.auth == "header":
        return (config.header_name,)
    if config.auth != "hmac":
        return ()
    return {
        "github": ("X-Hub-Signature-256", "X-Hub-Signature"),
        "stripe": ("Stripe-Signature",),
        "slack": ("X-Slack-Signature",),
        "standard": ("webhook-signature",),
        "twilio": ("X-Twilio-Signature",),
        "netlify": ("X-Webhook-Signature",),  # svcc
        "custom": (config.header_name,),
    }.get(config.hmac_preset, ())


def _verify_header_secret(name: str, secret: str, headers: Mapping[str, str]) -> None:
    value = _header(headers, name)
    # HTTP strips whitespace around header values, so a pasted secret's stray newline must go too.
    if not hmac.compare_digest(value.encode(), secret.strip().encode()):
        raise SignatureRejected(f"The {name} header does not hold the webhook secret")


def _verify_github(
    config: Config, secret: str, headers: Mapping[str, str], body: bytes, now: int
) -> None:
    name = "X-Hub-Signature-256"
    value = _header(headers, name)
    if not value.startswith("sha256="):
        raise SignatureRejected(f"{name} must look like sha256=<hex digest>")
    given = _decode([value.removeprefix("sha256=")], "hex", name)
    _match(_mac(secret.encode(), body), given, "sha256", "the raw request body")


def _verify_stripe(
    config: Config, secret: str, headers: Mapping[str, str], body: bytes, now: int
) -> None:
    name = "Stripe-Signature"
    timestamp, v1 = _parse_stripe(_header(headers, name))
    _check_timestamp_format(timestamp, f"The t= element of {name}")
    expected = _mac(secret.encode(), f"{timestamp}.".encode() + body)
    _match(expected, _decode(v1, "hex", name), "sha256", "'<t>.<raw body>'")
    _check_fresh(int(timestamp), now)


def _parse_stripe(value: str) -> tuple[str, list[str]]:
    timestamp, v1 = "", []
    for item in value.split(","):
        key, _, element = item.strip().partition("=")
        if key == "t":
            timestamp = element
        elif key == "v1":
            v1.append(element)
    if not timestamp:
        raise SignatureRejected("Stripe-Signature has no t=<timestamp> element")
    if not v1:
        raise SignatureRejected("Stripe-Signature has no v1= signature; only v1 is accepted")
    return timestamp, v1


def _verify_slack(
    config: Config, secret: str, headers: Mapping[str, str], body: bytes, now: int
) -> None:
    name = "X-Slack-Signature"
    value = _header(headers, name)
    timestamp = _header(headers, "X-Slack-Request-Timestamp")
    _check_timestamp_format(timestamp, "X-Slack-Request-Timestamp")
    if not value.startswith("v0="):
        raise SignatureRejected(f"{name} must look like v0=<hex digest>")
    given = _decode([value.removeprefix("v0=")], "hex", name)
    expected = _mac(secret.encode(), f"v0:{timestamp}:".encode() + body)
    _match(expected, given, "sha256", "'v0:<timestamp>:<raw body>'")
    _check_fresh(int(timestamp), now)


def _verify_standard(
    config: Config, secret: str, headers: Mapping[str, str], body: bytes, now: int
) -> None:
    msg_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    _check_timestamp_format(timestamp, "webhook-timestamp")
    v1 = [entry.removeprefix("v1,") for entry in signatures.split() if entry.startswith("v1,")]
    if not v1:
        raise SignatureRejected("webhook-signature has no v1,<base64 signature> entry")
    try:
        key = _standard_key(secret)
    except ValueError as exc:
        raise SignatureRejected(str(exc)) from None
    expected = _mac(key, f"{msg_id}.{timestamp}.".encode() + body)
    _match(
        expected,
        _decode(v1, "base64", "webhook-signature"),
        "sha256",
        "'<id>.<timestamp>.<raw body>'",
    )
    _check_fresh(int(timestamp), now)


def _verify_custom(
    config: Config, secret: str, headers: Mapping[str, str], body: bytes, now: int
) -> None:
    name, prefix = config.header_name, config.signature_prefix
    value = _header(headers, name)
    if prefix and not value.startswith(prefix):
        raise SignatureRejected(f"{name} must start with {prefix!r}")
    given = _decode([value.removeprefix(prefix)], config.signature_encoding, name)
    algorithm = _algorithm(config)
    _match(_mac(secret.encode(), body, algorithm), given, algorithm, "the raw request body")


def _verify_twilio(secret: str, headers: Mapping[str, str], body: bytes, url: str) -> None:
    """Twilio's scheme (twilio.com/docs/usage/security): base64 HMAC-SHA1 of the URL followed,
    for a form-encoded POST, by each parameter's name and value sorted by name; a JSON body is
    covered by the URL's bodySHA256 parameter, its hex SHA-256. Twilio may sign the URL with or
    without the scheme's default port, so both are tried."""
    name = "X-Twilio-Signature"
    given = _decode([_header(headers, name)], "base64", name)
    if not url:
        raise SignatureRejected(
            "The URL the call was sent to is unknown, so Twilio's signature cannot be checked"
        )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    params: list[tuple[str, str]] = []
    if "bodySHA256" in query:
        digest = hashlib.sha256(body).hexdigest()
        if not hmac.compare_digest(query["bodySHA256"][0].lower(), digest):
            raise SignatureRejected("The bodySHA256 parameter is not the SHA-256 of the body")
    elif headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        try:
            params = urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)
        except UnicodeDecodeError:
            raise SignatureRejected("The form-encoded body is not UTF-8") from None
    for candidate in _with_and_without_port(url):
        if any(hmac.compare_digest(_twilio_mac(secret, candidate, params), g) for g in given):
            return
    raise SignatureRejected(
        "Signature does not match: expected HMAC-SHA1 of the webhook URL as configured in "
        "Twilio followed by the sorted form parameters, keyed with the account's Auth Token"
    )


def _twilio_mac(secret: str, url: str, params: list[tuple[str, str]]) -> bytes:
    signed = url + "".join(k + v for k, v in sorted(params))
    return _mac(secret.encode(), signed.encode(), "sha1")


def _with_and_without_port(url: str) -> list[str]:
    parts = urllib.parse.urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    host = parts.hostname or ""
    if default is None or not host:
        return [url]
    if ":" in host:
        host = f"[{host}]"
    with_port = parts._replace(netloc=f"{host}:{parts.port or default}").geturl()
    if parts.port not in (None, default):
        return [url]
    return [parts._replace(netloc=host).geturl(), with_port]


_VERIFIERS: dict[str, _Verifier] = {
    "github": _verify_github,
    "stripe": _verify_stripe,
    "slack": _verify_slack,
    "standard": _verify_standard,
    "custom": _verify_custom,
}


# --- svcc ---
def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _netlify_token(secret: str, body: bytes) -> str:
    header = _b64url(b'{"alg":"HS256","typ":"JWT"}')
    claims = f'{{"iss":"netlify","sha256":"{hashlib.sha256(body).hexdigest()}"}}'
    signed = f"{header}.{_b64url(claims.encode())}"
    return f"{signed}.{_b64url(_mac(secret.encode(), signed.encode()))}"


def _verify_netlify(secret: str, headers: Mapping[str, str], body: bytes) -> None:
    """Netlify's scheme (docs.netlify.com, outgoing webhooks' JWS secret token): an HS256 JWT
    keyed with the token, issued by "netlify", whose `sha256` claim is the body's hex SHA-256."""
    name = "X-Webhook-Signature"
    parts = _header(headers, name).split(".")
    if len(parts) != 3:
        raise SignatureRejected(f"{name} must be a JWT (header.claims.signature)")
    try:
        header = json.loads(_unb64url(parts[0]))
        claims = json.loads(_unb64url(parts[1]))
        given = _unb64url(parts[2])
    except ValueError:
        raise SignatureRejected(f"{name} is not a well-formed JWT") from None
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise SignatureRejected(f"{name} must be signed with HS256")
    expected = _mac(secret.encode(), f"{parts[0]}.{parts[1]}".encode())
    if not hmac.compare_digest(expected, given):
        raise SignatureRejected(
            "Signature does not match: expected an HS256 JWT keyed with the JWS secret token "
            "set on the Netlify webhook"
        )
    if not isinstance(claims, dict) or claims.get("iss") != "netlify":
        raise SignatureRejected(f"{name} was not issued by netlify")
    if not hmac.compare_digest(str(claims.get("sha256", "")), hashlib.sha256(body).hexdigest()):
        raise SignatureRejected("The JWT's sha256 claim is not the SHA-256 of the raw body")


# --- end svcc ---
def _mac(key: bytes, message: bytes, algorithm: str = "sha256") -> bytes:
    return hmac.new(key, message, algorithm).digest()


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def _algorithm(config: Config) -> str:
    if config.hmac_algorithm not in ALGORITHMS:
        raise ValueError(f"unsupported HMAC algorithm {config.hmac_algorithm!r}")
    return config.hmac_algorithm


def _standard_key(secret: str) -> bytes:
    """Standard Webhooks secrets are `whsec_<base64 key>`; anything else is used as raw bytes."""
    if not secret.startswith(_STANDARD_PREFIX):
        return secret.encode()
    try:
        return base64.b64decode(secret.removeprefix(_STANDARD_PREFIX), validate=True)
    except ValueError:
        raise ValueError(
            "The webhook secret starts with whsec_ but the rest is not valid base64"
        ) from None


def _header(headers: Mapping[str, str], name: str) -> str:
    """Precondition: `headers` has lower-cased names."""
    value = headers.get(name.lower(), "").strip()
    if not value:
        raise SignatureRejected(f"Missing {name} header")
    return value


def _decode(values: list[str], encoding: str, header: str) -> list[bytes]:
    decoded = []
    for value in values:
        try:
            decoded.append(
                bytes.fromhex(value)
                if encoding == "hex"
                else base64.b64decode(value, validate=True)
            )
        except ValueError:
            continue
    if not decoded:
        raise SignatureRejected(f"The signature in {header} is not valid {encoding}")
    return decoded


def _match(expected: bytes, given: list[bytes], algorithm: str, signed: str) -> None:
    # any() stops at the first match: that reveals which candidate matched, nothing about the key.
    if any(hmac.compare_digest(expected, candidate) for candidate in given):
        return
    hash_name = f"HMAC-{algorithm.upper()}"
    if all(len(candidate) != len(expected) for candidate in given):
        raise SignatureRejected(
            f"Signature is {len(given[0])} bytes but {hash_name} gives {len(expected)}; "
            "check the hash algorithm and encoding"
        )
    raise SignatureRejected(
        f"Signature does not match: expected {hash_name} of {signed}, keyed with the webhook secret"
    )


def _check_timestamp_format(timestamp: str, what: str) -> None:
    if not _TIMESTAMP.fullmatch(timestamp):
        raise SignatureRejected(f"{what} must be a Unix time in whole seconds")


def _check_fresh(timestamp: int, now: int) -> None:
    age = now - timestamp
    if age > REPLAY_WINDOW_S:
        raise SignatureRejected(
            f"Timestamp is {age} s old; the replay window is {REPLAY_WINDOW_S} s"
        )
    if -age > REPLAY_WINDOW_S:
        raise SignatureRejected(
            f"Timestamp is {-age} s in the future; the replay window is {REPLAY_WINDOW_S} s "
            "(check the sender's clock)"
        )
