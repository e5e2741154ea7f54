"""/api/ai/configure and /api/ai/feedback (DESIGN §8): Magic Input — a node's config from a
sentence — and feedback on what it proposed."""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django_ratelimit.core import get_usage
from ninja import Field, Router, Schema, Status

from aiconfig.models import MagicFeedback
from aiconfig.providers import ProviderError, ProviderSetupError
from credentials.models import Credential
from editor import magic
from editor.models import Workflow
from editor.nodes import NODE_TYPES
from workfuse.lib.api_errors import ApiError, error_response
from workfuse.lib.node_run import NodeError
from workfuse.lib.requests import ApiRequest

router = Router(tags=["ai"])


class ConfigureIn(Schema):
    node_type: str = Field(..., description="The node type to configure, e.g. action.http.")
    prompt: str = Field(..., min_length=1, max_length=4000, description="What the node should do.")
    provider: str | None = Field(
        None,
        description="openai, anthropic, gemini or openai_compatible (default: the server's; "
        "see GET /api/ai/providers).",
    )
    model: str | None = Field(None, max_length=200, description="Model (default: the provider's).")
    workflow: int | None = Field(
        None, description="Workflow id: its trigger and upstream nodes become available."
    )
    node_id: str | None = Field(None, max_length=64, description="The node being configured.")
    credential: int | None = Field(
        None,
        description="Id of one of your AI provider credentials whose key to use (default: the "
        "server's key, else your newest AI provider credential).",
    )
    base_url: str | None = Field(
        None,
        max_length=2000,
        description="For openai_compatible: the server's API address, e.g. "
        "http://localhost:11434/v1 (default: the server's OPENAI_BASE_URL).",
    )


class FieldError(Schema):
    field: str
    message: str


class ConfigureOut(Schema):
    config: Any
    confidence: float
    reasoning: str
    valid: bool
    errors: list[FieldError]
    provider: str = Field(description="The provider that answered.")
    model: str = Field(description="The model that was asked.")


class FeedbackIn(Schema):
    node_type: str = Field(..., max_length=64)
    prompt: str = Field(..., max_length=4000)
    config: Any = None
    rating: Literal["up", "down"]
    comment: str = Field("", max_length=4000)


class FeedbackOut(Schema):
    id: int
    rating: str


def _rate_limited(request: ApiRequest) -> HttpResponse | None:
    usage = get_usage(
        request,
        group="magic-input",
        key=lambda group, req: str(request.auth.pk),
        rate=getattr(settings, "WORKFUSE_AI_RATE", "") or "30/m",
        increment=True,
    )
    if usage and usage["should_limit"]:
        response = error_response(
            request,
            429,
            "rate_limited",
            "Too many magic input requests; wait a little and try again.",
        )
        response["Retry-After"] = str(max(1, int(usage["time_left"])))
        return response
    return None


def _provider_error(request: ApiRequest, error: ProviderError) -> HttpResponse:
    if isinstance(error, ProviderSetupError):
        return error_response(request, 400, error.code, error.message)
    if error.retryable:
        response = error_response(request, 503, "ai_unavailable", error.message)
        if error.retry_after:
            response["Retry-After"] = str(max(1, round(error.retry_after)))
        return response
    return error_response(request, 502, "ai_provider_error", error.message)


def _check_credential(owner: Any, credential_id: int) -> None:
    """The named credential must be the user's own and an AI provider key."""
    credential = Credential.objects.filter(pk=credential_id, owner=owner).first()
    if credential is None:
        raise ApiError(
            404,
            "not_found",
            f"Credential {credential_id} does not exist or is not yours; choose one of your AI "
            "provider credentials.",
        )
    if credential.kind != Credential.Kind.AI_PROVIDER:
        raise ApiError(
            400,
            "invalid_credential",
            f"Credential “{credential.name}” is a {credential.get_kind_display()}; Magic Input "
            "needs an AI provider key.",
        )


@router.post("/configure", response={200: ConfigureOut})
def configure(request: ApiRequest, payload: ConfigureIn) -> Any:
    if payload.node_type not in NODE_TYPES:
        raise ApiError(
            400,
            "unknown_node_type",
            f"Unknown node type '{payload.node_type}'; choose one of "
            f"{', '.join(sorted(NODE_TYPES))}.",
        )
    workflow = None
    if payload.workflow is not None:
        workflow = get_object_or_404(Workflow, pk=payload.workflow, owner=request.auth)
    if payload.credential is not None:
        _check_credential(request.auth, payload.credential)
    limited = _rate_limited(request)
    if limited is not None:
        return limited
    try:
        return magic.configure(
            payload.node_type,
            payload.prompt,
            owner=request.auth,
            provider=payload.provider,
            model=payload.model,
            workflow=workflow,
            node_id=payload.node_id,
            credential=payload.credential,
            base_url=payload.base_url,
        )
    except magic.MagicError as exc:
        raise ApiError(400, "unknown_node_type", str(exc)) from None
    except ProviderError as error:
        return _provider_error(request, error)
    except NodeError as error:  # the owner's AI provider credential could not be read
        status = 503 if error.retryable else 400
        return error_response(request, status, "ai_not_configured", error.message)


@router.post("/feedback", response={201: FeedbackOut})
def feedback(request: ApiRequest, payload: FeedbackIn) -> Any:
    if payload.node_type not in NODE_TYPES:
        raise ApiError(400, "unknown_node_type", f"Unknown node type '{payload.node_type}'.")
    item = MagicFeedback.objects.create(
        owner=request.auth,
        node_type=payload.node_type,
        prompt=payload.prompt,
        config=payload.config if payload.config is not None else {},
        rating=payload.rating,
        comment=payload.comment or "",
    )
    return Status(201, {"id": item.pk, "rating": item.rating})
