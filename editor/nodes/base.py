"""What every node type module provides, and what a node's `run()` receives.

The definitions live in `workfuse/lib/node_types.py` (integrations define node types too, and
sit below the editor); this module re-exports them so node modules import from one place.
"""

from __future__ import annotations

from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import CATEGORIES, NodeConfig, NodeType

__all__ = ["CATEGORIES", "NodeConfig", "NodeError", "NodeType", "RunContext", "Secret"]
