"""app.telegram's operations beyond sendMessage against the fake Bot API: media by URL, file_id
or an uploaded file value (multipart), buttons, edits, deletes, chat actions, getChat, and
getFile with the download through the Bot API's file address."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from integrations.telegram.node import Config
from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.telegram import BOT_TOKEN, FakeTelegram
from workfuse.lib.node_run import Secret

TELEGRAM = "app.telegram"
KEYBOARD = {"inline_keyboard": [[{"text": "Retry", "callback_data": "retry"}]]}


@pytest.fixture
def telegram(settings: Any) -> Iterator[FakeTelegram]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeTelegram()) as fake:
        yield fake


def bot(fake: FakeTelegram) -> Secret:
    return Secret("telegram", {"bot_token": BOT_TOKEN}, {"base_url": fake.url}, name="Ops bot")


def test_a_message_carries_its_inline_keyboard_and_reply_settings(telegram):
    output = run_app(
        TELEGRAM,
        {
            "chat_id": "4242",
            "text": "Failed",
            "reply_markup": KEYBOARD,
            "reply_to_message_id": 7,
            "disable_notification": True,
            "disable_web_page_preview": True,
        },
        bot(telegram),
    )
    assert telegram.requests[0].json == {
        "chat_id": "4242",
        "text": "Failed",
        "reply_markup": KEYBOARD,
        "reply_to_message_id": "7",
        "disable_notification": True,
        "disable_web_page_preview": True,
    }
    assert output["reply_markup"] == KEYBOARD


def test_a_photo_by_url_is_sent_as_json_for_telegram_to_fetch(telegram):
    output = run_app(
        TELEGRAM,
        {
            "operation": "send_photo",
            "chat_id": "4242",
            "file": "https://example.com/cat.jpg",
            "caption": "*Cat*",
            "parse_mode": "Markdown",
        },
        bot(telegram),
    )
    [request] = telegram.requests
    assert request.path == f"/bot{BOT_TOKEN}/sendPhoto"
    assert request.json == {
        "chat_id": "4242",
        "photo": "https://example.com/cat.jpg",
        "caption": "*Cat*",
        "parse_mode": "Markdown",
    }
    assert output["photo"] == [{"file_id": "photo-file-1"}] and output["caption"] == "*Cat*"


def test_a_file_value_is_uploaded_as_multipart_with_the_other_fields_as_form_fields(telegram):
    pdf = {
        "filename": "cv.pdf",
        "content_type": "application/pdf",
        "size": 5,
        "content": base64.b64encode(b"%PDF-").decode(),
    }
    output = run_app(
        TELEGRAM,
        {
            "operation": "send_document",
            "chat_id": "4242",
            "file": pdf,
            "caption": "CV",
            "reply_markup": KEYBOARD,
        },
        bot(telegram),
    )
    assert telegram.requests[0].headers["content-type"].startswith("multipart/form-data")
    assert telegram.uploads == [
        {
            "field": "document",
            "filename": "cv.pdf",
            "content_type": "application/pdf",
            "data": b"%PDF-",
        }
    ]
    sent = telegram.messages[0]
    assert (sent["chat_id"], sent["caption"], sent["reply_markup"]) == ("4242", "CV", KEYBOARD)
    assert output["document"] == {"file_id": "document-file-1"}


def test_audio_by_file_id_reuses_telegrams_copy(telegram):
    run_app(
        TELEGRAM,
        {"operation": "send_audio", "chat_id": "4242", "file": "CQACAgIAAxkBAAIB"},
        bot(telegram),
    )
    assert telegram.requests[0].json == {"chat_id": "4242", "audio": "CQACAgIAAxkBAAIB"}


def test_something_that_is_not_a_file_says_what_a_file_is(telegram):
    error = app_error(
        TELEGRAM,
        {"operation": "send_video", "chat_id": "4242", "file": {"url": "x"}},
        bot(telegram),
    )
    assert "file must be a file" in error.message and "file_id (as text)" in error.message
    assert telegram.requests == []


def test_edit_then_delete_a_message(telegram):
    sent = run_app(TELEGRAM, {"chat_id": "4242", "text": "Working…"}, bot(telegram))
    edited = run_app(
        TELEGRAM,
        {
            "operation": "edit_message_text",
            "chat_id": "4242",
            "message_id": sent["message_id"],
            "text": "Done",
        },
        bot(telegram),
    )
    assert edited["text"] == "Done" and edited["message_id"] == sent["message_id"]
    deleted = run_app(
        TELEGRAM,
        {"operation": "delete_message", "chat_id": "4242", "message_id": sent["message_id"]},
        bot(telegram),
    )
    assert deleted == {"ok": True, "result": True}
    assert telegram.deleted == [("4242", sent["message_id"])]
    error = app_error(
        TELEGRAM,
        {"operation": "delete_message", "chat_id": "4242", "message_id": sent["message_id"]},
        bot(telegram),
    )
    assert error.message.endswith("Bad Request: message to delete not found")


def test_an_edited_message_takes_only_an_inline_keyboard():
    with pytest.raises(ValidationError, match="inline keyboard only"):
        Config.model_validate(
            {
                "operation": "edit_message_text",
                "chat_id": "1",
                "message_id": "2",
                "text": "x",
                "reply_markup": {"force_reply": True},
            }
        )


def test_chat_action_and_get_chat(telegram):
    assert run_app(
        TELEGRAM, {"operation": "send_chat_action", "chat_id": "4242"}, bot(telegram)
    ) == {"ok": True, "result": True}
    assert telegram.actions == [("4242", "typing")]
    chat = run_app(TELEGRAM, {"operation": "get_chat", "chat_id": "4242"}, bot(telegram))
    assert chat["id"] == 4242 and chat["username"] == "ada"


def test_get_file_downloads_the_file_through_the_file_address(telegram):
    telegram.add_file("AwACAgIAAxkBAAIC", "voice/file_3.oga", b"OggS\x00\x02voice")
    output = run_app(
        TELEGRAM, {"operation": "get_file", "file_id": "AwACAgIAAxkBAAIC"}, bot(telegram)
    )
    assert [r.path for r in telegram.requests] == [
        f"/bot{BOT_TOKEN}/getFile",
        f"/file/bot{BOT_TOKEN}/voice/file_3.oga",
    ]
    assert output["file_path"] == "voice/file_3.oga" and output["file_size"] == 11
    assert output["file"] == {
        "filename": "file_3.oga",
        "content_type": "audio/ogg",
        "size": 11,
        "content": base64.b64encode(b"OggS\x00\x02voice").decode(),
    }


def test_get_file_without_download_gives_the_details_only(telegram):
    telegram.add_file("AwAC1", "documents/a.txt", b"hi")
    output = run_app(
        TELEGRAM,
        {"operation": "get_file", "file_id": "AwAC1", "download": False},
        bot(telegram),
    )
    assert "file" not in output and output["file_path"] == "documents/a.txt"
    assert len(telegram.requests) == 1


def test_a_file_over_the_limit_is_not_read_to_the_end(telegram, settings):
    settings.WORKFUSE_FILE_MAX_BYTES = 1024
    telegram.add_file("AwAC2", "videos/big.mp4", b"x" * 5000)
    error = app_error(TELEGRAM, {"operation": "get_file", "file_id": "AwAC2"}, bot(telegram))
    assert error.message == (
        "Telegram answered the file download with more than 1024 bytes; stopped reading."
    )


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "send_photo", "chat_id": "1"}, "file"),
        ({"operation": "delete_message", "chat_id": "1"}, "message_id"),
        ({"operation": "get_file"}, "file_id"),
        ({"operation": "edit_message_text", "chat_id": "1", "message_id": "2"}, "text"),
    ],
)
def test_each_operation_names_what_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert [e["loc"] for e in caught.value.errors()] == [(field,)]
