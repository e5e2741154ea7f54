"""A new user's first agent, in real headless chromium against `manage.py serve` (embedded mode):
make the support chat agent from the gallery, point its HTTP tool at the shop's API, chat with
it, and see each model turn and tool call with tokens and cost on the run's page."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_chat import embedded
from tests.engine_helpers import recorder
from tests.fake_ai_server import Reply

pytestmark = pytest.mark.browser

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from accounts.models import ApiToken
user = get_user_model().objects.create_user("newcomer", "newcomer@example.com", "x")
_, token = ApiToken.issue(user, "browser test")
client = Client()
client.force_login(user)
print(json.dumps({"session": client.cookies["sessionid"].value, "token": token}))
"""
CHUNKS = ["Order 7 ", "shipped ", "on Monday."]


def _api(url: str, token: str, method: str = "GET", body: Any = None) -> Any:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def test_gallery_agent_chats_with_its_http_tool_and_shows_each_turn(browser, tmp_path, fake_ai):
    with (
        recorder() as shop,
        embedded(tmp_path, fake_ai, SETUP, WORKFUSE_HTTP_ALLOW_PRIVATE="1") as (url, made),
    ):
        shop.script = [(200, {}, {"order": 7, "status": "shipped", "shipped_on": "Monday"})]
        fake_ai.script(
            "openai",
            Reply(tool_calls=[("lookup_order", {"order_id": "7"})]),
            Reply(text="".join(CHUNKS), chunks=CHUNKS),
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": made["session"], "url": url}])
        context.set_default_timeout(15_000)
        page = context.new_page()
        frames: list[dict] = []
        page.on(
            "websocket",
            lambda ws: ws.on("framereceived", lambda payload: frames.append(json.loads(payload))),
        )
        try:
            page.goto(f"{url}/workflows/templates/")
            card = page.locator('[data-template="support-chat-agent"]')
            expect(card).to_contain_text("Support agent with an HTTP tool")
            card.get_by_role("button", name="Use this template").click()
            page.wait_for_url("**/workflows/*/")
            workflow_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

            # The template's API address is a placeholder: point the tool at the shop's API.
            api = f"{url}/api/workflows/{workflow_id}"
            workflow = _api(api, made["token"])
            graph = workflow["graph"]
            agent = next(n for n in graph["nodes"] if n["type"] == "action.agent")
            agent["config"]["tools"][0]["url"] = f"{shop.url}/orders/{{order_id}}"
            _api(api, made["token"], "PATCH", {"graph": graph})

            page.reload()
            page.get_by_role("link", name="Chat", exact=True).click()
            expect(page.locator(".chat-msg.welcome")).to_contain_text("Ask me about your order")
            deadline = time.monotonic() + 10
            while not any(f.get("type") == "ready" for f in frames):
                assert time.monotonic() < deadline, "the chat socket never said it was ready"
                page.wait_for_timeout(50)
            page.fill("#chat-input", "Where is order 7?")
            page.press("#chat-input", "Enter")
            expect(page.locator(".chat-msg.assistant").last).to_have_text(
                "Order 7 shipped on Monday."
            )
            assert [f["text"] for f in frames if f.get("type") == "token"] == CHUNKS
            assert [r["path"] for r in shop.requests] == ["/orders/7"]

            # The run's page: each turn and tool call, with tokens and cost.
            page.goto(f"{url}/workflows/{workflow_id}/executions/")
            expect(page.locator("#workflow-ai-spend")).to_contain_text("34 tokens")
            page.get_by_role("link", name="Open").first.click()
            for label in ("agent[turn:1]", "agent[tool:2:lookup_order]", "agent[turn:3]"):
                expect(page.locator(f'[data-agent-event="{label}"]')).to_have_count(1)
            tool_row = page.locator('[data-agent-event="agent[tool:2:lookup_order]"]')
            expect(tool_row).to_contain_text('"order_id": "7"')
            expect(tool_row).to_contain_text("shipped")
            turn_row = page.locator('[data-agent-event="agent[turn:1]"]')
            expect(turn_row).to_contain_text("17")
            expect(turn_row).to_contain_text("$")
            expect(page.locator("#ai-spend")).to_contain_text("34 tokens")
        finally:
            context.close()
