"""The one small interface every AI provider adapter implements, and what they share.

A `Provider` generates text (`generate`), streams it (`stream`, calling `on_text` per chunk),
generates JSON that matches a JSON Schema (`generate_json`) and takes one turn of a conversation
with tools (`converse`, see conversation.py). Adapters implement `_complete(request, on_text)`
and `_converse(conversation, on_text)` on their official SDK, and `_map_error` to turn the SDK's
exceptions into a `ProviderError`: a `NodeError` whose `retryable` tells the engine whether its
retry policy applies (rate limits, overload, timeouts, lost connections) or not (a rejected
key, a bad request), with a message a user can act on. SDK retries are switched off: retries
belong to the engine, which backs off without holding a worker. The SDKs send through
`http_client()`, whose every connection passes the private-network guard
(`workfuse/lib/netguard.py`); a refused connection is a ProviderSetupError, never retried.

The API key never appears in a message: adapters build their own text for authentication
errors (providers echo part of the key they refused), and everything else passes `scrub()`.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, TypeVar

import httpx2

from aiconfig.providers.conversation import Conversation, Turn, conversation_problem
from aiconfig.providers.usage import Usage
from workfuse.lib import netguard, redaction, retry_after
from workfuse.lib.node_run import NodeError

OnText = Callable[[str], None]
MESSAGE_SNIPPET = 500
# What a provider key looks like when a message quotes part of it ("sk-abc...wxyz", "AIza…").
KEY_LIKE = re.compile(r"\b(?:sk-[-_A-Za-z0-9*.…]{6,}|AIza[-_A-Za-z0-9*.…]{10,})")
JSON_INSTRUCTION = "Answer with JSON only: a single JSON value, no prose and no code fences."


class ProviderError(NodeError):
    """A provider call failed. `status` is the HTTP status when there was one."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
        provider: str = "",
        detail: dict[str, Any] | None = None,
    ):
        detail = dict(detail or {})
        if status is not None:
            detail.setdefault("status", status)
        if provider:
            detail.setdefault("provider", provider)
        super().__init__(message, retryable=retryable, retry_after=retry_after, detail=detail)
        self.status = status
        self.provider = provider


class ProviderSetupError(ProviderError):
    """The call cannot be made as asked, so nothing was sent: no key, a missing or unusable
    base_url, an unknown provider, a key inside the prompt. `code` names it for the API
    (`ai_not_configured`: the server or the user's credentials lack something;
    `bad_request`: the request itself must change)."""

    def __init__(self, message: str, *, code: str = "ai_not_configured", provider: str = ""):
        super().__init__(message, provider=provider)
        self.code = code


@dataclass(frozen=True)
class Image:
    """An image sent with a prompt (vision): a public URL, or the bytes (base64) of a file."""

    url: str = ""
    media_type: str = ""
    data: str = ""  # base64
    detail: str = ""  # OpenAI: auto, low or high

    @property
    def data_url(self) -> str:
        return self.url or f"data:{self.media_type};base64,{self.data}"


@dataclass(frozen=True)
class Request:
    """What to ask. `json_output`/`json_schema` are set by `generate_json`; `images` go with
    the prompt in its user message. `history` holds earlier turns, `(role, text)` with role
    `user` or `assistant`, sent in order before the prompt (an example answer, say)."""

    model: str
    prompt: str
    system: str = ""
    temperature: float | None = None
    max_tokens: int | None = None
    json_output: bool = False
    json_schema: dict[str, Any] | None = None
    images: tuple[Image, ...] = ()
    history: tuple[tuple[str, str], ...] = ()

    @property
    def system_with_json_hint(self) -> str:
        """The system prompt, told to answer in JSON when JSON is wanted (OpenAI's json_object
        mode even requires the word)."""
        if not self.json_output:
            return self.system
        return f"{self.system}\n\n{JSON_INSTRUCTION}".strip()


@dataclass(frozen=True)
class ImageRequest:
    """Images to make from a prompt (OpenAI's images API)."""

    model: str
    prompt: str
    n: int = 1
    size: str = ""
    quality: str = ""
    style: str = ""
    urls: bool = False  # answer with links (DALL-E) instead of the images' bytes


