"""Anthropic messages on the official `anthropic` SDK.

JSON: a forced tool (`tool_choice: {type: tool}`) whose `input_schema` is the schema (wrapped
in an object when the schema is not one), so the answer arrives as data. Claude 5 models think
by default and thinking cannot be combined with a forced tool, so they get structured outputs
(`output_config.format`) instead. Streaming: the SDK's message stream; text deltas (or, for
JSON, the tool input as it is written) go to `on_text`.
Conversations: `tools` with `input_schema`; `tool_use` blocks come back, results go in
`tool_result` blocks of the next user message; thinking blocks are kept for replay.
`max_tokens` is required by the API (default 8192); temperature is capped at 1 and left out for
models that refuse sampling parameters (Opus 4.7 and later).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from aiconfig.models_catalog import (
    ANTHROPIC_DEFAULT_MAX_TOKENS,
    ANTHROPIC_MAX_TEMPERATURE,
    anthropic_json_by_output_format,
    anthropic_rejects_sampling,
)
from aiconfig.providers.base import (
    Asked,
    Completion,
    Image,
    OnText,
    Provider,
    ProviderError,
    ProviderSetupError,
    Request,
    Usage,
)
from aiconfig.providers.conversation import (
    Conversation,
    ToolCall,
    Turn,
    make_turn,
    object_schema,
    provider_data,
    tool_calls_of,
)

ANTHROPIC_BASE_URL = "https://api.anthropic.com"
TOOL = "answer"
WRAPPED = "value"
FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "tool_use": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "content_filter",
}
# In a conversation, a tool_use stop means the model waits for tool results.
TURN_FINISH = {**FINISH, "tool_use": "tool_calls"}
BLOCK_ID = re.compile(r"[^A-Za-z0-9_-]")


class AnthropicProvider(Provider):
    name = "anthropic"
    label = "Anthropic"

    def _client(self) -> Any:
        import anthropic

        return anthropic.Anthropic(
            api_key=self.api_key,
            base_url=self.base_url or ANTHROPIC_BASE_URL,
            max_retries=0,  # the engine retries
            timeout=self.timeout,
            http_client=self.http_client(),
        )

    def _adjust(self, request: Asked) -> tuple[Asked, list[str]]:
        if request.temperature is None:
            return request, []
        if anthropic_rejects_sampling(request.model):
            return replace(request, temperature=None), [
                f"{request.model} takes no temperature; it was sent without one."
            ]
        if request.temperature > ANTHROPIC_MAX_TEMPERATURE:
            return replace(request, temperature=ANTHROPIC_MAX_TEMPERATURE), [
                f"Anthropic's temperature goes from 0 to 1; {request.temperature:g} was sent as 1."
            ]
        return request, []

    def _arguments(self, request: Request) -> tuple[dict[str, Any], bool]:
        """The messages.create arguments, and whether the schema was wrapped in an object."""
        content: Any = request.prompt
        if request.images:  # vision: image blocks first, as Anthropic recommends
            content = [_image_block(image) for image in request.images] + [
                {"type": "text", "text": request.prompt}
            ]
        messages = _with_history(request, content)
        args = _sampling(request, request.system_with_json_hint, messages)
        wrapped = False
        if request.json_output:
            schema = request.json_schema
            if anthropic_json_by_output_format(request.model):
                if schema:
                    args["output_config"] = {"format": {"type": "json_schema", "schema": schema}}
            else:
                input_schema: dict[str, Any] = schema or {"type": "object"}
                if not _is_object_schema(input_schema):
                    wrapped = True
                    input_schema = {
                        "type": "object",
                        "properties": {WRAPPED: input_schema},
                        "required": [WRAPPED],
                    }
                args["tools"] = [
                    {
                        "name": TOOL,
                        "description": "Give the answer as JSON that matches the input schema.",
                        "input_schema": input_schema,
                    }
                ]
                args["tool_choice"] = {"type": "tool", "name": TOOL}
        return args, wrapped

    def _complete(self, request: Request, on_text: OnText | None) -> Completion:
        client = self._client()
        try:
            args, wrapped = self._arguments(request)
            if on_text is None:
                message = client.messages.create(**args)
            else:
                with client.messages.stream(**args) as stream:
                    for event in stream:
                        if event.type == "text" and event.text:
                            on_text(event.text)
                        elif event.type == "input_json" and event.partial_json:
                            on_text(event.partial_json)
                    message = stream.get_final_message()
            return self._completion(message, request, wrapped)
        finally:
            client.close()

    def _completion(self, message: Any, request: Request, wrapped: bool) -> Completion:
        texts: list[str] = []
        structured: Any = None
        has_structured = False
        for block in message.content or []:
            if block.type == "text":
                texts.append(block.text)
            elif block.type == "tool_use" and block.name == TOOL:
                structured, has_structured = block.input, True
                if wrapped and isinstance(structured, dict):
                    structured = structured.get(WRAPPED)
        completion = Completion(
            text="".join(texts) if texts or not has_structured else json.dumps(structured),
            model=message.model or request.model,
            finish_reason=FINISH.get(message.stop_reason or "", message.stop_reason),
            usage=_usage(message.usage),
        )
        if has_structured:
            completion.structured = structured
        return completion

    # --- conversations with tools ----------------------------------------------------------------

    def _converse(self, conversation: Conversation, on_text: OnText | None) -> Turn:
        args = _sampling(conversation, conversation.system, _messages(conversation.messages))
        if conversation.tools:
            args["tools"] = [
                {
                    "name": tool.name,
                    "description": tool.description,
                    "input_schema": object_schema(tool.parameters),
                }
                for tool in conversation.tools
            ]
        client = self._client()
        try:
            if on_text is None:
                message = client.messages.create(**args)
            else:
                with client.messages.stream(**args) as stream:
                    for event in stream:
                        if event.type == "text" and event.text:
                            on_text(event.text)
                    message = stream.get_final_message()
        finally:
            client.close()
        return self._turn(message, conversation)

    def _turn(self, message: Any, conversation: Conversation) -> Turn:
        texts: list[str] = []
        calls: list[ToolCall] = []
        thinking: list[dict[str, Any]] = []
        for block in message.content or []:
            if block.type == "text":
                texts.append(block.text)
            elif block.type == "tool_use":
                arguments = block.input if isinstance(block.input, dict) else {}
                calls.append(ToolCall(block.id, block.name, arguments))
            elif block.type in ("thinking", "redacted_thinking"):
                # Claude wants its thinking back, signature and all, when tool results follow.
                thinking.append(block.model_dump(mode="json", exclude_none=True))
        return make_turn(
            text="".join(texts),
            tool_calls=calls,
            model=message.model or conversation.model,
            finish_reason=TURN_FINISH.get(message.stop_reason or "", message.stop_reason),
            usage=_usage(message.usage),
            provider_data={self.name: {"thinking": thinking}} if thinking else None,
        )

    def _map_error(self, exc: Exception) -> ProviderError | None:
        import anthropic

        if isinstance(exc, anthropic.APIStatusError):
            return self.status_error(
                exc.status_code,
                exc.api_message or exc.message,
                headers=exc.response.headers,
                code=exc.type,
            )
        if isinstance(exc, anthropic.APITimeoutError):
            return self.timeout_error()
        if isinstance(exc, anthropic.APIConnectionError):
            return self.connection_error(exc.__cause__ or exc)
        if isinstance(exc, anthropic.APIError):
            # e.g. an `error` event in the middle of a stream ("overloaded_error")
            retryable = "overloaded" in str(exc).lower() or "rate" in str(exc).lower()
            return ProviderError(
                f"{self.label}: {self.scrub(str(exc))}", retryable=retryable, provider=self.name
            )
        return None


def _sampling(asked: Request | Conversation, system: str, messages: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "model": asked.model,
        "max_tokens": asked.max_tokens or ANTHROPIC_DEFAULT_MAX_TOKENS,
        "messages": messages,
    }
    if system:
        args["system"] = system
    if asked.temperature is not None:
        # The SDK no longer has a `temperature` argument (current models refuse sampling
        # parameters); older models still take it in the body.
        args["extra_body"] = {"temperature": asked.temperature}
    return args


def _usage(usage: Any) -> Usage:
    prompt = (
        (usage.input_tokens or 0)
        + (getattr(usage, "cache_creation_input_tokens", None) or 0)
        + (getattr(usage, "cache_read_input_tokens", None) or 0)
    )
    return Usage.of(prompt, usage.output_tokens)


def _messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Neutral messages as Anthropic's: content blocks, tool results in user messages, and
    consecutive messages of one role merged (the API wants user and assistant to alternate).
    Empty text is left out: the API refuses empty text blocks."""
    out: list[dict[str, Any]] = []
    for message in messages:
        role = message["role"]
        blocks: list[dict[str, Any]] = []
        if role == "assistant":
            blocks += provider_data(message, "anthropic").get("thinking") or []
        if role != "tool" and message.get("content"):
            blocks.append({"type": "text", "text": message["content"]})
        if role == "assistant":
            blocks += [
                {"type": "tool_use", "id": _block_id(c.id), "name": c.name, "input": c.arguments}
                for c in tool_calls_of(message)
            ]
        if role == "tool":
            result: dict[str, Any] = {
                "type": "tool_result",
                "tool_use_id": _block_id(message["tool_call_id"]),
                "content": message["content"],
            }
            if message.get("is_error"):
                result["is_error"] = True
            blocks.append(result)
        wire_role = "assistant" if role == "assistant" else "user"
        if not blocks:
            continue
        if out and out[-1]["role"] == wire_role:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": wire_role, "content": blocks})
    return out


