"""The data nodes in real headless chromium: webhook → filter → sort → limit → set built from
the palette, configured through their forms (the rule editor with a group, rows, variables
clicked in rather than typed), run with a payload, and each node's output seen in its panel."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from editor.models import Workflow
from tests.browser.test_editor import connect, node, open_editor
from tests.browser.test_settings_panel import field, open_node

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "rule-editor.png"
ORDERS = [
    {"id": 1, "total": 40, "status": "paid"},
    {"id": 2, "total": 250, "status": "paid"},
    {"id": 3, "total": 120, "status": "open"},
    {"id": 4, "total": 990, "status": "shipped"},
    {"id": 5, "total": 310, "status": "paid"},
]
NODES = ("webhook", "filter", "sort", "limit", "set")


def insert(page: Any, target: Any, variable: str) -> None:
    """Click into a template field, then click a variable: nothing typed."""
    target.click()
    page.click(f'#wf-vars .wf-var[data-var="{variable}"]')


def apply_settings(page: Any) -> None:
    page.click("#wf-panel-apply")
    expect(page.locator(".wf-check.ok")).to_be_visible()


def last_output(page: Any, node_id: str) -> Any:
    open_node(page, node_id)
    shown = page.locator("#wf-last-run [data-last-output]")
    expect(shown).to_be_visible()
    return json.loads(shown.text_content())


def run_with(page: Any, payload: Any) -> None:
    page.fill("#run-payload", json.dumps(payload))
    page.click('[data-action="run"]')
    expect(page.locator("#wf-status")).to_contain_text("Run started")


def test_build_configure_and_run_a_data_pipeline_from_the_palette(page, live_server, alice):
    workflow = Workflow.create(alice, "Top orders", graph={"nodes": [], "edges": []})
    open_editor(page, live_server, workflow)
    for node_type in ("trigger.webhook", "utility.filter", "utility.sort", "utility.limit"):
        page.click(f'.wf-pal-item[data-type="{node_type}"]')
    page.fill("#wf-search", "fields")
    page.click('.wf-pal-item[data-type="utility.set"]')
    expect(page.locator(".wf-node")).to_have_count(5)
    expect(node(page, "filter").locator(".wf-node-icon")).to_have_text("▽")
    page.keyboard.press("Escape")
    page.click('[data-action="fit"]')
    for source, target in itertools.pairwise(NODES):
        connect(page, source, target)
    expect(page.locator("path.wf-edge")).to_have_count(4)

    # Every data node is valid as the palette adds it: a first run passes the orders through.
    run_with(page, {"orders": ORDERS})
    assert last_output(page, "filter") == {"items": ORDERS, "count": 5, "dropped": 0}
    assert last_output(page, "limit") == {"items": sorted(ORDERS, key=lambda o: o["id"])}

    # Filter: total ≥ 100 and (status is paid or shipped), from the last run's item fields.
    open_node(page, "filter")
    rules = field(page, "rules")
    rules.locator("[data-tree] > .wf-tree-actions [data-tree-add=rule]").click()
    expect(page.locator("#wf-vars")).to_be_visible()
    expect(page.locator('#wf-vars .wf-var[data-var="index"]')).to_be_visible()
    lefts = rules.locator('input[name="f:rules.left"]')
    insert(page, lefts.nth(0), "item.total")
    rules.locator('select[name="f:rules.operator"]').nth(0).select_option("gte")
    rules.locator('input[name="f:rules.right"]').nth(0).fill("100")
    rules.locator("[data-tree] > .wf-tree-actions [data-tree-add=group]").click()
    group = rules.locator(".wf-tree-group")
    group.locator('select[name="f:rules.combinator"]').select_option("or")
    insert(page, lefts.nth(1), "item.status")
    rules.locator('input[name="f:rules.right"]').nth(1).fill("paid")
    group.locator(".wf-tree-actions [data-tree-add=rule]").click()
    insert(page, lefts.nth(2), "item.status")
    rules.locator('input[name="f:rules.right"]').nth(2).fill("shipped")
    rules.locator('select[name="f:rules.operator"]').nth(2).focus()  # the variables box closes
    rules.screenshot(path=str(SCREENSHOT))
    apply_settings(page)
    expect(lefts).to_have_count(3)
    expect(lefts.nth(2)).to_have_value("{{ item.status }}")

    # The per-item variables are offered in per-item fields only.
    open_node(page, "set")
    field(page, "fields").locator("[data-kv-add]").click()
    page.locator('input[name="f:fields.name"]').fill("top")
    insert(page, page.locator('input[name="f:fields.value"]'), "nodes.limit.items")
    expect(page.locator('#wf-vars .wf-var[data-var="index"]')).to_be_hidden()
    field(page, "fields").locator("[data-kv-add]").click()
    page.locator('input[name="f:fields.name"]').nth(1).fill("kept")
    insert(page, page.locator('input[name="f:fields.value"]').nth(1), "nodes.filter.count")
    page.locator('select[name="f:fields.type"]').nth(1).select_option("string")
    page.select_option("#wf-f-keep", "none")
    apply_settings(page)

    open_node(page, "sort")
    field(page, "by").locator("[data-kv-add]").click()
    page.locator('input[name="f:by.field"]').fill("total")
    page.locator('select[name="f:by.order"]').select_option("desc")
    apply_settings(page)

    open_node(page, "limit")
    page.fill("#wf-f-max", "2")
    apply_settings(page)

    run_with(page, {"orders": ORDERS})
    kept = [ORDERS[1], ORDERS[3], ORDERS[4]]
    assert last_output(page, "filter") == {"items": kept, "count": 3, "dropped": 2}
    assert last_output(page, "sort") == {"items": [ORDERS[3], ORDERS[4], ORDERS[1]]}
    assert last_output(page, "limit") == {"items": [ORDERS[3], ORDERS[4]]}
    assert last_output(page, "set") == {"top": [ORDERS[3], ORDERS[4]], "kept": "3"}
    expect(page.locator("#wf-last-run")).to_contain_text("succeeded")

    workflow.refresh_from_db()
    nodes = {n["id"]: n for n in workflow.graph["nodes"]}
    assert nodes["filter"]["config"] == {
        "rules": [
            {"left": "{{ item.total }}", "operator": "gte", "right": 100},
            {
                "combinator": "or",
                "rules": [
                    {"left": "{{ item.status }}", "right": "paid"},
                    {"left": "{{ item.status }}", "right": "shipped"},
                ],
            },
        ]
    }
    assert nodes["sort"]["config"] == {"by": [{"field": "total", "order": "desc"}]}
    assert nodes["limit"]["config"] == {"max": 2}
    assert re.fullmatch(
        r"\{\{ nodes\.limit\.items \}\}", nodes["set"]["config"]["fields"][0]["value"]
    )


def test_a_group_can_be_removed_and_the_form_follows_the_json(page, live_server, alice):
    rules = [
        {"left": "{{ trigger.a }}", "right": 1},
        {"combinator": "or", "rules": [{"left": "{{ trigger.b }}"}, {"left": "{{ trigger.c }}"}]},
    ]
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "position": {"x": 0, "y": 0}, "config": {}},
            {
                "id": "check",
                "type": "logic.condition",
                "position": {"x": 300, "y": 0},
                "config": {"rules": rules},
            },
        ],
        "edges": [{"source": "start", "target": "check"}],
    }
    workflow = Workflow.create(alice, "Groups", graph=graph)
    open_editor(page, live_server, workflow)
    open_node(page, "check")
    tree = field(page, "rules")
    expect(tree.locator(".wf-tree-rule")).to_have_count(3)
    tree.locator('input[name="f:rules.left"]').nth(1).click()  # the variables box moves in
    tree.locator(".wf-tree-group [data-tree-remove]").first.click()
    expect(tree.locator(".wf-tree-rule")).to_have_count(1)
    apply_settings(page)
    page.check("#wf-panel-json-toggle")
    expect(page.locator("#wf-panel-config")).to_have_value(
        re.compile(r'"rules": \[\s*\{\s*"left": "\{\{ trigger\.a \}\}",\s*"right": 1\s*\}\s*\]')
    )
    page.uncheck("#wf-panel-json-toggle")
    tree.locator('input[name="f:rules.left"]').first.click()
    expect(page.locator("#wf-vars")).to_be_visible()  # kept when its group was removed
