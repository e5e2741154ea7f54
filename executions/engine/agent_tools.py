"""The tools of an `action.agent`: what the model is told about them, and calling them.

`offer` turns the node's tools into what the model sees (name, description, JSON Schema of the
arguments), once per run: an MCP server's tools are listed then, and a workflow tool's schema
comes from its `trigger.workflow` inputs. The list is stored with the run's first checkpoint, so
a run resumed later offers the same tools. `call` runs one call of an `http`, `code` or `mcp`
tool and returns what the model reads back; a workflow tool is started by the engine instead
(it is a called execution, waited for without a worker: executions/engine/agents.py).

A tool that fails gives the model its error (it may try another way); the step fails only for
what the model cannot fix (a tool's credential is missing, say).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.db.models import F

from credentials.runtime import resolve as resolve_credential
from editor.models import Workflow
from editor.nodes import action_code, action_http, action_vector_store, trigger_workflow
from editor.nodes.action_agent import (
    HTTP_TOOL_KINDS,
    MCP_TOOL_KINDS,
    CodeTool,
    Config,
    HttpTool,
    McpTool,
    VectorStoreTool,
    WorkflowTool,
    http_url,
)
from editor.nodes.base import NodeError, RunContext, Secret
from editor.nodes.vectors.settings import EMBEDDING_CREDENTIAL_KINDS, STORE_CREDENTIAL_KINDS
from editor.templating import (  # agenttools
    TemplateError,
    is_template,
    render,
    render_value,  # ai3
)
from executions.models import Execution
from workfuse.lib import redaction

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Offered:
    """One tool as the model sees it. `origin` is its index in the node's `tools`; `remote` an
    MCP tool's name on its server."""

    name: str
    description: str
    parameters: dict[str, Any]
    origin: int
    remote: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
            "origin": self.origin,
            "remote": self.remote,
        }

    @classmethod
    def of(cls, data: dict[str, Any]) -> Offered:
        return cls(
            str(data["name"]),
            str(data.get("description") or ""),
            dict(data.get("parameters") or {}),
            int(data["origin"]),
            str(data.get("remote") or ""),
        )


@dataclass
class Credentials:
    """Resolves the tools' credentials for one step run, keeping every value resolved so the
    agent can scrub them from all it stores."""

    owner_id: int
    execution_id: str
    node_id: str
    forms: set[str]

    def secret(self, credential_id: int | None, kinds: tuple[str, ...]) -> Secret | None:
        if credential_id is None:
            return None
        secret = resolve_credential(
            self.owner_id,
            credential_id,
            kinds,
            execution_id=self.execution_id,
            node_id=self.node_id,
        )
        self.forms |= redaction.forms_of(secret.value)
        return secret


def offer(config: Config, owner_id: int, credentials: Credentials) -> list[Offered]:
    """The tools the model is offered, in the node's order. Raises NodeError (not retried)
    for a tool that cannot be offered: a workflow that is not callable, two tools of one name."""
    offered: list[Offered] = []
    for index, tool in enumerate(config.tools):
        if isinstance(tool, McpTool):
            offered.extend(_mcp_tools(tool, index, credentials))
        elif isinstance(tool, WorkflowTool):
            offered.append(_workflow_tool(tool, index, owner_id))
        elif isinstance(tool, HttpTool):
            offered.append(
                Offered(
                    tool.name, tool.description or _http_description(tool), tool.parameters(), index
                )
            )
        # --- vectors ---
        elif isinstance(tool, VectorStoreTool):
            description = tool.description or (
                f"Searches the '{tool.store.collection}' documents for passages about a query."
            )
            offered.append(Offered(tool.name, description, tool.parameters(), index))
        # --- end vectors ---
        else:
            parameters = tool.input_schema or {"type": "object", "properties": {}}
            offered.append(Offered(tool.name, tool.description, parameters, index))
    names = [tool.name for tool in offered]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise NodeError(
                f"tools: two tools are called '{name}' (an MCP server's tool and another tool); "
                "rename one, or leave one out of the MCP entry's allow list"
            )
    return offered


def _http_description(tool: HttpTool) -> str:
    return f"Calls {tool.method} {tool.url}."


def _workflow_tool(tool: WorkflowTool, index: int, owner_id: int) -> Offered:
    called = Workflow.objects.filter(pk=tool.workflow, owner_id=owner_id).first()
    if called is None:
        raise NodeError(
            f"tools.{tool.name}: workflow {tool.workflow} does not exist or is not yours."
        )
    trigger = trigger_workflow.config_in(called.versions.get(number=called.version).graph)
    if trigger is None:
        raise NodeError(
            f"tools.{tool.name}: '{called.name}' cannot be called: it has no 'When called by a "
            "workflow' trigger (trigger.workflow)."
        )
    description = tool.description or called.description or f"Runs the workflow '{called.name}'."
    schema = trigger_workflow.input_schema(trigger.inputs)
    # --- ai3 ---
    if tool.inputs:  # the tool fills these itself: the model is not asked for them
        schema["properties"] = {
            k: v for k, v in schema["properties"].items() if k not in tool.inputs
        }
        required = [k for k in schema.get("required", []) if k not in tool.inputs]
        schema.pop("required", None)
        if required:
            schema["required"] = required
    # --- end ai3 ---
    return Offered(tool.name, description, schema, index)


