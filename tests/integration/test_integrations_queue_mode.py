"""Integrations for real (a `celery worker` and beat, PostgreSQL, Redis, the local vault shared
with the worker): a Slack step resolves its stored credential in the worker, is rate limited,
waits as long as Slack asks without holding the worker (the sweep wakes it), posts once, and
the token is in no stored byte."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from credentials import store
from executions import engine
from executions.models import Execution, Step
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.slack import BOT_TOKEN, FakeSlack
from tests.integration.conftest import wait_for
from tests.test_secret_hygiene import dump_every_table

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def test_a_rate_limited_slack_step_waits_in_the_database_then_posts_once(
    queue_mode: Any, alice: Any, settings: Any
) -> None:
    queue_mode.env["WORKFUSE_VAULT_DIR"] = str(settings.WORKFUSE_VAULT_DIR)  # the worker's too
    with running(FakeSlack()) as slack:
        credential = store.create(
            alice, "Acme Slack", "slack", {"bot_token": BOT_TOKEN, "base_url": slack.api_url}
        )
        node = {
            "id": "notify",
            "type": "app.slack",
            "config": {
                "credential": credential.pk,
                "channel": "C1",
                "text": "Order {{ trigger.id }}",
            },
            "retry": {"max_attempts": 3, "initial_delay_ms": 100},
        }
        slack.script(Answer(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "3"}))
        queue_mode.beat()
        queue_mode.worker(concurrency=1)

        execution = engine.start_execution(make_workflow(alice, chain(node)), {"id": 42})

        wait_for(
            lambda: Execution.objects.get(pk=execution.pk).status in ("succeeded", "failed"),
            60,
            what="the run to finish",
        )
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        step = Step.objects.get(execution=execution, key="notify")
        first, second = step.attempts
        assert (first["status"], second["status"]) == ("failed", "succeeded")
        assert "Slack is rate limiting chat.postMessage" in first["error"]
        waited = datetime.fromisoformat(second["started_at"]) - datetime.fromisoformat(
            first["finished_at"]
        )
        assert waited.total_seconds() >= 2.9  # Slack's Retry-After, not the 100 ms policy
        assert [m.text for m in slack.messages] == ["Order 42"]
        assert step.output["ts"] == slack.messages[0].ts
    assert BOT_TOKEN not in dump_every_table()
