"""app.google_natural_language against a fake Cloud Natural Language API
(tests/fakes/google_natural_language.py) with the service-account key credential: each
operation's request and output, a text read from Cloud Storage, Google's refusals, and a run
through the engine with a stored credential."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from executions.models import Step
from integrations.google_natural_language.language_api import SCOPE
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.google_natural_language import FakeLanguage
from tests.fakes.google_sheets import new_key
from workfuse.lib.node_run import Secret

NL = "app.google_natural_language"


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeLanguage]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeLanguage(keys[0].public_key())) as fake:
        yield fake


@pytest.fixture
def key(google: FakeLanguage, keys: tuple[Any, str]) -> Secret:
    settings = {"base_url": google.url, "token_url": google.token_url}
    return Secret("google_sheets", {"service_account_key": keys[1]}, settings, name="Acme Google")


def test_sentiment_sends_n8n_s_document_and_answers_google_s_scores(google, key):
    output = run_app(NL, {"content": "I love it. The food was awful!"}, key)
    _token, call = google.requests
    assert google.assertions[0]["scope"] == SCOPE
    assert call.path == "/v1/documents:analyzeSentiment"
    assert call.json == {
        "document": {"type": "PLAIN_TEXT", "content": "I love it. The food was awful!"},
        "encodingType": "UTF16",
    }
    assert output["documentSentiment"] == {"magnitude": 1.8, "score": 0.0}
    assert [s["sentiment"]["score"] for s in output["sentences"]] == [0.9, -0.9]
    assert output["sentences"][1]["text"]["beginOffset"] == 11


def test_entities_and_categories_with_language_and_html(google, key):
    entities = run_app(
        NL,
        {"operation": "analyze_entities", "content": "Ada met Charles in London", "language": "fr"},
        key,
    )
    assert google.requests[-1].json["document"]["language"] == "fr"
    assert [e["name"] for e in entities["entities"]] == ["Ada", "Charles", "London"]
    page = "<p>" + " ".join(["music"] * 25) + "</p>"
    google.objects["gs://pages/home.html"] = page
    classified = run_app(
        NL,
        {"operation": "classify_text", "gcs_uri": "gs://pages/home.html", "document_type": "HTML"},
        key,
    )
    assert google.requests[-1].json == {
        "document": {"type": "HTML", "gcsContentUri": "gs://pages/home.html"}
    }
    assert classified["categories"][0]["name"] == "/Arts & Entertainment"


def test_refusals_quote_google_and_an_empty_text_is_said_before_calling(google, key):
    short = app_error(NL, {"operation": "classify_text", "content": "Too short"}, key)
    assert short.message == (
        "Google Cloud Natural Language refused classifyText (HTTP 400): INVALID_ARGUMENT: "
        "Invalid text content: too few tokens (words) to process."
    )
    empty = app_error(NL, {"content": "  "}, key)
    assert empty.message.startswith("There is no text to analyze")
    google.project_enabled = False
    disabled = app_error(NL, {"content": "good"}, key)
    assert "PERMISSION_DENIED: Cloud Natural Language API has not been used" in disabled.message
    assert not disabled.retryable


def test_a_wrong_key_names_the_credential(google, keys):
    other = new_key()[1]
    settings = {"base_url": google.url, "token_url": google.token_url}
    wrong = Secret("google_sheets", {"service_account_key": other}, settings, name="Old key")
    failed = app_error(NL, {"content": "good"}, wrong)
    assert "did not accept the credential “Old key”" in failed.message


@pytest.mark.django_db(transaction=True)
def test_a_run_scores_the_rendered_feedback_with_the_stored_key(alice, google, keys):
    value = {"service_account_key": keys[1], "base_url": google.url, "token_url": google.token_url}
    credential = store.create(alice, "Acme Google", "google_sheets", value)
    node = {
        "id": "mood",
        "type": NL,
        "config": {"credential": credential.pk, "content": "{{ trigger.feedback }}"},
    }
    graph = chain(node)
    execution = engine.start_execution(make_workflow(alice, graph), {"feedback": "Great event!"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="mood")
    assert step.output is not None and step.output["documentSentiment"]["score"] == 0.9
    assert "PRIVATE KEY" not in str(step.input)
