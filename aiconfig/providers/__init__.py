"""AI providers behind one small interface (`base.Provider`: generate text, stream text,
generate JSON matching a JSON Schema, take one turn of a conversation with tools: `converse`,
`conversation.py`), with adapters on the official SDKs:

* `openai` and `openai_compatible` (the same adapter with the node's `base_url`),
* `anthropic`,
* `gemini` (google-genai).

Keys come from the node's `ai_provider` credential, else the server's environment
(`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `GEMINI_API_KEY`; `*_BASE_URL` point a provider at a
proxy). The server's OpenAI key is never sent to a node's own `base_url`: an OpenAI-compatible
server gets the node's credential or no key. Keys never reach prompts, logs, step data or
messages: they are registered for log redaction while a call runs and scrubbed from outputs
and errors.

`run_node(config, ctx)` is what the `action.ai` node runs.
"""

from __future__ import annotations

import importlib
import json
import time
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from aiconfig.prices import estimate_cost
from aiconfig.providers.base import (
    Completion,
    Embeddings,
    Provider,
    ProviderError,
    ProviderSetupError,
    Request,
    Usage,
    schema_errors,
    schema_problem,
)
from aiconfig.providers.conversation import Conversation, Tool, ToolCall, Turn
from workfuse.lib import netguard, redaction
from workfuse.lib.node_run import NodeError, RunContext

__all__ = [
    "ADAPTERS",
    "Completion",
    "Conversation",
    "Embeddings",
    "Provider",
    "ProviderError",
    "ProviderSetupError",
    "Request",
    "Tool",
    "ToolCall",
    "Turn",
    "Usage",
    "embed_texts",
    "get_provider",
    "refuse_key_in_conversation",
    "refuse_key_in_text",
    "require_known",
    "resolve_key",
    "run_node",
    "schema_errors",
    "schema_problem",
]

ADAPTERS = {
    "openai": "aiconfig.providers.openai_provider.OpenAIProvider",
    "openai_compatible": "aiconfig.providers.openai_provider.OpenAICompatibleProvider",
    "anthropic": "aiconfig.providers.anthropic_provider.AnthropicProvider",
    "gemini": "aiconfig.providers.gemini_provider.GeminiProvider",
}
LABELS = {
    "openai": "OpenAI",
    "openai_compatible": "OpenAI-compatible server",
    "anthropic": "Anthropic",
    "gemini": "Gemini",
}
KEY_SETTINGS = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
}
BASE_URL_SETTINGS = {
    "openai": "OPENAI_BASE_URL",
    "anthropic": "ANTHROPIC_BASE_URL",
    "gemini": "GEMINI_BASE_URL",
}
# The OpenAI SDK insists on a key; local servers (Ollama, LM Studio) ignore it.
NO_KEY = "no-key"
DEFAULT_TIMEOUT_SECONDS = 300


