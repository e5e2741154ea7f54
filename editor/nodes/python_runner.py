"""The sandbox process of action.code's Python: runs requests in turn, each in a fresh
WebAssembly instance of CPython (python_runtime.py fetches and compiles it).

`code_sandbox.py` starts it as `python -I python_runner.py <compiled module>` with an empty
environment; it imports nothing of WorkFuse (no Django, no settings). The protocol is
code_runner.py's: once up, the runner writes `{"ready": true}`; each request is a header line
(`{"code", "timeout_ms", "memory_mb", "limits", "n8n"?}`) and the JSON text of the globals;
the answer is one reply line, shaped as code_runner.py's.

Every request runs in a new wasmtime Store and instance: a fresh interpreter whose only
outside world is WASI preview 1 as wasmtime gives it here: no preopened directory (no file of
the host's can be named), no environment variable, no socket (preview 1 has none), stdin
(the request), stdout (the answer) and stderr (the logs as they are made). Its linear memory
may grow to the interpreter's initial size plus `memory_mb`; the time limit is enforced with
epoch interruption, and a run that is still inside a host call (a long `time.sleep`) a moment
after its time is answered as stopped and the process leaves. The parent's watchdog
(code_sandbox.py) applies on top, as for JavaScript.

While the runner waits for a request, the next interpreter is already starting (about 60 ms
of CPython start-up and imports), blocked reading stdin: a request costs only its own work.
"""

from __future__ import annotations

import json
import os
import select
import sys
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import wasmtime

MB = 1024 * 1024
# Past its time, a run stuck in a host call (sleeping) is answered as stopped after this long.
STUCK_SECONDS = 0.25
START_SECONDS = 10.0
# The answer is the last line of stdout: a result of up to 5 MB as UTF-8 is up to three times
# that as the prelude's ASCII JSON (é is 2 bytes, \u00e9 six), with 100,000 characters of logs;
# a longer line is not an answer.
MAX_LINE_BYTES = 20 * MB
MAX_LOG_BYTES = 1 * MB
_HERE = os.path.dirname(os.path.abspath(__file__))


def new_engine() -> wasmtime.Engine:
    """The engine of setup's compilation and of every run: epoch interruption is compiled into
    the module, so both must agree (a compiled module of another configuration is refused)."""
    config = wasmtime.Config()
    config.epoch_interruption = True
    return wasmtime.Engine(config)


def compile_module(wasm_path: str) -> bytes:
    """The wasm compiled for this machine and wasmtime (about 10 s; setup does it once)."""
    return bytes(wasmtime.Module.from_file(new_engine(), wasm_path).serialize())


class Runtime:
    """The compiled interpreter, ready to be instantiated."""

    def __init__(self, compiled_path: str) -> None:
        self.engine = new_engine()
        # Only ever a file setup wrote (python_runtime.py): deserializing trusts its content.
        self.module = wasmtime.Module.deserialize_file(self.engine, compiled_path)
        self.linker = wasmtime.Linker(self.engine)
        self.linker.define_wasi()
        memory = next(
            e.type for e in self.module.exports if isinstance(e.type, wasmtime.MemoryType)
        )
        self.base_bytes = memory.limits.min * 65536
        with open(os.path.join(_HERE, "python_prelude.py"), encoding="utf-8") as prelude:
            self.prelude = prelude.read()
        with open(os.path.join(_HERE, "n8n_shim.py"), encoding="utf-8") as shim:
            self.n8n_shim = shim.read()


@dataclass
class Output:
    """What the interpreter writes to stdout: only the last complete line is kept (the answer
    is the last thing written), and a line past MAX_LINE_BYTES is dropped. The prelude's first
    line says it waits for its request."""

    line: bytes = b""
    partial: bytearray = field(default_factory=bytearray)
    skipping: bool = False
    waiting: threading.Event = field(default_factory=threading.Event)

    def write(self, data: bytes) -> None:
        start = 0
        while (end := data.find(b"\n", start)) >= 0:
            if not self.skipping:
                self.partial += data[start:end]
                self.line = bytes(self.partial)
                self.waiting.set()
            self.partial.clear()
            self.skipping = False
            start = end + 1
        if not self.skipping:
            self.partial += data[start:]
            if len(self.partial) > MAX_LINE_BYTES:
                self.partial.clear()
                self.skipping = True


