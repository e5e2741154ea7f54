"""/api/ai/providers (DESIGN §8): which AI providers a user can ask, with their models."""

from __future__ import annotations

from typing import Any

from ninja import Field, Router, Schema

from aiconfig import access
from workfuse.lib.requests import ApiRequest

router = Router(tags=["ai"])


class CredentialRef(Schema):
    id: int
    name: str


class ModelOut(Schema):
    id: str
    label: str
    note: str


class ProviderOut(Schema):
    id: str = Field(description="What to send as `provider` to /api/ai/configure.")
    label: str
    available: bool = Field(description="Usable as is (a key, or a server address, is there).")
    server_key: bool = Field(description="The server holds a key for this provider.")
    needs_base_url: bool = Field(description="openai_compatible without OPENAI_BASE_URL.")
    credentials: list[CredentialRef] = Field(description="Your AI provider credentials.")
    models: list[ModelOut]
    default_model: str
    message: str = Field(description="Why it is not available and what to configure, or ''.")


class ProvidersOut(Schema):
    default_provider: str = Field(description="Used when /api/ai/configure gets no provider.")
    available: bool = Field(description="At least one provider is available.")
    message: str = Field(description="What to configure when none is available, or ''.")
    providers: list[ProviderOut]


@router.get("/providers", response={200: ProvidersOut})
def providers(request: ApiRequest) -> Any:
    """Which providers Magic Input can use for you, your AI provider credentials (ids and
    names, never values) and each provider's models."""
    return access.catalog(request.auth)
