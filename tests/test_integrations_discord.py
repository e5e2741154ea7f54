"""app.discord against a fake Discord (tests/fakes/discord.py): the webhook message request and
output, Discord's errors and rate limits, the credential test, and a run through the engine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.discord import webhook_api
from integrations.discord.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.discord import WEBHOOK_ID, WEBHOOK_TOKEN, FakeDiscord
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, Secret

DISCORD = "app.discord"


@pytest.fixture
def discord(settings: Any) -> Iterator[FakeDiscord]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeDiscord()) as fake:
        yield fake


def webhook(fake: FakeDiscord, url: str | None = None) -> Secret:
    return Secret("discord", {"webhook_url": url or fake.webhook_url}, name="Deploys hook")


def test_send_message_posts_json_and_outputs_the_message_discord_created(discord):
    embeds = [{"title": "Order 42", "description": "Paid", "color": 5763719}]
    output = run_app(
        DISCORD,
        {"content": "New order", "username": "Shop bot", "embeds": json.dumps(embeds)},
        webhook(discord),
    )

    [request] = discord.requests
    assert (request.method, request.path) == ("POST", f"/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}")
    assert request.query == {"wait": ["true"]}  # so Discord answers the message
    assert "authorization" not in request.headers  # the token is in the URL
    assert request.json == {"content": "New order", "username": "Shop bot", "embeds": embeds}
    assert output["id"] == discord.messages[0]["id"]
    assert output["content"] == "New order" and output["embeds"] == embeds
    assert output["author"]["username"] == "Shop bot"


def test_send_message_keeps_a_query_the_webhook_url_already_has(discord):
    run_app(DISCORD, {"content": "hi"}, webhook(discord, discord.webhook_url + "?thread_id=77"))
    assert discord.requests[0].query == {"thread_id": ["77"], "wait": ["true"]}
    assert discord.requests[0].json == {"content": "hi"}


def test_content_embeds_or_files_is_needed_and_discords_limits_are_checked():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({})
    assert [(e["loc"], e["msg"]) for e in caught.value.errors()] == [
        (("content",), "Needed for send_message, unless embeds or files are given.")
    ]
    Config.model_validate({"embeds": [{"title": "only an embed"}]})
    with pytest.raises(ValidationError, match="at most 2000 characters"):
        Config.model_validate({"content": "x" * 2001})
    with pytest.raises(ValidationError, match="at most 10 embeds"):
        Config.model_validate({"embeds": [{"title": str(i)} for i in range(11)]})


def test_a_rate_limit_is_retried_after_discords_fractional_retry_after(discord):
    discord.script(
        Answer(
            429,
            {"message": "You are being rate limited.", "retry_after": 1.25, "global": False},
            {"Retry-After": "2"},
        )
    )
    error = app_error(DISCORD, {"content": "hi"}, webhook(discord))
    assert error.retryable and error.retry_after == 1.25
    assert (
        "Discord is rate limiting the webhook message (You are being rate limited.)"
        in error.message
    )


def test_a_rate_limit_without_a_body_uses_the_header(discord):
    discord.script(Answer(429, "slow down", {"Retry-After": "4"}))
    assert app_error(DISCORD, {"content": "hi"}, webhook(discord)).retry_after == 4


def test_discord_failing_is_retried(discord):
    discord.script(Answer(502, "Bad Gateway"))
    error = app_error(DISCORD, {"content": "hi"}, webhook(discord))
    assert (
        error.retryable
        and "Discord failed to answer the webhook message (HTTP 502)" in error.message
    )


@pytest.mark.parametrize(
    ("url_of", "said"),
    [
        (lambda d: d.webhook_url[:-3] + "bad", "Invalid Webhook Token (code 50027)"),
        (lambda d: d.webhook_url.replace(WEBHOOK_ID, "55555"), "Unknown Webhook (code 10015)"),
    ],
)
def test_a_wrong_or_deleted_webhook_names_the_credential(discord, url_of, said):
    error = app_error(DISCORD, {"content": "hi"}, webhook(discord, url_of(discord)))
    assert not error.retryable
    assert f"Discord did not accept the credential “Deploys hook” ({said})" in error.message
    assert WEBHOOK_TOKEN[:10] not in error.message


def test_a_message_discord_refuses_quotes_its_error(discord):
    discord.script(
        Answer(
            400,
            {
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": {"embeds": {"0": {"color": {"_errors": [{"code": "NUMBER_TYPE_MAX"}]}}}},
            },
        )
    )
    error = app_error(DISCORD, {"embeds": [{"color": 99999999999}]}, webhook(discord))
    assert not error.retryable
    assert error.message.startswith(
        "Discord refused the webhook message (HTTP 400): Invalid Form Body (code 50035): "
    )
    assert "NUMBER_TYPE_MAX" in error.message


def test_the_webhook_test_reads_its_name_and_posts_nothing(discord):
    message = webhook_api.check_webhook(webhook(discord))
    assert message == "Connected to the Discord webhook “Deploys” (channel 998877)."
    assert [r.method for r in discord.requests] == ["GET"]
    assert discord.messages == []


def test_the_webhook_test_fails_for_a_wrong_token(discord):
    with pytest.raises(NodeError, match="Invalid Webhook Token"):
        webhook_api.check_webhook(webhook(discord, discord.webhook_url[:-3] + "bad"))


@pytest.mark.django_db(transaction=True)
def test_a_run_posts_the_rendered_message(alice, discord):
    credential = store.create(
        alice, "Deploys hook", "discord", {"webhook_url": discord.webhook_url}
    )
    node = {
        "id": "announce",
        "type": DISCORD,
        "config": {"credential": credential.pk, "content": "Deployed {{ trigger.version }}"},
    }

    execution = engine.start_execution(make_workflow(alice, chain(node)), {"version": "1.4.2"})

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="announce")
    assert step.output["content"] == "Deployed 1.4.2" == discord.messages[0]["content"]
    assert WEBHOOK_TOKEN not in json.dumps([step.input, step.output])


# --- files attached ------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def file_value(data: bytes, filename: str, content_type: str) -> dict[str, Any]:
    return files.make(data, filename, content_type).value()


def test_files_go_as_multipart_parts_beside_the_payload_json(discord):
    banner = file_value(PNG, "banner.png", "image/png")
    notes = file_value(b"line 1\nline 2\n", "notes.txt", "text/plain")
    output = run_app(
        DISCORD,
        {"content": "New event", "username": "Events", "files": [banner, notes]},
        webhook(discord),
    )

    [request] = discord.requests
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert request.query == {"wait": ["true"]}
    assert [(u["field"], u["filename"], u["content_type"], u["data"]) for u in discord.uploads] == [
        ("files[0]", "banner.png", "image/png", PNG),
        ("files[1]", "notes.txt", "text/plain", b"line 1\nline 2\n"),
    ]
    assert b'name="payload_json"' in request.body
    payload = json.loads(request.body.split(b'name="payload_json"\r\n\r\n')[1].split(b"\r\n--")[0])
    assert payload == {
        "content": "New event",
        "username": "Events",
        "attachments": [{"id": 0, "filename": "banner.png"}, {"id": 1, "filename": "notes.txt"}],
    }
    assert [(a["filename"], a["size"]) for a in output["attachments"]] == [
        ("banner.png", len(PNG)),
        ("notes.txt", 14),
    ]
    assert output["content"] == "New event"


def test_one_file_alone_is_a_message_and_a_name_without_extension_gets_its_types(discord):
    output = run_app(DISCORD, {"files": file_value(PNG, "banner", "image/png")}, webhook(discord))
    assert [(u["filename"], u["data"]) for u in discord.uploads] == [("banner.png", PNG)]
    assert output["attachments"][0]["filename"] == "banner.png" and output["content"] == ""


def test_files_must_be_file_values_and_at_most_ten():
    one = file_value(b"x", "a.txt", "text/plain")
    Config.model_validate({"files": [one] * 10})
    Config.model_validate({"files": "{{ nodes.download.file }}"})  # checked once rendered
    with pytest.raises(ValidationError, match="at most 10 files"):
        Config.model_validate({"files": [one] * 11})
    with pytest.raises(ValidationError, match="file 2 is not a file"):
        Config.model_validate({"content": "hi", "files": [one, {"url": "https://x.test/a"}]})


def test_a_file_that_is_not_valid_base64_fails_the_step_naming_it(discord):
    broken = {"filename": "a.png", "content_type": "image/png", "content": "not base64!"}
    error = app_error(DISCORD, {"content": "hi", "files": [broken]}, webhook(discord))
    assert error.message == "files[0].content is not valid base64."
    assert discord.requests == []
