"""A fake AI provider on 127.0.0.1 that speaks the three wire formats the real SDKs use.

* OpenAI chat completions: `POST .../chat/completions` (any prefix, so an OpenAI-compatible
  base URL such as `http://127.0.0.1:PORT/compat/v1` works too), with `stream: true` answered as
  server-sent events (`data: {chunk}` ... `data: [DONE]`, usage in a last chunk when
  `stream_options.include_usage` is set) and `response_format` (json_object / json_schema).
* Anthropic messages: `POST /v1/messages`, with `stream: true` answered as the named SSE events
  (message_start, content_block_start/delta/stop, message_delta, message_stop), `tools` +
  `tool_choice` answered with a `tool_use` block, and `output_config.format` with JSON text.
* Gemini: `POST /{version}/models/{model}:generateContent` and
  `:streamGenerateContent?alt=sse` (one `data:` event per chunk, usage on the last one).
* OpenAI images and audio (scripted as "openai_images", "openai_audio", "openai_speech"):
  `POST .../images/generations` (JSON; `b64_json` images, `usage` for gpt-image models, whose
  API refuses `response_format`; DALL-E 3 a `revised_prompt`), `POST .../audio/transcriptions`
  and `.../audio/translations` (multipart form with the file, read back as
  `{field: value, "file": {filename, content_type, data}}`; `verbose_json` answers `duration`,
  `json` answers token usage for gpt-4o models and duration usage for whisper), and
  `POST .../audio/speech` (JSON; answers the audio bytes `FAKEAUDIO:<format>:<voice>:<input>`).
* OpenAI embeddings: `POST .../embeddings` (scripted as "openai_embeddings": errors, the
  model), answering `fake_embedding` vectors, as floats or base64 float32; Gemini's
  `:batchEmbedContents` and `:embedContent` ("gemini_embeddings").

Conversations with tools: `Reply.tool_calls` answers with native tool calls, streamed or not.
Requests whose history breaks a provider's rules (a tool call left unanswered, a result for no
call, roles out of turn, a schema keyword Gemini refuses) get that provider's 400, as the real
services answer, so tests of replayed histories mean something.

Tests script the answers per provider (`server.script("openai", Reply(...), ...)`; an empty
queue answers `Reply()`), may restrict the accepted API keys (`server.valid_keys`), and read
every request back from `server.requests` (path, query, lower-cased headers, JSON body).
Errors come in each provider's own error shape, so the SDKs raise their real exception types.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import re
import struct
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PROVIDERS = (
    "openai",
    "anthropic",
    "gemini",
    "openai_embeddings",
    "gemini_embeddings",
    "openai_images",
    "openai_audio",
    "openai_speech",
)
FAKE_PNG = b"\x89PNG\r\n\x1a\n fake image "
EMBEDDING_DIMENSIONS = 64
_UNSET: Any = object()


@dataclass
class Reply:
    """One scripted answer. `json` (any JSON value) makes a structured answer: JSON text for
    OpenAI and Gemini, a `tool_use` block for Anthropic when the request forced a tool.

    `tool_calls` [(name, arguments)] asks for tools in each provider's native shape (OpenAI
    `tool_calls` + finish_reason `tool_calls`, Anthropic `tool_use` blocks + stop_reason
    `tool_use`, Gemini `functionCall` parts), after the text if there is any. Arguments given
    as a string are sent as they are: OpenAI's raw JSON text, which may be invalid."""

    text: str | None = None  # default: "ok", or no text when there are tool calls
    json: Any = _UNSET
    status: int = 200
    error: str | None = None  # the provider's error message (defaults per status)
    error_type: str | None = None  # OpenAI `code` / Anthropic `error.type` / Gemini `status`
    headers: dict[str, str] = field(default_factory=dict)
    prompt_tokens: int = 12
    completion_tokens: int = 5
    finish_reason: str | None = None  # provider-native value; a sensible default otherwise
    chunks: list[str] | None = None  # how a streamed answer is cut (default: by words)
    model: str | None = None  # the model the answer claims (default: the requested one)
    refusal: str | None = None  # OpenAI: answer with a refusal instead of content
    gemini_details: list[dict[str, Any]] | None = None  # Gemini error `details`
    delay: float = 0  # seconds to wait before answering (timeouts)
    tool_calls: Sequence[tuple[str, Mapping[str, Any] | str]] | None = None
    call_ids: list[str] | None = None  # the calls' ids (Gemini: none unless given)
    thinking: str | None = None  # Anthropic: a thinking block first
    signature: str | None = None  # Anthropic thinking / Gemini first functionCall signature

    @property
    def answer(self) -> str:
        if self.text is not None:
            return self.text
        return "" if self.tool_calls else "ok"

    def call_id(self, provider: str, index: int) -> str | None:
        if self.call_ids is not None:
            return self.call_ids[index]
        return {"openai": f"call_fake{index}", "anthropic": f"toolu_fake{index}"}.get(provider)

    @staticmethod
    def raw_arguments(arguments: Mapping[str, Any] | str) -> str:
        return arguments if isinstance(arguments, str) else json.dumps(dict(arguments))


