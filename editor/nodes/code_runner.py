"""The sandbox process of action.code: runs JavaScript requests in turn, each in a fresh isolate.

`code_sandbox.py` starts it as `python -I code_runner.py` with an empty environment; it imports
nothing of WorkFuse (no Django, no settings), so a broken isolate has nothing to reach.

Protocol, JSON lines over stdin/stdout: once up, the runner writes `{"ready": true}`. Each request
is two lines, a header `{"code", "timeout_ms", "memory_mb"}` and the JSON text of the globals the
code sees; the answer is one reply line (its shapes are read by `action_code._result`). A run the
runner had to stop (time or memory) is answered and then the process exits instead of freeing its
isolate: a runaway never outlives its reply, and the pool starts a fresh process.

Memory: while a request runs, RLIMIT_DATA caps the whole process at its size before the run plus
`memory_mb` plus `HEADROOM_MB`, so ArrayBuffers and WebAssembly memory count as well as the heap.
mini-racer's own heap limit often stops heap growth first and the runner answers with the logs;
otherwise an allocation past the cap either fails in JavaScript with one of V8's out-of-memory
RangeErrors, which the runner reports as the memory limit, or aborts V8, which kills this
process, and the parent reports that.

n8n compatibility (the request header's `"n8n": true`): `n8n_shim.js` gives the code n8n's names
over the data the request's `__n8n` global carries (an n8n expression, or an imported n8n Code
node) and shapes its result as n8n would. Such a request first defines the shim and Luxon's source
text in its isolate; Luxon itself is compiled only when the code first needs a date.

Why the runner polls a flag instead of awaiting the promise through mini-racer: microtasks
run between mini-racer's tasks, where its timeout cannot interrupt them, and a Python call
into a busy isolate blocks forever. So the runner never calls into the isolate while user
microtasks may be running; it watches a shared byte the JavaScript side sets when the
promise settles, and freeing the isolate (which terminates JavaScript) ends a runaway.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

from py_mini_racer import (
    JSEvalException,
    JSOOMException,
    JSParseException,
    JSTimeoutException,
    MiniRacer,
)
from py_mini_racer._context import Context
from py_mini_racer._mini_racer import _make_context
from py_mini_racer._set_timeout import INSTALL_SET_TIMEOUT

MAX_LOG_LINES = 1000
MAX_LOG_CHARS = 100 * 1024
MAX_RESULT_BYTES = 5 * 1024 * 1024
LOGS_TRUNCATED = "… logs truncated"
# Reading the logs of a stopped run must not add much to a run that already overran.
LOGS_AFTER_STOP_SECONDS = 0.3  # well inside the parent's grace (code_sandbox.GRACE_SECONDS)
SCRIPT_NAME = "code.js"
MB = 1024 * 1024
# What a run may add to the process beyond `memory_mb`: V8's young generation and the overshoot
# of its heap limit (checked after GC), code compiled for the run, and the result on its way
# out (up to 5 MB of JSON, held by V8 and by Python). The parent's RSS watchdog uses it too.
HEADROOM_MB = 64
# A run that ran out of time this close to the cap was stopped by the cap: with no memory left,
# mini-racer's callbacks into Python fail and the run can only end at its time limit.
NEAR_LIMIT_BYTES = 16 * MB
# V8's RangeErrors for an allocation the cap refused (ArrayBuffer, WebAssembly memory).
_OUT_OF_MEMORY = re.compile(
    r"^RangeError: (Array buffer allocation failed|WebAssembly\.\S+: (could not allocate "
    r"memory|Unable to grow instance memory|Out of memory\b.*)|\S+: Out of memory)$"
)


class _Fresh(MiniRacer):
    """A MiniRacer over a new isolate, without the call into it that MiniRacer's constructor
    makes to install setTimeout: `prepare` sends that source along with the prelude, one call
    instead of two (each call into an isolate costs about 0.3 ms of CPU per run). mini-racer is
    pinned in the lock file; `tests/test_code_sandbox.py` checks setTimeout in user code."""

    def __init__(self, context: Context) -> None:
        self._own_context_maker = None
        self._ctx = context


class Isolates:
    """Makes fresh isolates on one event loop thread that lives as long as the process."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="isolates", daemon=True).start()

    @contextmanager
    def new(self) -> Iterator[MiniRacer]:
        with _make_context(self._loop) as context:
            yield _Fresh(context)


