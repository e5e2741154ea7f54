"""Error workflows in real headless chromium, as a new user would set one up: the gallery's
"Alert me when a workflow fails", chosen in another workflow's Settings dialog, then a run that
stops with an error, its page linking to the alert's run and back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from editor.models import Workflow
from tests.browser.test_editor import open_editor
from tests.engine_helpers import chain, recorder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "error-workflow-settings.png"
)
STOP = {
    "id": "refuse",
    "type": "logic.stop",
    "label": "Refuse the order",
    "config": {"message": "Order {{ trigger.id }} has no total", "code": "MISSING_TOTAL"},
}


def open_settings(page: Any) -> Any:
    page.click("button:has-text('Settings')")
    dialog = page.locator("#settings-dialog")
    expect(dialog).to_be_visible()
    return dialog


def test_alert_template_chosen_in_settings_reports_a_stopped_run(
    page, live_server, alice, settings
):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    page.goto(f"{live_server.url}/workflows/templates/")
    page.click("form:has(input[value='alert-on-failure']) button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Alert me when a workflow fails")
    alerts = Workflow.objects.get(owner=alice)
    with recorder() as chat:
        graph = json.loads(json.dumps(alerts.graph).replace("https://hooks.example.com", chat.url))
        alerts.save_graph(graph, user=alice)
        orders = Workflow.create(alice, "Orders", graph=chain(STOP))

        open_editor(page, live_server, orders)
        dialog = open_settings(page)
        dialog.locator("select[name=error_workflow]").select_option(label=alerts.name)
        dialog.screenshot(path=str(SCREENSHOT))
        dialog.locator("button:has-text('Save settings')").click()
        expect(dialog.locator("[role=status]")).to_have_text(
            "Saved: when a run of this workflow fails, “Alert me when a workflow fails” starts."
        )
        dialog.locator("button:has-text('Close')").click()
        expect(dialog).to_be_hidden()

        page.fill("#run-payload", json.dumps({"id": 42}))
        page.click("#run button:has-text('Run now')")
        expect(page.locator(".message.error").first).to_contain_text(
            "Step 'refuse' failed: Order 42 has no total (code MISSING_TOTAL)"
        )
        report = page.locator("#error-report a")
        expect(report).to_contain_text("“Alert me when a workflow fails” run")
        report.click()
        expect(page.locator("#error-of")).to_contain_text("reports the failure of “Orders” run")
        expect(page.locator("#execution-status")).to_contain_text("succeeded")
        [posted] = chat.requests
    text = json.loads(posted["body"])["text"]
    assert "“Orders” failed at Refuse the order" in text
    assert "Order 42 has no total (code MISSING_TOTAL)" in text


def test_a_choice_that_became_invalid_is_refused_in_the_dialog(page, live_server, alice):
    alerts = Workflow.create(
        alice,
        "Alerts",
        graph={"nodes": [{"id": "failure", "type": "trigger.error"}], "edges": []},
    )
    orders = Workflow.create(alice, "Orders")
    open_editor(page, live_server, orders)
    dialog = open_settings(page)
    dialog.locator("select[name=error_workflow]").select_option(label="Alerts")
    # Meanwhile, in another tab, the Error trigger is replaced by a manual one.
    alerts.save_graph(chain(), user=alice)
    dialog.locator("button:has-text('Save settings')").click()
    expect(dialog.locator(".errorlist")).to_contain_text("“Alerts” has no error trigger")
    expect(dialog).to_be_visible()
    orders.refresh_from_db()
    assert orders.error_workflow is None
