"""The canvas editor's multi-select, minimap, import/export and the templates gallery, driven
in real headless chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from editor.gallery import TEMPLATES
from editor.models import Workflow
from tests.browser.test_editor import CHAIN, node, open_editor

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "gallery.png"


def position(page: Any, node_id: str) -> tuple[int, int]:
    """The node's world position, as the canvas drew it (its left/top style)."""
    style = node(page, node_id).get_attribute("style")
    left, top = re.search(r"left: (-?\d+)px; top: (-?\d+)px", style).groups()
    return int(left), int(top)


def drag_by(page: Any, target: Any, dx: float, dy: float, modifier: str | None = None) -> None:
    box = target.bounding_box()
    x, y = box["x"] + 60, box["y"] + 15
    page.mouse.move(x, y)
    if modifier:
        page.keyboard.down(modifier)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=8)
    page.mouse.up()
    if modifier:
        page.keyboard.up(modifier)


def test_shift_click_two_nodes_then_drag_moves_both_in_one_undo_step(page, live_server, alice):
    workflow = Workflow.create(alice, "Chain", graph=CHAIN)
    open_editor(page, live_server, workflow)
    before = {i: position(page, i) for i in ("start", "fetch", "again")}

    node(page, "fetch").click()
    node(page, "again").click(modifiers=["Shift"])
    expect(page.locator(".wf-node.selected")).to_have_count(2)
    expect(page.locator("#wf-selection")).to_be_visible()
    expect(page.locator("#wf-selection-title")).to_have_text("2 nodes selected")
    expect(page.locator("#wf-panel")).to_be_hidden()

    drag_by(page, node(page, "fetch"), 80, 120)
    after = {i: position(page, i) for i in ("start", "fetch", "again")}
    assert after["start"] == before["start"]
    moved = [(after[i][0] - before[i][0], after[i][1] - before[i][1]) for i in ("fetch", "again")]
    assert moved[0] == moved[1]
    assert moved[0][1] > 50
    expect(page.locator("#wf-dirty")).to_be_visible()
    # The edges followed the nodes.
    path = page.locator('path.wf-edge[data-source="fetch"]').get_attribute("d")
    assert path.startswith(f"M {after['fetch'][0] + 200} ")

    # Ctrl+click takes a node out of the selection again.
    node(page, "again").click(modifiers=["Control"])
    expect(page.locator(".wf-node.selected")).to_have_count(1)
    expect(page.locator("#wf-selection")).to_be_hidden()

    page.keyboard.press("Control+z")
    assert {i: position(page, i) for i in ("start", "fetch", "again")} == before
    expect(page.locator("#wf-dirty")).to_be_hidden()


def test_rectangle_select_then_delete_is_one_undo_step(page, live_server, alice):
    workflow = Workflow.create(alice, "Chain", graph=CHAIN)
    open_editor(page, live_server, workflow)
    fetch, again = node(page, "fetch").bounding_box(), node(page, "again").bounding_box()
    page.mouse.move(fetch["x"] - 30, fetch["y"] - 40)
    page.keyboard.down("Shift")
    page.mouse.down()
    page.mouse.move(again["x"] + again["width"] + 20, again["y"] + again["height"] + 30, steps=6)
    expect(page.locator(".wf-marquee")).to_be_visible()
    page.mouse.up()
    page.keyboard.up("Shift")
    expect(page.locator(".wf-marquee")).to_have_count(0)
    expect(page.locator(".wf-node.selected")).to_have_count(2)
    expect(page.locator("#wf-selection-title")).to_have_text("2 nodes selected")

    page.keyboard.press("Delete")
    expect(page.locator(".wf-node")).to_have_count(1)
    expect(node(page, "start")).to_have_count(1)
    expect(page.locator("path.wf-edge")).to_have_count(0)
    expect(page.locator("#wf-status")).to_have_text("Deleted 2 nodes. Ctrl+Z brings them back.")

    page.keyboard.press("Control+z")
    expect(page.locator(".wf-node")).to_have_count(3)
    expect(page.locator("path.wf-edge")).to_have_count(2)
    expect(page.locator("#wf-dirty")).to_be_hidden()

    page.locator("#wf-canvas").focus()
    page.keyboard.press("Control+a")
    expect(page.locator(".wf-node.selected")).to_have_count(3)
    expect(page.locator("#wf-selection-title")).to_have_text("3 nodes selected")
    page.keyboard.press("Escape")
    expect(page.locator(".wf-node.selected")).to_have_count(0)
    expect(page.locator("#wf-selection")).to_be_hidden()


