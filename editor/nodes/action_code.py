"""action.code: run a user's JavaScript or Python in a sandbox process and return its value.

The code is the body of a function (async in JavaScript). It sees `input`, `trigger`, `nodes`
(and `item`, `index` inside a loop) as globals, returns the node's `result` and prints `logs`
through `console.*` or `print()`. Data crosses the boundary only as JSON, in both directions.
JavaScript runs in a fresh V8 isolate with a time and a heap limit, inside a sandbox process
whose memory limit covers everything it allocates; Python runs in a fresh WebAssembly instance
of CPython (docs/python-code.md). Untrusted code never runs in the web or worker process
(DESIGN §10, docs/security.md). `code_sandbox.py` holds the pools of processes,
`code_runner.py` and `python_runner.py` what runs inside them.

Imported n8n Code nodes set `n8n`: the code then sees n8n's names (`$input.all()`, `$json`,
`items`, `$('Node')`, `$now`, ...; in Python `_input`, `_json`, `_('Node')`, `_now`, ...) and
returns n8n items, and `result` is the list of the items' json (docs/n8n-import.md, "Code
nodes"). The same sandbox runs the n8n expressions of templates (`n8n()` in
editor/templating.py), which this module hands it at import.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from editor import templating
from editor.nodes import code_sandbox
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.nodes.code_runner import MAX_RESULT_BYTES
from workfuse.lib import files, n8n_binary

N8N_EXPRESSION_MEMORY_MB = 64


class N8nCode(BaseModel):
    """How an imported n8n Code node sees n8n's items (set by the n8n importer)."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["all", "each", "functionItem"] = Field(
        default="all",
        description="`all`: the code runs once and returns a list of items (n8n's 'Run Once "
        "for All Items'); `each`: once per input item, returning that item (n8n's 'Run Once "
        "for Each Item'); `functionItem`: n8n's legacy Function Item node.",
    )
    items: list[Any] | str | None = Field(
        default=None,
        description="The input items' json (`$input.all()`, `items`): a template resolving to "
        "a list. Empty: the previous node's output is the one input item.",
    )
    nodes: dict[str, Any] = Field(
        default_factory=dict,
        description="For each n8n node the code reads with $('Name') or $node['Name']: its "
        "item's json, as a template.",
    )
    lists: dict[str, Any] = Field(
        default_factory=dict,
        description="For n8n nodes that emit several items: all their items' json, as a template.",
    )
    aliases: dict[str, list[tuple[str, str]]] = Field(
        default_factory=dict,
        description="n8n field paths WorkFuse names differently, per node name ('' for the "
        "input): [n8n path, WorkFuse path] pairs.",
    )
    timezone: str | None = Field(default=None, description="The zone of $now and $today (UTC).")
    previous: str | None = Field(default=None, description="$prevNode.name: the n8n input node.")
    # --- fileops ---
    binary: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="The files the code sees as n8n's `item.binary`, by n8n node name ('' for "
        "the input item), each an object of file values (templates) by binary property. When "
        "set, the output also has `binary`: each returned item's files by property.",
    )
    # --- end fileops ---


