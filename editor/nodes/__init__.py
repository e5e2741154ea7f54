"""The node catalog: every node type WorkFuse knows, registered in one place.

Adding a node type = adding a module with a `Config` and a `NODE`, and listing it here.
"""

from __future__ import annotations

from editor.nodes import (
    action_ai,
    action_code,
    action_http,
    logic_condition,
    logic_loop,
    logic_switch,
    trigger_manual,
    trigger_schedule,
    trigger_webhook,
    utility_delay,
    utility_filter,
    utility_limit,
    utility_merge,
    utility_set,
    utility_sort,
    utility_transform,
)

# --- data nodes, batch 2 part b: dedupe, aggregate, datetime, crypto, parse ---
# isort: split
from editor.nodes import (
    utility_aggregate,
    utility_crypto,
    utility_datetime,
    utility_dedupe,
    utility_parse,
)

# --- end data nodes part b ---
# --- respond: logic.respond ---
# isort: split
from editor.nodes import logic_respond

# --- end respond ---
# --- subflows: trigger.workflow, action.workflow ---
# isort: split
from editor.nodes import action_workflow, trigger_workflow

# --- end subflows ---
# --- errorflows: error workflows and Stop ---
# isort: split
from editor.nodes import logic_stop, trigger_error

# --- end errorflows ---
# --- wait: utility.wait ---
# isort: split
from editor.nodes import utility_wait

# --- end wait ---
# --- repeat: logic.repeat ---
# isort: split
from editor.nodes import logic_repeat

# --- end repeat ---
# --- devtools: trigger.poll ---
# isort: split
from editor.nodes import trigger_poll

# --- end devtools ---
# --- agents: action.agent ---
# isort: split
from editor.nodes import action_agent

# --- end agents ---
# --- chat: trigger.chat ---
# isort: split
from editor.nodes import trigger_chat

# --- end chat ---
# --- media: utility.markdown, utility.image ---
# isort: split
from editor.nodes import utility_image, utility_markdown

# --- end media ---
# --- vectors: action.vector_store ---
# isort: split
from editor.nodes import action_vector_store

# --- end vectors ---
# --- files: utility.extract_file, utility.convert_file ---
# isort: split
from editor.nodes import utility_convert_file, utility_extract_file

# --- end files ---
# --- aimedia: logic.ai_classify ---
# isort: split
from editor.nodes import logic_ai_classify

# --- end aimedia ---
# --- forms: logic.form_end ---
# isort: split
from editor.nodes import logic_form_end

# --- end forms ---
# --- feeds: action.rss ---
# isort: split
from editor.nodes import action_rss

# --- end feeds ---
# --- misc: utility.compare ---
# isort: split
from editor.nodes import utility_compare

# --- end misc ---
# --- ops: utility.agent_memory ---
# isort: split
from editor.nodes import utility_agent_memory

# --- end ops ---
# --- selfnode: app.workfuse ---
# isort: split
from editor.nodes import app_workfuse

# --- end selfnode ---
# isort: split
from editor.nodes.base import CATEGORIES, NodeType

# --- integrations: app.<service> node types, one per service in integrations/registry.py ---
# isort: split
from integrations import registry as integrations

# --- end integrations ---

NODE_TYPES: dict[str, NodeType] = {
    module.NODE.type: module.NODE
    for module in (
        trigger_manual,
        trigger_webhook,
        trigger_schedule,
        action_http,
        action_ai,
        action_code,
        utility_transform,
        logic_condition,
        logic_switch,
        logic_loop,
        utility_delay,
        utility_merge,
        # --- data nodes, batch 2 part b ---
        utility_dedupe,
        utility_aggregate,
        utility_datetime,
        utility_crypto,
        utility_parse,
        # --- end data nodes part b ---
        # --- batch 2, data nodes (a): set, filter, sort, limit ---
        utility_set,
        utility_filter,
        utility_sort,
        utility_limit,
        # --- end of batch 2 (a) ---
        # --- respond ---
        logic_respond,
        # --- end respond ---
        # --- subflows ---
        trigger_workflow,
        action_workflow,
        # --- end subflows ---
        # --- errorflows ---
        trigger_error,
        logic_stop,
        # --- end errorflows ---
        # --- wait ---
        utility_wait,
        # --- end wait ---
        # --- repeat ---
        logic_repeat,
        # --- end repeat ---
        # --- devtools ---
        trigger_poll,
        # --- end devtools ---
        # --- agents ---
        action_agent,
        # --- end agents ---
        # --- chat ---
        trigger_chat,
        # --- end chat ---
        # --- media ---
        utility_markdown,
        utility_image,
        # --- end media ---
        # --- vectors ---
        action_vector_store,
        # --- end vectors ---
        # --- files ---
        utility_extract_file,
        utility_convert_file,
        # --- end files ---
        # --- aimedia ---
        logic_ai_classify,
        # --- end aimedia ---
        # --- forms ---
        logic_form_end,
        # --- end forms ---
        # --- feeds ---
        action_rss,
        # --- end feeds ---
        # --- misc ---
        utility_compare,
        # --- end misc ---
        # --- ops ---
        utility_agent_memory,
        # --- end ops ---
        # --- selfnode ---
        app_workfuse,
        # --- end selfnode ---
    )
}
# --- integrations ---
NODE_TYPES.update({node.type: node for node in integrations.node_types()})
# --- end integrations ---


def get_node_type(type_name: str) -> NodeType | None:
    return NODE_TYPES.get(type_name)


def catalog() -> list[dict]:
    """Node types grouped by category order, for the palette and `GET /api/node-types`."""
    order = list(CATEGORIES)
    return [
        n.catalog_entry()
        for n in sorted(NODE_TYPES.values(), key=lambda n: order.index(n.category))
    ]
