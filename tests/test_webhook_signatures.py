"""Webhook authentication: providers' published vectors, every way a request can be refused,
and a property that what `sign` produces `verify` accepts, and stops accepting once the body
changes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.nodes.trigger_webhook import Config
from executions.signatures import REPLAY_WINDOW_S, SignatureRejected, sign, verify

NOW = 1_700_000_000


def hmac_config(preset: str, **extra: Any) -> Config:
    return Config.model_validate({"auth": "hmac", "hmac_preset": preset, "credential": 1, **extra})


def custom_config(**extra: Any) -> Config:
    return hmac_config("custom", header_name="X-Signature", **extra)


def rejected(config: Config, secret: str, headers: dict[str, str], body: bytes, now: float) -> str:
    with pytest.raises(SignatureRejected) as info:
        verify(config, secret, headers, body, now=now)
    return info.value.reason


# --- Published vectors ---------------------------------------------------------------------

# docs.github.com, "Validating webhook deliveries", "Testing the webhook payload validation".
GITHUB_SECRET = "It's a Secret to Everybody"
GITHUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

# Slack, "Verifying requests from Slack" (the same vector is in slackapi/python-slack-sdk's tests).
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_TIMESTAMP = "1531420618"
SLACK_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
    b"&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
    b"&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
    b"%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
SLACK_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"

# Standard Webhooks reference libraries' test vector (standard-webhooks/standard-webhooks).
STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STANDARD_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
STANDARD_TIMESTAMP = "1614265330"
STANDARD_BODY = b'{"test": 2432232314}'
STANDARD_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

# Stripe publishes the header format but no secret to go with it, so this vector is built here
# from Stripe's documented scheme: HMAC-SHA256 over "<t>.<body>", keyed with the secret as text.
STRIPE_SECRET = "whsec_test_secret"
STRIPE_TIMESTAMP = "1492774577"
STRIPE_BODY = b'{"id": "evt_test_webhook", "object": "event"}'
STRIPE_V1 = hmac.new(
    STRIPE_SECRET.encode(), STRIPE_TIMESTAMP.encode() + b"." + STRIPE_BODY, hashlib.sha256
).hexdigest()
# The example header from Stripe's docs ("Verify webhook signatures manually").
STRIPE_DOCS_HEADER = (
    "t=1492774577,"
    "v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,"
    "v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"
)


def test_github_docs_vector_is_accepted() -> None:
    headers = {"X-Hub-Signature-256": GITHUB_SIGNATURE}
    verify(hmac_config("github"), GITHUB_SECRET, headers, b"Hello, World!", now=NOW)


def test_sign_reproduces_github_docs_vector() -> None:
    headers = sign(hmac_config("github"), GITHUB_SECRET, b"Hello, World!")
    assert headers == {"X-Hub-Signature-256": GITHUB_SIGNATURE}


def test_slack_docs_vector_is_accepted() -> None:
    headers = {"X-Slack-Signature": SLACK_SIGNATURE, "X-Slack-Request-Timestamp": SLACK_TIMESTAMP}
    verify(hmac_config("slack"), SLACK_SECRET, headers, SLACK_BODY, now=int(SLACK_TIMESTAMP))


def test_sign_reproduces_slack_docs_vector() -> None:
    headers = sign(hmac_config("slack"), SLACK_SECRET, SLACK_BODY, now=int(SLACK_TIMESTAMP))
    assert headers == {
        "X-Slack-Signature": SLACK_SIGNATURE,
        "X-Slack-Request-Timestamp": SLACK_TIMESTAMP,
    }


def standard_vector_headers() -> dict[str, str]:
    return {
        "webhook-id": STANDARD_ID,
        "webhook-timestamp": STANDARD_TIMESTAMP,
        "webhook-signature": STANDARD_SIGNATURE,
    }


def test_standard_webhooks_spec_vector_is_accepted() -> None:
    verify(
        hmac_config("standard"),
        STANDARD_SECRET,
        standard_vector_headers(),
        STANDARD_BODY,
        now=int(STANDARD_TIMESTAMP),
    )


def test_sign_reproduces_standard_webhooks_spec_vector() -> None:
    headers = sign(
        hmac_config("standard"),
        STANDARD_SECRET,
        STANDARD_BODY,
        now=int(STANDARD_TIMESTAMP),
        msg_id=STANDARD_ID,
    )
    assert headers == standard_vector_headers()


def test_standard_secret_without_prefix_is_used_as_raw_bytes() -> None:
    raw = "not-base64-at-all"
    content = f"{STANDARD_ID}.{STANDARD_TIMESTAMP}.".encode() + STANDARD_BODY
    mac = hmac.new(raw.encode(), content, hashlib.sha256).digest()
    headers = standard_vector_headers() | {
        "webhook-signature": "v1," + base64.b64encode(mac).decode()
    }
    verify(hmac_config("standard"), raw, headers, STANDARD_BODY, now=int(STANDARD_TIMESTAMP))


def test_standard_secret_with_prefix_but_bad_base64_is_explained() -> None:
    reason = rejected(
        hmac_config("standard"),
        "whsec_***",
        standard_vector_headers(),
        STANDARD_BODY,
        now=int(STANDARD_TIMESTAMP),
    )
    assert reason == "The webhook secret starts with whsec_ but the rest is not valid base64"


def test_stripe_constructed_vector_is_accepted() -> None:
    headers = {"Stripe-Signature": f"t={STRIPE_TIMESTAMP},v1={STRIPE_V1}"}
    verify(hmac_config("stripe"), STRIPE_SECRET, headers, STRIPE_BODY, now=int(STRIPE_TIMESTAMP))


def test_sign_produces_stripe_documented_header_format() -> None:
    headers = sign(hmac_config("stripe"), STRIPE_SECRET, STRIPE_BODY, now=int(STRIPE_TIMESTAMP))
    assert headers == {"Stripe-Signature": f"t={STRIPE_TIMESTAMP},v1={STRIPE_V1}"}


def test_stripe_secret_is_used_as_text_even_with_whsec_prefix() -> None:
    # Unlike Standard Webhooks, Stripe keys the HMAC with the whole "whsec_..." string.
    decoded_key = base64.b64decode("dGVzdF9zZWNyZXQ=")
    wrong = hmac.new(decoded_key, STRIPE_TIMESTAMP.encode() + b"." + STRIPE_BODY, hashlib.sha256)
    headers = {"Stripe-Signature": f"t={STRIPE_TIMESTAMP},v1={wrong.hexdigest()}"}
    reason = rejected(
        hmac_config("stripe"), STRIPE_SECRET, headers, STRIPE_BODY, now=int(STRIPE_TIMESTAMP)
    )
    assert reason.startswith("Signature does not match")


def test_stripe_docs_header_is_parsed_and_its_v0_entry_ignored() -> None:
    reason = rejected(
        hmac_config("stripe"),
        STRIPE_SECRET,
        {"Stripe-Signature": STRIPE_DOCS_HEADER},
        b"{}",
        1492774577,
    )
    assert reason.startswith("Signature does not match")


def test_stripe_v0_signature_alone_is_refused() -> None:
    v0_only = f"t={STRIPE_TIMESTAMP},v0={STRIPE_V1}"
    reason = rejected(
        hmac_config("stripe"),
        STRIPE_SECRET,
        {"Stripe-Signature": v0_only},
        STRIPE_BODY,
        now=int(STRIPE_TIMESTAMP),
    )
    assert reason == "Stripe-Signature has no v1= signature; only v1 is accepted"


# --- Multiple signatures (secret rotation) ---------------------------------------------------


def test_stripe_accepts_when_any_v1_matches() -> None:
    stale = "0" * 64
    header = f"t={STRIPE_TIMESTAMP},v1={stale},v1={STRIPE_V1},v0={stale}"
    verify(
        hmac_config("stripe"),
        STRIPE_SECRET,
        {"Stripe-Signature": header},
        STRIPE_BODY,
        now=int(STRIPE_TIMESTAMP),
    )


def test_stripe_refuses_when_no_v1_matches() -> None:
    header = f"t={STRIPE_TIMESTAMP},v1={'0' * 64},v1={'f' * 64}"
    reason = rejected(
        hmac_config("stripe"),
        STRIPE_SECRET,
        {"Stripe-Signature": header},
        STRIPE_BODY,
        now=int(STRIPE_TIMESTAMP),
    )
    assert reason.startswith("Signature does not match")


def test_standard_accepts_when_any_v1_entry_matches() -> None:
    entries = [
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==",
        "v1,not*base64",
        STANDARD_SIGNATURE,
    ]
    headers = standard_vector_headers() | {"webhook-signature": " ".join(entries)}
    verify(
        hmac_config("standard"),
        STANDARD_SECRET,
        headers,
        STANDARD_BODY,
        now=int(STANDARD_TIMESTAMP),
    )


def test_standard_without_v1_entries_is_explained() -> None:
    headers = standard_vector_headers() | {"webhook-signature": "v2,abc v1a,def"}
    reason = rejected(
        hmac_config("standard"),
        STANDARD_SECRET,
        headers,
        STANDARD_BODY,
        now=int(STANDARD_TIMESTAMP),
    )
    assert reason == "webhook-signature has no v1,<base64 signature> entry"


# --- Wrong signatures, tampered bodies, missing headers --------------------------------------


def test_github_wrong_signature_is_refused() -> None:
    headers = {"X-Hub-Signature-256": "sha256=" + "ab" * 32}
    reason = rejected(hmac_config("github"), GITHUB_SECRET, headers, b"Hello, World!", NOW)
    assert reason == (
        "Signature does not match: expected HMAC-SHA256 of the raw request body, "
        "keyed with the webhook secret"
    )


def test_github_tampered_body_is_refused() -> None:
    headers = {"X-Hub-Signature-256": GITHUB_SIGNATURE}
    reason = rejected(hmac_config("github"), GITHUB_SECRET, headers, b"Hello, World?", NOW)
    assert reason.startswith("Signature does not match")


def test_github_wrong_secret_is_refused() -> None:
    headers = {"X-Hub-Signature-256": GITHUB_SIGNATURE}
    reason = rejected(hmac_config("github"), "another secret", headers, b"Hello, World!", NOW)
    assert reason.startswith("Signature does not match")


def test_github_signature_without_prefix_is_explained() -> None:
    headers = {"X-Hub-Signature-256": GITHUB_SIGNATURE.removeprefix("sha256=")}
    reason = rejected(hmac_config("github"), GITHUB_SECRET, headers, b"Hello, World!", NOW)
    assert reason == "X-Hub-Signature-256 must look like sha256=<hex digest>"


def test_github_non_hex_signature_is_explained() -> None:
    headers = {"X-Hub-Signature-256": "sha256=zz-not-hex"}
    reason = rejected(hmac_config("github"), GITHUB_SECRET, headers, b"Hello, World!", NOW)
    assert reason == "The signature in X-Hub-Signature-256 is not valid hex"


def test_github_sha1_signature_in_sha256_header_names_the_length_mismatch() -> None:
    sha1 = hmac.new(GITHUB_SECRET.encode(), b"Hello, World!", hashlib.sha1).hexdigest()
    headers = {"X-Hub-Signature-256": "sha256=" + sha1}
    reason = rejected(hmac_config("github"), GITHUB_SECRET, headers, b"Hello, World!", NOW)
    assert reason == (
        "Signature is 20 bytes but HMAC-SHA256 gives 32; check the hash algorithm and encoding"
    )


def test_header_names_are_case_insensitive() -> None:
    headers = {"x-hub-signature-256": GITHUB_SIGNATURE}
    verify(hmac_config("github"), GITHUB_SECRET, headers, b"Hello, World!", now=NOW)
    headers = {"X-SLACK-SIGNATURE": SLACK_SIGNATURE, "x-slack-request-timestamp": SLACK_TIMESTAMP}
    verify(hmac_config("slack"), SLACK_SECRET, headers, SLACK_BODY, now=int(SLACK_TIMESTAMP))


def test_slack_tampered_body_is_refused() -> None:
    headers = {"X-Slack-Signature": SLACK_SIGNATURE, "X-Slack-Request-Timestamp": SLACK_TIMESTAMP}
    reason = rejected(
        hmac_config("slack"), SLACK_SECRET, headers, SLACK_BODY + b"&x=1", int(SLACK_TIMESTAMP)
    )
    assert reason == (
        "Signature does not match: expected HMAC-SHA256 of 'v0:<timestamp>:<raw body>', "
        "keyed with the webhook secret"
    )


def test_slack_signature_is_bound_to_its_timestamp() -> None:
    headers = {"X-Slack-Signature": SLACK_SIGNATURE, "X-Slack-Request-Timestamp": "1531420619"}
    reason = rejected(hmac_config("slack"), SLACK_SECRET, headers, SLACK_BODY, 1531420619)
    assert reason.startswith("Signature does not match")


def test_standard_tampered_body_is_refused() -> None:
    reason = rejected(
        hmac_config("standard"),
        STANDARD_SECRET,
        standard_vector_headers(),
        b'{"test": 2432232315}',
        now=int(STANDARD_TIMESTAMP),
    )
    assert reason.startswith("Signature does not match")


def test_standard_signature_is_bound_to_the_message_id() -> None:
    headers = standard_vector_headers() | {"webhook-id": "msg_other"}
    reason = rejected(
        hmac_config("standard"), STANDARD_SECRET, headers, STANDARD_BODY, int(STANDARD_TIMESTAMP)
    )
    assert reason.startswith("Signature does not match")


@pytest.mark.parametrize(
    ("preset", "header"),
    [
        ("github", "X-Hub-Signature-256"),
        ("stripe", "Stripe-Signature"),
        ("slack", "X-Slack-Signature"),
        ("slack", "X-Slack-Request-Timestamp"),
        ("standard", "webhook-id"),
        ("standard", "webhook-timestamp"),
        ("standard", "webhook-signature"),
        ("custom", "X-Signature"),
    ],
)
def test_missing_header_is_named(preset: str, header: str) -> None:
    config = custom_config() if preset == "custom" else hmac_config(preset)
    headers = {k: v for k, v in sign(config, "s3cret", b"{}", now=NOW).items() if k != header}
    assert rejected(config, "s3cret", headers, b"{}", NOW) == f"Missing {header} header"


def test_blank_header_counts_as_missing() -> None:
    headers = {"X-Hub-Signature-256": "  "}
    reason = rejected(hmac_config("github"), GITHUB_SECRET, headers, b"", NOW)
    assert reason == "Missing X-Hub-Signature-256 header"


def test_stripe_header_without_timestamp_is_explained() -> None:
    headers = {"Stripe-Signature": f"v1={STRIPE_V1}"}
    reason = rejected(hmac_config("stripe"), STRIPE_SECRET, headers, STRIPE_BODY, NOW)
    assert reason == "Stripe-Signature has no t=<timestamp> element"


@pytest.mark.parametrize("timestamp", ["soon", "-5", "1.5", "9" * 16])
def test_malformed_timestamp_is_explained(timestamp: str) -> None:
    headers = {"X-Slack-Signature": SLACK_SIGNATURE, "X-Slack-Request-Timestamp": timestamp}
    reason = rejected(hmac_config("slack"), SLACK_SECRET, headers, SLACK_BODY, NOW)
    assert reason == "X-Slack-Request-Timestamp must be a Unix time in whole seconds"


def test_empty_secret_refuses_everything() -> None:
    config = hmac_config("github")
    headers = sign(config, "", b"body")
    assert rejected(config, "", headers, b"body", NOW) == (
        "No webhook secret is configured for this trigger"
    )


# --- Replay window ----------------------------------------------------------------------------

TIMED_PRESETS = ["stripe", "slack", "standard"]


@pytest.mark.parametrize("preset", TIMED_PRESETS)
def test_stale_timestamp_is_refused_with_its_age(preset: str) -> None:
    config = hmac_config(preset)
    headers = sign(config, "s3cret", b"{}", now=NOW - 412)
    reason = rejected(config, "s3cret", headers, b"{}", NOW)
    assert reason == "Timestamp is 412 s old; the replay window is 300 s"


@pytest.mark.parametrize("preset", TIMED_PRESETS)
def test_future_timestamp_is_refused(preset: str) -> None:
    config = hmac_config(preset)
    headers = sign(config, "s3cret", b"{}", now=NOW + 301)
    reason = rejected(config, "s3cret", headers, b"{}", NOW)
    assert reason == (
        "Timestamp is 301 s in the future; the replay window is 300 s (check the sender's clock)"
    )


@pytest.mark.parametrize("preset", TIMED_PRESETS)
@pytest.mark.parametrize("drift", [-REPLAY_WINDOW_S, 0, REPLAY_WINDOW_S])
def test_timestamps_at_the_window_edges_are_accepted(preset: str, drift: int) -> None:
    config = hmac_config(preset)
    headers = sign(config, "s3cret", b"{}", now=NOW + drift)
    verify(config, "s3cret", headers, b"{}", now=NOW)


def test_github_has_no_replay_window() -> None:
    headers = {"X-Hub-Signature-256": GITHUB_SIGNATURE}
    verify(hmac_config("github"), GITHUB_SECRET, headers, b"Hello, World!", now=NOW * 2)


# --- Custom HMAC ------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha512"])
@pytest.mark.parametrize("encoding", ["hex", "base64"])
def test_custom_matches_a_hand_computed_signature(algorithm: str, encoding: str) -> None:
    config = custom_config(
        hmac_algorithm=algorithm, signature_encoding=encoding, signature_prefix="sig="
    )
    mac = hmac.new(b"s3cret", b'{"a": 1}', algorithm).digest()
    encoded = mac.hex() if encoding == "hex" else base64.b64encode(mac).decode()
    verify(config, "s3cret", {"x-signature": "sig=" + encoded}, b'{"a": 1}', now=NOW)


def test_custom_wrong_algorithm_is_refused() -> None:
    config = custom_config(hmac_algorithm="sha512")
    mac = hmac.new(b"s3cret", b"{}", hashlib.sha256).hexdigest()
    reason = rejected(config, "s3cret", {"X-Signature": mac}, b"{}", NOW)
    assert reason == (
        "Signature is 32 bytes but HMAC-SHA512 gives 64; check the hash algorithm and encoding"
    )


def test_custom_same_length_wrong_algorithm_is_a_mismatch() -> None:
    config = custom_config(hmac_algorithm="sha256")
    mac = hashlib.sha256(b"s3cret" + b"{}").hexdigest()  # a plain hash, not an HMAC
    reason = rejected(config, "s3cret", {"X-Signature": mac}, b"{}", NOW)
    assert reason.startswith("Signature does not match: expected HMAC-SHA256")


def test_custom_base64_sent_where_hex_expected_is_explained() -> None:
    config = custom_config(signature_encoding="hex")
    mac = hmac.new(b"s3cret", b"{}", hashlib.sha256).digest()
    headers = {"X-Signature": base64.b64encode(mac).decode()}
    reason = rejected(config, "s3cret", headers, b"{}", NOW)
    assert reason == "The signature in X-Signature is not valid hex"


def test_custom_hex_sent_where_base64_expected_is_refused() -> None:
    # 64 hex digits are valid base64 too, decoding to 48 bytes: the length gives it away.
    config = custom_config(signature_encoding="base64")
    mac = hmac.new(b"s3cret", b"{}", hashlib.sha256).hexdigest()
    reason = rejected(config, "s3cret", {"X-Signature": mac}, b"{}", NOW)
    assert reason == (
        "Signature is 48 bytes but HMAC-SHA256 gives 32; check the hash algorithm and encoding"
    )


def test_custom_missing_prefix_is_explained() -> None:
    config = custom_config(signature_prefix="sha256=")
    mac = hmac.new(b"s3cret", b"{}", hashlib.sha256).hexdigest()
    reason = rejected(config, "s3cret", {"X-Signature": mac}, b"{}", NOW)
    assert reason == "X-Signature must start with 'sha256='"


# --- Header auth and auth none ----------------------------------------------------------------


def header_config() -> Config:
    return Config.model_validate({"auth": "header", "header_name": "X-Api-Key", "credential": 1})


def test_header_auth_accepts_the_secret() -> None:
    verify(header_config(), "k3y", {"x-api-key": "k3y"}, b"", now=NOW)
    assert sign(header_config(), "k3y", b"") == {"X-Api-Key": "k3y"}


def test_header_auth_refuses_another_value() -> None:
    reason = rejected(header_config(), "k3y", {"X-Api-Key": "guess"}, b"", NOW)
    assert reason == "The X-Api-Key header does not hold the webhook secret"


def test_header_auth_refuses_a_missing_header() -> None:
    reason = rejected(header_config(), "k3y", {"Authorization": "k3y"}, b"", NOW)
    assert reason == "Missing X-Api-Key header"


def test_auth_none_accepts_anything() -> None:
    config = Config.model_validate({"auth": "none"})
    verify(config, "", {}, b"anything", now=NOW)
    assert sign(config, "", b"anything") == {}


# --- Non-ASCII bodies and secrets -------------------------------------------------------------

HMAC_CONFIGS = {
    "github": hmac_config("github"),
    "stripe": hmac_config("stripe"),
    "slack": hmac_config("slack"),
    "standard": hmac_config("standard"),
    "custom-sha1-hex": custom_config(hmac_algorithm="sha1", signature_prefix="sha1="),
    "custom-sha512-base64": custom_config(hmac_algorithm="sha512", signature_encoding="base64"),
}


@pytest.mark.parametrize("name", HMAC_CONFIGS)
def test_non_ascii_body_and_secret_round_trip(name: str) -> None:
    config = HMAC_CONFIGS[name]
    body = '{"greeting": "grüß dich, 世界 🌍"}'.encode()
    headers = sign(config, "clé-secrète-🔑", body, now=NOW)
    verify(config, "clé-secrète-🔑", headers, body, now=NOW)
    with pytest.raises(SignatureRejected):
        verify(config, "clé-secrète-🔑", headers, body.replace("ü".encode(), b"u"), now=NOW)


def test_github_body_is_signed_as_raw_utf8_bytes() -> None:
    body = "café".encode()
    expected = hmac.new(b"s", body, hashlib.sha256).hexdigest()
    assert sign(hmac_config("github"), "s", body) == {"X-Hub-Signature-256": "sha256=" + expected}


def test_reasons_never_reveal_the_secret_or_the_expected_signature() -> None:
    secret = "very-private-secret"
    body = b"payload"
    for config in HMAC_CONFIGS.values():
        good = sign(config, secret, body, now=NOW)
        forged = {name: value[:-4] + "AAAA" for name, value in good.items()}
        for headers, payload in ((good, b"tampered"), (forged, body), ({}, body)):
            with pytest.raises(SignatureRejected) as info:
                verify(config, secret, headers, payload, now=NOW)
            reason = info.value.reason
            assert secret not in reason
            for digest in re.findall(r"[A-Za-z0-9+/]{16,}", " ".join(good.values())):
                assert digest not in reason


# --- Property: sign and verify agree, and any body change breaks the signature ----------------

bodies = st.binary(min_size=1, max_size=512)
text_secrets = st.text(min_size=1, max_size=64).filter(lambda s: not s.startswith("whsec_"))
standard_secrets = st.binary(min_size=24, max_size=64).map(
    lambda key: "whsec_" + base64.b64encode(key).decode()
)
any_secret = st.one_of(text_secrets, standard_secrets)


@pytest.mark.parametrize("name", HMAC_CONFIGS)
@settings(max_examples=60, deadline=None)
@given(
    body=bodies,
    secret=any_secret,
    drift=st.integers(-REPLAY_WINDOW_S, REPLAY_WINDOW_S),
    position=st.integers(min_value=0),
    flip=st.integers(min_value=1, max_value=255),
)
def test_signed_requests_verify_until_a_body_byte_changes(
    name: str, body: bytes, secret: str, drift: int, position: int, flip: int
) -> None:
    config = HMAC_CONFIGS[name]
    headers = sign(config, secret, body, now=NOW)
    verify(config, secret, headers, body, now=NOW + drift)

    tampered = bytearray(body)
    tampered[position % len(body)] ^= flip
    with pytest.raises(SignatureRejected) as info:
        verify(config, secret, headers, bytes(tampered), now=NOW + drift)
    assert info.value.reason.startswith("Signature does not match")


@settings(max_examples=60, deadline=None)
@given(
    secret=st.text(min_size=1, max_size=64).filter(lambda s: s.strip() == s != ""),
    other=st.text(min_size=1, max_size=64),
)
def test_header_auth_accepts_only_the_exact_secret(secret: str, other: str) -> None:
    config = header_config()
    verify(config, secret, sign(config, secret, b""), b"", now=NOW)
    if other.strip() != secret:
        with pytest.raises(SignatureRejected):
            verify(config, secret, {"X-Api-Key": other}, b"", now=NOW)


# --- svcc ---
# twilio/twilio-python's RequestValidator tests (tests/unit/test_request_validator.py).
TWILIO_TOKEN = "12345"
TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_FORM = (
    b"CallSid=CA1234567890ABCDE&Digits=1234&From=%2B14158675309&To=%2B18005551212"
    b"&Caller=%2B14158675309"
)
TWILIO_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
TWILIO_JSON = b'{"property": "value", "boolean": true}'
TWILIO_JSON_URL = (
    TWILIO_URL + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
)
TWILIO_JSON_SIGNATURE = "a9nBmqA0ju/hNViExpshrM61xv4="
FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}


def twilio_rejected(headers: dict[str, str], body: bytes, url: str) -> str:
    with pytest.raises(SignatureRejected) as info:
        verify(hmac_config("twilio"), TWILIO_TOKEN, headers, body, url=url)
    return info.value.reason


def test_twilio_form_vector_is_accepted_and_reproduced() -> None:
    headers = {**FORM_TYPE, "X-Twilio-Signature": TWILIO_SIGNATURE}
    verify(hmac_config("twilio"), TWILIO_TOKEN, headers, TWILIO_FORM, url=TWILIO_URL)
    signed = sign(hmac_config("twilio"), TWILIO_TOKEN, TWILIO_FORM, url=TWILIO_URL, form=True)
    assert signed == {"X-Twilio-Signature": TWILIO_SIGNATURE}


def test_twilio_json_vector_is_accepted_through_its_body_hash() -> None:
    headers = {"Content-Type": "application/json", "X-Twilio-Signature": TWILIO_JSON_SIGNATURE}
    verify(hmac_config("twilio"), TWILIO_TOKEN, headers, TWILIO_JSON, url=TWILIO_JSON_URL)
    reason = twilio_rejected(headers, TWILIO_JSON + b" ", TWILIO_JSON_URL)
    assert reason == "The bodySHA256 parameter is not the SHA-256 of the body"


def test_twilio_tampered_form_other_url_or_token_is_refused() -> None:
    headers = {**FORM_TYPE, "X-Twilio-Signature": TWILIO_SIGNATURE}
    tampered = TWILIO_FORM.replace(b"Digits=1234", b"Digits=1235")
    assert "Auth Token" in twilio_rejected(headers, tampered, TWILIO_URL)
    assert "Auth Token" in twilio_rejected(headers, TWILIO_FORM, TWILIO_URL + "&baz=3")
    with pytest.raises(SignatureRejected):
        verify(hmac_config("twilio"), "54321", headers, TWILIO_FORM, url=TWILIO_URL)


def test_twilio_signature_of_the_url_with_its_default_port_is_accepted() -> None:
    headers = {**FORM_TYPE, "X-Twilio-Signature": TWILIO_SIGNATURE}
    with_port = TWILIO_URL.replace("mycompany.com", "mycompany.com:443")
    verify(hmac_config("twilio"), TWILIO_TOKEN, headers, TWILIO_FORM, url=with_port)
    other_port = TWILIO_URL.replace("mycompany.com", "mycompany.com:8443")
    assert "Auth Token" in twilio_rejected(headers, TWILIO_FORM, other_port)


def test_twilio_missing_signature_or_url_is_explained() -> None:
    assert (
        twilio_rejected(FORM_TYPE, TWILIO_FORM, TWILIO_URL) == "Missing X-Twilio-Signature header"
    )
    headers = {**FORM_TYPE, "X-Twilio-Signature": TWILIO_SIGNATURE}
    assert "URL the call was sent to is unknown" in twilio_rejected(headers, TWILIO_FORM, "")


# --- end svcc ---