class Config(NodeConfig):
    language: Literal["javascript", "python"] = Field(
        default="javascript",
        description="The language of `code`: JavaScript, or Python 3.12 with its standard "
        "library (run as WebAssembly).",
    )
    code: str = Field(
        min_length=1,
        description="Code run as the body of a function (async in JavaScript). The previous "
        "node's output is `input` (also `trigger`, `nodes`, and `item`/`index` inside a loop); "
        "`return` the result, e.g. `return input.items.filter(i => i.active).length` in "
        "JavaScript or `return len([i for i in input['items'] if i['active']])` in Python. "
        "`console.log` / `print()` output is kept as logs (`await` works in JavaScript); there "
        "is no network or file access.",
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
        description="Stop the code when the memory it uses (JavaScript: heap, ArrayBuffers, "
        "WebAssembly; Python: what it allocates beyond the interpreter's start) grows past "
        "this many megabytes (8 to 512).",
    )

    n8n: N8nCode | None = Field(
        default=None,
        description="Set on import from n8n: run the code with n8n's names and items.",
    )

    @field_validator("code")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the code is empty")
        return value

    @model_validator(mode="after")
    def _n8n_in_python(self) -> Config:
        if self.language != "python" or self.n8n is None:
            return self
        if self.n8n.mode == "functionItem":
            raise ValueError("n8n.mode: functionItem (n8n's Function Item node) is JavaScript only")
        if self.n8n.binary:
            raise ValueError(
                "n8n.binary: files (n8n's binary data) are not available to Python code"
            )
        return self


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """Run `config.code` with the step's data; returns `{"result": ..., "logs": [...]}`."""
    values = _globals(ctx)
    if config.n8n is not None:
        values["__n8n"] = _n8n_data(config.n8n, ctx)
        if config.language == "python":
            values["__n8n"]["now"] = _now_in(config.n8n.timezone)
    # default=str: step data is JSON already; a stray date or Decimal should not sink the run.
    reply = code_sandbox.run(
        config.code,
        config.timeout_ms,
        config.memory_mb,
        json.dumps(values, default=str),
        n8n=config.n8n is not None,
        language=config.language,
        # Runs of one workflow may share an isolate while it stays as fresh as a new one.
        reuse=None if ctx.workflow_id is None else f"workflow:{ctx.workflow_id}",
    )
    output = _result(reply, config.timeout_ms, config.memory_mb, language=config.language)
    if config.n8n is not None and config.n8n.binary:
        output = _with_files(output)
    return output


def run_n8n_expression(source: str, data: dict[str, Any], timeout_ms: int) -> Any:
    """The value of one n8n expression (templating's `n8n()`), run in the sandbox."""
    code = "return (" + source.strip().rstrip(";") + "\n);"
    payload = json.dumps({"__n8n": data}, default=str)
    memory = N8N_EXPRESSION_MEMORY_MB
    reply = code_sandbox.run(code, timeout_ms, memory, payload, n8n=True)
    return _result(reply, timeout_ms, memory, what="The expression")["result"]


NODE = NodeType(
    contained=True,
    type="action.code",
    label="Code",
    category="action",
    description="Runs a short JavaScript or Python function on the data: filter, reshape, "
    "compute. It receives `input` and returns a value; console.log and print() output is kept "
    "with the result.",
    Config=Config,
    run=run,
    # The code reads data through `input`, `trigger` and `nodes`; pasting rendered data into
    # its text would be an injection, and code may contain `{{` itself.
    raw_fields=("code",),
)


def _globals(ctx: RunContext) -> dict[str, Any]:
    values: dict[str, Any] = {
        "input": ctx.input,
        "trigger": ctx.variables.get("trigger"),
        "nodes": ctx.variables.get("nodes", {}),
    }
    for name in ("item", "index"):
        if name in ctx.variables:
            values[name] = ctx.variables[name]
    return values


def _now_in(zone: str | None) -> str:
    """Now in an n8n workflow's zone, for Python's `_now` (WebAssembly has no zone database)."""
    try:
        return datetime.now(ZoneInfo(zone or "UTC")).isoformat()
    except (ZoneInfoNotFoundError, ValueError):
        raise NodeError(f"n8n.timezone: unknown time zone {zone!r}") from None


def _n8n_data(n8n: N8nCode, ctx: RunContext) -> dict[str, Any]:
    """What n8n_shim.js reads: the items and nodes (already rendered), and the run's ids."""
    items = n8n.items if n8n.items is not None else [ctx.input]
    if not isinstance(items, list):
        raise NodeError(f"n8n.items must resolve to the list of input items, not {items!r:.80}")
    execution = ctx.variables.get("execution") or {}
    workflow = ctx.variables.get("workflow") or {}
    index = ctx.variables.get("index")
    extra: dict[str, Any] = {}
    if n8n.binary:  # fileops
        extra["binary"] = {
            name: {
                prop: _n8n_binary(value, f"n8n.binary '{prop}'")
                for prop, value in by.items()
                if value is not None  # the node made no such file this time
            }
            for name, by in n8n.binary.items()
        }
    return {
        **extra,
        "mode": n8n.mode,
        "json": items[0] if items else {},
        "items": items,
        "refs": n8n.nodes,
        "lists": n8n.lists,
        "aliases": n8n.aliases,
        "tz": n8n.timezone,
        "prev": n8n.previous,
        "execution": {"id": ctx.execution_id, "resumeUrl": execution.get("resume_url")},
        "workflow": {"id": workflow.get("id"), "name": workflow.get("name")},
        "itemIndex": index if isinstance(index, int) else 0,
    }


