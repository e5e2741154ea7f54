"""Google Gemini (Gemini Developer API) on the official `google-genai` SDK.

JSON: `response_mime_type: application/json`, with the schema as `response_json_schema` (plain
JSON Schema; the older `response_schema` takes only an OpenAPI subset). Streaming:
`streamGenerateContent?alt=sse`, usage on the last chunk. Thinking tokens count as completion
tokens (they are billed as output). The SDK's own retries stay off (no `retry_options`).
Conversations: function declarations (schemas cut down by `gemini_schema`), functionCall parts
back (Gemini gives no call ids, so they are made up per turn), results as functionResponse
parts `{"result": ...}`; thought signatures are kept on the message for replay. Automatic
function calling is off: the SDK never calls anything itself.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import json
from typing import Any

import httpx2

from aiconfig.providers.base import (
    Completion,
    Embeddings,
    OnText,
    Provider,
    ProviderError,
    ProviderSetupError,
    Request,
    Usage,
    parse_duration,
)
from aiconfig.providers.conversation import (
    Conversation,
    Tool,
    ToolCall,
    Turn,
    make_turn,
    object_schema,
    provider_data,
    result_value,
    tool_calls_of,
)

EMBED_BATCH = 100  # texts per batchEmbedContents request (the API's limit)
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

    def _prompt_contents(self, request: Request) -> Any:
        """The earlier turns (assistant ones as `model`), then the prompt with its images as
        inline parts (vision). Gemini reads only images it is given (or ones in Google's file
        store), so an image URL is refused."""
        if not request.images and not request.history:
            return request.prompt
        from google.genai import types

        earlier = [
            types.Content(
                role="model" if role == "assistant" else "user",
                parts=[types.Part.from_text(text=text)],
            )
            for role, text in request.history
        ]
        parts = [types.Part.from_text(text=request.prompt)]
        for image in request.images:
            if image.url:
                raise ProviderSetupError(
                    "Gemini does not fetch images from URLs; give the image as a file (a step "
                    "that downloads it outputs one), or choose OpenAI or Anthropic.",
                    code="bad_request",
                    provider=self.name,
                )
            parts.append(
                types.Part.from_bytes(data=base64.b64decode(image.data), mime_type=image.media_type)
            )
        return [*earlier, types.Content(role="user", parts=parts)]

    def _complete(self, request: Request, on_text: OnText | None) -> Completion:
        with self.http_client() as http:  # genai leaves a client it was handed open
            client = self._client(http)
            try:
                config = self._config(request)
                contents = self._prompt_contents(request)
                if on_text is None:
                    response = client.models.generate_content(
                        model=request.model, contents=contents, config=config
                    )
                    return self._completion([response], request.model)
                responses = []
                for chunk in client.models.generate_content_stream(
                    model=request.model, contents=contents, config=config
                ):
                    responses.append(chunk)
                    text = _text(chunk)
                    if text:
                        on_text(text)
                return self._completion(responses, request.model)
            finally:
                client.close()

    def _embed(self, texts: list[str], model: str, dimensions: int | None) -> Embeddings:
        """`batchEmbedContents`, at most 100 texts a request. The Gemini API reports no token
        count for embeddings, so their usage is 0 and their cost unknown."""
        from google.genai import types

        config = types.EmbedContentConfig(output_dimensionality=dimensions) if dimensions else None
        vectors: list[list[float]] = []
        with self.http_client() as http:
            client = self._client(http)
            try:
                for start in range(0, len(texts), EMBED_BATCH):
                    response = client.models.embed_content(
                        model=model, contents=texts[start : start + EMBED_BATCH], config=config
                    )
                    vectors.extend(
                        [float(x) for x in e.values or []] for e in response.embeddings or []
                    )
            finally:
                client.close()
        if len(vectors) != len(texts):
            raise ProviderError(
                f"{self.label} returned {len(vectors)} embeddings for {len(texts)} texts.",
                retryable=True,
                provider=self.name,
            )
        return Embeddings(vectors, model, Usage())

    def _completion(self, responses: list[Any], model: str) -> Completion:
        text = "".join(_text(r) for r in responses)
        finish: str | None = None
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

    # --- conversations with tools ----------------------------------------------------------------

    def _converse(self, conversation: Conversation, on_text: OnText | None) -> Turn:
        from google.genai import types

        config: dict[str, Any] = {
            # The SDK must never call Python functions itself: the agent runs the tools.
            "automatic_function_calling": types.AutomaticFunctionCallingConfig(disable=True)
        }
        if conversation.system:
            config["system_instruction"] = conversation.system
        if conversation.temperature is not None:
            config["temperature"] = conversation.temperature
        if conversation.max_tokens:
            config["max_output_tokens"] = conversation.max_tokens
        if conversation.tools:
            config["tools"] = [types.Tool(function_declarations=_declarations(conversation.tools))]
        contents = _contents(conversation.messages)
        with self.http_client() as http:
            client = self._client(http)
            try:
                generation = types.GenerateContentConfig(**config)
                ask = {"model": conversation.model, "contents": contents, "config": generation}
                if on_text is None:
                    responses = [client.models.generate_content(**ask)]
                else:
                    responses = []
                    for chunk in client.models.generate_content_stream(**ask):
                        responses.append(chunk)
                        text = _text(chunk)
                        if text:
                            on_text(text)
            finally:
                client.close()
        return self._turn(responses, conversation)

    def _turn(self, responses: list[Any], conversation: Conversation) -> Turn:
        # The closing fields (finish reason, usage, a blocked prompt) read as for one prompt.
        summary = self._completion(responses, conversation.model)
        calls: list[ToolCall] = []
        signatures: dict[str, str] = {}
        native_ids: list[str] = []
        text_signature = ""
        turn = conversation.turn_number
        for response in responses:
            for candidate in (response.candidates or [])[:1]:
                content = candidate.content
                for part in (content.parts if content is not None else None) or []:
                    call = part.function_call
                    if call is not None:
                        call_id = call.id or f"call_{turn}_{len(calls)}"
                        if call.id:
                            native_ids.append(call.id)
                        calls.append(ToolCall(call_id, call.name or "", dict(call.args or {})))
                        if part.thought_signature:
                            signatures[call_id] = _b64(part.thought_signature)
                    elif part.thought_signature and not part.thought:
                        text_signature = _b64(part.thought_signature)
        data: dict[str, Any] = {}
        if signatures:
            data["thought_signatures"] = signatures
        if text_signature:
            data["text_signature"] = text_signature
        if native_ids:
            data["call_ids"] = native_ids
        return make_turn(
            text=summary.text,
            tool_calls=calls,
            model=summary.model,
            finish_reason=summary.finish_reason,
            usage=summary.usage,
            provider_data={self.name: data} if data else None,
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


# --- conversations: requests ------------------------------------------------------------------

# What Gemini's function parameters (an OpenAPI 3.0 subset) take besides type, properties,
# items, anyOf and enum, which gemini_schema() rewrites.
PLAIN_KEYWORDS = (
    "description",
    "title",
    "nullable",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "minProperties",
    "maxProperties",
    "default",
    "example",
)
FORMATS = {
    "string": ("enum", "date-time"),
    "number": ("float", "double"),
    "integer": ("int32", "int64"),
}
# Google's documented signature for function calls Gemini did not write itself (a history
# from another provider): Gemini 3 refuses a step's first call without any signature.
FOREIGN_SIGNATURE = b"skip_thought_signature_validator"
MAX_SCHEMA_DEPTH = 32


def gemini_schema(
    schema: Any, defs: dict[str, Any] | None = None, depth: int = 0
) -> dict[str, Any]:
    """A JSON Schema as Gemini's function `parameters` take it: Gemini's OpenAPI subset
    refuses `additionalProperties`, `$schema`, `$id`, `$ref`/`$defs`, `const`, `oneOf`,
    `allOf`, `not`, `patternProperties`, exclusive bounds, type lists and most `format`s.
    So `$ref`s are inlined from `$defs`/`definitions` (to a depth of 32, so recursive schemas
    end), `const` becomes a one-value `enum`, `oneOf` becomes `anyOf`, `allOf` is merged,
    `null` in a type list becomes `nullable`, an `enum` of non-strings moves into the
    description (Gemini's enums are strings), and whatever else Gemini refuses is dropped:
    the model then sees a looser schema than the tool's, and the tool still validates."""
    if not isinstance(schema, dict) or depth > MAX_SCHEMA_DEPTH:
        return {}
    if defs is None:
        defs = {**(schema.get("definitions") or {}), **(schema.get("$defs") or {})}
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = defs.get(ref.rsplit("/", 1)[-1]) or {}
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return gemini_schema({**target, **rest}, defs, depth + 1)
    for combined in schema.get("allOf") or []:
        if isinstance(combined, dict):
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            merged = {**combined, **rest}
            return gemini_schema(merged, defs, depth + 1)
    out: dict[str, Any] = {k: schema[k] for k in PLAIN_KEYWORDS if k in schema}
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        if len(kinds) < len(kind):
            out["nullable"] = True
        kind = kinds[0] if len(kinds) == 1 else None
        if len(kinds) > 1:
            out["anyOf"] = [{"type": k} for k in kinds]
    if kind == "null":
        out["nullable"], kind = True, None
    if isinstance(kind, str):
        out["type"] = kind
        if schema.get("format") in FORMATS.get(kind, ()):
            out["format"] = schema["format"]
    choices = schema.get("enum")
    if "const" in schema:
        choices = [schema["const"]]
    if isinstance(choices, list):
        if all(isinstance(c, str) for c in choices):
            out["enum"] = choices
        else:
            listed = ", ".join(json.dumps(c) for c in choices)
            out["description"] = f"{out.get('description', '')} One of: {listed}.".strip()
    options = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(options, list):
        kept = []
        for option in options:
            if isinstance(option, dict) and option.get("type") == "null":
                out["nullable"] = True
            else:
                kept.append(gemini_schema(option, defs, depth + 1))
        if len(kept) == 1:
            out.update({k: v for k, v in kept[0].items() if k not in out})
        elif kept:
            out["anyOf"] = kept
    properties = schema.get("properties")
    if isinstance(properties, dict):
        out["properties"] = {
            name: gemini_schema(sub, defs, depth + 1) for name, sub in properties.items()
        }
        required = [r for r in schema.get("required") or () if r in properties]
        if required:
            out["required"] = required
    if isinstance(schema.get("items"), dict):
        out["items"] = gemini_schema(schema["items"], defs, depth + 1)
    return out


def _declarations(tools: tuple[Tool, ...]) -> list[Any]:
    from google.genai import types

    declarations = []
    for tool in tools:
        parameters = gemini_schema(object_schema(tool.parameters))
        declaration = types.FunctionDeclaration(name=tool.name, description=tool.description)
        if parameters.get("properties"):  # Gemini refuses an object without properties
            declaration.parameters = types.Schema.model_validate(parameters)
        declarations.append(declaration)
    return declarations


def _contents(messages: list[dict[str, Any]]) -> list[Any]:
    """Neutral messages as Gemini contents: assistant turns as `model` content with text and
    functionCall parts (their thought signatures replayed), tool results as functionResponse
    parts of one `user` content, consecutive contents of one role merged."""
    from google.genai import types

    contents: list[Any] = []
    calls: dict[str, str] = {}  # id -> name of the last assistant message's calls
    native: set[str] = set()  # ids Gemini itself gave: only those go back as ids
    for message in messages:
        role = message["role"]
        parts: list[Any] = []
        if role == "user" and message["content"]:
            parts.append(types.Part(text=message["content"]))
        elif role == "assistant":
            data = provider_data(message, "gemini")
            signatures = data.get("thought_signatures") or {}
            native = set(data.get("call_ids") or ())
            if message.get("content"):
                signature = data.get("text_signature")
                parts.append(
                    types.Part(
                        text=message["content"],
                        thought_signature=_unb64(signature) if signature else None,
                    )
                )
            found = tool_calls_of(message)
            calls = {c.id: c.name for c in found}
            foreign = bool(found) and not signatures
            for i, call in enumerate(found):
                signature = signatures.get(call.id)
                parts.append(
                    types.Part(
                        function_call=types.FunctionCall(
                            name=call.name,
                            args=call.arguments,
                            id=call.id if call.id in native else None,
                        ),
                        thought_signature=(
                            _unb64(signature)
                            if signature
                            else (FOREIGN_SIGNATURE if foreign and i == 0 else None)
                        ),
                    )
                )
        elif role == "tool":
            call_id = message["tool_call_id"]
            key = "error" if message.get("is_error") else "result"
            parts.append(
                types.Part(
                    function_response=types.FunctionResponse(
                        name=calls.get(call_id) or message.get("name") or "",
                        response={key: result_value(message["content"])},
                        id=call_id if call_id in native else None,
                    )
                )
            )
        if not parts:
            continue
        wire_role = "model" if role == "assistant" else "user"
        if contents and contents[-1].role == wire_role:
            contents[-1].parts.extend(parts)
        else:
            contents.append(types.Content(role=wire_role, parts=parts))
    return contents


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)


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
