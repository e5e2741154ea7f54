"""What runs first inside action.code's WebAssembly Python (python_runner.py passes this file's
text with `-c`); never imported by the server.

It starts while the sandbox is idle and then blocks reading its request from stdin, so a
request pays only for its own work; it imports as little as it can (CPython's C parts of json
and ast, not the `json` package: that and `re` take 30 ms in WebAssembly), since under load
each run pays for the next interpreter's start. The request is a header line (`{"code", "limits", "n8n"?}`, where `n8n` is n8n_shim.py's source) and
the JSON text of the globals the code sees. The user's code runs as the body of a function
(`return` works, as in JavaScript) compiled under the name `code.py`, so line numbers are the
user's; `print()` and anything written to `sys.stdout`/`sys.stderr` become `logs`. The answer is
one JSON line on stdout, shaped as code_runner.py's replies; each log line is also written to
stderr as it is made, so a run stopped at its time limit still has its logs.
"""

from __future__ import annotations

import _ast
import _json
import builtins
import io
import posix  # not os: 4 ms less to start
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs 10 ms to import in WebAssembly; annotations are not evaluated
    from collections.abc import Callable
    from typing import Any

ONLY_AST = 0x400  # ast.PyCF_ONLY_AST
FILE = "code.py"
FUNCTION = "<code>"
MISSING = "module {!r} is not available: WorkFuse's Python runs the standard library only"
NOT_ON_WASI = (
    "module {!r} is not available: it is part of Python's standard library, but not of "
    "WorkFuse's sandboxed Python (WebAssembly)"
)


class Logs:
    """The run's log lines, cut as code_runner.py's prelude cuts them."""

    def __init__(self, limits: dict[str, Any]) -> None:
        self.limits = limits
        self.lines: list[str] = []
        self.chars = 0
        self.full = False

    def add(self, line: str) -> None:
        if self.full:
            return
        room = self.limits["logChars"] - self.chars
        if len(self.lines) >= self.limits["logLines"] or len(line) > room:
            if len(self.lines) < self.limits["logLines"] and room > 0:
                self._keep(line[:room])
            self._keep(self.limits["logsTruncated"])
            self.full = True
            return
        self._keep(line)
        self.chars += len(line)

    def _keep(self, line: str) -> None:
        self.lines.append(line)
        _write(2, dumps(line) + "\n")

    def print(
        self, *values: object, sep: str | None = " ", end: str | None = "\n", **rest: Any
    ) -> None:
        """print(): one log line per call, as console.log; to a file of the user's, as usual."""
        target = rest.get("file")
        if target is not None and target is not sys.stdout and target is not sys.stderr:
            _PRINT(*values, sep=sep, end=end, **rest)
            return
        self.add((" " if sep is None else sep).join(_text(value) for value in values))


class LogStream(io.TextIOBase):
    """sys.stdout and sys.stderr: what is written becomes log lines, a line at a time."""

    def __init__(self, logs: Logs) -> None:
        self._logs = logs
        self._partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *lines, self._partial = (self._partial + str(text)).split("\n")
        for line in lines:
            self._logs.add(line)
        return len(text)

    def finish(self) -> None:
        if self._partial:
            self._logs.add(self._partial)
            self._partial = ""


class Unavailable:
    """The last finder on sys.meta_path: a module no other finder has is named as unavailable."""

    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> None:
        top = name.partition(".")[0]
        if top in sys.stdlib_module_names:
            raise ModuleNotFoundError(NOT_ON_WASI.format(name), name=name)
        raise ModuleNotFoundError(MISSING.format(name), name=name)


class NotJson(Exception):
    pass


