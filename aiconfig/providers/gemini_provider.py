"""Google Gemini (Gemini Developer API) on the official `google-genai` SDK.

JSON: `response_mime_type: application/json`, with the schema as `response_json_schema` (plain
JSON Schema; the older `response_schema` takes only an OpenAPI subset). Streaming:
`streamGenerateContent?alt=sse`, usage on the last chunk. Thinking tokens count as completion
tokens (they are billed as output). The SDK's own retries stay off (no `retry_options`).
"""

from __future__ import annotations

import contextlib
import importlib
from typing import Any

import httpx2

from aiconfig.providers.base import (
    Completion,
    OnText,
    Provider,
    ProviderError,
    Request,
    Usage,
    parse_duration,
)

FINISH = {
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "IMAGE_SAFETY": "content_filter",
}


class GeminiProvider(Provider):
    name = "gemini"
    label = "Gemini"

    def _client(self, http: httpx2.Client) -> Any:
        from google import genai
        from google.genai import types

        options = types.HttpOptions(
            base_url=self.base_url, timeout=int(self.timeout * 1000), httpx_client=http
        )
        # vertexai=False: the Gemini Developer API with an API key, whatever GOOGLE_GENAI_*
        # variables the server's environment holds.
        return genai.Client(vertexai=False, api_key=self.api_key, http_options=options)

    def _config(self, request: Request) -> Any:
        from google.genai import types

        # No automatic function calling: the node declares no tools.
        config: dict[str, Any] = {
            "automatic_function_calling": types.AutomaticFunctionCallingConfig(disable=True)
        }
        system = request.system_with_json_hint
        if system:
            config["system_instruction"] = system
        if request.temperature is not None:
            config["temperature"] = request.temperature
        if request.max_tokens:
            config["max_output_tokens"] = request.max_tokens
        if request.json_output:
            config["response_mime_type"] = "application/json"
            if request.json_schema:
                config["response_json_schema"] = request.json_schema
        return types.GenerateContentConfig(**config)

    def _complete(self, request: Request, on_text: OnText | None) -> Completion:
        with self.http_client() as http:  # genai leaves a client it was handed open
            client = self._client(http)
            try:
                config = self._config(request)
                if on_text is None:
                    response = client.models.generate_content(
                        model=request.model, contents=request.prompt, config=config
                    )
                    return self._completion([response], request)
                responses = []
                for chunk in client.models.generate_content_stream(
                    model=request.model, contents=request.prompt, config=config
                ):
                    responses.append(chunk)
                    text = _text(chunk)
                    if text:
                        on_text(text)
                return self._completion(responses, request)
            finally:
                client.close()

    def _completion(self, responses: list[Any], request: Request) -> Completion:
        text = "".join(_text(r) for r in responses)
        finish: str | None = None
        model = request.model
        usage_meta: Any = None
        blocked: Any = None
        for response in responses:
            model = getattr(response, "model_version", None) or model
            if response.usage_metadata is not None:
                usage_meta = response.usage_metadata
            feedback = getattr(response, "prompt_feedback", None)
            if feedback is not None and feedback.block_reason:
                blocked = feedback
            for candidate in response.candidates or []:
                if candidate.finish_reason:
                    finish = _enum_name(candidate.finish_reason)
        if blocked is not None and not text:
            reason = _enum_name(blocked.block_reason)
            extra = f": {blocked.block_reason_message}" if blocked.block_reason_message else ""
            raise ProviderError(
                f"Gemini blocked the prompt ({reason}){extra}. Rephrase the prompt.",
                provider=self.name,
                detail={"block_reason": reason},
            )
        usage = Usage()
        if usage_meta is not None:
            prompt = usage_meta.prompt_token_count or 0
            completion = (usage_meta.candidates_token_count or 0) + (
                usage_meta.thoughts_token_count or 0
            )
            usage = Usage.of(prompt, completion, usage_meta.total_token_count)
        return Completion(
            text=text,
            model=model,
            finish_reason=FINISH.get(finish or "", finish.lower() if finish else None),
            usage=usage,
        )

    def _map_error(self, exc: Exception) -> ProviderError | None:
        from google.genai import errors

        if isinstance(exc, errors.APIError):
            status = int(exc.code or 0)
            message = exc.message or str(exc.details or "")
            details = _details(exc.details)
            if status == 400 and (
                "API_KEY_INVALID" in str(details) or "api key not valid" in message.lower()
            ):
                status = 401  # Gemini answers a bad key with 400 INVALID_ARGUMENT
            headers = getattr(exc.response, "headers", None)
            error = self.status_error(status, message, headers=headers, code=exc.status)
            if error.retryable and error.retry_after is None:
                error.retry_after = _retry_delay(details)
            return error
        for module in _httpx_modules():
            if isinstance(exc, module.TimeoutException):
                return self.timeout_error()
            if isinstance(exc, module.TransportError):
                return self.connection_error(exc)
        return None


def _text(response: Any) -> str:
    """The answer's text parts, without thought summaries."""
    parts: list[str] = []
    for candidate in (response.candidates or [])[:1]:
        content = candidate.content
        for part in (content.parts if content is not None else None) or []:
            if part.text and not part.thought:
                parts.append(part.text)
    return "".join(parts)


def _enum_name(value: Any) -> str:
    return getattr(value, "name", None) or str(value)


def _details(details: Any) -> list[Any]:
    if isinstance(details, dict):
        error = details.get("error", details)
        found = error.get("details") if isinstance(error, dict) else None
        return found if isinstance(found, list) else []
    return []


def _retry_delay(details: list[Any]) -> float | None:
    for item in details:
        if isinstance(item, dict) and str(item.get("@type", "")).endswith("RetryInfo"):
            return parse_duration(item.get("retryDelay"))
    return None


def _httpx_modules() -> list[Any]:
    """google-genai sends with httpx2, or httpx when told to (GOOGLE_GENAI_HTTP_CLIENT)."""
    modules = []
    for name in ("httpx2", "httpx"):
        with contextlib.suppress(ImportError):
            modules.append(importlib.import_module(name))
    return modules
