"""app.humantic_ai against a fake Humantic AI (tests/fakes/humantic_ai.py): a profile created,
updated with text and with a resume file, read for a persona; Humantic AI's errors (a 200 that
says "error" among them) and the key's test."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from integrations.humantic_ai import rest_api
from integrations.humantic_ai.node import Config
from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.humantic_ai import KEY, FakeHumantic
from workfuse.lib.node_run import NodeError, Secret

HA = "app.humantic_ai"
ADA = "https://www.linkedin.com/in/ada"
RESUME = {
    "filename": "ada.pdf",
    "content_type": "application/pdf",
    "content": base64.b64encode(b"%PDF-1.4 resume").decode(),
}


@pytest.fixture
def humantic(settings: Any) -> Iterator[FakeHumantic]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeHumantic()) as fake:
        yield fake


def key(fake: FakeHumantic, value: str = KEY) -> Secret:
    return Secret("humantic_ai", {"api_key": value}, {"base_url": fake.url}, name="People")


def test_a_profile_is_created_updated_and_read_as_n8n_outputs_it(humantic):
    created = run_app(HA, {"user_id": ADA}, key(humantic))
    assert created == {"results": {"userid": ADA, "status": "IN_PROGRESS"}, "metadata": {}}
    by_id = {"user_id": ADA, "operation": "update_profile"}
    assert run_app(HA, by_id | {"text": "I like maths"}, key(humantic))["status"] == "UPDATED"
    run_app(HA, by_id | {"resume": RESUME}, key(humantic))
    upload = humantic.requests[-1]
    assert b'filename="ada.pdf"' in upload.body and b"%PDF-1.4 resume" in upload.body
    got = run_app(
        HA, {"operation": "get_profile", "user_id": ADA, "persona": ["hiring"]}, key(humantic)
    )
    assert got["sources"] == ["linkedin", "resume"] and got["text"] == "I like maths"
    assert got["persona"] == {"hiring": {"score": 7}}
    assert humantic.requests[-1].query["persona"] == ["hiring"]


def test_each_operation_names_the_fields_it_needs():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "get_profile"})
    assert caught.value.errors()[0]["loc"] == ("user_id",)


def test_an_error_answered_with_200_fails_and_a_wrong_key_names_the_credential(humantic):
    refused = app_error(HA, {"operation": "get_profile", "user_id": "nobody"}, key(humantic))
    assert refused.message == "Humantic AI refused get_profile: No profile for nobody"
    wrong = app_error(HA, {"user_id": ADA}, key(humantic, "old"))
    assert not wrong.retryable and "did not accept the credential “People”" in wrong.message
    not_a_file = app_error(
        HA, {"operation": "update_profile", "user_id": ADA, "resume": "x"}, key(humantic)
    )
    assert not_a_file.message.startswith("The resume field must be a file")


def test_the_key_test_accepts_a_key_that_finds_no_profile(humantic):
    assert (
        rest_api.check_key(key(humantic)) == "Connected to Humantic AI: the API key was accepted."
    )
    with pytest.raises(NodeError, match="did not accept the credential “People”"):
        rest_api.check_key(key(humantic, "old"))