class Decoding:
    """The settings _json's scanner reads (as json.JSONDecoder's attributes)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    memo: dict[str, str] = {}

    @staticmethod
    def parse_constant(name: str) -> None:
        raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes) -> Any:
    """One JSON value at the start of `text` (what the runner sends has no leading space)."""
    scan = _json.make_scanner(Decoding())  # type: ignore[arg-type]
    value, _ = scan(text.decode() if isinstance(text, bytes) else text, 0)
    return value


def dumps(value: Any, ascii_only: bool = True, strict: bool = False) -> str:
    """json.dumps(value) (`strict`: allow_nan=False, and other types refused with NotJson)."""
    escape = _json.encode_basestring_ascii if ascii_only else _json.encode_basestring
    default = _refuse if strict else _unknown
    encode = _json.make_encoder({}, default, escape, None, ": ", ", ", False, False, not strict)
    return "".join(encode(value, 0))


def main() -> None:
    _write(1, "waiting\n")
    header = sys.stdin.buffer.readline()
    if not header:  # the runner discarded this interpreter before giving it a request
        posix._exit(0)
    request = loads(header)
    values = loads(sys.stdin.buffer.read())
    logs = Logs(request["limits"])
    stream = LogStream(logs)
    sys.stdout = sys.stderr = stream
    builtins.print = logs.print
    sys.meta_path.append(Unavailable)
    try:
        outcome = run(request, values)
    except MemoryError:
        outcome = {"ok": False, "kind": "memory"}
    stream.finish()
    if isinstance(outcome, str):
        line = '{"ok":true,"logs":' + dumps(logs.lines) + ',"result":' + outcome + "}"
    else:
        line = dumps({**outcome, "logs": logs.lines})
    _write(1, "\n" + line + "\n")
    posix._exit(0)  # nothing the code registered (atexit, threads' ends) runs after the answer


def run(request: dict[str, Any], values: dict[str, Any]) -> dict[str, Any] | str:
    """The result as JSON text, or the reply for a failure (without its logs)."""
    code = request["code"]
    try:
        function = compile_function(code)
    except SyntaxError as exc:
        return {"ok": False, "kind": "syntax", "text": exc.msg, "line": exc.lineno}
    except ValueError as exc:  # a NUL character
        return {"ok": False, "kind": "syntax", "text": str(exc), "line": None}
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    data = values.pop("__n8n", None)
    namespace.update(values)
    call = function(namespace)
    if "n8n" in request:
        shim: dict[str, Any] = {"__name__": "n8n_shim"}
        exec(compile(request["n8n"], "n8n_shim.py", "exec", dont_inherit=True), shim)  # noqa: S102
        call = shim["install"](data or {}, namespace)(call)
    out_of_memory = False
    try:
        value = call()
    except MemoryError:
        out_of_memory = True  # reported once the exception (and the frames it holds) is gone
    except BaseException as exc:  # SystemExit and KeyboardInterrupt are the code's too
        return error_reply(exc, code)
    if out_of_memory:
        return {"ok": False, "kind": "memory"}
    return result_json(value, request["limits"]["resultBytes"])


def compile_function(code: str) -> Callable[[dict[str, Any]], Callable[[], Any]]:
    """The code as the body of a function, its lines numbered as the user wrote them."""
    tree = compile(code, FILE, "exec", ONLY_AST, dont_inherit=True)
    at: dict[str, Any] = {"lineno": 1, "col_offset": 0, "end_lineno": 1, "end_col_offset": 0}
    fields: dict[str, Any] = {
        "name": FUNCTION,
        "args": _ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
        "body": tree.body or [_ast.Pass(**at)],
        "decorator_list": [],
        "returns": None,
        "type_params": [],  # Python 3.12's field
    }
    function = _ast.FunctionDef(**fields, **at)
    module = _ast.Module(body=[function], type_ignores=[])
    compiled = compile(module, FILE, "exec", dont_inherit=True)

    def bind(namespace: dict[str, Any]) -> Callable[[], Any]:
        exec(compiled, namespace)  # noqa: S102 (defines the function, runs nothing yet)
        made: Callable[[], Any] = namespace.pop(FUNCTION)
        return made

    return bind


def error_reply(exc: BaseException, code: str) -> dict[str, Any]:
    import linecache
    import traceback

    linecache.cache[FILE] = (len(code), None, code.splitlines(True), FILE)
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == FILE]
    kind = type(exc)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    message = _text(exc).split("\n", 1)[0]
    text = f"{name}: {message}" if message else name
    stack = "Traceback (most recent call last):\n"
    stack += "".join(traceback.StackSummary.from_list(frames).format()) + text
    return {
        "ok": False,
        "kind": "error",
        "text": text,
        "line": frames[-1].lineno if frames else None,
        "stack": stack,
    }


def result_json(value: Any, limit: int) -> dict[str, Any] | str:
    """The returned value as JSON text, or the reply refusing it."""
    try:
        text = dumps(value, strict=True)
    except NotJson as exc:
        return {"ok": False, "kind": "not_json", "reason": str(exc)}
    except ValueError as exc:
        message = str(exc)
        if "Circular" in message:
            message = "it contains a circular reference"
        elif "float" in message:
            message = "it contains NaN or Infinity"
        return {"ok": False, "kind": "not_json", "reason": message}
    except TypeError as exc:  # keys that are not str, int, float, bool or None
        return {"ok": False, "kind": "not_json", "reason": str(exc)}
    except RecursionError:
        return {"ok": False, "kind": "not_json", "reason": "it is nested too deeply"}
    # ASCII JSON counts other characters as escapes: past the limit, count their UTF-8 bytes.
    if len(text) > limit:
        exact = dumps(value, ascii_only=False).encode(errors="surrogatepass")
        if len(exact) > limit:
            return {"ok": False, "kind": "too_large"}
    return text


def _refuse(value: Any) -> Any:
    raise NotJson(f"it contains a value of type '{type(value).__name__}'")


def _unknown(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _text(value: object) -> str:
    try:
        return value if isinstance(value, str) else str(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"


def _write(fd: int, text: str) -> None:
    data = text.encode()
    while data:
        data = data[posix.write(fd, data) :]


_PRINT = builtins.print
if __name__ == "__main__":
    main()
