"""OpenAI chat completions on the official `openai` SDK; with `base_url`, any OpenAI-compatible
server (Ollama, vLLM, LM Studio, gateways).

JSON: `response_format` json_schema (strict when the schema allows it) or json_object.
Streaming: SSE chunks, usage in the last chunk (`stream_options.include_usage`).
Conversations: `tools` of type function; a call's arguments arrive as JSON text (in pieces when
streamed) and are parsed here; results go back as `role: tool` messages with `tool_call_id`.
Reasoning models (o-series, GPT-5 and later) get no temperature and take
`max_completion_tokens`; OpenAI-compatible servers get the classic `max_tokens`.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from aiconfig.models_catalog import openai_is_reasoning
from aiconfig.providers.base import (
    Asked,
    AudioRequest,
    Completion,
    Embeddings,
    Image,
    ImageRequest,
    Images,
    OnText,
    Provider,
    ProviderError,
    Request,
    Speech,
    SpeechRequest,
    Transcript,
    Usage,
    strict_compatible,
)
from aiconfig.providers.conversation import (
    Conversation,
    ToolCall,
    Turn,
    make_turn,
    object_schema,
    parse_arguments,
    tool_calls_of,
)

OPENAI_BASE_URL = "https://api.openai.com/v1"
EMBED_BATCH = 256  # texts per embeddings request (OpenAI accepts up to 2,048)
FINISH = {
    "stop": "stop",
    "length": "length",
    "content_filter": "content_filter",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
}


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

    def _adjust(self, request: Asked) -> tuple[Asked, list[str]]:
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
        messages: list[dict[str, Any]] = []
        system = request.system_with_json_hint
        if system:
            messages.append({"role": "system", "content": system})
        messages.extend({"role": role, "content": text} for role, text in request.history)
        content: Any = request.prompt
        if request.images:  # vision: the text, then each image (a URL or a data: URL)
            content = [{"type": "text", "text": request.prompt}] + [
                {"type": "image_url", "image_url": _image_url(image)} for image in request.images
            ]
        messages.append({"role": "user", "content": content})
        args = self._sampling(request, messages)
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

    def _sampling(self, asked: Request | Conversation, messages: list[Any]) -> dict[str, Any]:
        args: dict[str, Any] = {"model": asked.model, "messages": messages}
        if asked.temperature is not None:
            args["temperature"] = asked.temperature
        if asked.max_tokens:
            # OpenAI replaced max_tokens (refused by reasoning models) with max_completion_tokens;
            # compatible servers mostly still know only max_tokens.
            args["max_tokens" if self.compatible else "max_completion_tokens"] = asked.max_tokens
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

    def _first_choice(self, response: Any) -> Any:
        """The answer's first choice; ProviderError when there is none or it is a refusal."""
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
        return choice

    def _whole(self, response: Any, request: Request) -> Completion:
        choice = self._first_choice(response)
        message = choice.message
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

    # --- conversations with tools ----------------------------------------------------------------

    def _converse(self, conversation: Conversation, on_text: OnText | None) -> Turn:
        client = self._client()
        try:
            args = self._sampling(conversation, self._messages(conversation))
            if conversation.tools:
                args["tools"] = [
                    {
                        "type": "function",
                        "function": {
                            "name": tool.name,
                            "description": tool.description,
                            "parameters": object_schema(tool.parameters),
                        },
                    }
                    for tool in conversation.tools
                ]
            if on_text is None:
                response = client.chat.completions.create(**args)
                return self._whole_turn(response, conversation)
            return self._streamed_turn(conversation, client, args, on_text)
        finally:
            client.close()

    def _messages(self, conversation: Conversation) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        if conversation.system:
            messages.append({"role": "system", "content": conversation.system})
        for message in conversation.messages:
            role = message["role"]
            if role == "user":
                messages.append({"role": "user", "content": message["content"]})
            elif role == "tool":
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": message["tool_call_id"],
                        "content": message["content"],
                    }
                )
            else:
                calls = tool_calls_of(message)
                sent: dict[str, Any] = {"role": "assistant", "content": message.get("content")}
                if calls:
                    sent["content"] = sent["content"] or None
                    sent["tool_calls"] = [
                        {
                            "id": call.id,
                            "type": "function",
                            "function": {
                                "name": call.name,
                                "arguments": self._arguments_text(call),
                            },
                        }
                        for call in calls
                    ]
                else:
                    sent["content"] = sent["content"] or ""
                messages.append(sent)
        return messages

    def _arguments_text(self, call: ToolCall) -> str:
        # OpenAI keeps whatever text the model wrote, so it sees its own mistake again;
        # compatible servers (vLLM, say) parse the arguments of past calls and would fail.
        if call.invalid_arguments is not None and not self.compatible:
            return call.invalid_arguments
        return json.dumps(call.arguments)

    def _whole_turn(self, response: Any, conversation: Conversation) -> Turn:
        choice = self._first_choice(response)
        message = choice.message
        raw = [
            (call.id, call.function.name, call.function.arguments)
            for call in message.tool_calls or []
            if getattr(call, "function", None) is not None
        ]
        return make_turn(
            text=message.content or "",
            tool_calls=_tool_calls(raw, conversation.turn_number),
            model=response.model or conversation.model,
            finish_reason=_finish(choice.finish_reason),
            usage=_usage(response.usage),
        )

    def _streamed_turn(
        self, conversation: Conversation, client: Any, args: dict[str, Any], on_text: OnText
    ) -> Turn:
        parts: list[str] = []
        refusal: list[str] = []
        # index -> [id, name, argument pieces]: a call arrives in pieces, id and name first.
        calls: dict[int, list[Any]] = {}
        finish: str | None = None
        model = conversation.model
        usage: Any = None
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
                    if delta is not None:
                        if delta.content:
                            parts.append(delta.content)
                            on_text(delta.content)
                        if getattr(delta, "refusal", None):
                            refusal.append(delta.refusal)
                        for piece in delta.tool_calls or []:
                            call = calls.setdefault(piece.index, ["", "", []])
                            call[0] = piece.id or call[0]
                            function = piece.function
                            if function is not None:
                                call[1] = function.name or call[1]
                                call[2].append(function.arguments or "")
                    if choice.finish_reason:
                        finish = choice.finish_reason
        if refusal and not parts:
            raise ProviderError(
                f"{self.label} declined to answer: {''.join(refusal)}", provider=self.name
            )
        raw = [(c[0], c[1], "".join(c[2])) for _, c in sorted(calls.items())]
        return make_turn(
            text="".join(parts),
            tool_calls=_tool_calls(raw, conversation.turn_number),
            model=model,
            finish_reason=_finish(finish),
            usage=_usage(usage),
        )

    def _embed(self, texts: list[str], model: str, dimensions: int | None) -> Embeddings:
        client = self._client()
        vectors: list[list[float]] = []
        usage = Usage()
        answered = model
        try:
            for start in range(0, len(texts), EMBED_BATCH):
                extra = {"dimensions": dimensions} if dimensions else {}
                response = client.embeddings.create(
                    model=model,
                    input=texts[start : start + EMBED_BATCH],
                    encoding_format="float",
                    **extra,
                )
                ordered = sorted(response.data, key=lambda item: item.index)
                vectors.extend([float(x) for x in item.embedding] for item in ordered)
                prompt = response.usage.prompt_tokens if response.usage else 0
                usage = Usage.of(usage.prompt_tokens + prompt, 0)
                answered = response.model or model
        finally:
            client.close()
        if len(vectors) != len(texts):
            raise ProviderError(
                f"{self.label} returned {len(vectors)} embeddings for {len(texts)} texts.",
                retryable=True,
                provider=self.name,
            )
        return Embeddings(vectors, answered, usage)

    # --- images and audio ----------------------------------------------------------------------

    def _generate_images(self, request: ImageRequest) -> Images:
        import base64

        client = self._client()
        args: dict[str, Any] = {"model": request.model, "prompt": request.prompt, "n": request.n}
        for name in ("size", "quality", "style"):
            if getattr(request, name):
                args[name] = getattr(request, name)
        if not request.model.startswith("gpt-image"):
            # DALL-E answers with a link that expires after an hour unless asked for the bytes;
            # gpt-image models always answer with the bytes and refuse the parameter.
            args["response_format"] = "url" if request.urls else "b64_json"
        try:
            response = client.images.generate(**args)
        finally:
            client.close()
        images = []
        for item in response.data or []:
            if not item.b64_json and not (request.urls and item.url):
                raise ProviderError(
                    f"{self.label} returned an image without its content.",
                    retryable=True,
                    provider=self.name,
                )
            images.append(
                {
                    "data": base64.b64decode(item.b64_json) if item.b64_json else b"",
                    "url": item.url or "",
                    "revised_prompt": item.revised_prompt or "",
                }
            )
        usage = getattr(response, "usage", None)
        spent = Usage.of(usage.input_tokens, usage.output_tokens) if usage else Usage()
        return Images(images, request.model, spent)

    def _transcribe(self, request: AudioRequest) -> Transcript:
        client = self._client()
        # whisper-1 tells the audio's length (what it is priced by) only in verbose_json;
        # gpt-4o transcription models answer json with their token usage.
        verbose = request.model.startswith("whisper")
        args: dict[str, Any] = {
            "model": request.model,
            "file": (request.filename, request.data, request.content_type),
            "response_format": "verbose_json" if verbose else "json",
        }
        if request.prompt:
            args["prompt"] = request.prompt
        if request.temperature is not None:
            args["temperature"] = request.temperature
        try:
            if request.translate:
                # The SDK marks the endpoint deprecated (no newer model translates); OpenAI
                # still serves it with whisper-1, and n8n's "Translate a Recording" uses it.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    response = client.audio.translations.create(**args)
            else:
                if request.language:
                    args["language"] = request.language
                response = client.audio.transcriptions.create(**args)
        finally:
            client.close()
        seconds = getattr(response, "duration", None)
        usage = getattr(response, "usage", None)
        spent = Usage()
        if usage is not None and getattr(usage, "type", "") == "tokens":
            spent = Usage.of(usage.input_tokens, usage.output_tokens, usage.total_tokens)
        elif usage is not None and getattr(usage, "type", "") == "duration":
            seconds = seconds or usage.seconds
        return Transcript(
            text=response.text or "",
            model=request.model,
            usage=spent,
            seconds=float(seconds) if seconds is not None else None,
        )

    def _speak(self, request: SpeechRequest) -> Speech:
        client = self._client()
        args: dict[str, Any] = {
            "model": request.model,
            "input": request.text,
            "voice": request.voice,
            "response_format": request.format,
        }
        if request.speed is not None:
            args["speed"] = request.speed
        if request.instructions:
            args["instructions"] = request.instructions
        try:
            response = client.audio.speech.create(**args)
            data = response.read()
        finally:
            client.close()
        return Speech(data, request.model)

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


def _image_url(image: Image) -> dict[str, str]:
    sent = {"url": image.data_url}
    if image.detail and image.detail != "auto":
        sent["detail"] = image.detail
    return sent


def _tool_calls(raw: Sequence[tuple[str | None, str, str | None]], turn: int) -> list[ToolCall]:
    """(id, name, JSON text) as ToolCalls; a server that gives no id gets a made-up one."""
    calls = []
    for i, (call_id, name, text) in enumerate(raw):
        arguments, invalid = parse_arguments(text)
        calls.append(ToolCall(call_id or f"call_{turn}_{i}", name, arguments, invalid))
    return calls


def _finish(reason: str | None) -> str | None:
    if reason is None:
        return None
    return FINISH.get(reason, reason)


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    return Usage.of(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens)
