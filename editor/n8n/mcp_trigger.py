"""n8n's MCP Server Trigger as a node: it has no WorkFuse node of its own. The set import
(`editor.transfer.import_n8n`, mcp_servers.py) turns its export into a workflow per tool it
serves; a trigger reaching the converter is one converted outside that import."""

from __future__ import annotations

from editor.n8n.converter import LANGCHAIN, Converted, Converter, N8nNode, Refusal, Spec


def _refuse(node: N8nNode, cx: Converter) -> Converted:
    raise Refusal(
        f"n8n node '{node.name}' ({node.type}) is an MCP server, which WorkFuse serves once at "
        "/mcp/ (each active workflow starting with 'When called by a workflow' is a tool): "
        "import the export with POST /api/workflows/import or the Import page, which make a "
        "workflow of each of its tools."
    )


SPECS: dict[str, Spec] = {f"{LANGCHAIN}mcpTrigger": Spec(_refuse, "trigger")}