def get_provider(
    name: str,
    *,
    api_key: str,
    base_url: str | None = None,
    timeout: float | None = None,
    key_source: str = "",
    user_base_url: bool = False,
) -> Provider:
    """An adapter for `name` (adapters, and so their SDKs, are imported on first use).
    `base_url` is the server's own (from its settings) unless `user_base_url` says a user gave
    it: only the server's own may be on a private network without WORKFUSE_HTTP_ALLOW_PRIVATE."""
    require_known(name)
    module, _, cls = ADAPTERS[name].rpartition(".")
    adapter = getattr(importlib.import_module(module), cls)
    return adapter(
        api_key,
        base_url=base_url,
        timeout=timeout or _setting("WORKFUSE_AI_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS),
        key_source=key_source,
        user_base_url=user_base_url,
    )


def require_known(name: str) -> None:
    if name not in ADAPTERS:
        raise ProviderSetupError(
            f"Unknown AI provider '{name}'; choose one of {', '.join(ADAPTERS)}.",
            code="bad_request",
            provider=name,
        )


def _setting(name: str, default: Any = "") -> Any:
    value = getattr(settings, name, None)
    return default if value in (None, "") else value


def resolve_key(name: str, secret: Any = None) -> tuple[str, str]:
    """(key, where it came from): the credential's value, else the server's setting.
    No key at all is a non-retryable error naming what to configure."""
    if secret is not None:
        value = secret.value
        if isinstance(value, dict):  # tolerate structured values: {"api_key": ...}
            value = value.get("api_key") or value.get("password") or ""
        value = str(value or "").strip()
        if value:
            return value, "credential"
    if name == "openai_compatible":
        return NO_KEY, "none"
    setting = KEY_SETTINGS.get(name)
    key = str(_setting(setting) if setting else "").strip()
    if key:
        return key, f"env:{setting}"
    label = LABELS.get(name, name)
    hint = f", or set {setting} on the server" if setting else ""
    raise ProviderSetupError(
        f"No API key for {label}: choose an AI provider credential on this node{hint}.",
        provider=name,
    )


def base_url_for(name: str, node_base_url: str | None) -> str | None:
    if name == "openai_compatible":
        return _checked_compatible_url(node_base_url)
    setting = BASE_URL_SETTINGS.get(name)
    if setting is None:
        return None
    return str(_setting(setting)).strip() or None


def _checked_compatible_url(url: str | None) -> str:
    """The node's base_url, refused before any key is read when it points into a private
    network, unless the server allows private targets. The connection is checked again when
    it opens (`Provider.http_client`), so a DNS answer that changes in between gains nothing."""
    url = (url or "").strip()
    if not url:
        raise ProviderSetupError(
            "The openai_compatible provider needs base_url: the server's API address, e.g. "
            "http://localhost:11434/v1 for Ollama.",
            provider="openai_compatible",
        )
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ProviderSetupError(
            f"base_url '{url}' must be an http:// or https:// address with a host.",
            code="bad_request",
            provider="openai_compatible",
        )
    if netguard.private_targets_allowed():
        return url
    try:
        netguard.checked_addresses(parts.hostname, parts.port or 443)
    except netguard.PrivateTargetError as refused:
        raise ProviderSetupError(
            f"base_url {url} points to a {refused.reason} ({refused.address}). WorkFuse only "
            "calls servers on private networks (a local Ollama, say) when the server sets "
            "WORKFUSE_HTTP_ALLOW_PRIVATE=1.",
            provider="openai_compatible",
        ) from None
    except OSError as exc:
        raise ProviderError(
            f"Could not resolve the host of base_url {url}: {exc}.",
            retryable=True,
            provider="openai_compatible",
        ) from None
    return url


def described_schema(
    schema: dict[str, Any] | None, descriptions: dict[str, str] | None
) -> dict[str, Any] | None:
    """`schema` with the rendered `descriptions` set on its top-level properties (n8n's
    Information Extractor describes attributes with expressions); the node's own config is
    left as it is."""
    if not schema:
        return None
    if not descriptions:
        return schema
    properties = {
        name: {**field, "description": descriptions[name]} if name in descriptions else field
        for name, field in (schema.get("properties") or {}).items()
    }
    return {**schema, "properties": properties}


def refuse_key_in_text(api_key: str, request: Request) -> None:
    texts = [request.prompt, request.system, *(text for _, text in request.history)]
    if api_key and api_key != NO_KEY and any(api_key in text for text in texts):
        raise ProviderSetupError(
            "The prompt contains the provider's API key, so it was not sent. Remove the key "
            "from the prompt and the data it is built from.",
            code="bad_request",
        )


def refuse_key_in_conversation(api_key: str, conversation: Conversation) -> None:
    """As refuse_key_in_text, for everything a conversation sends: the system prompt, the
    messages (tool results included) and the tools' descriptions and schemas."""
    if not api_key or api_key == NO_KEY:
        return
    sent = json.dumps(
        [conversation.system, conversation.messages, [vars(t) for t in conversation.tools]],
        ensure_ascii=False,
    )
    if api_key in sent or json.dumps(api_key)[1:-1] in sent:
        raise ProviderSetupError(
            "The conversation contains the provider's API key (in the system prompt, a message "
            "or a tool result), so it was not sent. Keep the key out of the data it is built "
            "from.",
            code="bad_request",
        )


def run_node(config: Any, ctx: RunContext) -> dict[str, Any]:
    """Run an `action.ai` node: ask the model, return
    `{response, json?, model, provider, finish_reason, usage, latency_ms, cost_usd, warnings?}`.
    With `stream`, each chunk is published as it arrives (`ctx.emit({"text": chunk})`)."""
    name = config.provider
    api_key, source = resolve_key(name, ctx.secret)
    forms = redaction.forms_of(api_key) if source != "none" else set()
    try:
        with redaction.registered(forms):
            return redaction.scrub(_ask(config, ctx, name, api_key, source), forms)
    except NodeError as error:
        error.message = redaction.scrub(error.message, forms)
        error.detail = redaction.scrub(error.detail, forms)
        raise


def _ask(config: Any, ctx: RunContext, name: str, api_key: str, source: str) -> dict[str, Any]:
    from aiconfig.providers import media

    provider = get_provider(
        name,
        api_key=api_key,
        base_url=base_url_for(name, getattr(config, "base_url", None)),
        key_source=source,
        user_base_url=name == "openai_compatible",  # the node's base_url (base_url_for)
    )
    operation = getattr(config, "operation", "message")
    if operation != "message":
        return media.run_media(config, provider, api_key if source != "none" else "")
    request = Request(
        model=config.model.strip(),
        prompt=config.prompt,
        system=config.system_prompt or "",
        temperature=config.temperature,
        max_tokens=config.max_tokens,
        images=media.images_of(
            getattr(config, "images", None) or [], getattr(config, "image_detail", "")
        ),
        history=tuple((m.role, m.content) for m in getattr(config, "messages", None) or []),
    )
    refuse_key_in_text(api_key, request)
    json_wanted = bool(config.json_output or config.json_schema)
    schema = described_schema(config.json_schema, getattr(config, "schema_descriptions", None))
    if schema and api_key and api_key != NO_KEY and api_key in json.dumps(schema):
        raise ProviderSetupError(
            "The JSON schema's descriptions contain the provider's API key, so nothing was "
            "sent. Remove the key from the data they are built from.",
            code="bad_request",
        )

    def on_text(text: str) -> None:
        ctx.emit({"text": text})

    streaming = on_text if config.stream else None
    started = time.monotonic()
    if json_wanted:
        completion = provider.generate_json(request, schema, on_text=streaming)
    elif streaming is not None:
        completion = provider.stream(request, streaming)
    else:
        completion = provider.generate(request)
    latency_ms = round((time.monotonic() - started) * 1000)
    usage = completion.usage.as_dict()
    cost = None
    if name != "openai_compatible":  # whoever runs that server sets its prices
        cost = estimate_cost(name, completion.model, usage)
        if cost is None and completion.model != request.model:
            cost = estimate_cost(name, request.model, usage)
    output: dict[str, Any] = {"response": completion.text}
    if json_wanted:
        output["json"] = completion.json
    output.update(
        {
            "model": completion.model,
            "provider": name,
            "finish_reason": completion.finish_reason,
            "usage": usage,
            "latency_ms": latency_ms,
            "cost_usd": cost,
        }
    )
    if completion.warnings:
        output["warnings"] = completion.warnings
    return output


def embed_texts(
    provider: str,
    model: str,
    texts: list[str],
    secret: Any = None,
    base_url: str | None = None,
    dimensions: int | None = None,
) -> tuple[list[list[float]], dict[str, Any]]:
    """Vectors for `texts` from `provider`'s embeddings API (key and base_url resolved as for
    `action.ai`), and what it spent: `{provider, model, usage, cost_usd}` (usage and cost in
    the shape the engine adds to the run's ai_budget spend)."""
    api_key, source = resolve_key(provider, secret)
    forms = redaction.forms_of(api_key) if source != "none" else set()
    try:
        with redaction.registered(forms):
            if api_key != NO_KEY and any(api_key in text for text in texts):
                raise ProviderSetupError(
                    "A text to embed contains the provider's API key, so it was not sent.",
                    code="bad_request",
                )
            adapter = get_provider(
                provider,
                api_key=api_key,
                base_url=base_url_for(provider, base_url),
                key_source=source,
                user_base_url=provider == "openai_compatible",
            )
            embedded = adapter.embed(texts, model.strip(), dimensions)
    except NodeError as error:
        error.message = redaction.scrub(error.message, forms)
        error.detail = redaction.scrub(error.detail, forms)
        raise
    usage = embedded.usage.as_dict()
    cost = None if provider == "openai_compatible" else estimate_cost(provider, model, usage)
    spent = {"provider": provider, "model": embedded.model, "usage": usage, "cost_usd": cost}
    return embedded.vectors, spent