def _with_history(request: Request, content: Any) -> list[dict[str, Any]]:
    """The earlier turns, then the prompt's user message; one role following itself is merged
    (the API wants user and assistant to alternate, starting with the user)."""
    messages = _messages([{"role": role, "content": text} for role, text in request.history])
    if messages and messages[0]["role"] == "assistant":
        raise ProviderSetupError(
            "messages: Anthropic's conversations start with a user message; put one before "
            "the first assistant message.",
            code="bad_request",
            provider="anthropic",
        )
    if messages and messages[-1]["role"] == "user":
        blocks = content if isinstance(content, list) else [{"type": "text", "text": content}]
        messages[-1]["content"].extend(blocks)
    else:
        messages.append({"role": "user", "content": content})
    return messages


def _block_id(call_id: str) -> str:
    """A call id as Anthropic accepts it (letters, digits, '_', '-'): ids written by another
    provider may hold other characters."""
    return BLOCK_ID.sub("_", call_id)


def _is_object_schema(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "object" or (kind is None and "properties" in schema)


def _image_block(image: Image) -> dict[str, Any]:
    if image.url:
        return {"type": "image", "source": {"type": "url", "url": image.url}}
    return {
        "type": "image",
        "source": {"type": "base64", "media_type": image.media_type, "data": image.data},
    }
