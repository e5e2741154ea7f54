"""The outline an n8n export must have before conversion reads it: names, types, connections."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from editor.graph import GraphIssue, size_issues


class _Node(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str | int | float | None = None
    type: str | None = None
    typeVersion: float | None = None
    parameters: dict[str, Any] | None = None
    position: list[float] | None = None
    notes: str | None = None
    disabled: bool | None = None
    maxTries: int | None = None
    waitBetweenTries: int | None = None


class _Export(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str | int | float | None = None
    nodes: list[_Node]
    connections: dict[str, Any]  # read leniently by the converter (`_list`)


def shape_issues(data: dict[str, Any]) -> list[GraphIssue]:
    """Where the export departs from n8n's outline (a list where a name belongs, say), or
    holds more nodes than a workflow may (`editor.graph.MAX_NODES`)."""
    too_big = size_issues(data.get("nodes"), _links(data.get("connections")))
    if too_big:
        return too_big
    try:
        _Export.model_validate(data)
    except ValidationError as exc:
        return [
            GraphIssue(
                None,
                ".".join(str(p) for p in error["loc"]) or "file",
                f"Not an n8n export as n8n writes it: {error['msg']}. Export the workflow from "
                "n8n again.",
            )
            for error in exc.errors()[:20]
        ]
    return []


def _links(connections: Any) -> list[Any]:
    """Every link an export's connections list (of any kind), read leniently."""
    found: list[Any] = []
    for kinds in connections.values() if isinstance(connections, dict) else []:
        for outputs in kinds.values() if isinstance(kinds, dict) else []:
            for targets in outputs if isinstance(outputs, list) else []:
                found += targets if isinstance(targets, list) else []
    return found
