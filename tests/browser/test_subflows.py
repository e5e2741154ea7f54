"""Sub-workflows in real headless chromium: the call's workflow picker and inputs in the
settings panel, then a run whose execution pages link the calling step and the called run."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from editor.models import Workflow
from tests.browser.test_editor import open_editor
from tests.browser.test_settings_panel import field, open_node
from tests.call_helpers import GREETER_INPUTS, called, template

pytestmark = pytest.mark.browser


def placed(graph: dict) -> dict:
    for i, n in enumerate(graph["nodes"]):
        n["position"] = {"x": 300 * i, "y": 0}
    return graph


def test_a_call_is_set_up_with_the_picker_and_its_runs_link_both_ways(
    page: Any, live_server: Any, alice: Any
) -> None:
    greeter = Workflow.create(
        alice,
        "Greeter",
        graph=placed(called(GREETER_INPUTS, template("greet", "hi {{ trigger.name }}"))),
    )
    Workflow.create(alice, "Not callable")
    boss = Workflow.create(
        alice,
        "Boss",
        graph=placed(
            {
                "nodes": [
                    {"id": "start", "type": "trigger.manual"},
                    {"id": "call", "type": "action.workflow", "label": "Greet", "config": {}},
                ],
                "edges": [{"source": "start", "target": "call"}],
            }
        ),
    )
    open_editor(page, live_server, boss)
    open_node(page, "call")
    options = page.locator("#wf-f-workflow option")
    expect(options).to_have_text(["— pick a workflow —", "Greeter"])
    page.select_option("#wf-f-workflow", str(greeter.pk))  # applies at once: the inputs follow
    inputs = field(page, "inputs")
    expect(inputs).to_contain_text("Inputs of “Greeter”: name (string, required), times (number).")
    expect(inputs.locator('input[name="f:inputs.key"]')).to_have_value("name")
    inputs.locator('input[name="f:inputs.value"]').fill("Ada")
    page.click("#wf-panel-apply")
    expect(page.locator(".wf-check.ok")).to_be_visible()
    page.click('[data-action="save"]')
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")
    boss.refresh_from_db()
    call = next(n for n in boss.graph["nodes"] if n["id"] == "call")
    assert call["config"] == {"workflow": greeter.pk, "inputs": {"name": "Ada"}}

    page.click('[data-action="run"]')
    expect(page.locator("#wf-status")).to_contain_text("Run started")
    run = boss.executions.get()
    page.goto(f"{live_server.url}/executions/{run.pk}/")
    link = page.locator("#step-call summary a.call-link")
    expect(link).to_have_text("→ Greeter")
    link.click()
    expect(page.locator("#called-by")).to_contain_text("Called by Boss → run")
    expect(page.locator("#step-greet")).to_contain_text("succeeded")
    page.locator("#called-by a", has_text="run").click()
    expect(page).to_have_url(f"{live_server.url}/executions/{run.pk}/#step-call")
