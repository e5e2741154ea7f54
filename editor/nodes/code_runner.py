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

MAX_LOG_LINES = 1000
MAX_LOG_CHARS = 100 * 1024
MAX_RESULT_BYTES = 5 * 1024 * 1024
LOGS_TRUNCATED = "… logs truncated"
# Reading the logs of a stopped run must not add much to a run that already overran.
LOGS_AFTER_STOP_SECONDS = 0.3  # well inside the parent's grace (code_sandbox.GRACE_SECONDS)
SCRIPT_NAME = "code.js"
# A kept isolate serves at most this many runs of its workflow (`Kept`): what V8 keeps of each
# run (compiled code) stays bounded; a new one costs about 12 ms with its snapshot.
RUNS_PER_ISOLATE = 500
# `__workfuse.cleanup` compares about 250 built-in objects with their record: about 0.15 ms.
CLEANUP_SECONDS = 1.0
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
    makes to install its setTimeout: the runner's prelude brings its own, one call instead of
    two (each call into an isolate costs about 0.3 ms of CPU per run). mini-racer is pinned in
    the lock file; `tests/test_code_sandbox.py` checks setTimeout in user code."""

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
    """Run one request in a prepared isolate `js` (fresh, or kept after a clean run with the same
    `reuse` key, see `Kept`); returns the reply line (JSON text)."""
    timeout_ms, memory_mb = request["timeout_ms"], request["memory_mb"]
    js.set_hard_memory_limit(memory_mb * MB)
    deadline = time.monotonic() + timeout_ms / 1000
    try:
        # One call into the isolate sets the globals up and starts the code (each call costs
        # about 0.3 ms). json.dumps of the JSON text is a JavaScript string literal: data never
        # becomes code. The prelude's call shares line 1 with the code: line numbers match.
        start = f"__workfuse.init({json.dumps(payload)}); "
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
    js.eval(_PREPARE)


def clean(js: MiniRacer) -> bool:
    """After a run: drop the globals it made and check that it changed nothing it shares with a
    later run (`__workfuse.cleanup` in the prelude). False when the isolate must go."""
    try:
        return js.eval("__workfuse.cleanup()", timeout_sec=CLEANUP_SECONDS) is True
    except JSEvalException:
        return False


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


class Kept:
    """The isolates of one runner: the one a request runs in, and the next one, prepared while no
    request waits.

    A request with a `reuse` key (its workflow's, from action_code) leaves its isolate kept for
    the next request with the same key when the run left nothing another run could see: its code
    names nothing that runs later (`_DEFERS`), `clean` removed the globals it made, and every
    built-in is as the snapshot taken before the isolate's first run found it. Any other request,
    or one after a run that was not clean, gets the prepared isolate (as fresh as a new one) and
    the old one is freed. So runs of different workflows never share an isolate, and runs of one
    workflow share one only while it is as it was; keeping it saves about 3 ms of CPU per run
    (making, preparing and freeing an isolate). docs/security.md, "Code sandbox", has the why."""

    def __init__(self) -> None:
        self._isolates = Isolates()
        self._current: tuple[Any, MiniRacer] | None = None
        self._key: str | None = None
        self._runs = 0
        self._keepable = False  # the current isolate's snapshot was taken before its first run
        self._next: tuple[Any, MiniRacer] | None = None
        self._next_keepable = False
        # Keys whose run spoiled a kept isolate (code that changes a built-in every time, say):
        # a snapshot for them would cost about 8 ms a run for nothing. The runner's process
        # leaves after its runs (code_sandbox), and this with it.
        self._untidy: set[str] = set()
        self.refill(snapshot=True)

    def take(self, key: str | None) -> MiniRacer:
        """The isolate for a request with `key`."""
        if self._current is not None and (key is None or key != self._key):
            self.drop()
        if self._current is None:
            assert self._next is not None
            self._current, self._keepable = self._next, self._next_keepable
            self._next, self._key, self._runs = None, key, 0
        self._runs += 1
        return self._current[1]

    def finish(self, code: str) -> None:
        """After a run's reply: keep its isolate for its key's next run, or free it."""
        assert self._current is not None
        key = self._key
        if key is not None and self._keepable and self._runs < RUNS_PER_ISOLATE:
            if not _DEFERS.search(code) and clean(self._current[1]):
                return
            self._untidy.add(key)  # its runs leave traces: their next isolates need no snapshot
        self.drop()

    def drop(self) -> None:
        if self._current is not None:
            self._current[0].__exit__(None, None, None)
            self._current = None

    def refill(self, snapshot: bool) -> None:
        """Prepare the next isolate, with a snapshot when it may be kept (the last request had
        a key): about 8 ms, paid only in isolates that can then save 3 ms a run."""
        if self._next is None:
            isolate = self._isolates.new()
            js = isolate.__enter__()
            prepare(js)
            self._next = (isolate, js)
            self._next_keepable = snapshot and js.eval(_SNAPSHOT) is True

    @property
    def tidy(self) -> bool:
        """Whether the last request's key may be worth a snapshot in the next isolate."""
        return self._key is not None and self._key not in self._untidy


def main() -> None:
    """Serve requests until stdin ends (the protocol is in the module docstring)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a V8 abort must not dump its memory
    # Replies get a descriptor of their own; anything else that writes to stdout lands in
    # stderr instead of corrupting the protocol.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    isolates = Kept()
    _send(replies, '{"ready": true}')
    while header := requests.readline():
        payload = requests.readline().decode()
        request = json.loads(header)
        js = isolates.take(request.get("reuse"))
        result: str | Stopped | None = None
        try:
            with memory_cap(request["memory_mb"]):
                result = run(js, request, payload)
                if not isinstance(result, Stopped):
                    # The answer first, then the isolate is cleaned or freed, still inside the
                    # cap: JavaScript still running while it is freed (an uninterruptible
                    # builtin) runs into the cap instead of growing freely.
                    _send(replies, result)
                    isolates.finish(request["code"])
        except MemoryError:  # Python's own share of the cap ran out
            if isinstance(result, str):  # answered already: only leaving is left
                os._exit(0)
            result = Stopped("memory")
        if isinstance(result, Stopped):
            _send(replies, result.reply(js))
            os._exit(0)
        isolates.refill(snapshot=isolates.tidy)


def _send(replies: BinaryIO, line: str) -> None:
    replies.write(line.encode() + b"\n")
    replies.flush()


# Runs in a fresh isolate before any user code, so it can keep the built-ins it relies on out of
# the user's reach (code that replaces JSON.stringify must not break result collection), and
# exposes itself as a frozen, non-configurable `__workfuse`: `init` starts a run with its
# globals, `snapshot` records every built-in a later run could reach (taken only in isolates
# that may be kept, about 8 ms), `cleanup` removes a run's globals and says whether the isolate
# is still as the snapshot found it.
_PRELUDE = r"""
(function (limits) {
  "use strict";
  const parse = JSON.parse, stringify = JSON.stringify, atomicStore = Atomics.store;
  const promiseThen = Promise.prototype.then, toTag = Object.prototype.toString;
  const ownKeys = Reflect.ownKeys, getDesc = Object.getOwnPropertyDescriptor;
  const getProto = Object.getPrototypeOf, isExtensible = Object.isExtensible, same = Object.is;
  const deleteProperty = Reflect.deleteProperty, regexpExec = RegExp.prototype.exec;
  const emptyPattern = /(?:)/;
  const freeze = Object.freeze, isFrozen = Object.isFrozen, construct = Reflect.construct;
  const functionPrototype = Function.prototype;
  const isConstructor = function (f) {
    try {
      construct(String, [], f);  // f as new.target only: f itself does not run
      return true;
    } catch (e) {
      return false;
    }
  };
  const settledBuffer = new SharedArrayBuffer(1);
  const settled = new Uint8Array(settledBuffer);
  let logs = [], logChars = 0, logsFull = false, outcome = null;
  let phase = "ready";  // "ready" -> "running" (init) -> "ready" (cleanup) | "spent"
  let baseline = null, records = null;

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

  function init(globalsJson) {
    if (phase !== "ready") throw new Error("a run is already under way");
    phase = "running";
    logs = [];
    logChars = 0;
    logsFull = false;
    outcome = null;
    settled[0] = 0;
    const values = parse(globalsJson);
    for (const name of Object.keys(values)) globalThis[name] = values[name];
  }

  // Every object reachable from the globals and from the built-ins no global names, with its
  // prototype, extensibility and own properties (values, accessors, attributes).
  function snapshot() {
    if (phase !== "ready" || records !== null) return false;
    const roots = [
      globalThis,
      getProto(function* () {}), getProto(async function () {}), getProto(async function* () {}),
      getProto((function* () {})()), getProto((async function* () {})()),
      getProto([][Symbol.iterator]()), getProto(new Map()[Symbol.iterator]()),
      getProto(new Set()[Symbol.iterator]()), getProto(""[Symbol.iterator]()),
      getProto("a".matchAll(/a/g)), getProto(Uint8Array),
      getDesc(Function.prototype, "caller").get,
      getProto(new Intl.Segmenter().segment("")),
      getProto(new Intl.Segmenter().segment("")[Symbol.iterator]()),
    ];
    if (typeof Iterator === "function" && typeof Iterator.from === "function") {
      roots.push(getProto(Iterator.from({ next: function () { return { done: true }; } })));
      roots.push(getProto([].values().map(function (x) { return x; })));
    }
    const seen = new Set();
    const found = [];
    const visit = function (o) {
      if ((typeof o !== "object" && typeof o !== "function") || o === null || seen.has(o)) return;
      seen.add(o);
      // Built-in functions that are not constructors (Array.prototype.map, Math.max...) are
      // frozen: nobody sets properties on them, and what cannot change needs no check (about
      // 800 of the 1,000 objects). Not Function.prototype, which every function inherits from.
      if (typeof o === "function" && o !== functionPrototype && !isConstructor(o)) freeze(o);
      const keys = ownKeys(o);
      const record = [o, getProto(o), isExtensible(o), keys.length];
      for (let i = 0; i < keys.length; i++) {
        const d = getDesc(o, keys[i]);
        if ("value" in d) {
          record.push(keys[i], d.value, d.writable, d.configurable, d.enumerable);
          visit(d.value);
        } else {
          record.push(keys[i], d.get, d.set, d.configurable, d.enumerable);
          visit(d.get);
          visit(d.set);
        }
      }
      if (!isFrozen(o)) found.push(record);
      visit(record[1]);
    };
    for (let i = 0; i < roots.length; i++) visit(roots[i]);
    baseline = new Set(ownKeys(globalThis));
    records = found;
    return true;
  }

  function unchanged() {
    for (let i = 0; i < records.length; i++) {
      const record = records[i], o = record[0];
      if (getProto(o) !== record[1] || isExtensible(o) !== record[2]) return false;
      if (ownKeys(o).length !== record[3]) return false;
      for (let j = 4; j < record.length; j += 5) {
        const d = getDesc(o, record[j]);
        if (d === undefined || d.configurable !== record[j + 3] || d.enumerable !== record[j + 4]) return false;
        if ("value" in d) {
          if (!same(d.value, record[j + 1]) || d.writable !== record[j + 2]) return false;
        } else if (d.get !== record[j + 1] || d.set !== record[j + 2]) {
          return false;
        }
      }
    }
    return true;
  }

  // After a run: true when the isolate may serve another run, as fresh as a new one.
  function cleanup() {
    if (phase !== "running" || records === null) return false;
    phase = "spent";
    const keys = ownKeys(globalThis);
    for (let i = 0; i < keys.length; i++) {
      if (!baseline.has(keys[i]) && !deleteProperty(globalThis, keys[i])) return false;
    }
    regexpExec.call(emptyPattern, "");  // RegExp.$1, RegExp.input... hold the last match
    logs = [];
    outcome = null;
    if (pending.size !== 0 || !unchanged()) return false;  // a timer would run in a later run
    phase = "ready";
    return true;
  }

  // setTimeout and clearTimeout (V8 has neither), with their pending set out of the user's
  // reach. mini-racer's own install calls `.then` on Atomics.waitAsync's value, which is no
  // promise for a delay of 0: setTimeout(f, 0) threw.
  const pending = new Set(), waitAsync = Atomics.waitAsync, max = Math.max, toNumber = Number;
  let lastTimer = 0;
  globalThis.setTimeout = function (callback, delay, ...args) {
    const id = ++lastTimer;
    pending.add(id);
    const buffer = new Int32Array(new SharedArrayBuffer(4));
    promiseThen.call(waitAsync(buffer, 0, 0, max(1, toNumber(delay) || 0)).value, function () {
      if (pending.delete(id)) callback(...args);
    });
    return id;
  };
  globalThis.clearTimeout = function (id) {
    pending.delete(id);
  };

  globalThis.console = { log: log, info: log, warn: log, error: log, debug: log };
  return Object.freeze({
    settled: settledBuffer,
    init: init,
    start: start,
    snapshot: snapshot,
    cleanup: cleanup,
    outcome: function () { return outcome; },
    logs: function () { return stringify(logs); },
  });
})
"""
_HERE = os.path.dirname(os.path.abspath(__file__))


def _source(*parts: str) -> str:
    with open(os.path.join(_HERE, *parts), encoding="utf-8") as file:
        return file.read()


# Defined for a request in n8n mode, which installs the shim (it takes Luxon's source along) and
# drops both names before the user's code starts. Not in every prepared isolate: compiling them
# there made every action.code run about 2 ms slower back to back.
# Plain assignments, not `var`: globals a run makes must be deletable (`__workfuse.cleanup`).
_N8N_DEFINE = f"__wf_n8n = {_source('n8n_shim.js').strip()};\n__wf_luxon = "
_N8N_LUXON = json.dumps(_source("vendor", "luxon.min.js"))
# Luxon's source goes along only with code that names a way to a date (0.7 ms otherwise spent
# on every request): every DateTime the shim makes starts from one of these names.
_DATES = re.compile(r"\$now|\$today|\bDateTime\b|\bDuration\b|\bInterval\b|\btoDate(Time)?\b")
_N8N_START = "__wf_n8n_wrap = __wf_n8n(__wf_luxon); __wf_n8n = __wf_luxon = undefined; "
_LIMITS = json.dumps(
    {
        "logLines": MAX_LOG_LINES,
        "logChars": MAX_LOG_CHARS,
        "logsTruncated": LOGS_TRUNCATED,
        "resultBytes": MAX_RESULT_BYTES,
    }
)

_PREPARE = (
    f'Object.defineProperty(globalThis, "__workfuse", {{value: ({_PRELUDE.strip()})({_LIMITS})}});'
)
_SNAPSHOT = "__workfuse.snapshot()"
# Code naming these may leave work that runs after its reply (a finalizer, a wait, an async
# compile): its isolate is not kept. Timers are the prelude's own: it knows when one is pending.
_DEFERS = re.compile(r"FinalizationRegistry|waitAsync|WebAssembly")


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