@dataclass(frozen=True)
class Stopped:
    """A run stopped at a limit; JavaScript may still be running in its isolate."""

    kind: str  # "timeout" or "memory"

    def reply(self, js: MiniRacer) -> str:
        # Outside the memory cap: a heap at its limit still has room to hand over the logs.
        return _reply({"ok": False, "kind": self.kind, "logs": _logs_after_stop(js)})


def run(js: MiniRacer, request: dict[str, Any], payload: str) -> str | Stopped:
    """Run one request in a fresh isolate `js`; returns the reply line (JSON text)."""
    timeout_ms, memory_mb = request["timeout_ms"], request["memory_mb"]
    js.set_hard_memory_limit(memory_mb * MB)
    deadline = time.monotonic() + timeout_ms / 1000
    try:
        # One call into the isolate sets the globals up and starts the code (each call costs
        # about 0.3 ms). json.dumps of the JSON text is a JavaScript string literal: data never
        # becomes code. The prelude's call shares line 1 with the code: line numbers match.
        start = f"__wf_init({json.dumps(payload)}, {_LIMITS}); __wf_init = undefined; "
        if request.get("n8n"):
            # A call of its own keeps the user's line numbers; only n8n requests pay for it.
            dates = _N8N_LUXON if _DATES.search(request["code"]) else "null"
            js.eval(_N8N_DEFINE + dates + ";", timeout_sec=_time_left(deadline))
            start += _N8N_START
        code = _wrap(request["code"], n8n=bool(request.get("n8n")))
        js.eval(start + code, timeout_sec=_time_left(deadline))
        # Queued behind the microtasks of code that finished without waiting on anything.
        text = js.eval("__workfuse.outcome()", timeout_sec=_time_left(deadline))
        if text is None:
            settled = js.eval("__workfuse.settled")
            while text is None:
                _wait_until_settled(js, settled, deadline)
                text = js.eval("__workfuse.outcome()", timeout_sec=_time_left(deadline))
    except JSEvalException as exc:
        return _stopped(js, exc)
    if not isinstance(text, str):
        return _reply({"ok": False, "kind": "interfered", "logs": []})
    if text.startswith('{"ok":true,'):
        return text
    return _out_of_memory(text)


def prepare(js: MiniRacer) -> None:
    """Compile the prelude into a fresh isolate while no request waits (`run` calls it)."""
    js.eval(f"{INSTALL_SET_TIMEOUT}\nvar __wf_init = {_PRELUDE.strip()};")


def _wrap(code: str, n8n: bool = False) -> str:
    # The user's first line shares line 1 with the wrapper, so line numbers match theirs.
    function = f"async function () {{{code}\n}}"
    if n8n:
        function = f"__wf_n8n_wrap({function})"
    return f"__workfuse.start({function});\n//# sourceURL={SCRIPT_NAME}\n"


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


def _stopped(js: MiniRacer, exc: JSEvalException) -> str | Stopped:
    if isinstance(exc, JSOOMException) or js.was_hard_memory_limit_reached():
        return Stopped("memory")
    if isinstance(exc, JSTimeoutException):
        return Stopped("memory" if _near_memory_cap() else "timeout")
    # mini-racer's messages start "<script>:<line>: <Name>: <message>".
    first_line = str(exc).split("\n", 1)[0]
    match = re.match(r"^[^:]*:(\d+): (.*)$", first_line)
    line, text = (int(match[1]), match[2]) if match else (None, first_line)
    if isinstance(exc, JSParseException):
        syntax = {"ok": False, "kind": "syntax", "text": text.removeprefix("SyntaxError: ")}
        return _reply({**syntax, "line": line, "logs": []})
    error = {"ok": False, "kind": "error", "text": text, "line": line}
    return _out_of_memory(_reply({**error, "logs": _logs_after_stop(js)}))


def _logs_after_stop(js: MiniRacer) -> list[str]:
    try:
        text = js.eval("__workfuse.logs()", timeout_sec=LOGS_AFTER_STOP_SECONDS)
        logs = json.loads(text) if isinstance(text, str) else None
    except Exception:  # a stopped isolate may be unusable; the logs are a courtesy
        return []
    return logs if isinstance(logs, list) else []


def _out_of_memory(text: str) -> str:
    """The reply for a failed run, naming the memory limit when V8 refused an allocation."""
    try:
        reply = json.loads(text)
    except ValueError:
        return _reply({"ok": False, "kind": "interfered", "logs": []})
    if (
        isinstance(reply, dict)
        and reply.get("kind") == "error"
        and _OUT_OF_MEMORY.match(str(reply.get("text")))
    ):
        return _reply({"ok": False, "kind": "memory", "logs": reply.get("logs")})
    return text


