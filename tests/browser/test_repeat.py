"""`logic.repeat` in real headless chromium, as a user builds it: from the palette (its icon and
three outputs on the canvas), `until` set with the rule editor and a variable clicked in, run,
and each round's step seen on the execution page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from editor.models import Workflow
from tests.browser.test_data_nodes import apply_settings, insert, last_output, run_with
from tests.browser.test_editor import connect, node, open_editor
from tests.browser.test_settings_panel import field, open_node

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def as_json(page, node_id: str, config: dict) -> None:
    """Set a node's settings as JSON (the form has its own tests) and wait until applied."""
    open_node(page, node_id)
    page.check("#wf-panel-json-toggle")
    page.fill("#wf-panel-config", json.dumps(config))
    apply_settings(page)
    page.uncheck("#wf-panel-json-toggle")


def test_build_a_repeat_set_until_with_the_rule_editor_and_see_each_round(page, live_server, alice):
    workflow = Workflow.create(alice, "Rounds", graph={"nodes": [], "edges": []})
    open_editor(page, live_server, workflow)
    page.click('.wf-pal-item[data-type="trigger.manual"]')
    page.fill("#wf-search", "until")
    page.click('.wf-pal-item[data-type="logic.repeat"]')
    page.fill("#wf-search", "")
    page.click('.wf-pal-item[data-type="utility.transform"]')
    page.click('.wf-pal-item[data-type="utility.transform"]')
    repeat = node(page, "repeat")
    expect(repeat.locator(".wf-node-icon")).to_have_text("⟳")
    expect(repeat.locator(".wf-out .wf-handle-label")).to_have_text(["body", "done", "exhausted"])
    page.keyboard.press("Escape")
    page.click('[data-action="fit"]')
    connect(page, "manual", "repeat")
    connect(page, "repeat", "transform", "body")
    connect(page, "repeat", "transform_2", "done")
    expect(page.locator("path.wf-edge")).to_have_count(3)
    # An edge back is refused, pointing to the repeat's body instead.
    connect(page, "transform", "repeat")
    expect(page.locator("#wf-status")).to_contain_text("cycle: repeat → transform → repeat")
    expect(page.locator("#wf-status")).to_contain_text("after a Repeat node's “body” output")
    expect(page.locator("path.wf-edge")).to_have_count(3)
    as_json(page, "transform", {"language": "template", "expression": "{{ iteration * 10 }}"})
    as_json(page, "transform_2", {"expression": "iterations"})

    open_node(page, "repeat")
    until = field(page, "until")
    until.locator("[data-tree] > .wf-tree-actions [data-tree-add=rule]").click()
    insert(page, until.locator('input[name="f:until.left"]'), "iteration")
    expect(page.locator('#wf-vars .wf-var[data-var="last"]')).to_be_visible()
    until.locator('select[name="f:until.operator"]').select_option("gte")
    until.locator('input[name="f:until.right"]').fill("2")
    until.locator('select[name="f:until.operator"]').focus()  # the variables box closes
    apply_settings(page)
    page.locator("#wf-editor").screenshot(path=str(SCREENSHOTS / "repeat-editor.png"))
    page.click('[data-action="save"]')
    expect(page.locator("#wf-status")).to_have_text(re.compile(r"Saved as v\d+\."))

    run_with(page, {})
    assert last_output(page, "transform_2") == {"result": 3}
    workflow.refresh_from_db()
    repeat_config = next(n for n in workflow.graph["nodes"] if n["id"] == "repeat")["config"]
    assert repeat_config == {
        "until": {"rules": [{"left": "{{ iteration }}", "operator": "gte", "right": 2}]}
    }

    page.goto(live_server.url + workflow.executions.get().get_absolute_url())
    for i in range(3):
        row = page.locator(f'[id="step-transform[{i}]"]')
        expect(row).to_contain_text("succeeded")
    expect(page.locator('[id="step-repeat"] [data-progress]')).to_have_text("rounds: 3 · done")
    page.locator('[id="step-transform[2]"] summary').click()
    expect(page.locator('[id="step-transform[2]"] .io')).to_contain_text('"result": 20')
    page.locator("#steps").screenshot(path=str(SCREENSHOTS / "repeat-run.png"))
