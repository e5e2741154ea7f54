"""action.code: run a user's JavaScript in a fresh V8 isolate (mini-racer) and return its value.

The code is the body of an async function. It sees `input`, `trigger`, `nodes` (and `item`,
`index` inside a loop) as globals, returns the node's `result` and prints `logs` through
`console.*`. Data crosses the boundary only as JSON, in both directions. Every run gets its
own isolate with a time and a heap limit, and the isolate is freed afterwards (DESIGN §10).

Why the runner polls a flag instead of awaiting the promise through mini-racer: microtasks
run between mini-racer's tasks, where its timeout cannot interrupt them, and a Python call
into a busy isolate blocks forever. So the runner never calls into the isolate while user
microtasks may be running; it watches a shared byte the JavaScript side sets when the
promise settles, and freeing the isolate (which terminates JavaScript) ends a runaway.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from typing import Any

from py_mini_racer import (
    JSEvalException,
    JSOOMException,
    JSParseException,
    JSTimeoutException,
    MiniRacer,
    mini_racer,
)
from pydantic import Field, field_validator

from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext

logger = logging.getLogger(__name__)

MAX_LOG_LINES = 1000
MAX_LOG_CHARS = 100 * 1024
MAX_RESULT_BYTES = 5 * 1024 * 1024
LOGS_TRUNCATED = "… logs truncated"
# Freeing an isolate normally takes ~1 ms; longer means V8 is stuck in a builtin it cannot
# interrupt (such as filling a huge sparse array).
CLOSE_GRACE_SECONDS = 1.0
# Reading the logs of a stopped run must not add much to a run that already overran.
LOGS_AFTER_STOP_SECONDS = 0.1
SCRIPT_NAME = "code.js"


class Config(NodeConfig):
    code: str = Field(
        min_length=1,
        description="JavaScript run as the body of an async function. The previous node's "
        "output is `input` (also `trigger`, `nodes`, and `item`/`index` inside a loop); "
        "`return` the result, e.g. `return input.items.filter(i => i.active).length`. "
        "`await` and `console.log` work; there is no network or file access.",
    )
    timeout_ms: int = Field(
        default=1000,
        ge=10,
        le=60_000,
        description="Stop the code after this many milliseconds (10 to 60000).",
    )
    memory_mb: int = Field(
        default=64,
        ge=8,
        le=512,
        description="Stop the code when its JavaScript heap grows past this many megabytes "
        "(8 to 512).",
    )

    @field_validator("code")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the code is empty")
        return value


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """Run `config.code` with the step's data; returns `{"result": ..., "logs": [...]}`."""
    payload = _payload(ctx)
    isolate = _Isolate(config.memory_mb)
    try:
        return _execute(isolate.js, config, payload)
    finally:
        isolate.close()


NODE = NodeType(
    type="action.code",
    label="Code (JavaScript)",
    category="action",
    description="Runs a short JavaScript function on the data: filter, reshape, compute. "
    "It receives `input` and returns a value; console.log output is kept with the result.",
    Config=Config,
    run=run,
    # The code reads data through `input`, `trigger` and `nodes`; pasting rendered data into
    # its text would be an injection, and JavaScript may contain `{{` itself.
    raw_fields=("code",),
)


def _payload(ctx: RunContext) -> str:
    values: dict[str, Any] = {
        "input": ctx.input,
        "trigger": ctx.variables.get("trigger"),
        "nodes": ctx.variables.get("nodes", {}),
    }
    for name in ("item", "index"):
        if name in ctx.variables:
            values[name] = ctx.variables[name]
    limits = {
        "logLines": MAX_LOG_LINES,
        "logChars": MAX_LOG_CHARS,
        "logsTruncated": LOGS_TRUNCATED,
        "resultBytes": MAX_RESULT_BYTES,
    }
    # default=str: step data is JSON already; a stray date or Decimal should not sink the run.
    return json.dumps({"globals": values, "limits": limits}, default=str)


class _Isolate:
    """One V8 isolate on an event loop thread of its own, used for one run and then freed.

    Its own loop (rather than mini-racer's default) keeps `run()` usable from a thread that
    is running an event loop, and outlives the isolate so late callbacks have somewhere to go.
    """

    def __init__(self, memory_mb: int) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="action.code loop", daemon=True
        )
        self._thread.start()
        self._context = mini_racer(self._loop)
        try:
            self.js: MiniRacer = self._context.__enter__()
            self.js.set_hard_memory_limit(memory_mb * 1024 * 1024)
        except BaseException:
            self._free()
            raise

    def close(self) -> None:
        # A stuck isolate is left to finish on a daemon thread rather than holding the step
        # (and its worker) past the time limit.
        closer = threading.Thread(target=self._free, name="action.code close", daemon=True)
        closer.start()
        closer.join(CLOSE_GRACE_SECONDS)
        if closer.is_alive():
            logger.warning(
                "A JavaScript isolate did not stop in time; it is freed in the background"
            )

    def _free(self) -> None:
        try:
            self._context.__exit__(None, None, None)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()


