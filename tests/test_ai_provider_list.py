"""GET /api/ai/providers: which providers the editor's Magic Input panel may offer the current
user — server keys, the user's own AI provider credentials (ids and names, never values), and
each provider's models."""

from __future__ import annotations

from typing import Any

import pytest

from aiconfig import models_catalog
from credentials import store
from tests.conftest import ApiClient

URL = "/api/ai/providers"
SERVER_KEY = "sk-server-openai-0123456789abcdef"
ALICE_KEY = "sk-ant-alices-own-0123456789"
BOB_KEY = "sk-bobs-own-key-0123456789"


@pytest.fixture
def no_server_keys(settings: Any) -> Any:
    for name in ("OPENAI", "ANTHROPIC", "GEMINI"):
        setattr(settings, f"{name}_API_KEY", "")
        setattr(settings, f"{name}_BASE_URL", "")
    settings.WORKFUSE_AI_PROVIDER = ""
    return settings


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in data["providers"]}


def test_alice_sees_her_credentials_not_bobs_and_the_servers_keys(
    no_server_keys, alice, bob, alice_api
):
    no_server_keys.OPENAI_API_KEY = SERVER_KEY
    mine = store.create(alice, "Claude key", "ai_provider", ALICE_KEY)
    store.create(alice, "CRM token", "api_key", "crm-token-0123456789")
    store.create(bob, "Bob's key", "ai_provider", BOB_KEY)
    response = alice_api.get(URL)
    assert response.status_code == 200, response.content
    data = response.json()
    body = response.content.decode()
    for secret in (SERVER_KEY, ALICE_KEY, BOB_KEY, "crm-token"):
        assert secret not in body
    assert "Bob's key" not in body and "CRM token" not in body
    assert data["available"] is True and data["message"] == ""
    assert data["default_provider"] == "openai"
    providers = by_id(data)
    assert list(providers) == ["openai", "openai_compatible", "anthropic", "gemini"]
    openai = providers["openai"]
    assert openai["available"] and openai["server_key"] and openai["message"] == ""
    assert openai["label"] == "OpenAI"
    assert openai["credentials"] == [{"id": mine.pk, "name": "Claude key"}]
    assert openai["models"] == models_catalog.models_for("openai")
    assert openai["default_model"] == models_catalog.DEFAULT_MODELS["openai"]
    anthropic = providers["anthropic"]
    assert anthropic["available"] and not anthropic["server_key"]  # through her credential
    assert anthropic["credentials"] == [{"id": mine.pk, "name": "Claude key"}]
    assert {m["id"] for m in anthropic["models"]} >= {"claude-sonnet-4-6"}
    compatible = providers["openai_compatible"]
    assert compatible["needs_base_url"] and not compatible["available"]
    assert "base_url" in compatible["message"] and compatible["models"] == []


def test_bob_sees_only_his_own_credential(no_server_keys, alice, bob):
    store.create(alice, "Claude key", "ai_provider", ALICE_KEY)
    theirs = store.create(bob, "Bob's key", "ai_provider", BOB_KEY)
    data = ApiClient(bob).get(URL).json()
    assert by_id(data)["gemini"]["credentials"] == [{"id": theirs.pk, "name": "Bob's key"}]
    assert "Claude key" not in str(data)


def test_no_key_anywhere_makes_every_provider_unavailable_with_a_message(no_server_keys, alice_api):
    data = alice_api.get(URL).json()
    assert data["available"] is False
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "AI provider key"):
        assert name in data["message"]
    for provider in data["providers"]:
        assert provider["available"] is False and provider["message"], provider
        assert provider["credentials"] == [] and provider["server_key"] is False
    assert "ANTHROPIC_API_KEY" in by_id(data)["anthropic"]["message"]


def test_a_server_base_url_makes_openai_compatible_available(no_server_keys, alice_api):
    no_server_keys.OPENAI_BASE_URL = "http://ollama.internal:11434/v1"
    no_server_keys.WORKFUSE_AI_PROVIDER = "openai_compatible"
    data = alice_api.get(URL).json()
    compatible = by_id(data)["openai_compatible"]
    assert compatible["available"] and not compatible["needs_base_url"]
    assert data["available"] is True and data["default_provider"] == "openai_compatible"
    assert "ollama.internal" not in str(data)  # the server's addresses stay private


def test_anonymous_is_refused(client):
    assert client.get(URL).status_code == 401


def test_openapi_describes_the_ai_endpoints(alice_client):
    response = alice_client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "get" in schema["paths"]["/api/ai/providers"]
    components = schema["components"]["schemas"]
    assert {"credential", "base_url"} <= set(components["ConfigureIn"]["properties"])
    assert {"provider", "model"} <= set(components["ConfigureOut"]["properties"])
    assert "providers" in components["ProvidersOut"]["properties"]
