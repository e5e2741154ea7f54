"""Whole-graph validation: the one entry point pages, the API, import and the engine call."""

from __future__ import annotations

from typing import Any

from editor.graph import GraphIssue, validate_structure


def validate_graph(graph: Any) -> list[GraphIssue]:
    return validate_structure(graph)