def _execute(js: MiniRacer, config: Config, payload: str) -> dict[str, Any]:
    deadline = time.monotonic() + config.timeout_ms / 1000
    try:
        # json.dumps of the JSON text is a JavaScript string literal: data never becomes code.
        js.eval(f"{_PRELUDE}({json.dumps(payload)});", timeout_sec=_time_left(deadline))
        settled = js.eval("__workfuse.settled")
        js.eval(_wrap(config.code), timeout_sec=_time_left(deadline))
        # Queued behind the microtasks of code that finished without waiting on anything.
        text = js.eval("__workfuse.outcome()", timeout_sec=_time_left(deadline))
        while text is None:
            _wait_until_settled(js, settled, deadline)
            text = js.eval("__workfuse.outcome()", timeout_sec=_time_left(deadline))
    except JSEvalException as exc:
        raise _stopped(js, config, exc) from None
    return _outcome(text)


def _wrap(code: str) -> str:
    # The user's first line shares line 1 with the wrapper, so line numbers match theirs.
    return f"__workfuse.start(async function () {{{code}\n}});\n//# sourceURL={SCRIPT_NAME}\n"


def _time_left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise JSTimeoutException
    return left


def _wait_until_settled(js: MiniRacer, settled: Any, deadline: float) -> None:
    pause = 0.0005
    while not settled[0]:
        if js.was_hard_memory_limit_reached():
            raise JSOOMException
        time.sleep(min(pause, _time_left(deadline)))
        pause = min(pause * 2, 0.02)


def _stopped(js: MiniRacer, config: Config, exc: JSEvalException) -> NodeError:
    if isinstance(exc, JSOOMException) or js.was_hard_memory_limit_reached():
        return NodeError(
            f"Code used more than {config.memory_mb} MB of memory and was stopped",
            detail={"logs": _logs_after_stop(js)},
        )
    if isinstance(exc, JSTimeoutException):
        return NodeError(
            f"Code ran longer than {config.timeout_ms} ms and was stopped",
            detail={"logs": _logs_after_stop(js)},
        )
    # mini-racer's messages start "<script>:<line>: <Name>: <message>".
    first_line = str(exc).split("\n", 1)[0]
    match = re.match(r"^[^:]*:(\d+): (.*)$", first_line)
    line, text = (int(match[1]), match[2]) if match else (None, first_line)
    where = f" (line {line})" if line else ""
    if isinstance(exc, JSParseException):
        problem = text.removeprefix("SyntaxError: ")
        return NodeError(f"JavaScript syntax error: {problem}{where}", detail={"line": line})
    return NodeError(
        f"JavaScript error: {text}{where}", detail={"line": line, "logs": _logs_after_stop(js)}
    )


def _logs_after_stop(js: MiniRacer) -> list[str]:
    try:
        text = js.eval("__workfuse.logs()", timeout_sec=LOGS_AFTER_STOP_SECONDS)
        logs = json.loads(text) if isinstance(text, str) else None
    except Exception:  # a stopped isolate may be unusable; the logs are a courtesy
        return []
    return logs if isinstance(logs, list) else []


def _outcome(text: Any) -> dict[str, Any]:
    try:
        outcome = json.loads(text)
    except (TypeError, ValueError):
        outcome = None
    if not isinstance(outcome, dict) or not isinstance(outcome.get("logs"), list):
        raise NodeError("The code interfered with how its result is collected")
    logs = outcome["logs"]
    if outcome.get("ok"):
        return {"result": outcome.get("result"), "logs": logs}
    kind = outcome.get("kind")
    if kind == "not_json":
        raise NodeError(
            f"The returned value can't be converted to JSON: {outcome.get('reason')}",
            detail={"logs": logs},
        )
    if kind == "too_large":
        raise NodeError(
            f"The returned value is larger than {MAX_RESULT_BYTES // (1024 * 1024)} MB as JSON; "
            "return less data",
            detail={"logs": logs},
        )
    line = outcome.get("line")
    where = f" (line {line})" if isinstance(line, int) else ""
    raise NodeError(
        f"JavaScript error: {outcome.get('text')}{where}",
        detail={"logs": logs, "line": line, "stack": outcome.get("stack")},
    )


