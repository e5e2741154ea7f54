"""An AI agent's tools in the settings panel, in real headless chromium: "Add tool" makes a card
of the chosen type, "Remove" drops one, "Ask before running" becomes `approval`, and saving
keeps the tools in the workflow's graph (editor/node_form.py, "nested fields")."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from credentials import store
from editor.models import Workflow
from tests.browser.test_editor import open_editor
from tests.browser.test_settings_panel import open_node

pytestmark = pytest.mark.browser

AGENT_GRAPH = {
    "nodes": [
        {
            "id": "start",
            "type": "trigger.manual",
            "label": "Start",
            "position": {"x": 0, "y": 0},
            "config": {},
        },
        {
            "id": "agent",
            "type": "action.agent",
            "label": "Support agent",
            "position": {"x": 300, "y": 0},
            "config": {"prompt": "Where is order {{ trigger.order_id }}?"},
        },
    ],
    "edges": [{"source": "start", "target": "agent"}],
}


def add_tool(page: Any, label: str) -> Any:
    page.select_option("#wf-node-form [data-tool-type]", label=label)
    page.click("#wf-node-form [data-tool-add]")
    return page.locator("#wf-node-form [data-tools] > [data-tool]").last


def nested(card: Any, name: str) -> Any:
    return card.locator(f'[data-sub="{name}"]').locator("input, textarea, select").first


def test_an_http_tool_added_in_the_settings_is_saved_in_the_graph(page, live_server, alice):
    key = store.create(alice, "Shop API", "api_key", "shop-key-123456")
    workflow = Workflow.create(alice, "Support", graph=AGENT_GRAPH)
    open_editor(page, live_server, workflow)
    open_node(page, "agent")
    expect(page.locator("#wf-node-form [data-tool]")).to_have_count(0)

    card = add_tool(page, "HTTP request")
    expect(nested(card, "name")).to_be_focused()
    nested(card, "name").fill("lookup_order")
    nested(card, "description").fill("Look an order up by its id.")
    nested(card, "url").fill("https://api.example.com/orders/{order_id}")
    nested(card, "credential").select_option(label="Shop API (API key)")
    card.get_by_label("Ask before running").check()
    # A second tool, thought better of.
    extra = add_tool(page, "Code")
    nested(extra, "name").fill("scratch")
    expect(page.locator("#wf-node-form [data-tool]")).to_have_count(2)
    extra.get_by_role("button", name="Remove this tool").click()
    expect(page.locator("#wf-node-form [data-tool]")).to_have_count(1)
    page.check("#wf-f-memory")
    expect(page.locator("#wf-f-memory\\.session_key")).to_have_value("{{ trigger.session_id }}")

    page.click("#wf-panel-apply")
    expect(page.locator(".wf-check.ok")).to_be_visible()
    page.click('[data-action="save"]')
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")

    workflow.refresh_from_db()
    config = next(n for n in workflow.graph["nodes"] if n["id"] == "agent")["config"]
    assert config == {
        "prompt": "Where is order {{ trigger.order_id }}?",
        "tools": [
            {
                "type": "http",
                "name": "lookup_order",
                "description": "Look an order up by its id.",
                "url": "https://api.example.com/orders/{order_id}",
                "credential": key.pk,
            }
        ],
        "memory": {"session_key": "{{ trigger.session_id }}"},
        "approval": ["lookup_order"],
    }

    # Shown again as a card after a reload; its type re-renders it with the new type's fields.
    page.reload()
    page.wait_for_selector("#wf-editor[data-ready=true]")
    open_node(page, "agent")
    card = page.locator("#wf-node-form [data-tool]")
    expect(nested(card, "url")).to_have_value("https://api.example.com/orders/{order_id}")
    expect(card.get_by_label("Ask before running")).to_be_checked()
    card.get_by_label("Type of tool").select_option("mcp")
    expect(card.locator('[data-sub="allow"]')).to_be_visible()
    expect(card.locator('[data-sub="method"]')).to_have_count(0)
    expect(nested(card, "name")).to_have_value("lookup_order")