@dataclass
class Recorded:
    provider: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any

    @property
    def stream(self) -> bool:
        if self.provider == "gemini":
            return ":streamGenerateContent" in self.path
        return bool(isinstance(self.body, dict) and self.body.get("stream"))


class FakeAIServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.queues: dict[str, list[Reply]] = {p: [] for p in PROVIDERS}
        self.valid_keys: set[str] | None = None  # None: any non-empty key is accepted
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection; SSE ends at close

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                server._handle(self)

            do_GET = do_POST

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    # --- scripting ----------------------------------------------------------------------------

    @property
    def openai_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def anthropic_url(self) -> str:
        return self.url

    @property
    def gemini_url(self) -> str:
        return self.url

    def script(self, provider: str, *replies: Reply) -> None:
        with self._lock:
            self.queues[provider].extend(replies)

    def requests_for(self, provider: str) -> list[Recorded]:
        return [r for r in self.requests if r.provider == provider]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- dispatch -----------------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        content_type = h.headers.get("Content-Type") or ""
        if content_type.startswith("multipart/form-data"):
            body: Any = _multipart(content_type, raw)
        else:
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
        path = parts.path
        if path.endswith("/embeddings"):
            self._embeddings(h, path, parts.query, body)
            return
        if path.endswith((":batchEmbedContents", ":embedContent")):
            self._gemini_embeddings(h, path, parts.query, body)
            return
        if path.endswith("/chat/completions"):
            provider = "openai"
        elif path.endswith("/v1/messages"):
            provider = "anthropic"
        elif ":generateContent" in path or ":streamGenerateContent" in path:
            provider = "gemini"
        elif path.endswith("/images/generations"):
            provider = "openai_images"
        elif path.endswith(("/audio/transcriptions", "/audio/translations")):
            provider = "openai_audio"
        elif path.endswith("/audio/speech"):
            provider = "openai_speech"
        else:
            self._send_json(h, 404, {"error": {"message": f"no route for {path}"}})
            return
        record = Recorded(
            provider=provider,
            method=h.command,
            path=path,
            query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in h.headers.items()},
            body=body,
        )
        with self._lock:
            self.requests.append(record)
            reply = self.queues[provider].pop(0) if self.queues[provider] else Reply()
        key = self._key(provider, record)
        if not key or (self.valid_keys is not None and key not in self.valid_keys):
            reply = Reply(status=401, error=self._bad_key_message(provider, key))
        elif reply.status < 400 and isinstance(body, dict) and provider in HISTORY_CHECKS:
            problem = HISTORY_CHECKS[provider](body)
            if problem:
                reply = Reply(status=400, error=problem)
        if reply.delay:
            time.sleep(reply.delay)
        getattr(self, f"_{provider}")(h, record, reply)

    @staticmethod
    def _key(provider: str, record: Recorded) -> str:
        bearer = record.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if provider.startswith("openai"):
            return bearer
        if provider == "anthropic":  # older SDKs send x-api-key, newer ones a bearer token
            return record.headers.get("x-api-key") or bearer
        return record.headers.get("x-goog-api-key") or (record.query.get("key") or [""])[0]

    @staticmethod
    def _bad_key_message(provider: str, key: str) -> str:
        # Real providers echo (part of) the key they refused; the fake echoes all of it, so a
        # test can check that no error message passes it on.
        if provider.startswith("openai"):
            return f"Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys."
        if provider == "anthropic":
            return f"invalid x-api-key: {key}"
        return f"API key not valid. Please pass a valid API key. ({key})"

    def _embeddings(self, h: BaseHTTPRequestHandler, path: str, query: str, body: Any) -> None:
        """OpenAI's `POST .../embeddings`: `input` a string or a list of them, answered with
        `fake_embedding` vectors (float lists, or base64 float32 when asked)."""
        record = Recorded(
            provider="openai_embeddings",
            method=h.command,
            path=path,
            query=parse_qs(query),
            headers={k.lower(): v for k, v in h.headers.items()},
            body=body,
        )
        with self._lock:
            self.requests.append(record)
            reply = (
                self.queues["openai_embeddings"].pop(0)
                if self.queues["openai_embeddings"]
                else Reply()
            )
        key = self._key("openai", record)
        if not key or (self.valid_keys is not None and key not in self.valid_keys):
            reply = Reply(status=401, error=self._bad_key_message("openai", key))
        if reply.status >= 400:
            self._openai(h, record, reply)
            return
        body = body if isinstance(body, dict) else {}
        texts = body.get("input")
        texts = [texts] if isinstance(texts, str) else list(texts or [])
        dimensions = int(body.get("dimensions") or EMBEDDING_DIMENSIONS)
        data = []
        for i, text in enumerate(texts):
            vector = fake_embedding(str(text), dimensions)
            if body.get("encoding_format") == "base64":
                encoded: Any = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
            else:
                encoded = vector
            data.append({"object": "embedding", "index": i, "embedding": encoded})
        tokens = sum(len(str(t).split()) for t in texts)
        payload = {
            "object": "list",
            "data": data,
            "model": reply.model or body.get("model", "unknown"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
        self._send_json(h, 200, payload)

    def _gemini_embeddings(
        self, h: BaseHTTPRequestHandler, path: str, query: str, body: Any
    ) -> None:
        """Gemini's `POST /v1beta/models/{model}:batchEmbedContents` (`requests[].content`) and
        `:embedContent` (`content`), answered with `fake_embedding` vectors and no usage, as
        the Gemini API answers (scripted as "gemini_embeddings")."""
        record = Recorded(
            provider="gemini_embeddings",
            method=h.command,
            path=path,
            query=parse_qs(query),
            headers={k.lower(): v for k, v in h.headers.items()},
            body=body,
        )
        with self._lock:
            self.requests.append(record)
            queue = self.queues["gemini_embeddings"]
            reply = queue.pop(0) if queue else Reply()
        key = self._key("gemini", record)
        if not key or (self.valid_keys is not None and key not in self.valid_keys):
            reply = Reply(status=401, error=self._bad_key_message("gemini", key))
        if reply.status >= 400:
            self._gemini(h, record, reply)
            return
        body = body if isinstance(body, dict) else {}

        def vector(request: dict[str, Any]) -> dict[str, Any]:
            text = " ".join(
                p.get("text", "") for p in (request.get("content") or {}).get("parts", [])
            )
            size = int(request.get("outputDimensionality") or EMBEDDING_DIMENSIONS)
            return {"values": fake_embedding(text, size)}

        if path.endswith(":embedContent"):
            self._send_json(h, 200, {"embedding": vector(body)})
        else:
            self._send_json(h, 200, {"embeddings": [vector(r) for r in body.get("requests", [])]})

    # --- wire helpers -------------------------------------------------------------------------

    @staticmethod
    def _send_json(
        h: BaseHTTPRequestHandler, status: int, payload: Any, headers: dict | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(data)

    @staticmethod
    def _start_sse(h: BaseHTTPRequestHandler, headers: dict | None = None) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Cache-Control", "no-cache")
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()

    @staticmethod
    def _sse(h: BaseHTTPRequestHandler, data: Any, event: str | None = None) -> None:
        text = data if isinstance(data, str) else json.dumps(data)
        frame = (f"event: {event}\n" if event else "") + f"data: {text}\n\n"
        h.wfile.write(frame.encode())
        h.wfile.flush()
        time.sleep(0.002)  # let each event travel on its own, as a real stream does

    @staticmethod
    def _answer_text(reply: Reply) -> str:
        return reply.answer if reply.json is _UNSET else json.dumps(reply.json)

    @staticmethod
    def _pieces(text: str, reply: Reply) -> list[str]:
        if reply.chunks is not None:
            return reply.chunks
        words = text.split(" ")
        return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]

    # --- OpenAI -------------------------------------------------------------------------------

    def _openai(self, h: BaseHTTPRequestHandler, record: Recorded, reply: Reply) -> None:
        if reply.status >= 400:
            messages = {
                401: "Incorrect API key provided.",
                429: "Rate limit reached for requests.",
                400: "Invalid request.",
            }
            codes = {401: "invalid_api_key", 429: "rate_limit_exceeded"}
            types = {401: "invalid_request_error", 429: "requests", 400: "invalid_request_error"}
            payload = {
                "error": {
                    "message": reply.error
                    or messages.get(reply.status, "The server had an error."),
                    "type": types.get(reply.status, "server_error"),
                    "param": None,
                    "code": reply.error_type or codes.get(reply.status),
                }
            }
            self._send_json(h, reply.status, payload, reply.headers)
            return
        body = record.body or {}
        model = reply.model or body.get("model", "unknown")
        text = self._answer_text(reply)
        finish = reply.finish_reason or "stop"
        usage = {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        }
        ident = f"chatcmpl-{next(self._ids)}"
        created = int(time.time())
        calls: list[dict[str, Any]] = [
            {
                "id": reply.call_id("openai", i),
                "type": "function",
                "function": {"name": name, "arguments": Reply.raw_arguments(arguments)},
            }
            for i, (name, arguments) in enumerate(reply.tool_calls or [])
        ]
        if calls:
            finish = reply.finish_reason or "tool_calls"
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
            if reply.refusal is not None:
                message = {"role": "assistant", "content": None, "refusal": reply.refusal}
            if calls:
                message["content"] = text or None
                message["tool_calls"] = calls
            self._send_json(
                h,
                200,
                {
                    "id": ident,
                    "object": "chat.completion",
                    "created": created,
                    "model": model,
                    "choices": [
                        {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
                    ],
                    "usage": usage,
                },
                reply.headers,
            )
            return

        def chunk(delta: dict, finish_reason: str | None = None) -> dict:
            return {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
            }

        self._start_sse(h, reply.headers)
        self._sse(h, chunk({"role": "assistant", "content": ""}))
        for piece in self._pieces(text, reply) if text or not calls else []:
            self._sse(h, chunk({"content": piece}))
        for i, call in enumerate(calls):
            arguments = call["function"]["arguments"]
            head = {**call, "index": i, "function": {"name": call["function"]["name"]}}
            head["function"]["arguments"] = ""
            self._sse(h, chunk({"tool_calls": [head]}))
            for piece in _halves(arguments):
                self._sse(
                    h, chunk({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
                )
        self._sse(h, chunk({}, finish))
        if (body.get("stream_options") or {}).get("include_usage"):
            last = chunk({})
            last["choices"] = []
            last["usage"] = usage
            self._sse(h, last)
        self._sse(h, "[DONE]")

    # --- OpenAI images and audio --------------------------------------------------------------

    def _openai_error(self, h: BaseHTTPRequestHandler, status: int, message: str) -> None:
        error = {"message": message, "type": "invalid_request_error", "param": None, "code": None}
        self._send_json(h, status, {"error": error})

    def _openai_images(self, h: BaseHTTPRequestHandler, record: Recorded, reply: Reply) -> None:
        if reply.status >= 400:
            self._openai(h, record, reply)
            return
        body = record.body if isinstance(record.body, dict) else {}
        model = str(body.get("model") or "dall-e-2")
        gpt_image = model.startswith("gpt-image")
        if gpt_image and "response_format" in body:
            self._openai_error(h, 400, "Unknown parameter: 'response_format'.")
            return
        if not body.get("prompt"):
            self._openai_error(h, 400, "Missing required parameter: 'prompt'.")
            return
        b64 = gpt_image or body.get("response_format") == "b64_json"
        data = []
        for i in range(int(body.get("n") or 1)):
            item: dict[str, Any] = {}
            content = FAKE_PNG + f"{i}:{body['prompt']}".encode()
            if b64:
                item["b64_json"] = base64.b64encode(content).decode()
            else:
                item["url"] = f"{self.url}/files/image-{i}.png"
            if model == "dall-e-3":
                item["revised_prompt"] = f"A detailed picture: {body['prompt']}"
            data.append(item)
        payload: dict[str, Any] = {"created": int(time.time()), "data": data}
        if gpt_image:
            payload["usage"] = {
                "input_tokens": reply.prompt_tokens,
                "output_tokens": reply.completion_tokens,
                "total_tokens": reply.prompt_tokens + reply.completion_tokens,
                "input_tokens_details": {"text_tokens": reply.prompt_tokens, "image_tokens": 0},
            }
        self._send_json(h, 200, payload, reply.headers)

    def _openai_audio(self, h: BaseHTTPRequestHandler, record: Recorded, reply: Reply) -> None:
        if reply.status >= 400:
            self._openai(h, record, reply)
            return
        form = record.body if isinstance(record.body, dict) else {}
        upload = form.get("file")
        if not isinstance(upload, dict) or not upload.get("data"):
            self._openai_error(h, 400, "Missing required parameter: 'file'.")
            return
        model = str(form.get("model") or "")
        if record.path.endswith("translations") and model != "whisper-1":
            self._openai_error(h, 400, f"model '{model}' is not supported for translations.")
            return
        text = reply.text or f"Transcript of {upload['filename']} ({len(upload['data'])} bytes)"
        seconds = round(len(upload["data"]) / 1000, 2)  # the fake's "audio" lasts 1 ms a byte
        fmt = form.get("response_format") or "json"
        if fmt == "verbose_json":
            task = "translate" if record.path.endswith("translations") else "transcribe"
            language = "english" if task == "translate" else form.get("language") or "english"
            payload: dict[str, Any] = {
                "task": task,
                "language": language,
                "duration": seconds,
                "text": text,
                "segments": [],
            }
        elif fmt == "json":
            payload = {"text": text}
            if model.startswith("gpt-4o"):
                payload["usage"] = {
                    "type": "tokens",
                    "input_tokens": reply.prompt_tokens,
                    "output_tokens": reply.completion_tokens,
                    "total_tokens": reply.prompt_tokens + reply.completion_tokens,
                    "input_token_details": {"audio_tokens": reply.prompt_tokens},
                }
            else:
                payload["usage"] = {"type": "duration", "seconds": math.ceil(seconds)}
        else:
            self._openai_error(h, 400, f"response_format '{fmt}' is not supported by the fake.")
            return
        self._send_json(h, 200, payload, reply.headers)

    def _openai_speech(self, h: BaseHTTPRequestHandler, record: Recorded, reply: Reply) -> None:
        if reply.status >= 400:
            self._openai(h, record, reply)
            return
        body = record.body if isinstance(record.body, dict) else {}
        if not body.get("input") or not body.get("voice"):
            self._openai_error(h, 400, "Missing required parameter: 'input' or 'voice'.")
            return
        fmt = body.get("response_format") or "mp3"
        data = f"FAKEAUDIO:{fmt}:{body['voice']}:{body['input']}".encode()
        h.send_response(200)
        h.send_header("Content-Type", "audio/mpeg" if fmt == "mp3" else f"audio/{fmt}")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    # --- Anthropic ----------------------------------------------------------------------------

    def _anthropic(self, h: BaseHTTPRequestHandler, record: Recorded, reply: Reply) -> None:
        if reply.status >= 400:
            types = {
                400: "invalid_request_error",
                401: "authentication_error",
                403: "permission_error",
                404: "not_found_error",
                429: "rate_limit_error",
                529: "overloaded_error",
            }
            messages = {429: "Number of requests has exceeded your rate limit.", 529: "Overloaded"}
            payload = {
                "type": "error",
                "error": {
                    "type": reply.error_type or types.get(reply.status, "api_error"),
                    "message": reply.error or messages.get(reply.status, "Internal server error"),
                },
            }
            self._send_json(h, reply.status, payload, reply.headers)
            return
        body = record.body or {}
        model = reply.model or body.get("model", "unknown")
        forced = (body.get("tool_choice") or {}).get("type") == "tool"
        tool_name = (body.get("tool_choice") or {}).get("name", "answer")
        use_tool = forced and reply.json is not _UNSET
        text = self._answer_text(reply)
        calls = reply.tool_calls or []
        finish = reply.finish_reason or ("tool_use" if use_tool or calls else "end_turn")
        ident = f"msg_{next(self._ids)}"
        # Each block complete, its empty start and its deltas, for the stream.
        blocks: list[tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]] = []
        if reply.thinking is not None:
            signature = reply.signature or "c2lnbmF0dXJl"
            blocks.append(
                (
                    {"type": "thinking", "thinking": reply.thinking, "signature": signature},
                    {"type": "thinking", "thinking": "", "signature": ""},
                    [
                        {"type": "thinking_delta", "thinking": reply.thinking},
                        {"type": "signature_delta", "signature": signature},
                    ],
                )
            )
        if use_tool:
            block: dict[str, Any] = {
                "type": "tool_use",
                "id": f"toolu_{next(self._ids)}",
                "name": tool_name,
                "input": reply.json,
            }
            pieces = [
                {"type": "input_json_delta", "partial_json": p} for p in self._pieces(text, reply)
            ]
            blocks.append((block, {**block, "input": {}}, pieces))
        elif text or not calls:
            pieces = [{"type": "text_delta", "text": p} for p in self._pieces(text, reply)]
            blocks.append(({"type": "text", "text": text}, {"type": "text", "text": ""}, pieces))
        for i, (name, arguments) in enumerate(calls):
            block = {
                "type": "tool_use",
                "id": reply.call_id("anthropic", i),
                "name": name,
                "input": dict(arguments) if not isinstance(arguments, str) else {},
            }
            pieces = [
                {"type": "input_json_delta", "partial_json": p}
                for p in _halves(json.dumps(block["input"]))
            ]
            blocks.append((block, {**block, "input": {}}, pieces))
        usage = {"input_tokens": reply.prompt_tokens, "output_tokens": reply.completion_tokens}
        message = {
            "id": ident,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [b[0] for b in blocks],
            "stop_reason": finish,
            "stop_sequence": None,
            "usage": usage,
        }
        if not body.get("stream"):
            self._send_json(h, 200, message, reply.headers)
            return
        self._start_sse(h, reply.headers)
        start = {
            **message,
            "content": [],
            "stop_reason": None,
            "usage": {"input_tokens": reply.prompt_tokens, "output_tokens": 1},
        }
        self._sse(h, {"type": "message_start", "message": start}, "message_start")
        for index, (_, empty, deltas) in enumerate(blocks):
            self._sse(
                h,
                {"type": "content_block_start", "index": index, "content_block": empty},
                "content_block_start",
            )
            if index == 0:
                self._sse(h, {"type": "ping"}, "ping")
            for delta in deltas:
                self._sse(
                    h,
                    {"type": "content_block_delta", "index": index, "delta": delta},
                    "content_block_delta",
                )
            self._sse(h, {"type": "content_block_stop", "index": index}, "content_block_stop")
        self._sse(
            h,
            {
                "type": "message_delta",
                "delta": {"stop_reason": finish, "stop_sequence": None},
                "usage": {"output_tokens": reply.completion_tokens},
            },
            "message_delta",
        )
        self._sse(h, {"type": "message_stop"}, "message_stop")

    # --- Gemini -------------------------------------------------------------------------------

    def _gemini(self, h: BaseHTTPRequestHandler, record: Recorded, reply: Reply) -> None:
        if reply.status >= 400:
            statuses = {
                400: "INVALID_ARGUMENT",
                401: "UNAUTHENTICATED",
                403: "PERMISSION_DENIED",
                404: "NOT_FOUND",
                429: "RESOURCE_EXHAUSTED",
                503: "UNAVAILABLE",
            }
            messages = {
                429: "Resource has been exhausted (e.g. check quota).",
                503: "The model is overloaded.",
            }
            payload = {
                "error": {
                    "code": reply.status,
                    "message": reply.error or messages.get(reply.status, "Internal error."),
                    "status": reply.error_type or statuses.get(reply.status, "INTERNAL"),
                    **({"details": reply.gemini_details} if reply.gemini_details else {}),
                }
            }
            self._send_json(h, reply.status, payload, reply.headers)
            return
        model = reply.model or record.path.rsplit("/", 1)[-1].split(":")[0]
        text = self._answer_text(reply)
        finish = reply.finish_reason or "STOP"
        usage = {
            "promptTokenCount": reply.prompt_tokens,
            "candidatesTokenCount": reply.completion_tokens,
            "totalTokenCount": reply.prompt_tokens + reply.completion_tokens,
        }
        ident = f"resp-{next(self._ids)}"
        calls: list[dict[str, Any]] = []
        for i, (name, arguments) in enumerate(reply.tool_calls or []):
            call: dict[str, Any] = {
                "name": name,
                "args": dict(arguments) if not isinstance(arguments, str) else {},
            }
            if reply.call_id("gemini", i):
                call["id"] = reply.call_id("gemini", i)
            part: dict[str, Any] = {"functionCall": call}
            if i == 0 and reply.signature:
                part["thoughtSignature"] = reply.signature
            calls.append(part)

        def response(parts: list[dict[str, Any]], last: bool) -> dict:
            candidate: dict[str, Any] = {
                "content": {"parts": parts, "role": "model"},
                "index": 0,
            }
            out: dict[str, Any] = {
                "candidates": [candidate],
                "modelVersion": model,
                "responseId": ident,
            }
            if last:
                candidate["finishReason"] = finish
                out["usageMetadata"] = usage
            else:
                out["usageMetadata"] = {"promptTokenCount": reply.prompt_tokens}
            return out

        texts = [{"text": p} for p in self._pieces(text, reply)] if text or not calls else []
        if ":streamGenerateContent" not in record.path:
            whole = [{"text": text}] if texts else []
            self._send_json(h, 200, response(whole + calls, True), reply.headers)
            return
        self._start_sse(h, reply.headers)
        chunks = [[t] for t in texts] + ([calls] if calls else [])
        for i, parts in enumerate(chunks):
            self._sse(h, response(parts, i == len(chunks) - 1))


# --- what each provider refuses in a conversation (the real services' rules, their words) -------


def _openai_problem(body: dict[str, Any]) -> str | None:
    for tool in body.get("tools") or []:
        function = tool.get("function") or {}
        if (
            tool.get("type") != "function"
            or (function.get("parameters") or {}).get("type") != "object"
        ):
            return f"Invalid schema for function '{function.get('name')}': schema must be a JSON Schema of 'type: \"object\"'."
    open_ids: list[str] = []
    for i, message in enumerate(body.get("messages") or []):
        if message.get("role") == "tool":
            if message.get("tool_call_id") not in open_ids:
                return f"Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'. (messages[{i}])"
            open_ids.remove(message["tool_call_id"])
            continue
        if open_ids:
            return (
                "An assistant message with 'tool_calls' must be followed by tool messages "
                "responding to each 'tool_call_id'. The following tool_call_ids did not have "
                f"response messages: {', '.join(open_ids)}"
            )
        for call in message.get("tool_calls") or []:
            if not isinstance((call.get("function") or {}).get("arguments"), str):
                return f"Invalid type for 'messages[{i}].tool_calls[0].function.arguments': expected a string."
            open_ids.append(call.get("id"))
    if open_ids:
        return f"The following tool_call_ids did not have response messages: {', '.join(open_ids)}"
    return None


def _anthropic_problem(body: dict[str, Any]) -> str | None:
    for i, tool in enumerate(body.get("tools") or []):
        if (tool.get("input_schema") or {}).get("type") != "object":
            return f"tools.{i}.custom.input_schema.type: Input should be 'object'"
    wanted = "user"
    open_ids: list[str] = []
    for i, message in enumerate(body.get("messages") or []):
        role, content = message.get("role"), message.get("content")
        if role != wanted:
            return f'messages: roles must alternate between "user" and "assistant", starting with "user" (messages.{i})'
        wanted = "assistant" if role == "user" else "user"
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        answered = [str(b.get("tool_use_id")) for b in blocks if b.get("type") == "tool_result"]
        if role == "user" and sorted(answered) != sorted(open_ids):
            return (
                f"messages.{i}: `tool_use` ids were found without `tool_result` blocks "
                "immediately after, or `tool_result` blocks answer no `tool_use` of the "
                "previous message"
            )
        open_ids = []
        for block in blocks:
            if block.get("type") == "text" and not block.get("text"):
                return f"messages.{i}: text content blocks must be non-empty"
            if block.get("type") == "tool_use":
                if not re.fullmatch(r"[a-zA-Z0-9_-]+", str(block.get("id"))):
                    return (
                        f"messages.{i}: tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'"
                    )
                open_ids.append(block["id"])
    if open_ids:
        return "messages: the last assistant message's `tool_use` ids have no `tool_result`"
    return None


GEMINI_REFUSED = {"additionalProperties", "$schema", "$ref", "$defs", "const", "oneOf", "allOf"}


def _gemini_problem(body: dict[str, Any]) -> str | None:
    for tool in body.get("tools") or []:
        for declaration in tool.get("functionDeclarations") or []:
            refused = _keys_in(declaration.get("parameters") or {}) & GEMINI_REFUSED
            if refused:
                name = sorted(refused)[0]
                return f"Invalid JSON payload received. Unknown name \"{name}\" at 'tools[0].function_declarations[0].parameters': Cannot find field."
    calls = 0
    for content in body.get("contents") or []:
        parts = content.get("parts") or []
        responses = sum(1 for p in parts if "functionResponse" in p)
        if calls and responses != calls:
            return (
                "Please ensure that the number of function response parts is equal to the "
                "number of function call parts of the function call turn."
            )
        if responses and not calls:
            return "Please ensure that function response turn comes immediately after a function call turn."
        calls = (
            sum(1 for p in parts if "functionCall" in p) if content.get("role") == "model" else 0
        )
    return None


def _keys_in(schema: Any) -> set[str]:
    if isinstance(schema, list):
        return set().union(*(_keys_in(s) for s in schema)) if schema else set()
    if not isinstance(schema, dict):
        return set()
    found = set(schema)
    for key, value in schema.items():
        if key == "properties" and isinstance(value, dict):  # names, not keywords
            found |= _keys_in(list(value.values()))
        else:
            found |= _keys_in(value)
    return found


HISTORY_CHECKS = {
    "openai": _openai_problem,
    "anthropic": _anthropic_problem,
    "gemini": _gemini_problem,
}


def fake_embedding(text: str, dimensions: int = EMBEDDING_DIMENSIONS) -> list[float]:
    """A deterministic bag-of-words vector (each lower-cased word hashed to a dimension), unit
    length: texts sharing words are close, so searches in tests rank as a reader expects."""
    vector = [0.0] * dimensions
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        slot = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big") % dimensions
        vector[slot] += 1.0
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


def _halves(text: str) -> list[str]:
    """A tool call's JSON arguments in two pieces, as providers stream them."""
    middle = len(text) // 2
    return [text[:middle], text[middle:]] if middle else [text]


def _multipart(content_type: str, raw: bytes) -> dict[str, Any]:
    """A multipart/form-data body as {field: text, file-field: {filename, content_type, data}}."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    form: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            form[str(name)] = {
                "filename": filename,
                "content_type": part.get_content_type(),
                "data": data,
            }
        else:
            form[str(name)] = data.decode()
    return form


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a timeout test) leaves a broken pipe behind: not news.
        pass


@contextmanager
def fake_ai_server() -> Iterator[FakeAIServer]:
    server = FakeAIServer()
    try:
        yield server
    finally:
        server.close()