# --- ai3 ---
def workflow_inputs(
    tool: WorkflowTool, arguments: dict[str, Any], ctx: RunContext
) -> dict[str, Any]:
    """What a workflow tool's run is called with: the model's arguments and the tool's fixed
    `inputs`, their templates filled from the agent step's data (n8n evaluates a tool's
    expressions in the agent's run, for the item it works on). A fixed input wins over an
    argument of its name. Raises NodeError for a template that cannot be filled."""
    try:
        fixed = render_value(tool.inputs, ctx.variables, f"tools.{tool.name}.inputs")
    except TemplateError as exc:
        raise NodeError(exc.message) from None
    return {**arguments, **fixed}


# --- end ai3 ---


def _mcp_headers(tool: McpTool, credentials: Credentials) -> dict[str, str]:
    secret = credentials.secret(tool.credential, MCP_TOOL_KINDS)
    if secret is None:
        return {}
    value = secret.value
    if isinstance(value, dict):
        value = value.get("token") or value.get("api_key") or value.get("value") or ""
    return {"Authorization": f"Bearer {value}"}


def _mcp_tools(tool: McpTool, index: int, credentials: Credentials) -> list[Offered]:
    from aiconfig import mcp_client as client

    listed = client.list_tools(tool.url, _mcp_headers(tool, credentials))
    allowed = set(tool.allow)
    missing = allowed - {t.name for t in listed}
    if missing:
        raise NodeError(
            f"tools.{tool.name}: the MCP server at {tool.url} has no tool "
            f"{', '.join(sorted(missing))}; it offers {', '.join(t.name for t in listed) or 'none'}."
        )
    return [
        Offered(t.name, t.description, t.input_schema or {"type": "object"}, index, t.name)
        for t in listed
        if not allowed or t.name in allowed
    ]


def needs_approval(config: Config, offered: Offered) -> bool:
    """Whether a call of `offered` waits for a person: named in `approval`, itself or (for an
    MCP server's tool) by its server entry's name."""
    owner_name = config.tools[offered.origin].name
    return offered.name in config.approval or owner_name in config.approval


# --- calling --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one call came to: its result (JSON) or error text, and how long it took."""

    result: Any = None
    error: str | None = None
    duration_ms: int = 0

    def content(self, limit: int) -> str:
        """What the model reads back, at most `limit` characters."""
        if self.error is not None:
            text = json.dumps({"error": self.error})
        else:
            text = (
                self.result
                if isinstance(self.result, str)
                else json.dumps(self.result, default=str)
            )
        if len(text) > limit:
            return text[:limit] + f"… [cut: {len(text) - limit} more characters]"
        return text


def call(
    config: Config,
    offered: Offered,
    arguments: dict[str, Any],
    ctx: RunContext,
    credentials: Credentials,
) -> Outcome:
    """Run one call of an http, code or mcp tool; a NodeError becomes the model's error text."""
    tool = config.tools[offered.origin]
    started = time.monotonic()
    try:
        if isinstance(tool, HttpTool):
            result = _call_http(tool, arguments, ctx, credentials)
        elif isinstance(tool, CodeTool):
            result = _call_code(tool, arguments, ctx)
        elif isinstance(tool, McpTool):
            result = _call_mcp(tool, offered.remote, arguments, credentials)
        elif isinstance(tool, VectorStoreTool):  # vectors
            result = _call_vector_store(tool, arguments, ctx, credentials)
        else:
            raise NodeError(f"{offered.name} is a workflow tool: the engine calls it")
    except NodeError as exc:
        return Outcome(error=exc.message, duration_ms=_since(started))
    return Outcome(result=result, duration_ms=_since(started))


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _call_http(
    tool: HttpTool, arguments: dict[str, Any], ctx: RunContext, credentials: Credentials
) -> Any:
    rest = dict(arguments)

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in arguments:
            raise NodeError(f"the argument '{name}' the URL needs is missing")
        rest.pop(name, None)  # the URL may use it twice (agentio)
        return quote(str(arguments[name]), safe="")

    url = PLACEHOLDER.sub(fill, _rendered_url(tool, ctx))
    in_query = tool.method in ("GET", "DELETE")
    settings: dict[str, Any] = {
        "method": tool.method,
        "url": url,
        "headers": tool.headers,
        "credential": tool.credential,
        "auth": tool.auth,
        "fail_on_status": False,
    }
    if in_query:
        settings["query"] = {k: v if isinstance(v, str) else json.dumps(v) for k, v in rest.items()}
    elif tool.body is not None:  # agenttools
        settings["body"] = _filled(tool.body, arguments)
    elif rest:
        settings["body"] = rest
    try:
        http_config = action_http.Config.model_validate(settings)
    except ValueError as exc:
        raise NodeError(f"the request cannot be made: {exc}") from None
    secret = credentials.secret(tool.credential, HTTP_TOOL_KINDS)
    reply = action_http.run(http_config, _tool_context(ctx, arguments, secret))
    return {"status": reply["status"], "body": reply["body"]}


