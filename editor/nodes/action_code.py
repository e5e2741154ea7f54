"""action.code: run a user's JavaScript in a sandbox process and return its value.

The code is the body of an async function. It sees `input`, `trigger`, `nodes` (and `item`,
`index` inside a loop) as globals, returns the node's `result` and prints `logs` through
`console.*`. Data crosses the boundary only as JSON, in both directions. Every run gets a fresh
V8 isolate with a time and a heap limit, inside a sandbox process whose memory limit covers
everything it allocates; untrusted code never runs in the web or worker process (DESIGN §10,
docs/security.md). `code_sandbox.py` holds the pool of processes, `code_runner.py` what runs
inside them.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field, field_validator

from editor.nodes import code_sandbox
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.nodes.code_runner import MAX_RESULT_BYTES


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
        description="Stop the code when the memory it uses (heap, ArrayBuffers, WebAssembly) "
        "grows past this many megabytes (8 to 512).",
    )

    @field_validator("code")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the code is empty")
        return value


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """Run `config.code` with the step's data; returns `{"result": ..., "logs": [...]}`."""
    reply = code_sandbox.run(config.code, config.timeout_ms, config.memory_mb, _globals(ctx))
    return _result(reply, config)


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


def _globals(ctx: RunContext) -> str:
    values: dict[str, Any] = {
        "input": ctx.input,
        "trigger": ctx.variables.get("trigger"),
        "nodes": ctx.variables.get("nodes", {}),
    }
    for name in ("item", "index"):
        if name in ctx.variables:
            values[name] = ctx.variables[name]
    # default=str: step data is JSON already; a stray date or Decimal should not sink the run.
    return json.dumps(values, default=str)


def _result(reply: dict[str, Any], config: Config) -> dict[str, Any]:
    """The node's output for a sandbox's reply, or the NodeError it stands for."""
    logs = reply.get("logs")
    if not isinstance(logs, list):
        raise NodeError("The code interfered with how its result is collected")
    if reply.get("ok"):
        return {"result": reply.get("result"), "logs": logs}
    kind = reply.get("kind")
    line = reply.get("line")
    where = f" (line {line})" if isinstance(line, int) else ""
    if kind == "memory":
        message = f"Code used more than {config.memory_mb} MB of memory and was stopped"
        raise NodeError(message, detail={"logs": logs})
    if kind == "timeout":
        message = f"Code ran longer than {config.timeout_ms} ms and was stopped"
        raise NodeError(message, detail={"logs": logs})
    if kind == "crashed":
        raise NodeError("Code crashed the JavaScript engine and was stopped", detail={"logs": logs})
    if kind == "syntax":
        message = f"JavaScript syntax error: {reply.get('text')}{where}"
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
        raise NodeError(f"JavaScript error: {reply.get('text')}{where}", detail=detail)
    raise NodeError("The code interfered with how its result is collected")