@dataclass
class LogLines:
    """Log lines the prelude writes to stderr as JSON strings, one a line (kept up to
    MAX_LOG_BYTES: the prelude cuts them well before); other text there is kept apart."""

    lines: list[str] = field(default_factory=list)
    other: bytearray = field(default_factory=bytearray)
    size: int = 0
    partial: bytearray = field(default_factory=bytearray)

    def write(self, data: bytes) -> None:
        self.partial += data
        *complete, rest = bytes(self.partial).split(b"\n")
        self.partial = bytearray(rest[:MAX_LOG_BYTES])
        for raw in complete:
            self.size += len(raw)
            try:
                line = json.loads(raw) if self.size <= MAX_LOG_BYTES else None
            except ValueError:
                line = None
            if isinstance(line, str):
                self.lines.append(line)
            else:
                self.other = (self.other + raw + b"\n")[-4096:]


class Interpreter:
    """A fresh Store and instance whose prelude runs in a thread of its own until it blocks
    reading its request (stdin is a pipe whose other end this object holds)."""

    def __init__(self, runtime: Runtime, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.output = Output()
        self.logs = LogLines()
        self.ended: str = ""  # "exit", "interrupt", "trap: ..." once the thread is done
        self.memory_full = False
        self._limit = runtime.base_bytes + memory_mb * MB
        self._store = wasmtime.Store(runtime.engine)
        self._store.set_limits(memory_size=self._limit)
        self._store.set_epoch_deadline(1)  # the next tick of the engine's epoch stops it
        wasi = wasmtime.WasiConfig()
        wasi.argv = ["python", "-I", "-S", "-c", runtime.prelude]
        stdin, self._requests = os.pipe()
        try:
            wasi.stdin_file = f"/proc/self/fd/{stdin}"  # wasmtime opens the pipe itself
        finally:
            os.close(stdin)
        wasi.stdout_custom = self.output.write
        wasi.stderr_custom = self.logs.write
        self._store.set_wasi(wasi)
        instance = runtime.linker.instantiate(self._store, runtime.module)
        self._start = instance.exports(self._store)["_start"]
        memory = instance.exports(self._store)["memory"]
        assert isinstance(memory, wasmtime.Memory)
        self._memory = memory
        self.thread = threading.Thread(target=self._main, name="interpreter", daemon=True)
        self.thread.start()

    def _main(self) -> None:
        assert isinstance(self._start, wasmtime.Func)
        try:
            self._start(self._store)
            self.ended = "exit"
        except wasmtime.ExitTrap:
            self.ended = "exit"
        except wasmtime.Trap as trap:
            interrupted = trap.trap_code == wasmtime.TrapCode.INTERRUPT
            self.ended = "interrupt" if interrupted else f"trap: {str(trap).splitlines()[0]}"
        except wasmtime.WasmtimeError as exc:
            self.ended = f"trap: {str(exc).splitlines()[0]}"
        finally:
            self.output.waiting.set()
        # An allocation refused this close to the limit is why CPython gave up, if it did.
        self.memory_full = self._memory.data_len(self._store) + 4 * MB > self._limit

    def send(self, data: bytes) -> None:
        """Hand over the request; stops early if the interpreter ends without reading it."""
        os.set_blocking(self._requests, False)
        poller = select.poll()
        poller.register(self._requests, select.POLLOUT)
        try:
            while data and self.thread.is_alive():
                try:
                    data = data[os.write(self._requests, data) :]
                except BlockingIOError:
                    poller.poll(10)
        except BrokenPipeError:
            pass
        finally:
            os.close(self._requests)

    def discard(self) -> None:
        """End an interpreter that got no request (its prelude leaves at the end of stdin)."""
        os.close(self._requests)
        self.thread.join()


class Deadline:
    """Stops the running interpreter at its time (one epoch tick), and answers for it and ends
    the process if it is still in a host call STUCK_SECONDS later."""

    def __init__(
        self,
        engine: wasmtime.Engine,
        seconds: float,
        replies: BinaryIO,
        lock: threading.Lock,
        logs: LogLines,
    ) -> None:
        self.passed = False
        self._engine = engine
        self._done = threading.Event()
        self._lock = lock
        self._replies = replies
        self._logs = logs
        self._thread = threading.Thread(target=self._watch, args=(seconds,), daemon=True)
        self._thread.start()

    def _watch(self, seconds: float) -> None:
        if self._done.wait(seconds):
            return
        self.passed = True
        self._engine.increment_epoch()
        if self._done.wait(STUCK_SECONDS):
            return
        with self._lock:
            if not self._done.is_set():
                _send(self._replies, _stopped("timeout", self._logs))
                os._exit(0)

    def finish(self) -> None:
        """Call holding the reply lock: from then on the watcher neither ticks nor answers."""
        self._done.set()

    def join(self) -> None:
        self._thread.join()


def run(
    runtime: Runtime,
    interpreter: Interpreter,
    request: dict[str, Any],
    payload: bytes,
    replies: BinaryIO,
    lock: threading.Lock,
) -> str:
    """Run one request in `interpreter` (prepared for its memory_mb); returns the reply line."""
    header = {"code": request["code"], "limits": request["limits"]}
    if request.get("n8n"):
        header["n8n"] = runtime.n8n_shim
    # Its start-up is not the code's time: back to back, a request may find it still starting.
    interpreter.output.waiting.wait(START_SECONDS)
    deadline = Deadline(
        runtime.engine, request["timeout_ms"] / 1000, replies, lock, interpreter.logs
    )
    interpreter.send(json.dumps(header).encode() + b"\n" + payload)
    interpreter.thread.join()
    with lock:
        deadline.finish()
    deadline.join()  # a tick it was about to give must not reach the next interpreter
    return _reply(interpreter, deadline.passed)


def _reply(interpreter: Interpreter, timed_out: bool) -> str:
    # The code can write a line of its own and leave: only JSON the server can store passes.
    try:
        reply = json.loads(interpreter.output.line, parse_constant=_not_json)
    except (ValueError, RecursionError):
        reply = None
    if isinstance(reply, dict) and interpreter.ended == "exit":
        return interpreter.output.line.decode()
    if timed_out or interpreter.ended == "interrupt":
        return _stopped("timeout", interpreter.logs)
    if interpreter.memory_full:
        return _stopped("memory", interpreter.logs)
    if interpreter.ended.startswith("trap"):
        print(f"The interpreter stopped: {interpreter.ended}", file=sys.stderr)
        return json.dumps({"ok": False, "kind": "crashed", "logs": interpreter.logs.lines})
    return json.dumps({"ok": False, "kind": "interfered", "logs": interpreter.logs.lines})


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def _stopped(kind: str, logs: LogLines) -> str:
    return json.dumps({"ok": False, "kind": kind, "logs": logs.lines})


_STOPPED = ('{"ok": false, "kind": "timeout"', '{"ok": false, "kind": "memory"')


def main() -> None:
    """Serve requests until stdin ends (the protocol is in the module docstring)."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else written to stdout lands in stderr, not in the protocol
    requests = sys.stdin.buffer
    runtime = Runtime(sys.argv[1])
    lock = threading.Lock()
    interpreter = Interpreter(runtime, 64)
    _send(replies, '{"ready": true}')
    while header := requests.readline():
        payload = requests.readline().rstrip(b"\n")
        request = json.loads(header)
        if interpreter.memory_mb != request["memory_mb"]:
            interpreter.discard()
            interpreter = Interpreter(runtime, request["memory_mb"])
        reply = run(runtime, interpreter, request, payload, replies, lock)
        with lock:
            _send(replies, reply)
        if reply.startswith(_STOPPED):
            os._exit(0)  # as code_runner.py: the pool replaces a sandbox stopped at a limit
        interpreter = Interpreter(runtime, request["memory_mb"])


def _send(replies: BinaryIO, line: str) -> None:
    replies.write(line.encode() + b"\n")
    replies.flush()


if __name__ == "__main__":
    # Leave through os._exit: an interpreter thread may still be blocked reading its request.
    try:
        main()
    except BrokenPipeError:  # the parent is gone
        os._exit(0)
    except BaseException:
        traceback.print_exc()  # the parent logs a dead sandbox's stderr
        sys.stderr.flush()
        os._exit(1)
    os._exit(0)
