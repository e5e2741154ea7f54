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

Tests script the answers per provider (`server.script("openai", Reply(...), ...)`; an empty
queue answers `Reply()`), may restrict the accepted API keys (`server.valid_keys`), and read
every request back from `server.requests` (path, query, lower-cased headers, JSON body).
Errors come in each provider's own error shape, so the SDKs raise their real exception types.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PROVIDERS = ("openai", "anthropic", "gemini")
_UNSET: Any = object()


@dataclass
class Reply:
    """One scripted answer. `json` (any JSON value) makes a structured answer: JSON text for
    OpenAI and Gemini, a `tool_use` block for Anthropic when the request forced a tool."""

    text: str = "ok"
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
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        path = parts.path
        if path.endswith("/chat/completions"):
            provider = "openai"
        elif path.endswith("/v1/messages"):
            provider = "anthropic"
        elif ":generateContent" in path or ":streamGenerateContent" in path:
            provider = "gemini"
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
        if reply.delay:
            time.sleep(reply.delay)
        getattr(self, f"_{provider}")(h, record, reply)

    @staticmethod
    def _key(provider: str, record: Recorded) -> str:
        bearer = record.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if provider == "openai":
            return bearer
        if provider == "anthropic":  # older SDKs send x-api-key, newer ones a bearer token
            return record.headers.get("x-api-key") or bearer
        return record.headers.get("x-goog-api-key") or (record.query.get("key") or [""])[0]

    @staticmethod
    def _bad_key_message(provider: str, key: str) -> str:
        # Real providers echo (part of) the key they refused; the fake echoes all of it, so a
        # test can check that no error message passes it on.
        if provider == "openai":
            return f"Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com/account/api-keys."
        if provider == "anthropic":
            return f"invalid x-api-key: {key}"
        return f"API key not valid. Please pass a valid API key. ({key})"

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
        return reply.text if reply.json is _UNSET else json.dumps(reply.json)

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
        if not body.get("stream"):
            message = {"role": "assistant", "content": text, "refusal": None}
            if reply.refusal is not None:
                message = {"role": "assistant", "content": None, "refusal": reply.refusal}
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
        for piece in self._pieces(text, reply):
            self._sse(h, chunk({"content": piece}))
        self._sse(h, chunk({}, finish))
        if (body.get("stream_options") or {}).get("include_usage"):
            last = chunk({})
            last["choices"] = []
            last["usage"] = usage
            self._sse(h, last)
        self._sse(h, "[DONE]")

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
        finish = reply.finish_reason or ("tool_use" if use_tool else "end_turn")
        ident = f"msg_{next(self._ids)}"
        if use_tool:
            block: dict[str, Any] = {
                "type": "tool_use",
                "id": f"toolu_{next(self._ids)}",
                "name": tool_name,
                "input": reply.json,
            }
        else:
            block = {"type": "text", "text": text}
        usage = {"input_tokens": reply.prompt_tokens, "output_tokens": reply.completion_tokens}
        message = {
            "id": ident,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [block],
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
        empty = {**block, "input": {}} if use_tool else {"type": "text", "text": ""}
        self._sse(
            h,
            {"type": "content_block_start", "index": 0, "content_block": empty},
            "content_block_start",
        )
        self._sse(h, {"type": "ping"}, "ping")
        for piece in self._pieces(text, reply):
            delta = (
                {"type": "input_json_delta", "partial_json": piece}
                if use_tool
                else {"type": "text_delta", "text": piece}
            )
            self._sse(
                h,
                {"type": "content_block_delta", "index": 0, "delta": delta},
                "content_block_delta",
            )
        self._sse(h, {"type": "content_block_stop", "index": 0}, "content_block_stop")
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

        def response(piece: str, last: bool) -> dict:
            candidate: dict[str, Any] = {
                "content": {"parts": [{"text": piece}], "role": "model"},
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

        if ":streamGenerateContent" not in record.path:
            self._send_json(h, 200, response(text, True), reply.headers)
            return
        self._start_sse(h, reply.headers)
        pieces = self._pieces(text, reply)
        for i, piece in enumerate(pieces):
            self._sse(h, response(piece, i == len(pieces) - 1))


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
