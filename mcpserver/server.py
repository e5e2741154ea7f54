"""The MCP SDK's low-level server, answering `tools/list` and `tools/call` from `tools`.

The handlers go straight into `Server.request_handlers` rather than through its `list_tools`
and `call_tool` decorators: those keep one tool cache per server (for input validation), and
one server answers every user, whose tools differ. Inputs are checked by
`trigger_workflow.check_inputs` instead, whose messages name the input. Whoever calls is the
owner of the bearer token `asgi.py` checked, passed in the request's scope (`USER`).

A tool call starts a run and waits for its end without holding a thread, as a synchronous
webhook does (`executions.completion`): in embedded mode the steps run in this process's
worker threads, in queue mode on the workers, and either way the end is announced to the
waiting call. Blocking work (the ORM, starting the run) runs in worker threads.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from mcp import types
from mcp.server.lowlevel import Server

from editor.models import Workflow
from executions import completion
from executions.engine.starting import ExecutionRefused
from mcpserver import tools
from mcpserver.tools import Outcome

log = logging.getLogger(__name__)
T = TypeVar("T")

USER = "workfuse_user"  # the key of the token's owner in the request scope's "state"
INSTRUCTIONS = (
    "Each tool runs one of your WorkFuse workflows (an active workflow that starts with "
    "'When called by a workflow') with the arguments as its inputs, and answers with the "
    "output of the run's last node."
)


def build() -> Server[Any, Any]:
    """A server answering `tools/list` and `tools/call` for the user each request names."""
    server: Server[Any, Any] = Server("WorkFuse", instructions=INSTRUCTIONS)

    def user() -> Any:
        request = server.request_context.request
        assert request is not None, "only served over HTTP, through asgi.py"
        return request.scope["state"][USER]

    async def list_tools(req: types.ListToolsRequest) -> types.ServerResult:
        found = await in_thread(tools.tools_for, user())
        listed = [
            types.Tool(
                name=tool.name,
                title=tool.title,
                description=tool.description,
                inputSchema=tool.input_schema,
            )
            for tool in found
        ]
        return types.ServerResult(types.ListToolsResult(tools=listed))

    async def call_tool(req: types.CallToolRequest) -> types.ServerResult:
        try:
            outcome = await call(user(), req.params.name, req.params.arguments)
        except Exception:  # the SDK would answer a protocol error carrying the exception's text
            log.exception("The MCP call of %r failed", req.params.name)
            outcome = Outcome("The call failed inside WorkFuse; try again later.", is_error=True)
        content: list[types.ContentBlock] = [types.TextContent(type="text", text=outcome.text)]
        result = types.CallToolResult(
            content=content,
            structuredContent=outcome.structured,
            isError=outcome.is_error,
        )
        return types.ServerResult(result)

    server.request_handlers[types.ListToolsRequest] = list_tools
    server.request_handlers[types.CallToolRequest] = call_tool
    return server


async def call(user: Any, name: str, arguments: Any) -> Outcome:
    """Run the user's tool `name` with `arguments` and wait for the run (at most
    WORKFUSE_MCP_CALL_TIMEOUT_SECONDS). Every mistake is an error result naming it."""
    tool = await in_thread(tools.find_tool, user, name)
    if tool is None:
        return _unknown(name)
    try:
        inputs = tools.check_arguments(tool, arguments)
    except ValueError as exc:
        return Outcome(f"The arguments do not fit the tool: {exc}.", is_error=True)
    execution_id = uuid.uuid4()
    async with completion.expecting(execution_id) as expected:
        try:
            await in_thread(tools.start, user, tool, inputs, execution_id)
        except Workflow.DoesNotExist:
            return _unknown(name)
        except ExecutionRefused as exc:
            return Outcome(f"The workflow cannot run: {exc.issues[0].message}", is_error=True)
        status = await expected.finished(
            settings.WORKFUSE_MCP_CALL_TIMEOUT_SECONDS,
            lambda: in_thread(tools.status_of, execution_id),
        )
    return await in_thread(tools.outcome, execution_id, status)


def _unknown(name: str) -> Outcome:
    return Outcome(
        f"There is no tool '{name}': list the tools again (deactivating or renaming a "
        "workflow changes them).",
        is_error=True,
    )


async def in_thread(function: Callable[..., T], *args: Any) -> T:
    """Blocking work in a worker thread, its database connection given back afterwards (under
    ASGI connections are not kept between requests, workfuse/asgi.py)."""
    return await sync_to_async(_closing, thread_sensitive=False)(function, *args)


def _closing(function: Callable[..., T], *args: Any) -> T:
    try:
        return function(*args)
    finally:
        close_old_connections()
