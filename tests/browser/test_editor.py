"""The canvas editor on the workflow page, driven in real headless chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from editor.models import Workflow

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "editor.png"

CHAIN = {
    "nodes": [
        {
            "id": "start",
            "type": "trigger.manual",
            "label": "Start",
            "position": {"x": 0, "y": 0},
            "config": {},
        },
        {
            "id": "fetch",
            "type": "action.http",
            "label": "Fetch",
            "position": {"x": 300, "y": 0},
            "config": {"url": "https://example.com/a"},
        },
        {
            "id": "again",
            "type": "action.http",
            "label": "Again",
            "position": {"x": 600, "y": 0},
            "config": {"url": "https://example.com/b"},
        },
    ],
    "edges": [{"source": "start", "target": "fetch"}, {"source": "fetch", "target": "again"}],
}


def open_editor(page: Any, live_server: Any, workflow: Workflow) -> None:
    page.goto(f"{live_server.url}/workflows/{workflow.pk}/")
    page.wait_for_selector("#wf-editor[data-ready=true]")


def node(page: Any, node_id: str) -> Any:
    return page.locator(f'.wf-node[data-node-id="{node_id}"]')


def drag(page: Any, source: Any, target: Any) -> None:
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=8)
    page.mouse.up()


def connect(page: Any, source: str, target: str, handle: str = "main") -> None:
    drag(page, node(page, source).locator(f'.wf-out[data-handle="{handle}"]'), node(page, target))


def configure(page: Any, node_id: str, config: dict) -> None:
    page.keyboard.press("Escape")
    node(page, node_id).click()
    expect(page.locator(f'.wf-settings[data-node-id="{node_id}"]')).to_be_attached()
    page.check("#wf-panel-json-toggle")  # the settings form has its own tests
    page.fill("#wf-panel-config", json.dumps(config))
    page.click("#wf-panel-apply")
    page.keyboard.press("Escape")


def test_build_configure_save_and_reload(page, live_server, alice):
    workflow = Workflow.create(alice, "Built by hand", graph={"nodes": [], "edges": []})
    open_editor(page, live_server, workflow)

    page.fill("#wf-search", "trig")
    expect(page.locator('.wf-pal-item[data-type="action.http"]')).to_be_hidden()
    page.click('.wf-pal-item[data-type="trigger.manual"]')
    page.fill("#wf-search", "")
    page.click('.wf-pal-item[data-type="action.http"]')
    page.click('.wf-pal-item[data-type="logic.condition"]')
    expect(page.locator(".wf-node")).to_have_count(3)
    expect(node(page, "condition").locator(".wf-out")).to_have_count(2)

    connect(page, "manual", "http")
    connect(page, "http", "condition")
    expect(page.locator("path.wf-edge")).to_have_count(2)
    expect(page.locator("#wf-dirty")).to_be_visible()

    configure(page, "http", {"method": "GET", "url": "https://api.example.com/users"})
    # The condition has no rules yet: the API refuses the save and says so on that node.
    page.keyboard.press("Control+s")
    expect(node(page, "condition")).to_have_class(re.compile("has-error"))
    expect(node(page, "condition").locator(".wf-node-error")).to_contain_text("rules")
    expect(page.locator("#wf-status")).to_contain_text("Not saved")
    workflow.refresh_from_db()
    assert workflow.version == 1

    rules = {"rules": [{"left": "{{ nodes.http.status }}", "operator": "eq", "right": 200}]}
    configure(page, "condition", rules)
    page.click('[data-action="save"]')
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")
    expect(page.locator(".wf-node.has-error")).to_have_count(0)
    expect(page.locator("#wf-dirty")).to_be_hidden()

    workflow.refresh_from_db()
    assert workflow.version == 2
    nodes = {n["id"]: n for n in workflow.graph["nodes"]}
    assert [nodes[i]["type"] for i in ("manual", "http", "condition")] == [
        "trigger.manual",
        "action.http",
        "logic.condition",
    ]
    assert nodes["http"]["config"]["url"] == "https://api.example.com/users"
    assert workflow.graph["edges"] == [
        {"source": "manual", "target": "http"},
        {"source": "http", "target": "condition"},
    ]

    page.reload()
    page.wait_for_selector("#wf-editor[data-ready=true]")
    expect(page.locator(".wf-node")).to_have_count(3)
    expect(page.locator("path.wf-edge")).to_have_count(2)
    expect(node(page, "http").locator(".wf-node-label")).to_have_text("HTTP Request")
    box = node(page, "http")
    assert box.get_attribute("style").startswith(
        f"left: {nodes['http']['position']['x']}px; top: {nodes['http']['position']['y']}px"
    )


def test_connections_that_make_a_cycle_or_enter_a_trigger_are_refused(page, live_server, alice):
    workflow = Workflow.create(alice, "Chain", graph=CHAIN)
    open_editor(page, live_server, workflow)
    expect(page.locator("path.wf-edge")).to_have_count(2)

    connect(page, "again", "fetch")
    expect(page.locator("#wf-status")).to_contain_text("cycle: fetch → again → fetch")
    connect(page, "fetch", "start")
    expect(page.locator("#wf-status")).to_contain_text("is a trigger")
    expect(page.locator("path.wf-edge")).to_have_count(2)
    expect(page.locator("#wf-dirty")).to_be_hidden()


def test_undo_restores_a_deleted_node_and_redo_deletes_it_again(page, live_server, alice):
    workflow = Workflow.create(alice, "Chain", graph=CHAIN)
    open_editor(page, live_server, workflow)

    node(page, "again").click()
    page.keyboard.press("Delete")
    expect(node(page, "again")).to_have_count(0)
    expect(page.locator("path.wf-edge")).to_have_count(1)

    page.keyboard.press("Control+z")
    expect(node(page, "again")).to_have_count(1)
    expect(page.locator("path.wf-edge")).to_have_count(2)
    expect(page.locator("#wf-dirty")).to_be_hidden()

    page.keyboard.press("Control+Shift+z")
    expect(node(page, "again")).to_have_count(0)


def test_dragging_a_node_then_ctrl_s_saves_its_position(page, live_server, alice):
    workflow = Workflow.create(alice, "Chain", graph=CHAIN)
    open_editor(page, live_server, workflow)
    box = node(page, "fetch").bounding_box()
    page.mouse.move(box["x"] + 60, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + 140, steps=6)
    page.mouse.up()
    expect(page.locator("#wf-dirty")).to_be_visible()

    page.keyboard.press("Control+s")
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")
    workflow.refresh_from_db()
    fetch = next(n for n in workflow.graph["nodes"] if n["id"] == "fetch")
    assert fetch["position"]["x"] == 300
    assert fetch["position"]["y"] > 50


def test_zoom_buttons_wheel_pan_and_help_overlay(page, live_server, alice):
    workflow = Workflow.create(alice, "Chain", graph=CHAIN)
    open_editor(page, live_server, workflow)
    canvas = page.locator("#wf-canvas")
    zoom = float(canvas.get_attribute("data-zoom"))
    page.click('[data-action="zoom-in"]')
    assert float(canvas.get_attribute("data-zoom")) > zoom
    page.click('[data-action="zoom-out"]')
    page.click('[data-action="zoom-out"]')
    assert float(canvas.get_attribute("data-zoom")) < zoom

    before = node(page, "start").bounding_box()
    area = canvas.bounding_box()
    page.mouse.move(area["x"] + 20, area["y"] + area["height"] - 20)
    page.mouse.down()
    page.mouse.move(area["x"] + 120, area["y"] + area["height"] - 60, steps=5)
    page.mouse.up()
    after = node(page, "start").bounding_box()
    assert round(after["x"] - before["x"]) == 100

    zoom = canvas.get_attribute("data-zoom")
    page.mouse.move(area["x"] + 200, area["y"] + 200)
    page.mouse.wheel(0, -300)
    expect(canvas).not_to_have_attribute("data-zoom", zoom)

    page.locator("#wf-canvas").focus()
    page.keyboard.press("?")
    expect(page.locator("#wf-help")).to_be_visible()
    expect(page.locator("#wf-help")).to_contain_text("Redo")
    page.keyboard.press("Escape")
    expect(page.locator("#wf-help")).to_be_hidden()


FAKE_SOCKET = """
window.WebSocket = class {
  constructor() { window.__live = this; this.listeners = {};
    setTimeout(() => { this.emit("open", {}); this.push({type: "snapshot", execution: {execution_id: "e1"},
      steps: [{node_id: "start", status: "succeeded"}]}); }, 0); }
  addEventListener(name, fn) { (this.listeners[name] ||= []).push(fn); }
  emit(name, event) { (this.listeners[name] || []).forEach((fn) => fn(event)); }
  push(message) { this.emit("message", {data: JSON.stringify(message)}); }
  close() {}
};
"""


def test_node_borders_follow_live_step_messages(page, live_server, alice):
    """The live server speaks no WebSocket: a stand-in socket delivers DESIGN §7 messages."""
    workflow = Workflow.create(alice, "Chain", graph=CHAIN)
    page.add_init_script(FAKE_SOCKET)
    open_editor(page, live_server, workflow)
    expect(node(page, "start")).to_have_class(re.compile("state-succeeded"))
    page.evaluate(
        "window.__live.push({type: 'step', execution_id: 'e1', node_id: 'fetch', key: 'fetch', status: 'running'})"
    )
    expect(node(page, "fetch")).to_have_class(re.compile("state-running"))
    page.evaluate(
        "window.__live.push({type: 'step', execution_id: 'e2', node_id: 'start', key: 'start', status: 'running'})"
    )
    expect(node(page, "start")).to_have_class(re.compile("state-running"))
    expect(node(page, "fetch")).not_to_have_class(re.compile("state-"))


def test_test_run_button_starts_a_run_of_the_saved_graph(page, live_server, alice):
    workflow = Workflow.create(alice, "Just a trigger")
    open_editor(page, live_server, workflow)
    page.click('[data-action="run"]')
    expect(page.locator("#wf-status")).to_contain_text("Run started")
    assert workflow.executions.count() == 1


# The run's first socket message (its trigger step, finished as the run is created) beats the
# answer to the run request: the stand-in socket delivers it just before fetch() resolves.
MESSAGE_BEFORE_ANSWER = """
const realFetch = window.fetch;
window.fetch = async (...args) => {
  const response = await realFetch(...args);
  if (String(args[0]).endsWith("/run")) {
    const body = await response.clone().json();
    window.__live.push({type: "step", execution_id: body.execution_id, node_id: "start",
                        key: "start", status: "succeeded"});
  }
  return response;
};
"""


def test_a_test_runs_first_live_message_is_kept_when_it_beats_the_answer(page, live_server, alice):
    workflow = Workflow.create(alice, "Chain", graph=CHAIN)
    page.add_init_script(FAKE_SOCKET)
    page.add_init_script(MESSAGE_BEFORE_ANSWER)
    open_editor(page, live_server, workflow)
    page.click('[data-action="run"]')
    expect(page.locator("#wf-status")).to_contain_text("Run started")
    expect(node(page, "start")).to_have_class(re.compile("state-succeeded"))


def test_branch_edges_carry_their_handle_labels(page, live_server, alice):
    graph = json.loads(json.dumps(CHAIN))
    graph["nodes"][2] = {
        "id": "big",
        "type": "logic.condition",
        "label": "Many orders?",
        "position": {"x": 600, "y": 0},
        "config": {
            "rules": [{"left": "{{ nodes.fetch.body.orders }}", "operator": "gt", "right": 10}]
        },
    }
    graph["edges"][1]["target"] = "big"
    graph["nodes"] += [
        {
            "id": "notify",
            "type": "action.http",
            "label": "Notify sales",
            "position": {"x": 900, "y": -90},
            "config": {"method": "POST", "url": "https://hooks.example.com/sales"},
        },
        {
            "id": "wait",
            "type": "utility.delay",
            "label": "Wait a day",
            "position": {"x": 900, "y": 90},
            "config": {"seconds": 86400},
        },
    ]
    graph["edges"] += [
        {"source": "big", "source_handle": "true", "target": "notify"},
        {"source": "big", "source_handle": "false", "target": "wait"},
    ]
    workflow = Workflow.create(alice, "Big orders", graph=graph)
    open_editor(page, live_server, workflow)
    expect(page.locator("text.wf-edge-label")).to_have_text(["true", "false"])
    node(page, "fetch").click()
    expect(page.locator("#wf-panel-config")).to_have_value(re.compile("https://example.com/a"))
    page.click("#wf-panel-close")
    page.click('[data-action="fit"]')
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.locator("#wf-editor").screenshot(path=str(SCREENSHOT))
