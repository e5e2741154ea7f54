"""OpenAI chat completions on the official `openai` SDK; with `base_url`, any OpenAI-compatible
server (Ollama, vLLM, LM Studio, gateways).

JSON: `response_format` json_schema (strict when the schema allows it) or json_object.
Streaming: SSE chunks, usage in the last chunk (`stream_options.include_usage`).
Reasoning models (o-series, GPT-5 and later) get no temperature and take
`max_completion_tokens`; OpenAI-compatible servers get the classic `max_tokens`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiconfig.models_catalog import openai_is_reasoning
from aiconfig.providers.base import (
    Completion,
    OnText,
    Provider,
    ProviderError,
    Request,
    Usage,
    strict_compatible,
)

OPENAI_BASE_URL = "https://api.openai.com/v1"
FINISH = {"stop": "stop", "length": "length", "content_filter": "content_filter"}


class OpenAIProvider(Provider):
    name = "openai"
    label = "OpenAI"
    compatible = False

    def _client(self) -> Any:
        import openai

        return openai.OpenAI(
            api_key=self.api_key,
            base_url=self.base_url or OPENAI_BASE_URL,
            max_retries=0,  # the engine retries, with backoff and without holding a worker
            timeout=self.timeout,
            http_client=self.http_client(),
        )

    def _adjust(self, request: Request) -> tuple[Request, list[str]]:
        if (
            not self.compatible
            and request.temperature is not None
            and openai_is_reasoning(request.model)
        ):
            return replace(request, temperature=None), [
                f"{request.model} is a reasoning model and takes no temperature; it was sent "
                "without one."
            ]
        return request, []

    def _arguments(self, request: Request) -> dict[str, Any]:
        messages: list[dict[str, str]] = []
        system = request.system_with_json_hint
        if system:
            messages.append({"role": "system", "content": system})
        messages.append({"role": "user", "content": request.prompt})
        args: dict[str, Any] = {"model": request.model, "messages": messages}
        if request.temperature is not None:
            args["temperature"] = request.temperature
        if request.max_tokens:
            # OpenAI replaced max_tokens (refused by reasoning models) with max_completion_tokens;
            # compatible servers mostly still know only max_tokens.
            args["max_tokens" if self.compatible else "max_completion_tokens"] = request.max_tokens
        if request.json_output:
            if request.json_schema:
                args["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {
                        "name": "answer",
                        "schema": request.json_schema,
                        "strict": strict_compatible(request.json_schema),
                    },
                }
            else:
                args["response_format"] = {"type": "json_object"}
        return args

    def _complete(self, request: Request, on_text: OnText | None) -> Completion:
        client = self._client()
        try:
            args = self._arguments(request)
            if on_text is None:
                return self._whole(client.chat.completions.create(**args), request)
            return self._streamed(request, client, args, on_text)
        finally:
            client.close()

    def _whole(self, response: Any, request: Request) -> Completion:
        if not response.choices:
            raise ProviderError(
                f"{self.label} returned no answer.", retryable=True, provider=self.name
            )
        choice = response.choices[0]
        message = choice.message
        if getattr(message, "refusal", None) and not message.content:
            raise ProviderError(
                f"{self.label} declined to answer: {message.refusal}", provider=self.name
            )
        usage = response.usage
        return Completion(
            text=message.content or "",
            model=response.model or request.model,
            finish_reason=_finish(choice.finish_reason),
            usage=_usage(usage),
        )

    def _streamed(
        self, request: Request, client: Any, args: dict[str, Any], on_text: OnText
    ) -> Completion:
        parts: list[str] = []
        finish: str | None = None
        model = request.model
        usage: Any = None
        refusal: list[str] = []
        stream = client.chat.completions.create(
            **args, stream=True, stream_options={"include_usage": True}
        )
        with stream:
            for chunk in stream:
                model = chunk.model or model
                if chunk.usage is not None:
                    usage = chunk.usage
                for choice in chunk.choices:
                    delta = choice.delta
                    if delta is not None and delta.content:
                        parts.append(delta.content)
                        on_text(delta.content)
                    if delta is not None and getattr(delta, "refusal", None):
                        refusal.append(delta.refusal)
                    if choice.finish_reason:
                        finish = choice.finish_reason
        if refusal and not parts:
            raise ProviderError(
                f"{self.label} declined to answer: {''.join(refusal)}", provider=self.name
            )
        return Completion(
            text="".join(parts), model=model, finish_reason=_finish(finish), usage=_usage(usage)
        )

    def _map_error(self, exc: Exception) -> ProviderError | None:
        import openai

        if isinstance(exc, openai.APIStatusError):
            body = exc.body if isinstance(exc.body, dict) else {}
            error = body.get("error") if isinstance(body.get("error"), dict) else body
            message = (error or {}).get("message") or exc.message
            return self.status_error(
                exc.status_code,
                message,
                headers=exc.response.headers,
                code=getattr(exc, "code", None),
            )
        if isinstance(exc, openai.APITimeoutError):
            return self.timeout_error()
        if isinstance(exc, openai.APIConnectionError):
            return self.connection_error(exc.__cause__ or exc)
        if isinstance(exc, openai.APIResponseValidationError | openai.APIError):
            return ProviderError(
                f"{self.label} sent an answer that could not be read: {self.scrub(str(exc))}",
                retryable=True,
                provider=self.name,
            )
        return None


class OpenAICompatibleProvider(OpenAIProvider):
    """The OpenAI adapter pointed at another server's `/chat/completions`."""

    name = "openai_compatible"
    label = "OpenAI-compatible server"
    compatible = True


def _finish(reason: str | None) -> str | None:
    if reason is None:
        return None
    return FINISH.get(reason, reason)


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    return Usage.of(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens)