def _reply(reply: dict[str, Any]) -> str:
    # ASCII: a lone surrogate from a JavaScript string stays an escape, never invalid UTF-8.
    return json.dumps(reply)


def _vm_data() -> int:
    with open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmData:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmData in /proc/self/status")


def _near_memory_cap() -> bool:
    cap, _ = resource.getrlimit(resource.RLIMIT_DATA)
    return cap != resource.RLIM_INFINITY and _vm_data() > cap - NEAR_LIMIT_BYTES


@contextmanager
def memory_cap(memory_mb: int) -> Iterator[None]:
    """Cap the process's data segment to its current size plus what one run may add."""
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = _vm_data() + (memory_mb + HEADROOM_MB) * MB
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def main() -> None:
    """Serve requests until stdin ends (the protocol is in the module docstring)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a V8 abort must not dump its memory
    # Replies get a descriptor of their own; anything else that writes to stdout lands in
    # stderr instead of corrupting the protocol.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    isolates = Isolates()
    isolate = isolates.new()
    js = isolate.__enter__()
    prepare(js)
    _send(replies, '{"ready": true}')
    while header := requests.readline():
        payload = requests.readline().decode()
        request = json.loads(header)
        result: str | Stopped
        try:
            with memory_cap(request["memory_mb"]):
                result = run(js, request, payload)
                if not isinstance(result, Stopped):
                    # The answer first, then the isolate is freed, still inside the cap:
                    # JavaScript still running while it is freed (an uninterruptible builtin)
                    # runs into the cap instead of growing freely.
                    _send(replies, result)
                    isolate.__exit__(None, None, None)
        except MemoryError:  # Python's own share of the cap ran out
            result = Stopped("memory")
        if isinstance(result, Stopped):
            _send(replies, result.reply(js))
            os._exit(0)
        isolate = isolates.new()
        js = isolate.__enter__()
        prepare(js)


def _send(replies: BinaryIO, line: str) -> None:
    replies.write(line.encode() + b"\n")
    replies.flush()


# Runs before the user's code, so it can keep the built-ins it relies on out of the user's
# reach (code that replaces JSON.stringify must not break result collection), and exposes
# itself as a frozen, non-configurable `__workfuse`.
_PRELUDE = r"""
(function (globalsJson, limits) {
  "use strict";
  const parse = JSON.parse, stringify = JSON.stringify, atomicStore = Atomics.store;
  const promiseThen = Promise.prototype.then, toTag = Object.prototype.toString;
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
  const values = parse(globalsJson);
  for (const name of Object.keys(values)) globalThis[name] = values[name];
})
"""
_HERE = os.path.dirname(os.path.abspath(__file__))


def _source(*parts: str) -> str:
    with open(os.path.join(_HERE, *parts), encoding="utf-8") as file:
        return file.read()


# Defined for a request in n8n mode, which installs the shim (it takes Luxon's source along) and
# drops both names before the user's code starts. Not in every prepared isolate: compiling them
# there made every action.code run about 2 ms slower back to back.
_N8N_DEFINE = f"var __wf_n8n = {_source('n8n_shim.js').strip()};\nvar __wf_luxon = "
_N8N_LUXON = json.dumps(_source("vendor", "luxon.min.js"))
# Luxon's source goes along only with code that names a way to a date (0.7 ms otherwise spent
# on every request): every DateTime the shim makes starts from one of these names.
_DATES = re.compile(r"\$now|\$today|\bDateTime\b|\bDuration\b|\bInterval\b|\btoDate(Time)?\b")
_N8N_START = "var __wf_n8n_wrap = __wf_n8n(__wf_luxon); __wf_n8n = __wf_luxon = undefined; "
_LIMITS = json.dumps(
    {
        "logLines": MAX_LOG_LINES,
        "logChars": MAX_LOG_CHARS,
        "logsTruncated": LOGS_TRUNCATED,
        "resultBytes": MAX_RESULT_BYTES,
    }
)


if __name__ == "__main__":
    # Leave through os._exit while main()'s frame is still alive: freeing its isolate would wait
    # for JavaScript that may still be running (when the parent went away mid-run, say).
    try:
        main()
    except BrokenPipeError:  # the parent is gone
        os._exit(0)
    except BaseException:
        traceback.print_exc()  # the parent logs a dead sandbox's stderr
        sys.stderr.flush()
        os._exit(1)
    os._exit(0)