def test_minimap_shows_the_graph_and_clicking_it_moves_the_view(page, live_server, alice):
    workflow = Workflow.create(alice, "Chain", graph=CHAIN)
    open_editor(page, live_server, workflow)
    minimap = page.locator("#wf-minimap")
    expect(minimap).to_be_visible()
    painted = page.evaluate(
        """() => {
          const c = document.querySelector("#wf-minimap canvas");
          const pixels = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
          let inked = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked += 1;
          return inked;
        }"""
    )
    assert painted > 100

    before = node(page, "start").bounding_box()
    box = minimap.bounding_box()
    minimap.click(position={"x": 6, "y": 6})
    after = node(page, "start").bounding_box()
    assert after["x"] > before["x"] + 50
    assert after["y"] > before["y"] + 20
    # Dragging on the minimap keeps moving the view; the canvas does not pan or select.
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 10, box["y"] + box["height"] - 10, steps=5)
    page.mouse.up()
    assert node(page, "start").bounding_box()["x"] < after["x"] - 50
    expect(page.locator(".wf-node.selected")).to_have_count(0)


def test_choose_a_template_in_the_gallery_and_edit_the_new_workflow(page, live_server, alice):
    template = TEMPLATES["loop-over-list"]
    page.goto(f"{live_server.url}/workflows/")
    page.get_by_role("link", name="From a template", exact=True).click()
    expect(page.locator(".gallery-card")).to_have_count(len(TEMPLATES))
    card = page.locator(f'.gallery-card[data-template="{template.slug}"]')
    expect(card).to_contain_text(template.name)
    expect(card).to_contain_text(f"{template.node_count} nodes")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    card.get_by_role("button", name="Use this template").click()
    page.wait_for_selector("#wf-editor[data-ready=true]")
    workflow = Workflow.objects.get(owner=alice)
    assert page.url == f"{live_server.url}/workflows/{workflow.pk}/"
    expect(page.locator("h1")).to_contain_text(template.name)
    ids = [n["id"] for n in template.graph["nodes"]]
    expect(page.locator(".wf-node")).to_have_count(len(ids))
    for node_id in ids:
        expect(node(page, node_id)).to_have_count(1)
    expect(page.locator("text.wf-edge-label")).to_have_text(["each", "done"])
    assert workflow.graph == template.graph


def test_export_then_import_into_another_workflow_and_save(page, live_server, alice, tmp_path):
    source = Workflow.create(alice, "Source", graph=CHAIN)
    target = Workflow.create(alice, "Target")
    open_editor(page, live_server, source)
    with page.expect_download() as download:
        page.click("#wf-export")
    exported = tmp_path / "source.workfuse.json"
    download.value.save_as(exported)
    assert json.loads(exported.read_text())["graph"] == CHAIN

    open_editor(page, live_server, target)
    expect(page.locator(".wf-node")).to_have_count(1)
    page.click('[data-action="import"]')
    page.fill("#wf-import-text", '{"hello": "world"}')
    page.get_by_role("button", name="Replace the canvas").click()
    expect(page.locator("#wf-import-error")).to_contain_text("Not a WorkFuse export")
    expect(page.locator(".wf-node")).to_have_count(1)

    page.fill("#wf-import-text", "")
    page.set_input_files("#wf-import-file", str(exported))
    page.get_by_role("button", name="Replace the canvas").click()
    expect(page.locator("#wf-import")).to_be_hidden()
    expect(page.locator(".wf-node")).to_have_count(3)
    expect(page.locator("path.wf-edge")).to_have_count(2)
    expect(page.locator("#wf-dirty")).to_be_visible()
    expect(page.locator("#wf-status")).to_contain_text("Imported “Source” (3 nodes)")
    target.refresh_from_db()
    assert target.version == 1

    page.keyboard.press("Control+z")
    expect(page.locator(".wf-node")).to_have_count(1)
    page.keyboard.press("Control+Shift+z")
    expect(page.locator(".wf-node")).to_have_count(3)

    page.keyboard.press("Control+s")
    expect(page.locator("#wf-status")).to_have_text("Saved as v2.")
    target.refresh_from_db()
    assert target.graph == CHAIN
    assert target.name == "Target"
