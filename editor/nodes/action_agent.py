"""`action.agent`: a model that uses tools, in a loop, until it answers (DESIGN §12).

This module holds the node's settings and what they mean; the engine runs it
(`executions/engine/agents.py`), because every model turn and every tool call is a checkpoint of
its own and a tool call may wait (an approval, a called workflow) without holding a worker.

Tools are taken literally (never rendered as templates): their URLs, schemas and code are
filled by the model's arguments, not by the run's data; the exceptions are an HTTP tool's URL
and a workflow tool's fixed `inputs`, filled from the agent step's data when the tool is
called. An HTTP tool's URL may hold `{placeholders}` named like its arguments
(`https://api.example.com/orders/{order_id}`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from editor.nodes.action_ai import ModelSettings, checked_schema
from editor.nodes.base import NodeConfig, NodeType
from editor.nodes.trigger_workflow import INPUT_NAME_RE  # ai3
from editor.nodes.vectors.settings import Embeddings, Store, default_embeddings  # vectors
from editor.templating import TemplateError, is_template, parse  # agenttools

# The credential kinds a tool accepts: an HTTP tool's as action.http's; an MCP server's token.
HTTP_TOOL_KINDS = ("api_key", "bearer", "basic", "header")
MCP_TOOL_KINDS = ("bearer", "api_key", "header")
TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
TEMPLATE_PART = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)  # agenttools
EMPTY_OBJECT: dict[str, Any] = {"type": "object", "properties": {}}


def arguments_schema(schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """A tool's arguments schema, refused (ValueError) unless it is a usable object schema."""
    schema = checked_schema(schema)
    if schema and schema.get("type", "object") != "object":
        raise ValueError("a tool's arguments are an object: the schema's type must be 'object'")
    return schema


# --- agenttools ---
def body_placeholders(body: Any) -> list[str]:
    """The {placeholders} in the strings of an HTTP tool's JSON body, in order."""
    if isinstance(body, str):
        return PLACEHOLDER.findall(body)
    if isinstance(body, list):
        return [name for value in body for name in body_placeholders(value)]
    if isinstance(body, dict):
        return [name for value in body.values() for name in body_placeholders(value)]
    return []


# --- end agenttools ---


def http_url(url: str) -> str:
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// address")
    return url


def tool_name(value: str) -> str:
    if not TOOL_NAME.match(value):
        raise ValueError(f"'{value}' is not a tool name: use letters, digits, _ and - (at most 64)")
    return value


class ToolBase(NodeConfig):
    name: str = Field(
        ...,
        description="What the model calls the tool: letters, digits, _ and - (at most 64), "
        "e.g. 'lookup_order'.",
    )
    description: str = Field(
        "",
        max_length=2000,
        description="When and why to use the tool, in a sentence or two: the model reads it.",
    )

    @field_validator("name")
    @classmethod
    def _a_name(cls, value: str) -> str:
        return tool_name(value)


