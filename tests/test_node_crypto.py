"""utility.crypto: digests against known vectors, HMAC with a stored key that never shows,
UUIDs and random tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid

import pytest

from credentials import store
from editor.nodes import utility_crypto
from editor.nodes.base import NodeError, Secret
from executions.models import Step
from tests.data_nodes import form, form_round_trip, run, run_in_workflow, save_errors
from workfuse.lib import files

FOX = "The quick brown fox jumps over the lazy dog"
SIGNING_KEY = "whsec_test_signing_key_0123456789"


def crypto(config: dict, **context) -> str:
    return run(utility_crypto, config, **context)["result"]


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("md5", "900150983cd24fb0d6963f7d28e17f72"),
        ("sha1", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "sha512",
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        ),
    ],
)
def test_hash_matches_the_standard_vectors(algorithm, digest):
    assert crypto({"value": "abc", "algorithm": algorithm}) == digest
    encoded = crypto({"value": "abc", "algorithm": algorithm, "encoding": "base64"})
    assert base64.b64decode(encoded).hex() == digest


def test_objects_are_hashed_as_compact_json():
    expected = hashlib.sha256(b'{"b":[1,2],"a":"\xc3\xa9"}').hexdigest()
    assert crypto({"value": {"b": [1, 2], "a": "é"}}) == expected


def test_hmac_signs_with_the_credentials_key():
    secret = Secret("webhook_secret", "key")
    assert crypto({"operation": "hmac", "value": FOX, "credential": 1}, secret=secret) == (
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )
    with pytest.raises(NodeError, match="one secret value"):
        crypto({"operation": "hmac", "value": FOX, "credential": 1})
    with pytest.raises(NodeError, match=r"choose one .* in this node's settings"):
        crypto({"operation": "hmac", "value": FOX})


def test_uuid_and_random_tokens_are_fresh_each_time():
    first, second = crypto({"operation": "uuid"}), crypto({"operation": "uuid"})
    assert first != second and uuid.UUID(first).version == 4
    token = crypto({"operation": "random", "length": 24, "encoding": "base64"})
    assert len(base64.b64decode(token)) == 24
    assert len(crypto({"operation": "random"})) == 64  # 32 bytes in hex


@pytest.mark.django_db
def test_bad_settings_are_refused_on_save_with_their_field(alice_api):
    details = save_errors(alice_api, "utility.crypto", {"operation": "hmac", "algorithm": "crc32"})
    by_field = {d["field"]: d["message"] for d in details}
    assert "config.algorithm" in by_field
    # The key is a slot to fill (an n8n import leaves it empty): saved, and the run asks for it.
    assert "config.credential" not in by_field
    details = save_errors(alice_api, "utility.crypto", {"operation": "random", "length": 0})
    assert details[0]["field"] == "config.length"


@pytest.mark.django_db
def test_the_form_offers_signing_keys_only(alice, alice_client):
    key = store.create(alice, "Signing key", "webhook_secret", SIGNING_KEY)
    store.create(alice, "A token", "bearer", "tok-0123456789")
    shown = form(alice_client, alice, "utility.crypto", {"operation": "hmac"})
    assert shown.kinds["credential"] == "credential"
    assert shown.options["f:credential"] == ["", str(key.pk)]
    assert shown.kinds["encoding"] == shown.kinds["algorithm"] == "select"
    config = {
        "operation": "hash",
        "algorithm": "sha512",
        "value": "{{ trigger.body }}",
        "encoding": "base64",
    }
    assert form_round_trip(alice_client, alice, "utility.crypto", config) == config


@pytest.mark.django_db(transaction=True)
def test_hmac_runs_in_a_workflow_and_the_key_is_stored_nowhere(alice):
    key = store.create(alice, "Signing key", "webhook_secret", SIGNING_KEY)
    node = {
        "id": "sign",
        "type": "utility.crypto",
        "config": {"operation": "hmac", "value": "{{ trigger | tojson }}", "credential": key.pk},
    }
    payload = {"order": 7}
    step = run_in_workflow(alice, node, payload)
    body = json.dumps(payload).encode()
    assert step.output == {"result": hmac.new(SIGNING_KEY.encode(), body, "sha256").hexdigest()}
    stored = json.dumps(list(Step.objects.values("input", "output", "error", "attempts")))
    assert SIGNING_KEY not in stored


def test_the_result_can_be_added_to_an_object_under_a_name():
    config = {"value": "abc", "algorithm": "md5", "output_field": "h.md5"}
    digest = "900150983cd24fb0d6963f7d28e17f72"
    assert run(utility_crypto, config) == {"h.md5": digest}
    into = {"id": 7, "h.md5": "old"}
    assert run(utility_crypto, {**config, "input": into}) == {"id": 7, "h.md5": digest}
    assert into == {"id": 7, "h.md5": "old"}  # another step's output is never changed
    with pytest.raises(NodeError, match="input must be an object to add 'h\\.md5' to, not text"):
        run(utility_crypto, {**config, "input": "text"})


@pytest.mark.django_db(transaction=True)
def test_a_workflow_adds_the_digest_to_the_trigger_data(alice):
    node = {
        "id": "hash",
        "type": "utility.crypto",
        "config": {
            "value": "{{ trigger.email }}",
            "output_field": "hash",
            "input": "{{ trigger }}",
        },
    }
    step = run_in_workflow(alice, node, {"email": "ann@example.com"})
    digest = hashlib.sha256(b"ann@example.com").hexdigest()
    assert step.output == {"email": "ann@example.com", "hash": digest}


# --- fileops ---
def test_a_files_bytes_are_hashed_and_signed_instead_of_the_value():

    data = bytes(range(256)) * 3
    file = files.make(data, "blob.bin").value()
    assert crypto({"operation": "hash", "algorithm": "sha256", "file": file}) == (
        hashlib.sha256(data).hexdigest()
    )
    secret = Secret("webhook_secret", SIGNING_KEY)
    signed = crypto(
        {"operation": "hmac", "algorithm": "sha1", "file": file, "credential": 1, "value": "x"},
        secret=secret,
    )
    assert signed == hmac.new(SIGNING_KEY.encode(), data, "sha1").hexdigest()
    with pytest.raises(NodeError, match="file"):
        crypto({"operation": "hash", "file": {"filename": "x"}})


# --- end fileops ---