@dataclass
class Images:
    """Generated images: each `{data: bytes, url, revised_prompt}`; usage in tokens when the
    model reports it (gpt-image-1), else zero."""

    images: list[dict[str, Any]]
    model: str
    usage: Usage


@dataclass(frozen=True)
class AudioRequest:
    """Speech to text: `translate` writes English whatever the spoken language."""

    model: str
    filename: str
    content_type: str
    data: bytes
    translate: bool = False
    language: str = ""
    prompt: str = ""
    temperature: float | None = None


@dataclass
class Transcript:
    text: str
    model: str
    usage: Usage
    seconds: float | None = None  # the audio's length, when the provider says


@dataclass(frozen=True)
class SpeechRequest:
    model: str
    text: str
    voice: str
    format: str = "mp3"
    speed: float | None = None
    instructions: str = ""


@dataclass
class Speech:
    data: bytes
    model: str


_NO_VALUE: Any = object()


# What a call asks (a one-prompt Request or a Conversation) and what it gets back.
Asked = TypeVar("Asked", Request, Conversation)
Answer = TypeVar("Answer")


@dataclass
class Completion:
    """A provider's answer. `structured` holds a JSON value the provider returned as data (an
    Anthropic tool input) rather than as text; `json` is set by `generate_json`."""

    text: str
    model: str
    finish_reason: str | None
    usage: Usage
    structured: Any = _NO_VALUE
    json: Any = None
    warnings: list[str] = field(default_factory=list)

    @property
    def has_structured(self) -> bool:
        return self.structured is not _NO_VALUE


@dataclass
class Embeddings:
    """A provider's vectors for a list of texts, in the texts' order."""

    vectors: list[list[float]]
    model: str
    usage: Usage


