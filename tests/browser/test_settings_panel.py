"""The node settings panel in real headless chromium: the schema-driven form, variables, errors
next to their fields, the node's last run, live AI tokens, and Magic Input against the fake
provider server (tests/fake_ai_server.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from aiconfig.models import MagicFeedback
from editor import magic
from editor.models import Workflow
from executions import engine
from executions.models import Execution
from tests.browser.test_editor import FAKE_SOCKET, node, open_editor
from tests.fake_ai_server import Reply

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

WEBHOOK_THEN_HTTP = {
    "nodes": [
        {
            "id": "hook",
            "type": "trigger.webhook",
            "label": "Order webhook",
            "position": {"x": 0, "y": 0},
            "config": {},
        },
        {
            "id": "notify",
            "type": "action.http",
            "label": "Send the order",
            "position": {"x": 300, "y": 0},
            "config": {"url": "https://example.com/placeholder"},
        },
    ],
    "edges": [{"source": "hook", "target": "notify"}],
}


def open_node(page: Any, node_id: str) -> None:
    page.keyboard.press("Escape")
    node(page, node_id).click()
    expect(page.locator(f'.wf-settings[data-node-id="{node_id}"]')).to_be_visible()


def field(page: Any, name: str) -> Any:
    return page.locator(f'#wf-node-form [data-field="{name}"]')


def past_run(workflow: Workflow) -> Execution:
    """A finished run whose data names the keys the suggestions should offer."""
    execution = Execution.objects.create(
        workflow=workflow,
        version=workflow.versions.get(number=workflow.version),
        status=Execution.Status.SUCCEEDED,
        trigger_data={"body": {"user_id": 7, "email": "ada@example.com"}},
    )
    execution.steps.create(
        node_id="hook",
        key="hook",
        status="succeeded",
        output={"method": "POST", "headers": {}, "query": {}, "body": {"user_id": 7}},
    )
    return execution


def test_http_node_configured_through_its_form_persists(page, live_server, alice):
    workflow = Workflow.create(alice, "Orders", graph=WEBHOOK_THEN_HTTP)
    past_run(workflow)
    open_editor(page, live_server, workflow)
    open_node(page, "notify")

    page.select_option("#wf-f-method", "POST")
    page.fill("#wf-f-url", "https://api.example.com/users/")
    expect(page.locator("#wf-vars")).to_be_visible()
    # Only the trigger: this node has no upstream nodes but the trigger, and never itself.
    expect(page.locator('.wf-var[data-var^="nodes."]')).to_have_count(0)
    page.click('.wf-var[data-var="trigger.body.user_id"]')
    expect(page.locator("#wf-f-url")).to_have_value(
        "https://api.example.com/users/{{ trigger.body.user_id }}"
    )
    page.click('[data-action="fit"]')
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#wf-editor").screenshot(path=str(SCREENSHOTS / "settings-panel.png"))
    field(page, "headers").locator("[data-kv-add]").click()
    field(page, "headers").locator('input[name="f:headers.key"]').fill("X-Team")
    field(page, "headers").locator('input[name="f:headers.value"]').fill("ops")
    page.fill("#wf-f-body", '{"team": "ops", "count": 2}')
    page.uncheck("#wf-f-follow_redirects")
    page.click("#wf-panel-apply")
    expect(page.locator(".wf-check.ok")).to_be_visible()

    page.click('[data-action="save"]')
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")
    workflow.refresh_from_db()
    config = next(n for n in workflow.graph["nodes"] if n["id"] == "notify")["config"]
    assert config == {
        "url": "https://api.example.com/users/{{ trigger.body.user_id }}",
        "method": "POST",
        "headers": {"X-Team": "ops"},
        "body": {"team": "ops", "count": 2},
        "follow_redirects": False,
    }

    page.reload()
    page.wait_for_selector("#wf-editor[data-ready=true]")
    open_node(page, "notify")
    expect(page.locator("#wf-f-method")).to_have_value("POST")
    expect(page.locator("#wf-f-url")).to_have_value(config["url"])
    expect(field(page, "headers").locator('input[name="f:headers.key"]')).to_have_value("X-Team")
    expect(page.locator("#wf-f-body")).to_have_value(re.compile(r'"team": "ops"'))
    expect(page.locator("#wf-f-follow_redirects")).not_to_be_checked()
    # The same config as JSON, and an edit there shows in the form.
    page.check("#wf-panel-json-toggle")
    expect(page.locator("#wf-panel-config")).to_have_value(re.compile(r'"X-Team": "ops"'))
    page.fill("#wf-panel-config", json.dumps({**config, "method": "PUT"}))
    page.uncheck("#wf-panel-json-toggle")
    expect(page.locator("#wf-f-method")).to_have_value("PUT")


def test_save_pressed_while_apply_is_answering_waits_for_it(page, live_server, alice):
    """Apply's answer landing after Save's must neither hide "Saved as v2." nor be lost."""
    workflow = Workflow.create(alice, "Orders", graph=WEBHOOK_THEN_HTTP)
    open_editor(page, live_server, workflow)
    open_node(page, "notify")
    # A change that leaves the form itself unedited (as Magic Input's applied proposal does).
    page.fill("#wf-panel-label", "Send it")
    # The form's answers to "apply" come 600 ms late, as from a busy server.
    page.evaluate(
        """() => {
          const original = window.fetch;
          window.fetch = async (url, options) => {
            const response = await original(url, options);
            const body = options && options.body;
            if (body instanceof URLSearchParams && body.get("action") === "apply") {
              await new Promise((resolve) => setTimeout(resolve, 600));
            }
            return response;
          };
        }"""
    )
    page.click("#wf-panel-apply")
    page.click('[data-action="save"]')
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")
    page.wait_for_timeout(1000)  # longer than the delayed answer
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")
    workflow.refresh_from_db()
    assert next(n for n in workflow.graph["nodes"] if n["id"] == "notify")["label"] == "Send it"


def test_invalid_values_show_their_errors_next_to_the_fields(page, live_server, alice):
    workflow = Workflow.create(alice, "Orders", graph=WEBHOOK_THEN_HTTP)
    open_editor(page, live_server, workflow)
    open_node(page, "notify")
    page.fill("#wf-f-url", "ftp://files.example.com/x")
    page.fill("#wf-f-timeout_ms", "5")
    page.click("#wf-panel-apply")
    expect(field(page, "url").locator(".wf-field-error")).to_contain_text("http:// or https://")
    expect(field(page, "timeout_ms").locator(".wf-field-error")).to_contain_text("100")
    expect(field(page, "method").locator(".wf-field-error")).to_have_count(0)

    page.fill("#wf-f-body", '{"broken": ')
    page.click("#wf-panel-apply")
    expect(field(page, "body").locator(".wf-field-error")).to_contain_text("Not valid JSON")
    expect(page.locator("#wf-f-body")).to_have_value('{"broken": ')
    page.click('[data-action="save"]')
    expect(page.locator("#wf-status")).to_contain_text("Not saved")
    workflow.refresh_from_db()
    assert workflow.version == 1


def test_magic_input_tried_as_a_new_user(page, live_server, alice, fake_ai):
    proposal = {
        "method": "POST",
        "url": "https://api.example.com/orders",
        "headers": {"Content-Type": "application/json"},
        "body_type": "json",
        "body": {"order": "{{ trigger.body.order }}", "email": "{{ trigger.body.email }}"},
    }
    fake_ai.script(
        "openai",
        Reply(
            json={
                "config": proposal,
                "confidence": 0.92,
                "reasoning": "POST with the webhook's email in a JSON body.",
            }
        ),
    )
    workflow = Workflow.create(alice, "Orders", graph=WEBHOOK_THEN_HTTP)
    open_editor(page, live_server, workflow)
    open_node(page, "notify")

    sentence = (
        "POST the order to https://api.example.com/orders with the customer's email from the "
        "webhook"
    )
    page.click("#wf-magic > summary")
    page.fill("#wf-magic-prompt", sentence)
    page.click("#wf-magic-ask")
    diff = page.locator("#wf-magic-diff")
    expect(diff.locator('tr.diff-changed[data-field="url"]')).to_contain_text(
        '"https://example.com/placeholder" → "https://api.example.com/orders"'
    )
    expect(diff.locator('tr.diff-added[data-field="method"]')).to_contain_text('"POST"')
    expect(diff.locator('tr.diff-added[data-field="body"]')).to_contain_text("trigger.body.email")
    expect(page.locator("#wf-magic-confidence")).to_have_text("92%")
    expect(page.locator("#wf-magic-reasoning")).to_contain_text("email")
    page.add_style_tag(content=".wf-body { height: 1100px; }")  # the whole proposal in one shot
    page.locator("#wf-panel").evaluate("panel => { panel.scrollTop = 0; }")
    page.locator("#wf-panel").screenshot(path=str(SCREENSHOTS / "magic-input.png"))
    sent = fake_ai.requests_for("openai")[0]
    assert sentence in "\n".join(str(m.get("content")) for m in sent.body["messages"])

    page.click("#wf-magic-apply")
    expect(page.locator("#wf-f-method")).to_have_value("POST")
    expect(page.locator("#wf-f-url")).to_have_value("https://api.example.com/orders")
    expect(page.locator("#wf-f-body")).to_have_value(re.compile(r"\{\{ trigger\.body\.email \}\}"))
    expect(page.locator("#wf-dirty")).to_be_visible()

    page.click('#wf-magic-result [data-rating="up"]')
    expect(page.locator("#wf-magic-thanks")).to_have_text("Thanks for the feedback.")
    feedback = MagicFeedback.objects.get()
    assert (feedback.owner, feedback.rating, feedback.prompt) == (alice, "up", sentence)
    assert feedback.config["url"] == "https://api.example.com/orders"

    page.click('[data-action="save"]')
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")
    workflow.refresh_from_db()
    saved = next(n for n in workflow.graph["nodes"] if n["id"] == "notify")["config"]
    assert saved["method"] == "POST"
    assert saved["url"] == "https://api.example.com/orders"
    assert isinstance(saved["body"], dict)
    assert saved["body"]["email"] == "{{ trigger.body.email }}"


def test_magic_input_shows_why_a_proposal_is_not_valid(page, live_server, alice, fake_ai):
    wrong = {"config": {"method": "FETCH"}, "confidence": 0.9, "reasoning": "Guessing."}
    fake_ai.script("openai", *[Reply(json=wrong) for _ in range(1 + magic.MAX_RETRIES)])
    workflow = Workflow.create(alice, "Orders", graph=WEBHOOK_THEN_HTTP)
    open_editor(page, live_server, workflow)
    open_node(page, "notify")
    page.click("#wf-magic > summary")
    page.fill("#wf-magic-prompt", "fetch it")
    page.click("#wf-magic-ask")
    errors = page.locator("#wf-magic-errors")
    expect(errors).to_contain_text("url: Field required")
    expect(errors).to_contain_text("method")
    expect(page.locator("#wf-magic-confidence")).to_have_text("30%")
    expect(page.locator('#wf-magic-diff tr.diff-removed[data-field="url"]')).to_be_visible()


def test_a_failed_request_hides_the_earlier_proposal(page, live_server, alice, fake_ai):
    earlier = {"config": {"method": "GET", "url": "https://example.com/a"}, "confidence": 0.8}
    fake_ai.script("openai", Reply(json={**earlier, "reasoning": "A GET."}), Reply(status=401))
    workflow = Workflow.create(alice, "Orders", graph=WEBHOOK_THEN_HTTP)
    open_editor(page, live_server, workflow)
    open_node(page, "notify")
    page.click("#wf-magic > summary")
    page.fill("#wf-magic-prompt", "get it")
    page.click("#wf-magic-ask")
    expect(page.locator("#wf-magic-apply")).to_be_visible()
    page.fill("#wf-magic-prompt", "post it instead")
    page.click("#wf-magic-ask")
    expect(page.locator("#wf-magic-error")).to_contain_text("API key")
    expect(page.locator("#wf-magic-result")).to_be_hidden()


def test_magic_input_without_a_provider_says_how_to_set_one_up(page, live_server, alice, settings):
    settings.OPENAI_API_KEY = settings.ANTHROPIC_API_KEY = settings.GEMINI_API_KEY = ""
    settings.OPENAI_BASE_URL = ""
    workflow = Workflow.create(alice, "Orders", graph=WEBHOOK_THEN_HTTP)
    open_editor(page, live_server, workflow)
    open_node(page, "notify")
    page.click("#wf-magic > summary")
    setup = page.locator("#wf-magic-setup")
    expect(setup).to_contain_text("Magic Input needs an AI provider")
    expect(setup.get_by_role("link", name="Credentials")).to_have_attribute("href", "/credentials/")
    expect(page.locator("#wf-magic-prompt")).to_have_count(0)


def test_clicking_a_node_after_a_run_shows_its_last_output(page, live_server, alice):
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "position": {"x": 0, "y": 0}, "config": {}},
            {
                "id": "echo",
                "type": "utility.transform",
                "position": {"x": 300, "y": 0},
                "config": {"expression": "name"},
            },
        ],
        "edges": [{"source": "start", "target": "echo"}],
    }
    workflow = Workflow.create(alice, "Echo", graph=graph)
    page.add_init_script(FAKE_SOCKET)
    open_editor(page, live_server, workflow)
    open_node(page, "echo")
    expect(page.locator("#wf-last-run")).to_contain_text("Not run yet")

    execution = engine.start_execution(workflow, {"name": "Ada Lovelace"})
    page.evaluate(
        "id => window.__live.push({type: 'step', execution_id: id, node_id: 'echo', key: 'echo',"
        " status: 'succeeded'})",
        str(execution.pk),
    )
    last_run = page.locator("#wf-last-run")
    expect(last_run.locator("[data-last-output]")).to_contain_text('"result": "Ada Lovelace"')
    expect(last_run.get_by_role("link", name="Open the execution")).to_have_attribute(
        "href", f"/executions/{execution.pk}/"
    )

    page.reload()
    page.wait_for_selector("#wf-editor[data-ready=true]")
    open_node(page, "echo")
    expect(page.locator("#wf-last-run [data-last-output]")).to_contain_text("Ada Lovelace")
    expect(page.locator("#wf-last-run")).to_contain_text("succeeded")


def test_tokens_of_a_running_ai_node_stream_into_its_panel(page, live_server, alice):
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "position": {"x": 0, "y": 0}, "config": {}},
            {
                "id": "answer",
                "type": "action.ai",
                "position": {"x": 300, "y": 0},
                "config": {"prompt": "Say hello", "stream": True},
            },
        ],
        "edges": [{"source": "start", "target": "answer"}],
    }
    workflow = Workflow.create(alice, "Hello", graph=graph)
    page.add_init_script(FAKE_SOCKET)
    open_editor(page, live_server, workflow)
    open_node(page, "answer")
    expect(page.locator("#wf-panel-stream")).to_be_hidden()
    for text in ("Hello", ", ", "world"):
        page.evaluate(
            "text => window.__live.push({type: 'token', execution_id: 'e9', node_id: 'answer', text})",
            text,
        )
    page.evaluate(
        "window.__live.push({type: 'token', execution_id: 'e9', node_id: 'start', text: 'not mine'})"
    )
    expect(page.locator("#wf-panel-stream-text")).to_have_text("Hello, world")
    page.evaluate(
        "window.__live.push({type: 'token', execution_id: 'e10', node_id: 'answer', text: 'Again'})"
    )
    expect(page.locator("#wf-panel-stream-text")).to_have_text("Again")


def code_workflow(owner: Any) -> Workflow:
    """A manual trigger and a Code node `count` returning 1."""
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "position": {"x": 0, "y": 0}, "config": {}},
            {
                "id": "count",
                "type": "action.code",
                "position": {"x": 300, "y": 0},
                "config": {"code": "return 1"},
            },
        ],
        "edges": [{"source": "start", "target": "count"}],
    }
    return Workflow.create(owner, "Code", graph=graph)


def test_a_code_node_switched_to_python_saves_and_runs_python(page, live_server, alice):
    workflow = code_workflow(alice)
    open_editor(page, live_server, workflow)
    open_node(page, "count")
    page.select_option("#wf-f-language", "python")
    page.locator("#wf-f-code").fill("print('n is', input['n'])\nreturn sum(range(input['n']))")
    page.click('[data-action="save"]')
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")
    workflow.refresh_from_db()
    saved = next(n for n in workflow.graph["nodes"] if n["id"] == "count")["config"]
    assert saved["language"] == "python"
    execution = engine.start_execution(workflow, {"n": 5})
    execution.refresh_from_db()
    step = execution.steps.get(key="count")
    assert execution.status == "succeeded", execution.error
    assert step.output == {"result": 10, "logs": ["n is 5"]}


def test_code_editor_inserts_spaces_for_tab(page, live_server, alice):
    workflow = code_workflow(alice)
    open_editor(page, live_server, workflow)
    open_node(page, "count")
    code = page.locator("#wf-f-code")
    code.fill("if (input) {\n")
    code.press("End")
    page.keyboard.press("Tab")
    page.keyboard.type("return 2;\n}")
    expect(code).to_have_value("if (input) {\n  return 2;\n}")
    expect(code).to_be_focused()
