"""Browser fixtures: Debian's chromium through Playwright against pytest-django's live server.

The browser is started once per session (per xdist worker); each test gets a fresh context
signed in as alice by copying a `force_login` session cookie into it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from tests.fake_ai_server import fake_ai_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module. Module-scoped on purpose: Playwright's sync API keeps an
    event loop running while it is open, which would break `asyncio.run()` in later tests of
    the same worker process."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is not installed: `make browsers` installs Debian's package")
    from playwright.sync_api import sync_playwright

    # Playwright's loop runs in this thread; Django must still allow its ORM calls here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, live_server: Any, alice: Any) -> Iterator[Any]:
    client = Client()
    client.force_login(alice)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Leaving with unsaved changes asks first (beforeunload); tests always mean to leave.
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


@pytest.fixture
def fake_ai(settings: Any) -> Iterator[Any]:
    """The fake AI provider server (tests/fake_ai_server.py) as the only provider configured:
    Magic Input and AI nodes in the browser talk to it."""
    with fake_ai_server() as server:
        settings.OPENAI_API_KEY = "sk-browser-magic-key-0123456789abcdef"
        settings.OPENAI_BASE_URL = server.openai_url
        settings.ANTHROPIC_API_KEY = ""
        settings.GEMINI_API_KEY = ""
        settings.WORKFUSE_AI_PROVIDER = ""
        settings.WORKFUSE_AI_RATE = "100/h"
        yield server
