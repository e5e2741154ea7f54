"""The JSON API (DESIGN §8): authentication, error shape and the routers of each app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from accounts.models import ApiToken, hash_token
from executions import step_sql
from workfuse.lib import safe_json
from workfuse.lib.api_errors import ApiError, error_response


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # One statement written once: as a queryset it cost about 0.45 ms of a call's CPU.
        found = ApiToken.accepted(step_sql.api_token(hash_token(token)))
        if found is None:
            return None
        request.user = found.user
        return found.user


class SafeParser(Parser):
    """Every JSON body within the input limits (`workfuse.lib.safe_json`), and no query or form
    value the database cannot store (a NUL character)."""

    def parse_body(self, request: HttpRequest) -> Any:
        # ninja turns any error here into HttpError(400) caused by it: `_http_error` reads it.
        return safe_json.loads(request.body)

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        for key, values in data.lists():
            for value in values:
                if isinstance(value, str) and "\x00" in value:
                    message = "The value contains the NUL character (\\u0000), which is refused."
                    raise ApiError(
                        400,
                        "invalid",
                        f"The request has invalid fields: '{key}': {message}",
                        [{"field": key, "message": message}],
                    )
        return super().parse_querydict(data, list_fields, request)


api = NinjaAPI(
    title="WorkFuse API",
    version="1.0",
    description="Workflows, executions and credentials. Authenticate with `Authorization: Bearer <token>` "
    "(create one on the Settings page) or a browser session with CSRF.",
    auth=[BearerAuth(), SessionAuth()],
    urls_namespace="api",
    parser=SafeParser(),
)

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
}


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", [])]
        if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
            loc = loc[1:]
        if loc and loc[0] == "payload":
            loc = loc[1:]
        details.append({"field": ".".join(loc), "message": err.get("msg", "Invalid value.")})
    return error_response(request, 400, "invalid", "The request has invalid fields.", details)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        401,
        "unauthorized",
        "Authentication required: send 'Authorization: Bearer <token>' or sign in.",
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    refused = exc.__cause__
    if isinstance(refused, safe_json.JsonRefused):  # from SafeParser.parse_body
        return error_response(
            request,
            400,
            "invalid_json",
            f"The request body was refused: {refused.message}",
            [{"field": refused.field or "body", "message": refused.detail}],
        )
    return error_response(
        request, exc.status_code, STATUS_CODES.get(exc.status_code, "error"), str(exc)
    )


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return error_response(request, 413, "too_large", "The request body is too large.")
    return error_response(request, 400, "bad_request", f"The request was refused: {exc}")


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


api.add_router("/workflows", "editor.api.router")
api.add_router("/node-types", "editor.api.node_types_router")
api.add_router("/workflows", "executions.api.runs_router")
api.add_router("/executions", "executions.api.router")
api.add_router("/credentials", "credentials.api.router")
api.add_router("/ai", "aiconfig.api.router")
api.add_router("/ai", "editor.magic_api.router")
# --- chat ---
api.add_router("/workflows", "chat.api.router")
# --- end chat ---
