"""A wait for approval in real headless chromium, as a new user would try it: manual → wait for
approval → HTTP built from the palette, run, a resume link made on the execution page, and the
approval form filled in by someone with no account; the run then goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from editor.models import Workflow
from executions.models import Execution
from tests.browser.test_data_nodes import apply_settings, run_with
from tests.browser.test_editor import connect, node, open_editor
from tests.engine_helpers import recorder
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "approval-form.png"
APPROVAL = {
    "mode": "approval",
    "title": "Refund order {{ trigger.order }}?",
    "description": "{{ trigger.customer }} asks for {{ trigger.amount }} EUR back.",
    "fields": [{"name": "comment", "type": "text", "required": True}],
    "timeout_seconds": 172800,
}


def configure(page, node_id: str, config: dict) -> None:
    """Settings as JSON, applied, and the answer awaited before the next node is opened."""
    page.keyboard.press("Escape")
    node(page, node_id).click()
    expect(page.locator(f'.wf-settings[data-node-id="{node_id}"]')).to_be_attached()
    page.check("#wf-panel-json-toggle")
    page.fill("#wf-panel-config", json.dumps(config))
    apply_settings(page)
    page.keyboard.press("Escape")


def test_build_run_and_approve_a_wait_from_its_form(page, browser, live_server, alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    workflow = Workflow.create(alice, "Refunds", graph={"nodes": [], "edges": []})
    open_editor(page, live_server, workflow)
    for node_type in ("trigger.manual", "utility.wait", "action.http"):
        page.click(f'.wf-pal-item[data-type="{node_type}"]')
    outputs = node(page, "wait").locator(".wf-out")
    expect(outputs).to_have_count(2)
    assert [outputs.nth(i).get_attribute("data-handle") for i in range(2)] == ["main", "timeout"]
    connect(page, "manual", "wait")
    connect(page, "wait", "http")

    with recorder() as server:
        configure(page, "wait", APPROVAL)
        refund = {"note": "{{ nodes.wait.fields.comment }}", "by": "{{ nodes.wait.by }}"}
        configure(
            page,
            "http",
            {"method": "POST", "url": server.url + "/refund", "body_type": "json", "body": refund},
        )
        page.click('[data-action="save"]')
        expect(page.locator("#wf-status")).to_contain_text("Saved as v2.")
        run_with(page, {"order": "A-17", "customer": "Ada", "amount": 40})

        execution = Execution.objects.get(workflow=workflow)
        page.goto(f"{live_server.url}/executions/{execution.pk}/")
        waiting = page.locator("#step-wait .wait-link")
        expect(waiting).to_contain_text("Waiting for someone to approve or reject on its form.")
        waiting.get_by_role("button", name="Create a resume link").click()
        link = page.locator("#new-resume-link input").input_value()
        assert link.startswith(f"{live_server.url}/hooks/resume/")

        # Someone with no account opens the link: no sign-in, the request as the run filled it in.
        guest = browser.new_context(viewport={"width": 900, "height": 700})
        form = guest.new_page()
        form.goto(link)
        expect(form.locator("h1")).to_have_text("Refund order A-17?")
        expect(form.locator(".wait-description")).to_have_text("Ada asks for 40 EUR back.")
        form.fill("#field-comment", "Long-standing customer.")
        form.fill("#wait-name", "Grace")
        form.screenshot(path=str(SCREENSHOT), full_page=True)
        form.get_by_role("button", name="Approve").click()
        expect(form.locator("h1")).to_have_text("Thank you")
        expect(form.locator(".wait-done")).to_contain_text("Approved, by Grace.")

        form.goto(link)  # used once: the second visit says so
        expect(form.locator(".wait-done")).to_contain_text("This link was used already")
        guest.close()

        wait_for(lambda: server.requests, 10, what="the refund call")
        assert json.loads(server.requests[0]["body"]) == {
            "note": "Long-standing customer.",
            "by": "Grace",
        }
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    page.reload()
    expect(page.locator("#execution-status")).to_contain_text("succeeded")
    expect(page.locator("#step-wait .wait-link")).to_have_count(0)
