"""Export and import of workflows as JSON files (credential ids only, never values)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from editor import n8n
from editor.graph import GraphIssue, ImportRefused
from editor.models import Workflow

FORMAT = "workfuse"
FORMAT_VERSION = 1


@dataclass
class Imported:
    name: str
    description: str
    graph: dict[str, Any]


def export_workflow(workflow: Workflow) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "name": workflow.name,
        "description": workflow.description,
        "version": workflow.version,
        "graph": workflow.graph,
    }


def read_import(data: Any) -> Imported:
    """Accept a WorkFuse export, an n8n export or a bare graph; refuse anything else, saying why."""
    if not isinstance(data, dict):
        raise ImportRefused([GraphIssue(None, "file", "The file must hold a JSON object.")])
    if data.get("format") == FORMAT:
        if data.get("format_version") != FORMAT_VERSION:
            raise ImportRefused(
                [
                    GraphIssue(
                        None,
                        "format_version",
                        f"Unsupported format_version {data.get('format_version')!r}; "
                        f"this WorkFuse reads version {FORMAT_VERSION}.",
                    )
                ]
            )
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ImportRefused([GraphIssue(None, "name", "The export has no workflow name.")])
        graph = data.get("graph")
        if not isinstance(graph, dict):
            raise ImportRefused([GraphIssue(None, "graph", "The export has no graph object.")])
        description = data.get("description") or ""
        return Imported(name=name.strip()[:200], description=str(description), graph=graph)
    if n8n.looks_like_n8n(data):
        name = str(data.get("name") or "").strip() or "Imported n8n workflow"
        return Imported(name[:200], description="Imported from n8n", graph=n8n.convert(data))
    if "nodes" in data and "edges" in data:
        return Imported(
            name=str(data.get("name") or "Imported workflow")[:200], description="", graph=data
        )
    raise ImportRefused(
        [
            GraphIssue(
                None,
                "format",
                'Not a WorkFuse export: expected "format": "workfuse" with a name and a graph.',
            )
        ]
    )