# Runs before the user's code, so it can keep the built-ins it relies on out of the user's
# reach (code that replaces JSON.stringify must not break result collection), and exposes
# itself as a frozen, non-configurable `__workfuse`.
_PRELUDE = r"""
(function (payloadJson) {
  "use strict";
  const parse = JSON.parse, stringify = JSON.stringify, atomicStore = Atomics.store;
  const promiseThen = Promise.prototype.then, toTag = Object.prototype.toString;
  const payload = parse(payloadJson);
  const limits = payload.limits;
  const settledBuffer = new SharedArrayBuffer(1);
  const settled = new Uint8Array(settledBuffer);
  const logs = [];
  let logChars = 0, logsFull = false, outcome = null;

  // A stack without the runner's own frames.
  function userStack(error) {
    const stack = error.stack;
    if (typeof stack !== "string") return null;
    const lines = stack.split("\n");
    return lines.filter(function (line, i) { return i === 0 || line.indexOf("code.js:") >= 0; }).join("\n");
  }

  function describe(value) {
    try {
      if (typeof value === "string") return value;
      if (value instanceof Error) return userStack(value) || String(value);
      if (typeof value === "function") return "[Function " + (value.name || "anonymous") + "]";
      if (typeof value === "object" && value !== null) {
        const text = stringify(value);
        if (text !== undefined) return text;
      }
      return String(value);
    } catch (e) {
      try { return toTag.call(value); } catch (e2) { return "[unprintable]"; }
    }
  }

  function log() {
    if (logsFull) return;
    let line = "";
    for (let i = 0; i < arguments.length; i++) line += (i ? " " : "") + describe(arguments[i]);
    const room = limits.logChars - logChars;
    if (logs.length >= limits.logLines || line.length > room) {
      if (logs.length < limits.logLines && room > 0) logs[logs.length] = line.slice(0, room);
      logs[logs.length] = limits.logsTruncated;
      logsFull = true;
      return;
    }
    logs[logs.length] = line;
    logChars += line.length;
  }

  function finish(text) {
    outcome = text;
    atomicStore(settled, 0, 1);
  }

  function notJson(kind, key) {
    const error = new Error(key === "" ? "it is a " + kind : "it contains a " + kind + " at key " + stringify(key));
    error.notJson = true;
    return error;
  }

  function refuseNonJson(key, value) {
    const type = typeof value;
    if (type === "function" || type === "symbol") throw notJson(type, key);
    if (type === "bigint") throw notJson("BigInt", key);
    return value;
  }

  function tooLarge(json) {
    if (json.length > limits.resultBytes) return true;
    if (json.length * 3 <= limits.resultBytes) return false;
    let bytes = 0;
    for (let i = 0; i < json.length; i++) {
      const code = json.charCodeAt(i);
      bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code < 0xdc00 ? (i++, 4) : 3;
    }
    return bytes > limits.resultBytes;
  }

  function onValue(value) {
    let json;
    try {
      json = stringify(value, refuseNonJson);
    } catch (error) {
      const circular = error instanceof TypeError && /circular/i.test(error.message);
      const reason = error.notJson ? error.message
        : circular ? "it contains a circular reference"
        : String(error.message || error).split("\n")[0];
      finish(stringify({ ok: false, kind: "not_json", reason: reason, logs: logs }));
      return;
    }
    if (json === undefined) json = "null";
    if (tooLarge(json)) {
      finish(stringify({ ok: false, kind: "too_large", logs: logs }));
      return;
    }
    finish('{"ok":true,"logs":' + stringify(logs) + ',"result":' + json + "}");
  }

  function onError(error) {
    let text = null, stack = null, line = null;
    try {
      if (error instanceof Error) {
        stack = userStack(error);
        text = (stack || String(error)).split("\n")[0];
        const match = stack && /code\.js:(\d+):\d+/.exec(stack);
        if (match) line = Number(match[1]);
      } else {
        text = describe(error).split("\n")[0];
      }
    } catch (e) {
      text = "the code threw a value that can't be displayed";
    }
    finish(stringify({ ok: false, kind: "error", text: text, line: line, stack: stack, logs: logs }));
  }

  function start(fn) {
    let promise;
    try {
      promise = fn();
    } catch (error) {
      onError(error);
      return;
    }
    promiseThen.call(promise, function (value) {
      try { onValue(value); } catch (e) { onError(e); }
    }, onError);
  }

  Object.defineProperty(globalThis, "__workfuse", {
    value: Object.freeze({
      settled: settledBuffer,
      start: start,
      outcome: function () { return outcome; },
      logs: function () { return stringify(logs); },
    }),
  });
  globalThis.console = { log: log, info: log, warn: log, error: log, debug: log };
  const values = payload.globals;
  for (const name of Object.keys(values)) globalThis[name] = values[name];
})
"""