class Provider(ABC):
    name: ClassVar[str]
    label: ClassVar[str]

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        timeout: float = 300.0,
        key_source: str = "",
        user_base_url: bool = False,
    ):
        self.api_key = api_key
        self.base_url = base_url or None
        self.timeout = timeout
        # "credential", or "env:OPENAI_API_KEY": where the key came from, for error messages.
        self.key_source = key_source
        # base_url came from a user (a node's field), not from the server's settings.
        self.user_base_url = user_base_url
        self.current_model = ""

    def __repr__(self) -> str:  # never the key
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # --- the interface ----------------------------------------------------------------------

    def generate(self, request: Request) -> Completion:
        return self._run(replace(request, json_output=False, json_schema=None), None)

    def stream(self, request: Request, on_text: OnText) -> Completion:
        return self._run(replace(request, json_output=False, json_schema=None), on_text)

    def generate_json(
        self,
        request: Request,
        schema: dict[str, Any] | None = None,
        *,
        on_text: OnText | None = None,
    ) -> Completion:
        """JSON through the provider's structured-output mechanism; parsed, and validated
        against `schema` when there is one. A non-matching answer is a non-retryable error."""
        completion = self._run(replace(request, json_output=True, json_schema=schema), on_text)
        completion.json = parse_json_answer(completion, schema, self.label)
        return completion

    def converse(self, conversation: Conversation, on_text: OnText | None = None) -> Turn:
        """One model turn of `conversation`, on the provider's native tool calling. With
        `on_text`, the answer streams: text deltas go to `on_text` as they arrive. A malformed
        conversation (a tool schema, a message, an unanswered call) is refused before anything
        is sent, naming the field."""
        problem = conversation_problem(conversation) or _tool_schema_problem(conversation)
        if problem:
            raise ProviderSetupError(problem, code="bad_request", provider=self.name)
        turn, warnings = self._attempt(conversation, lambda c: self._converse(c, on_text))
        turn.warnings = warnings + turn.warnings
        return turn

    def embed(self, texts: list[str], model: str, dimensions: int | None = None) -> Embeddings:
        """One vector per text (in order; `dimensions` asks for shorter vectors where the model
        can make them), through the same error mapping as every call. Providers without an
        embeddings API refuse with a ProviderSetupError."""
        if not texts:
            return Embeddings([], model, Usage())
        return self._call(model, lambda: self._embed(texts, model, dimensions))

    def generate_images(self, request: ImageRequest) -> Images:
        """Images for a prompt, through the same error mapping as every call."""
        return self._call(request.model, lambda: self._generate_images(request))

    def transcribe(self, request: AudioRequest) -> Transcript:
        """The text spoken in an audio file (or its English translation)."""
        return self._call(request.model, lambda: self._transcribe(request))

    def speak(self, request: SpeechRequest) -> Speech:
        """Text read aloud, as audio bytes in `request.format`."""
        return self._call(request.model, lambda: self._speak(request))

    # --- for adapters -----------------------------------------------------------------------

    def _unsupported(self, what: str) -> ProviderSetupError:
        return ProviderSetupError(
            f"{self.label} has no {what} API WorkFuse can use; choose OpenAI for {what}.",
            code="bad_request",
            provider=self.name,
        )

    def _generate_images(self, request: ImageRequest) -> Images:
        raise self._unsupported("image generation")

    def _transcribe(self, request: AudioRequest) -> Transcript:
        raise self._unsupported("transcription")

    def _speak(self, request: SpeechRequest) -> Speech:
        raise self._unsupported("text-to-speech")

    def _embed(self, texts: list[str], model: str, dimensions: int | None) -> Embeddings:
        raise ProviderSetupError(
            f"{self.label} has no embeddings API WorkFuse can use; choose OpenAI, an "
            "OpenAI-compatible server or Gemini for embeddings.",
            code="bad_request",
            provider=self.name,
        )

    def http_client(self) -> httpx2.Client:
        """The HTTP client the SDK sends with: every connection, redirects included, passes
        the private-network guard. Only the server's own base_url (its operator's choice,
        a gateway, say) may be on a private network without WORKFUSE_HTTP_ALLOW_PRIVATE."""
        trusted = [self.base_url] if self.base_url and not self.user_base_url else []
        return netguard.httpx2_client(trusted)

    @abstractmethod
    def _complete(self, request: Request, on_text: OnText | None) -> Completion: ...

    @abstractmethod
    def _converse(self, conversation: Conversation, on_text: OnText | None) -> Turn:
        """One model turn on the provider's native tool calling; text deltas go to `on_text`
        as they arrive while tool calls are assembled."""

    @abstractmethod
    def _map_error(self, exc: Exception) -> ProviderError | None:
        """The SDK exception as a ProviderError, or None for exceptions that are bugs."""

    def _adjust(self, asked: Asked) -> tuple[Asked, list[str]]:
        """Model-specific changes (unsupported parameters) and the warnings they bring."""
        return asked, []

    def _run(self, request: Request, on_text: OnText | None) -> Completion:
        completion, warnings = self._attempt(request, lambda r: self._complete(r, on_text))
        completion.warnings = warnings + completion.warnings
        return completion

    def _attempt(self, asked: Asked, send: Callable[[Asked], Answer]) -> tuple[Answer, list[str]]:
        """`send(asked)` after `_adjust`, through the error mapping; the answer and warnings."""
        asked, warnings = self._adjust(asked)
        try:
            answer = self._call(asked.model, lambda: send(asked))
        except ProviderError as error:
            # A model we do not know may still refuse `temperature`: drop it once, say so.
            if not (
                error.status == 400
                and asked.temperature is not None
                and "temperature" in error.message.lower()
            ):
                raise
            asked = replace(asked, temperature=None)
            warnings.append(
                f"{asked.model} does not accept a temperature; it was sent without one."
            )
            answer = self._call(asked.model, lambda: send(asked))
        return answer, warnings

    def _call(self, model: str, send: Callable[[], Answer]) -> Answer:
        self.current_model = model
        try:
            return send()
        except ProviderError:
            raise
        except Exception as exc:
            refused = netguard.refusal(exc)
            if refused is not None:  # the SDKs wrap it as a (retryable) connection error
                raise ProviderSetupError(f"{self.label}: {refused}", provider=self.name) from None
            mapped = self._map_error(exc)
            if mapped is None:
                raise
            raise mapped from None  # the SDK exception holds the request, headers and all

    # --- shared error mapping ---------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """`text` without the key, whole or quoted in part."""
        text = redaction.scrub(text, redaction.forms_of(self.api_key))
        return KEY_LIKE.sub(redaction.MASK, text)

    def status_error(
        self,
        status: int,
        message: str | None,
        *,
        headers: Any = None,
        code: str | None = None,
        model: str | None = None,
    ) -> ProviderError:
        """One mapping from an HTTP error to what the user is told and whether to retry."""
        label = self.label
        said = self.scrub(str(message or "").strip())[:MESSAGE_SNIPPET]
        detail: dict[str, Any] = {"code": code} if code else {}
        wait = retry_after.from_headers(headers)

        def error(text: str, retryable: bool = False) -> ProviderError:
            return ProviderError(
                text,
                retryable=retryable,
                retry_after=wait if retryable else None,
                status=status,
                provider=self.name,
                detail=detail,
            )

        if status == 401:
            return error(f"{label}: the API key was rejected (HTTP 401). {self._key_advice()}")
        if status == 403:
            return error(
                f"{label}: the API key may not do this (HTTP 403){_colon(said)} Check the key's "
                "permissions, project and region."
            )
        if status == 402 or code in ("insufficient_quota", "billing_hard_limit_reached"):
            return error(
                f"{label}: the account has no credit or quota left (HTTP {status}){_colon(said)} "
                "Check the provider's billing settings."
            )
        if status == 429:
            return error(f"{label}: rate limit reached (HTTP 429){_colon(said)}", retryable=True)
        if status == 404:
            model = model or self.current_model
            what = f"the model '{model}'" if model else "the model"
            return error(
                f"{label}: {what} was not found, or the address is wrong (HTTP 404)"
                f"{_colon(said)} Check the model name."
            )
        if status == 408 or status >= 500:
            busy = "is overloaded" if status in (503, 529) else "failed"
            return error(
                f"{label}: the service {busy} (HTTP {status}){_colon(said)}", retryable=True
            )
        return error(f"{label} refused the request (HTTP {status}){_colon(said)}")

    def timeout_error(self) -> ProviderError:
        return ProviderError(
            f"{self.label} did not answer within {self.timeout:g} seconds (the server's limit, "
            "WORKFUSE_AI_TIMEOUT_SECONDS).",
            retryable=True,
            provider=self.name,
            detail={"error": "Timeout"},
        )

    def connection_error(self, exc: BaseException) -> ProviderError:
        where = self.base_url or f"the {self.label} API"
        return ProviderError(
            f"Could not reach {where}: {self.scrub(str(exc)) or type(exc).__name__}.",
            retryable=True,
            provider=self.name,
            detail={"error": type(exc).__name__},
        )

    def _key_advice(self) -> str:
        if self.key_source == "credential":
            return (
                f"Check the credential: the AI provider credential on this node does not hold a "
                f"valid {self.label} API key; rotate it to a working key."
            )
        if self.key_source.startswith("env:"):
            return (
                f"Check the credential: the server's {self.key_source[4:]} is not a valid "
                f"{self.label} API key; fix it, or choose an AI provider credential on this node."
            )
        if self.key_source == "none":
            return (
                "Check the credential: this server wants an API key; choose an AI provider "
                "credential holding it on this node."
            )
        return "Check the credential (the API key)."