# --- agenttools ---
def _rendered_url(tool: HttpTool, ctx: RunContext) -> str:
    """The tool's URL with its templates filled from the run's data (before the model's
    arguments fill its {placeholders}, so that they never become template text)."""
    if not is_template(tool.url):
        return tool.url
    try:
        return http_url(str(render(tool.url, ctx.variables)))
    except TemplateError as exc:
        raise NodeError(f"tools.{tool.name}.url: {exc.message}") from None
    except ValueError as exc:
        raise NodeError(f"tools.{tool.name}.url: the filled-in address {exc}") from None


def _filled(body: Any, arguments: dict[str, Any]) -> Any:
    """An HTTP tool's JSON body with its {placeholders} filled: a string that is exactly one
    placeholder takes the argument's value as given, one inside longer text its text."""
    if isinstance(body, dict):
        return {key: _filled(value, arguments) for key, value in body.items()}
    if isinstance(body, list):
        return [_filled(value, arguments) for value in body]
    if not isinstance(body, str):
        return body
    whole = PLACEHOLDER.fullmatch(body)
    if whole:
        return _argument(whole.group(1), arguments)

    def text(match: re.Match[str]) -> str:
        value = _argument(match.group(1), arguments)
        return value if isinstance(value, str) else json.dumps(value)

    return PLACEHOLDER.sub(text, body)


def _argument(name: str, arguments: dict[str, Any]) -> Any:
    if arguments.get(name) is None:
        raise NodeError(f"the argument '{name}' the body needs is missing")
    return arguments[name]


# --- end agenttools ---


def _call_code(tool: CodeTool, arguments: dict[str, Any], ctx: RunContext) -> Any:
    code_config = action_code.Config(
        code=tool.code, timeout_ms=tool.timeout_ms, language=tool.language
    )
    return action_code.run(code_config, _tool_context(ctx, arguments, None))["result"]


def _call_mcp(
    tool: McpTool, remote: str, arguments: dict[str, Any], credentials: Credentials
) -> Any:
    from aiconfig import mcp_client as client

    reply = client.call_tool(tool.url, _mcp_headers(tool, credentials), remote, arguments)
    if reply.is_error:
        raise NodeError(reply.text or f"the MCP tool {remote} failed")
    return reply.structured if reply.structured is not None else reply.text


# --- vectors ---
def _call_vector_store(
    tool: VectorStoreTool, arguments: dict[str, Any], ctx: RunContext, credentials: Credentials
) -> Any:
    query = arguments.get("query")
    if not isinstance(query, str) or not query.strip():
        raise NodeError("the argument 'query' (the text to search for) is missing")
    found, spent = action_vector_store.search(
        tool.store,
        tool.embeddings,
        credentials.owner_id,
        query,
        tool.top_k,
        credentials.secret(tool.store.credential, STORE_CREDENTIAL_KINDS),
        credentials.secret(tool.embeddings.credential, EMBEDDING_CREDENTIAL_KINDS),
    )
    tokens = int(spent["usage"].get("total_tokens") or 0)
    if tokens or spent["cost_usd"]:  # the run's ai_budget counts the query's embedding
        Execution.objects.filter(pk=ctx.execution_id).update(
            ai_tokens=F("ai_tokens") + tokens,
            ai_cost_usd=F("ai_cost_usd") + Decimal(str(spent["cost_usd"] or 0)),
        )
    return {
        "results": [
            {"text": f.text, "metadata": f.metadata, "score": f.score}
            if tool.include_metadata
            else {"text": f.text, "score": f.score}
            for f in found
        ]
    }


# --- end vectors ---


def _tool_context(ctx: RunContext, arguments: dict[str, Any], secret: Secret | None) -> RunContext:
    """The agent step's context for one tool call: the arguments as its input, and its own
    idempotency key (the tool call's step key)."""
    return RunContext(
        execution_id=ctx.execution_id,
        node_id=ctx.node_id,
        step_key=ctx.step_key,
        attempt=ctx.attempt,
        input=arguments,
        variables=ctx.variables,
        secret=secret,
        workflow_id=ctx.workflow_id,
    )