class HttpTool(ToolBase):
    type: Literal["http"] = Field("http", json_schema_extra={"label": "HTTP request"})
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = Field(
        "GET", description="HTTP method. GET and DELETE send the arguments as the query string."
    )
    url: str = Field(
        ...,
        min_length=1,
        description="The address; {name} parts are filled from the arguments of the same name, "
        "e.g. https://api.example.com/orders/{order_id}; templates ({{ ... }}) from the run's "
        "data when the tool is called.",
    )
    headers: dict[str, str] = Field(default_factory=dict, description="Headers sent every time.")
    body_schema: dict[str, Any] | None = Field(
        None,
        description="JSON Schema of the arguments the model gives (an object). Empty: the "
        "{placeholders} of the URL, as strings.",
    )
    # --- agenttools ---
    body: Any = Field(
        None,
        description="POST, PUT, PATCH: a JSON body sent every time instead of the arguments; "
        "a string that is exactly {name} becomes that argument's value, {name} inside a longer "
        'string its text, e.g. {"filter": {"tag": "{tag}"}, "limit": 10}. Empty: the '
        "arguments are the body.",
    )
    # --- end agenttools ---
    credential: int | None = Field(
        None,
        ge=1,
        description="Credential that authenticates it.",
        json_schema_extra={"credential_kinds": list(HTTP_TOOL_KINDS)},
    )
    auth: Literal["bearer", "basic", "header", "query"] | None = Field(
        None, description="How the credential is sent (as in HTTP Request); empty: by its kind."
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        # --- agenttools ---
        if is_template(url):  # the run's data fills it when the tool is called
            try:
                parse(url)
            except TemplateError as exc:
                raise ValueError(exc.message) from None
            return url.strip()
        # --- end agenttools ---
        return http_url(url)

    @field_validator("body_schema")
    @classmethod
    def _usable_schema(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        return arguments_schema(schema)

    # --- agenttools ---
    @model_validator(mode="after")
    def _body_fits(self) -> Self:
        if self.body is not None and self.method in ("GET", "DELETE"):
            raise ValueError(
                f"body: a {self.method} request sends no body (its arguments go in the query)"
            )
        return self

    # --- end agenttools ---

    def placeholders(self) -> list[str]:
        # Each name once, though the URL may use it twice (agentio), then the body's (agenttools).
        url = TEMPLATE_PART.sub("", self.url)  # {placeholders} outside its templates
        found = PLACEHOLDER.findall(url) + body_placeholders(self.body)
        return list(dict.fromkeys(found))

    def parameters(self) -> dict[str, Any]:
        if self.body_schema:
            return self.body_schema
        names = self.placeholders()
        return {
            "type": "object",
            "properties": {name: {"type": "string"} for name in names},
            "required": names,
        }


class WorkflowTool(ToolBase):
    type: Literal["workflow"] = Field("workflow", json_schema_extra={"label": "Call a workflow"})
    workflow: int = Field(
        ...,
        ge=1,
        description="One of your workflows that starts with 'When called by a workflow'; its "
        "inputs are the tool's arguments and its last node's output the result.",
    )
    # --- ai3 ---
    inputs: dict[str, Any] = Field(
        default_factory=dict,
        description="Inputs the workflow gets on every call, which the model does not fill: "
        "values, or templates of the agent step's data filled when the tool is called, e.g. "
        '{"chat_id": "{{ trigger.body.message.chat.id }}"}. They are left out of the '
        "arguments the model is offered.",
    )

    @field_validator("inputs")
    @classmethod
    def _fixed_inputs(cls, inputs: dict[str, Any]) -> dict[str, Any]:
        for name, value in inputs.items():
            if not INPUT_NAME_RE.match(name):
                raise ValueError(
                    f"'{name}' is not an input name: use letters, digits and underscores, not "
                    "starting with a digit (at most 64)"
                )
            if is_template(value):
                try:
                    parse(value)
                except TemplateError as exc:
                    raise ValueError(f"{name}: {exc.message}") from None
        return inputs

    # --- end ai3 ---


class CodeTool(ToolBase):
    type: Literal["code"] = Field("code", json_schema_extra={"label": "Code"})
    code: str = Field(
        ...,
        min_length=1,
        description="JavaScript (or Python) run in the code sandbox with the arguments as "
        "`input`; `return` the result, e.g. `return input.a * input.b`.",
    )
    language: Literal["javascript", "python"] = Field(
        "javascript", description="The code's language, as action.code's."
    )
    input_schema: dict[str, Any] | None = Field(
        None, description="JSON Schema of the arguments (an object). Empty: any object."
    )
    timeout_ms: int = Field(1000, ge=10, le=60_000, description="Time limit of one call.")

    @field_validator("input_schema")
    @classmethod
    def _usable_schema(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        return arguments_schema(schema)


class McpTool(NodeConfig):
    type: Literal["mcp"] = Field("mcp", json_schema_extra={"label": "MCP server"})
    name: str = Field(
        ...,
        description="A name for this MCP server (letters, digits, _ and -), e.g. 'docs'. Its "
        "tools keep their own names.",
    )
    url: str = Field(
        ...,
        min_length=1,
        description="The server's streamable-HTTP address, e.g. https://mcp.example.com/mcp.",
    )
    credential: int | None = Field(
        None,
        ge=1,
        description="Credential sent as 'Authorization: Bearer <secret>'.",
        json_schema_extra={"credential_kinds": list(MCP_TOOL_KINDS)},
    )
    allow: list[str] = Field(
        default_factory=list,
        description="The server's tools the agent may use, by name. Empty: all of them.",
    )

    @field_validator("name")
    @classmethod
    def _a_name(cls, value: str) -> str:
        return tool_name(value)

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        return http_url(url)


# --- vectors ---
class VectorStoreTool(ToolBase):
    """Searches a vector store (as `action.vector_store` does) for the model's query and gives
    it the closest chunks."""

    type: Literal["vector_store"] = Field(
        "vector_store", json_schema_extra={"label": "Vector store"}
    )
    store: Store = Field(..., description="The vector store and collection to search.")
    embeddings: Embeddings = Field(
        default_factory=default_embeddings,
        validate_default=True,
        description="The embeddings model the collection was filled with.",
    )
    top_k: int = Field(4, ge=1, le=100, description="How many chunks each search returns.")
    include_metadata: bool = Field(True, description="Give the model each chunk's metadata too.")

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"query": {"type": "string", "description": "What to search for."}},
            "required": ["query"],
        }


# --- end vectors ---
AgentTool = Annotated[
    HttpTool | WorkflowTool | CodeTool | McpTool | VectorStoreTool, Field(discriminator="type")
]


class Memory(NodeConfig):
    session_key: str = Field(
        ...,
        min_length=1,
        max_length=200,
        description="Which conversation to continue, e.g. '{{ trigger.session_id }}'; agents "
        "that name the same key share it.",
        json_schema_extra={"suggested": "{{ trigger.session_id }}"},
    )
    max_messages: int = Field(
        20, ge=2, le=500, description="Messages remembered; older ones are forgotten."
    )


class Budget(NodeConfig):
    max_tokens: int | None = Field(
        None, ge=1, description="Tokens this agent may use in one run, over all its turns."
    )
    max_cost_usd: float | None = Field(
        None, gt=0, description="Estimated US dollars this agent may spend in one run."
    )


class Config(ModelSettings):
    prompt: str = Field(
        ...,
        min_length=1,
        description="The task or the user's message, e.g. '{{ trigger.message }}'.",
    )
    tools: list[AgentTool] = Field(
        default_factory=list,
        description="What the agent may use: http (call an API), workflow (run one of your "
        "workflows), code (JavaScript in the sandbox), mcp (a remote MCP server's tools) and "
        "vector_store (search a vector store's documents).",
    )
    memory: Literal["none"] | Memory = Field(
        "none",
        description="'none', or {session_key, max_messages} to remember the conversation.",
        json_schema_extra={"toggle": "Remember the conversation"},
    )
    output_schema: dict[str, Any] | None = Field(
        None,
        description="A JSON Schema the final answer must match; it is parsed into 'json' (the "
        'model gets two more tries when it does not match), e.g. {"type": "object", '
        '"properties": {"answer": {"type": "string"}}, "required": ["answer"]}. '
        "Empty: a free-text answer.",
    )
    max_iterations: int = Field(
        10, ge=1, le=50, description="Most rounds of tool calls before the agent must answer."
    )
    budget: Budget | None = Field(
        None,
        description="Limits on this agent's tokens and cost per run: {max_tokens, max_cost_usd}.",
    )
    approval: list[str] = Field(
        default_factory=list,
        description="Tools that wait for a person to approve each call (by tool name; an MCP "
        "entry's name covers all its tools).",
    )
    stream: bool = Field(
        True, description="Show the final answer token by token while it is written."
    )

    @field_validator("output_schema")
    @classmethod
    def _usable_output_schema(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        return checked_schema(schema)

    @model_validator(mode="after")
    def _tools_fit(self) -> Self:
        names = [tool.name for tool in self.tools]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ValueError(f"tools: two tools are named '{name}'; each needs its own name")
        mcp = [tool.name for tool in self.tools if isinstance(tool, McpTool)]
        for name in self.approval:
            if name not in names and not mcp:
                raise ValueError(
                    f"approval: '{name}' is not one of the agent's tools ({', '.join(names) or 'none'})"
                )
        return self


NODE = NodeType(
    type="action.agent",
    label="AI Agent",
    category="action",
    description="A model that uses tools — APIs, your workflows, code, MCP servers — in a loop "
    "until it answers; remembers conversations, stays within a budget, asks a person before "
    "the tools you choose. Every turn and tool call is a checkpoint.",
    Config=Config,
    credential_kinds=("ai_provider",),
    raw_fields=("tools", "output_schema"),
    examples=(
        (
            "A support agent for the chat that can look up orders at "
            "https://api.example.com/orders/{order_id} and refund them (POST "
            "https://api.example.com/orders/{order_id}/refunds), asking me before refunds; the "
            "API takes credential 4. Remember the conversation.",
            {
                "system_prompt": "You are the shop's support agent. Look an order up before you "
                "answer about it; refund only when the customer asks and the order qualifies.",
                "prompt": "{{ trigger.message }}",
                "tools": [
                    {
                        "type": "http",
                        "name": "lookup_order",
                        "description": "Look an order up by its id: status, items and total.",
                        "url": "https://api.example.com/orders/{order_id}",
                        "credential": 4,
                    },
                    {
                        "type": "http",
                        "name": "refund_order",
                        "description": "Refund an order in full; say why.",
                        "method": "POST",
                        "url": "https://api.example.com/orders/{order_id}/refunds",
                        "body_schema": {
                            "type": "object",
                            "properties": {
                                "order_id": {"type": "string"},
                                "reason": {"type": "string"},
                            },
                            "required": ["order_id", "reason"],
                        },
                        "credential": 4,
                    },
                ],
                "memory": {"session_key": "{{ trigger.session_id }}", "max_messages": 30},
                "approval": ["refund_order"],
            },
        ),
        (
            "Answer the question from the webhook with our docs MCP server at "
            "https://mcp.example.com/mcp (credential 9), and file a ticket with my workflow 12 "
            "when the docs do not answer it; at most 20000 tokens or $0.50 a run.",
            {
                "provider": "anthropic",
                "model": "claude-haiku-4-5",
                "prompt": "{{ trigger.body.question }}",
                "tools": [
                    {
                        "type": "mcp",
                        "name": "docs",
                        "url": "https://mcp.example.com/mcp",
                        "credential": 9,
                        "allow": ["search_docs", "read_page"],
                    },
                    {
                        "type": "workflow",
                        "name": "file_ticket",
                        "description": "File a support ticket when the docs do not answer.",
                        "workflow": 12,
                    },
                ],
                "budget": {"max_tokens": 20000, "max_cost_usd": 0.5},
            },
        ),
        (
            "Quote shipping for the order from get_order: work out the parcel's volume with "
            "code, and answer as JSON with the carrier and the price.",
            {
                "prompt": "Quote shipping for this order: {{ nodes.get_order.body | tojson }}",
                "tools": [
                    {
                        "type": "code",
                        "name": "parcel_volume",
                        "description": "The volume in litres of a parcel from its size in cm.",
                        "code": "return input.length * input.width * input.height / 1000;",
                        "input_schema": {
                            "type": "object",
                            "properties": {
                                "length": {"type": "number"},
                                "width": {"type": "number"},
                                "height": {"type": "number"},
                            },
                            "required": ["length", "width", "height"],
                        },
                    }
                ],
                "output_schema": {
                    "type": "object",
                    "properties": {
                        "carrier": {"type": "string"},
                        "price": {"type": "number"},
                    },
                    "required": ["carrier", "price"],
                },
                "max_iterations": 4,
            },
        ),
    ),
)
