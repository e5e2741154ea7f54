"""The chat page in real headless chromium against `manage.py serve` in embedded mode (the
pytest live server speaks no WebSocket): a message sent with Enter, the AI node's reply
streamed token by token over the page's socket, and the conversation still there after a
reload."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.embedded import embedded_env, manage, serving
from tests.fake_ai_server import Reply

pytestmark = pytest.mark.browser

CHUNKS = ["Your ", "parcel ", "left ", "the ", "warehouse ", "today."]

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from editor.models import Workflow
user = get_user_model().objects.create_user("chatter", "chatter@example.com", "x")
graph = {
    "nodes": [
        {"id": "chat", "type": "trigger.chat", "config": {"welcome": "Hi! Ask me about your order."}},
        {"id": "ask", "type": "action.ai", "config": {
            "provider": "openai", "model": "gpt-4o-mini", "prompt": "{{ trigger.message }}",
            "stream": True}},
    ],
    "edges": [{"source": "chat", "target": "ask"}],
}
workflow = Workflow.create(user, "Order helper", graph=graph)
client = Client()
client.force_login(user)
print(json.dumps({"workflow": workflow.pk, "session": client.cookies["sessionid"].value}))
"""


@dataclass
class Served:
    url: str
    workflow: int
    session_cookie: str


@contextmanager
def embedded(
    tmp_path: Path, fake_ai: Any, setup: str, **env_extra: str
) -> Iterator[tuple[str, dict]]:
    """WorkFuse as `make run` serves it, its only AI provider the fake one: yields its URL and
    what the `setup` script (run in `manage.py shell` first) printed as JSON."""
    env = embedded_env(
        tmp_path,
        OPENAI_API_KEY="sk-browser-chat-key-0123456789abcdef",
        OPENAI_BASE_URL=fake_ai.openai_url,
        ANTHROPIC_API_KEY="",
        GEMINI_API_KEY="",
        **env_extra,
    )
    manage(env, "migrate", "--noinput", "-v0")
    made = json.loads(manage(env, "shell", "-c", setup))
    with serving(env, tmp_path / "serve.log") as server:
        yield server.url, made


@pytest.fixture
def served(tmp_path: Path, fake_ai: Any) -> Iterator[Served]:
    with embedded(tmp_path, fake_ai, SETUP) as (url, made):
        yield Served(url, made["workflow"], made["session"])


# Every text the reply's bubble shows while it streams, recorded as the page changes it.
RECORD_STREAM = """
window.__streamed = [];
new MutationObserver(() => {
  const streaming = document.querySelector(".chat-msg.assistant.streaming");
  if (streaming) window.__streamed.push(streaming.textContent);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def test_send_with_enter_see_the_reply_stream_then_reload_and_see_the_history(
    browser, served, fake_ai
):
    fake_ai.script("openai", Reply(text="".join(CHUNKS), chunks=CHUNKS))
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": served.session_cookie, "url": served.url}])
    context.set_default_timeout(15_000)
    page = context.new_page()
    frames: list[dict] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda payload: frames.append(json.loads(payload))),
    )
    page.add_init_script(RECORD_STREAM)
    try:
        page.goto(f"{served.url}/workflows/{served.workflow}/")
        page.get_by_role("link", name="Chat", exact=True).click()
        expect(page.locator(".chat-msg.welcome")).to_have_text("Hi! Ask me about your order.")
        deadline = time.monotonic() + 10
        while not any(f.get("type") == "ready" for f in frames):
            assert time.monotonic() < deadline, "the chat socket never said it was ready"
            page.wait_for_timeout(50)

        page.fill("#chat-input", "Where is")
        page.press("#chat-input", "Shift+Enter")  # a new line, nothing sent
        page.keyboard.type("my parcel?")
        expect(page.locator("#chat-input")).to_have_value("Where is\nmy parcel?")
        assert page.locator(".chat-msg.user").count() == 0
        page.fill("#chat-input", "Where is my parcel?")
        page.press("#chat-input", "Enter")
        expect(page.locator(".chat-msg.user")).to_have_text("Where is my parcel?")
        reply = page.locator(".chat-msg.assistant").last
        expect(reply).to_have_text("Your parcel left the warehouse today.")
        expect(page.locator("#chat-input")).to_have_value("")

        tokens = [f["text"] for f in frames if f.get("type") == "token"]
        assert tokens == CHUNKS  # streamed to the page, in order
        streamed = page.evaluate("window.__streamed")
        assert "Your " in streamed and "Your parcel left " in streamed, streamed
        assert fake_ai.requests[-1].body["messages"][-1]["content"] == "Where is my parcel?"
        assert "?session=" in page.url

        page.reload()
        expect(page.locator(".chat-msg.user")).to_have_text("Where is my parcel?")
        expect(page.locator(".chat-msg.assistant:not(.welcome)")).to_have_text(
            "Your parcel left the warehouse today."
        )
        expect(page.locator(".chat-sessions li")).to_have_count(1)
    finally:
        context.close()
