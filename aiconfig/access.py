"""Which AI providers a user can reach for Magic Input, and with which key and address.

A key comes from the `ai_provider` credential the request names (the user's own), else the
server's environment (`OPENAI_API_KEY`, ...), else the user's newest `ai_provider` credential.
`openai_compatible` (Ollama, vLLM, LM Studio) talks to the `base_url` the request gives —
checked like the `action.ai` node's (no private networks unless the server allows them), with
the named credential's key or none, never a server key — else to the server's
`OPENAI_BASE_URL`, with the key the server pairs with it. Keys stay server side: `catalog()`
lists credential ids and names, never values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from aiconfig import models_catalog
from aiconfig.providers import (
    ADAPTERS,
    BASE_URL_SETTINGS,
    KEY_SETTINGS,
    LABELS,
    NO_KEY,
    ProviderSetupError,
    base_url_for,
    require_known,
    resolve_key,
)
from workfuse.lib.node_run import Secret

COMPATIBLE = "openai_compatible"
NODE_ID = "magic-input"  # how Magic Input's credential reads appear in the security events


@dataclass(frozen=True)
class Connection:
    """Where one Magic Input request goes. `key_source` is "credential", "env:<SETTING>" or
    "none" (a compatible server that wants no key); `user_base_url`: the request gave the
    address, not the server's settings."""

    provider: str
    api_key: str
    key_source: str
    base_url: str | None
    user_base_url: bool = False


def connect(
    name: str, owner: Any, *, credential: int | None = None, base_url: str | None = None
) -> Connection:
    """The key and address for `name`. Raises ProviderSetupError when something is missing and
    NodeError when the named credential cannot be read."""
    require_known(name)
    base_url = (base_url or "").strip()
    url = _address(name, base_url)  # first: no credential is read for a request that cannot go
    secret = _named_secret(owner, credential) if credential is not None else None
    if name != COMPATIBLE:
        if secret is None and not _server_key(name):
            secret = _newest_secret(owner)
        api_key, source = resolve_key(name, secret)
    elif secret is not None or base_url:  # the user's own server: their key or none
        api_key, source = resolve_key(COMPATIBLE, secret)
    elif _server_key("openai"):  # the server's OPENAI_BASE_URL, with the key it pairs with it
        api_key, source = resolve_key("openai")
    else:
        api_key, source = NO_KEY, "none"
    return Connection(name, api_key, source, url, user_base_url=bool(base_url))


def _address(name: str, base_url: str) -> str | None:
    if name != COMPATIBLE:
        if base_url:
            raise ProviderSetupError(
                f"base_url is only for provider {COMPATIBLE}; {name} uses the server's "
                "configured address.",
                code="bad_request",
                provider=name,
            )
        return base_url_for(name, None)
    if base_url:
        return base_url_for(COMPATIBLE, base_url)
    server_url = _server_base_url()
    if not server_url:
        raise ProviderSetupError(
            f"The {COMPATIBLE} provider needs base_url: the server's API address, e.g. "
            "http://localhost:11434/v1 for Ollama (or set OPENAI_BASE_URL on the server).",
            provider=COMPATIBLE,
        )
    return server_url


def ai_credentials(owner: Any) -> list[dict[str, Any]]:
    """The owner's AI provider credentials, newest first: [{id, name}] (never values)."""
    from credentials.models import Credential

    rows = (
        Credential.objects.filter(owner=owner, kind=Credential.Kind.AI_PROVIDER)
        .order_by("-updated_at", "-id")
        .values("id", "name")
    )
    return [dict(row) for row in rows]


def catalog(owner: Any) -> dict[str, Any]:
    """What the editor's Magic Input panel may offer `owner`: every provider with whether it
    can be used as is, the owner's AI provider credentials, models and default model."""
    credentials = ai_credentials(owner)
    providers = [_entry(name, credentials) for name in ADAPTERS]
    usable = [p for p in providers if p["available"]]
    message = ""
    if not usable:
        message = (
            "No AI provider is configured for Magic Input: add a credential of kind “AI "
            "provider key”, give the base_url of an OpenAI-compatible server (Ollama, vLLM, "
            "LM Studio), or ask the server's operator to set "
            f"{', '.join(KEY_SETTINGS.values())}."
        )
    return {
        "default_provider": default_provider(),
        "available": bool(usable),
        "message": message,
        "providers": providers,
    }


def default_provider() -> str:
    """The server's WORKFUSE_AI_PROVIDER, else the first provider it holds a key for."""
    chosen = str(getattr(settings, "WORKFUSE_AI_PROVIDER", "") or "").strip()
    if chosen:
        return chosen
    return next((name for name in KEY_SETTINGS if _server_key(name)), "openai")


def _entry(name: str, credentials: list[dict[str, Any]]) -> dict[str, Any]:
    server_key = _server_key(name)
    needs_base_url = name == COMPATIBLE and not _server_base_url()
    if name == COMPATIBLE:
        available = not needs_base_url
        message = (
            "Give base_url: the address of an OpenAI-compatible server (Ollama, vLLM, LM "
            "Studio), e.g. http://localhost:11434/v1, and the model it serves."
            if needs_base_url
            else ""
        )
    else:
        available = server_key or bool(credentials)
        message = (
            ""
            if available
            else f"No key: add an AI provider credential, or set {KEY_SETTINGS[name]} on the "
            "server."
        )
    return {
        "id": name,
        "label": LABELS[name],
        "available": available,
        "server_key": server_key,
        "needs_base_url": needs_base_url,
        "credentials": credentials,
        "models": models_catalog.models_for(name),
        "default_model": models_catalog.DEFAULT_MODELS.get(name, ""),
        "message": message,
    }


def _server_key(name: str) -> bool:
    setting = KEY_SETTINGS.get(name)
    return bool(setting and str(getattr(settings, setting, "") or "").strip())


def _server_base_url() -> str:
    return str(getattr(settings, BASE_URL_SETTINGS["openai"], "") or "").strip()


def _named_secret(owner: Any, credential: int) -> Secret:
    from credentials.runtime import resolve

    return resolve(owner.pk, credential, ("ai_provider",), node_id=NODE_ID)


def _newest_secret(owner: Any) -> Secret | None:
    """The owner's newest AI provider credential, used when the server has no key."""
    newest = ai_credentials(owner)[:1]
    return _named_secret(owner, newest[0]["id"]) if newest else None
