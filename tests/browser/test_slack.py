"""Slack, tried as a new user would in real headless chromium against the fake Slack: add a Slack
credential (its fields appear when the kind is chosen), press "Test connection", build
"webhook → Slack message" from the palette (the operation picked, its fields filled), save,
activate, call the webhook and see the message arrive."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from credentials.models import Credential
from editor.models import Workflow
from executions.models import Execution
from tests.browser.test_editor import connect, node, open_editor
from tests.browser.test_settings_panel import field, open_node
from tests.fake_ai_server import Reply
from tests.fakes import running
from tests.fakes.slack import BOT_TOKEN, FakeSlack

pytestmark = pytest.mark.browser


@pytest.fixture
def slack(settings: Any) -> Iterator[FakeSlack]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSlack()) as fake:
        yield fake


def test_add_slack_test_it_and_post_from_a_webhook(page, live_server, alice, slack):
    page.goto(f"{live_server.url}/credentials/")
    page.click(".pagehead-actions button")  # "Add credential"
    page.fill("#id_name", "Acme Slack")
    page.select_option("#id_kind", "slack")
    token = page.locator('input[name="value-bot_token"]')
    expect(token).to_have_attribute("type", "password")
    token.fill(BOT_TOKEN)
    page.fill('input[name="value-base_url"]', slack.api_url)
    page.click("#add-dialog button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Saved “Acme Slack”")
    credential = Credential.objects.get(owner=alice, name="Acme Slack")
    row = page.locator(f"#credential-{credential.pk}")
    expect(row).to_contain_text(f"base_url: {slack.api_url}")
    assert BOT_TOKEN not in page.content()

    row.locator("[data-test-connection]").click()
    expect(row.locator(".test-result")).to_have_text(
        "✓ Connected to the Slack workspace “Acme” as workfuse."
    )

    workflow = Workflow.create(alice, "Orders to Slack", graph={"nodes": [], "edges": []})
    open_editor(page, live_server, workflow)
    page.click('.wf-pal-item[data-type="trigger.webhook"]')
    page.fill("#wf-search", "slack")
    page.click('.wf-pal-item[data-type="app.slack"]')
    expect(page.locator(".wf-node")).to_have_count(2)
    expect(node(page, "slack").locator(".wf-node-icon")).to_have_text("✱")
    page.keyboard.press("Escape")
    page.click('[data-action="fit"]')
    connect(page, "webhook", "slack")

    open_node(page, "slack")
    page.select_option("#wf-f-operation", "upload_text_file")
    expect(field(page, "filename")).to_be_visible()  # the form follows the operation
    expect(field(page, "channel")).to_have_count(0)
    page.select_option("#wf-f-operation", "post_message")
    expect(field(page, "channel")).to_be_visible()
    expect(field(page, "filename")).to_have_count(0)
    page.select_option("#wf-f-credential", str(credential.pk))
    page.fill("#wf-f-channel", "#orders")
    page.fill("#wf-f-text", "Order {{ trigger.body.id }} from {{ trigger.body.email }}")
    page.click("#wf-panel-apply")
    expect(page.locator(".wf-check.ok")).to_be_visible()
    page.click('[data-action="save"]')
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")

    page.click('button[value="activate"]')
    expect(page.locator('button[value="deactivate"]')).to_be_visible()
    hook_url = page.locator("#webhook-url").input_value()

    response = httpx.post(hook_url, json={"id": 42, "email": "ada@example.com"}, timeout=30)

    assert response.status_code == 202, response.text
    execution = Execution.objects.get(workflow=workflow)
    assert execution.status == "succeeded", execution.error
    [posted] = slack.messages
    assert posted.text == "Order 42 from ada@example.com"
    assert [r.path for r in slack.requests] == ["/api/auth.test", "/api/chat.postMessage"]


def test_magic_input_fills_the_slack_node_and_the_message_arrives(
    page, live_server, alice, slack, fake_ai
):
    """The same flow with Magic Input writing the Slack node's settings from a sentence."""
    from credentials import store

    credential = store.create(
        alice, "Acme Slack", "slack", {"bot_token": BOT_TOKEN, "base_url": slack.api_url}
    )
    proposal = {
        "operation": "post_message",
        "credential": credential.pk,
        "channel": "#orders",
        "text": "New order {{ trigger.body.id }} for {{ trigger.body.total }} EUR",
    }
    fake_ai.script(
        "openai",
        Reply(json={"config": proposal, "confidence": 0.9, "reasoning": "Post to #orders."}),
    )
    graph = {
        "nodes": [
            {"id": "webhook", "type": "trigger.webhook", "position": {"x": 0, "y": 0}},
            {
                "id": "slack",
                "type": "app.slack",
                "position": {"x": 260, "y": 0},
                "config": {"operation": "post_message"},
            },
        ],
        "edges": [{"source": "webhook", "target": "slack"}],
    }
    workflow = Workflow.create(alice, "Orders to Slack", graph=graph)
    open_editor(page, live_server, workflow)
    open_node(page, "slack")
    page.click("#wf-magic > summary")
    page.fill("#wf-magic-prompt", "Tell #orders about each new order with its id and total")
    page.click("#wf-magic-ask")
    expect(page.locator('#wf-magic-diff tr[data-field="channel"]')).to_contain_text("#orders")
    page.click("#wf-magic-apply")
    expect(page.locator("#wf-f-channel")).to_have_value("#orders")
    page.click("#wf-panel-apply")
    page.click('[data-action="save"]')
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")
    page.click('button[value="activate"]')
    expect(page.locator('button[value="deactivate"]')).to_be_visible()
    hook_url = page.locator("#webhook-url").input_value()

    response = httpx.post(hook_url, json={"id": 7, "total": 30}, timeout=30)

    assert response.status_code == 202, response.text
    execution = Execution.objects.get(workflow=workflow)
    assert execution.status == "succeeded", execution.error
    [posted] = slack.messages
    assert posted.text == "New order 7 for 30 EUR"