# --- fileops ---
def _n8n_binary(value: Any, where: str) -> dict[str, Any]:
    """A file value as n8n's binary data object (base64 `data` in n8n's default mode)."""
    try:
        return n8n_binary.binary_object(value, where)
    except files.FileError as exc:
        raise NodeError(str(exc)) from None


def _with_files(output: dict[str, Any]) -> dict[str, Any]:
    """{result, logs, binary}: the returned items' json, and each item's files as file values
    by binary property (an n8n binary object without base64 `data` is left out)."""
    reply = output["result"]
    if not isinstance(reply, dict) or not isinstance(reply.get("items"), list):
        raise NodeError("The code interfered with how its result is collected")
    made: list[dict[str, Any]] = []
    for index, binary in enumerate(reply.get("binary") or []):
        item_files: dict[str, Any] = {}
        for prop, value in (binary or {}).items() if isinstance(binary, dict) else ():
            if not isinstance(value, dict) or not isinstance(value.get("data"), str):
                continue
            where = f"item {index}'s binary property '{prop}'"
            try:
                content = base64.b64decode(value["data"], validate=True)
                name = str(value.get("fileName") or prop)
                kind = value.get("mimeType") if isinstance(value.get("mimeType"), str) else None
                item_files[prop] = files.make(content, name, kind or None, where).value()
            except (ValueError, files.FileError) as exc:
                raise NodeError(f"The code's {where} is not a file: {exc}") from None
        made.append(item_files)
    return {"result": reply["items"], "logs": output["logs"], "binary": made}


# --- end fileops ---
def _result(
    reply: dict[str, Any],
    timeout_ms: int,
    memory_mb: int,
    what: str = "Code",
    language: code_sandbox.Language = "javascript",
) -> dict[str, Any]:
    """The node's output for a sandbox's reply, or the NodeError it stands for."""
    name = code_sandbox.RUNNERS[language].name
    logs = reply.get("logs")
    if not isinstance(logs, list):
        raise NodeError("The code interfered with how its result is collected")
    if reply.get("ok"):
        return {"result": reply.get("result"), "logs": logs}
    kind = reply.get("kind")
    line = reply.get("line")
    where = f" (line {line})" if isinstance(line, int) else ""
    if kind == "memory":
        message = f"{what} used more than {memory_mb} MB of memory and was stopped"
        raise NodeError(message, detail={"logs": logs})
    if kind == "timeout":
        message = f"{what} ran longer than {timeout_ms} ms and was stopped"
        raise NodeError(message, detail={"logs": logs})
    if kind == "crashed":
        engine = "JavaScript engine" if language == "javascript" else "Python runtime"
        message = f"{what} crashed the {engine} and was stopped"
        raise NodeError(message, detail={"logs": logs})
    if kind == "syntax":
        message = f"{name} syntax error: {reply.get('text')}{where}"
        raise NodeError(message, detail={"line": line})
    if kind == "not_json":
        raise NodeError(
            f"The returned value can't be converted to JSON: {reply.get('reason')}",
            detail={"logs": logs},
        )
    if kind == "too_large":
        raise NodeError(
            f"The returned value is larger than {MAX_RESULT_BYTES // (1024 * 1024)} MB as JSON; "
            "return less data",
            detail={"logs": logs},
        )
    if kind == "error":
        detail = {"logs": logs, "line": line}
        if "stack" in reply:
            detail["stack"] = reply["stack"]
        raise NodeError(f"{name} error: {reply.get('text')}{where}", detail=detail)
    raise NodeError("The code interfered with how its result is collected")


templating.install_javascript(run_n8n_expression)
