"""A webhook answered by a "Respond to webhook" node, built as a user would in real headless
chromium: both nodes from the palette, the webhook's answer mode and the respond node's status,
headers and body set through their forms, saved, activated, then called."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from editor.models import Workflow
from executions.models import Execution
from tests.browser.test_editor import connect, node, open_editor
from tests.browser.test_settings_panel import field, open_node

pytestmark = pytest.mark.browser


def add_header(page: Any, name: str, value: str) -> None:
    headers = field(page, "headers")
    headers.locator("[data-kv-add]").click()
    headers.locator('input[name="f:headers.key"]').last.fill(name)
    headers.locator('input[name="f:headers.value"]').last.fill(value)


def test_build_a_webhook_that_answers_from_its_respond_node(page, live_server, alice):
    workflow = Workflow.create(alice, "Sign-ups", graph={"nodes": [], "edges": []})
    open_editor(page, live_server, workflow)
    page.click('.wf-pal-item[data-type="trigger.webhook"]')
    page.fill("#wf-search", "respond")
    page.click('.wf-pal-item[data-type="logic.respond"]')
    expect(page.locator(".wf-node")).to_have_count(2)
    expect(node(page, "respond").locator(".wf-node-icon")).to_have_text("↩")
    page.keyboard.press("Escape")
    page.click('[data-action="fit"]')
    connect(page, "webhook", "respond")

    open_node(page, "webhook")
    expect(field(page, "response").locator(".helptext")).to_contain_text(
        "respond_node: the first 'Respond to webhook' node the run reaches answers"
    )
    page.select_option("#wf-f-response", "respond_node")
    page.click("#wf-panel-apply")
    expect(page.locator(".wf-check.ok")).to_be_visible()

    open_node(page, "respond")
    page.fill("#wf-f-status", "201")
    add_header(page, "Set-Cookie", "session=mine")
    page.click("#wf-panel-apply")
    expect(field(page, "headers").locator(".wf-field-error")).to_contain_text(
        "header 'Set-Cookie' cannot be set"
    )
    field(page, "headers").locator("[data-kv-remove]").last.click()
    add_header(page, "Location", "/people/{{ trigger.body.id }}")
    page.fill("#wf-f-body", '{"id": "{{ trigger.body.id }}", "status": "created"}')
    page.click("#wf-panel-apply")
    expect(page.locator(".wf-check.ok")).to_be_visible()
    page.click('[data-action="save"]')
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")

    page.click('button[value="activate"]')
    expect(page.locator('button[value="deactivate"]')).to_be_visible()
    hook_url = page.locator("#webhook-url").input_value()

    response = httpx.post(hook_url, json={"id": 7}, timeout=30)

    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/people/7"
    assert json.loads(response.text) == {"id": 7, "status": "created"}
    execution = Execution.objects.get(workflow=workflow)
    assert (execution.status, execution.answered_by) == ("succeeded", "respond")
