"""The MCP server at `/mcp/` (DESIGN §8, §12; docs/mcp.md): each active workflow that starts
with `trigger.workflow` is a tool its owner's MCP clients can call.

| module | holds |
|---|---|
| `tools` | workflows as tools: naming, listing, checking inputs, starting a run, its result |
| `server` | the MCP SDK's low-level server wired to `tools` (list and call) |
| `asgi` | `/mcp/` for `workfuse/asgi.py`: host check, bearer token, rate limit, the SDK's session manager |
| `templatetags` | `{% mcp_url %}` for the settings page |

It sits above `executions` (it starts runs) and is no Django app: it has no models.
"""