def _tool_schema_problem(conversation: Conversation) -> str | None:
    for i, tool in enumerate(conversation.tools):
        problem = schema_problem(tool.parameters)
        if problem:
            return f"tools[{i}].parameters: {problem}."
    return None


def _colon(text: str) -> str:
    return f": {text.rstrip('.')}." if text else "."


# --- durations -------------------------------------------------------------------------------


def parse_duration(value: Any) -> float | None:
    """Google's protobuf durations: '17s', '1.5s'."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)s\s*", value)
    return float(match.group(1)) if match else None


# --- JSON answers ------------------------------------------------------------------------------

FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


def parse_json_answer(completion: Completion, schema: dict[str, Any] | None, label: str) -> Any:
    if completion.has_structured:
        value = completion.structured
    else:
        text = completion.text.strip()
        fenced = FENCE.match(text)
        if fenced:
            text = fenced.group(1).strip()
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProviderError(
                f"{label} was asked for JSON but answered something else ({exc.msg} at "
                f"character {exc.pos}){_cut_off(completion)}",
                detail={"response": redaction.truncate(completion.text, 2000)},
            ) from None
    if schema:
        problems = schema_errors(value, schema)
        if problems:
            raise ProviderError(
                f"{label}'s JSON answer does not match the JSON Schema: {'; '.join(problems[:5])}"
                f"{_cut_off(completion)}",
                detail={
                    "response": redaction.truncate(completion.text, 2000),
                    "errors": problems[:20],
                },
            )
    return value


def _cut_off(completion: Completion) -> str:
    if completion.finish_reason == "length":
        return ". The answer was cut off at the token limit: raise max_tokens."
    return "."


def schema_problem(schema: Any) -> str | None:
    """Why `schema` is not a usable JSON Schema, or None."""
    if not isinstance(schema, dict):
        return "a JSON Schema must be an object"
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - jsonschema ships with the dev and lock files
        return None
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        return f"not a valid JSON Schema: {exc.message}"
    return None


def schema_errors(value: Any, schema: dict[str, Any]) -> list[str]:
    """Where `value` breaks `schema`, as 'path: problem' lines (empty when it matches)."""
    try:
        import jsonschema
    except ImportError:  # pragma: no cover
        return _minimal_errors(value, schema, "")
    validator = jsonschema.validators.validator_for(schema)(schema)
    found = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    return [f"{_path(e.absolute_path)}: {e.message}" for e in found]


def _path(parts: Iterable[Any]) -> str:
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)
    return f"${text}" if text else "$"


_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
    "integer": int,
    "number": (int, float),
}


def _minimal_errors(value: Any, schema: dict[str, Any], path: str) -> list[str]:
    """type / enum / required / properties / items: enough when jsonschema is missing."""
    where = path or "$"
    wanted = schema.get("type")
    if wanted:
        names = wanted if isinstance(wanted, list) else [wanted]
        ok = any(
            isinstance(value, _TYPES.get(n, object))
            and not (n in ("integer", "number") and isinstance(value, bool))
            for n in names
        )
        if not ok:
            return [f"{where}: {value!r} is not of type {', '.join(names)}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} is not one of {schema['enum']!r}"]
    problems: list[str] = []
    if isinstance(value, dict):
        problems += [
            f"{where}: '{k}' is a required property"
            for k in schema.get("required", ())
            if k not in value
        ]
        for key, sub in (schema.get("properties") or {}).items():
            if key in value and isinstance(sub, dict):
                problems += _minimal_errors(value[key], sub, f"{path or '$'}.{key}")
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            problems += _minimal_errors(item, schema["items"], f"{path or '$'}[{i}]")
    return problems


def strict_compatible(schema: Any) -> bool:
    """Whether OpenAI's strict structured outputs accept the schema as is: every object closes
    its properties (additionalProperties false) and requires all of them."""
    if isinstance(schema, list):
        return all(strict_compatible(s) for s in schema)
    if not isinstance(schema, dict):
        return True
    is_object = schema.get("type") == "object" or "properties" in schema
    if is_object:
        properties = schema.get("properties") or {}
        if schema.get("additionalProperties") is not False:
            return False
        if set(schema.get("required") or ()) != set(properties):
            return False
    nested = [
        v
        for k, v in schema.items()
        if k in ("properties", "$defs", "definitions") and isinstance(v, dict)
    ]
    children = [c for group in nested for c in group.values()]
    for key in ("items", "anyOf", "allOf", "oneOf", "prefixItems"):
        if key in schema:
            children.append(schema[key])
    return all(strict_compatible(c) for c in children)
