"""app.linkedin against a fake LinkedIn (tests/fakes/linkedin.py): the Posts API body for a
member and a page (commentary escaped, visibility, article card), the version headers, the URN
from `x-restli-id`, LinkedIn's errors, the token's test, and a run through the engine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.linkedin import posts_api
from integrations.linkedin.node import Config, commentary
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.linkedin import ACCESS_TOKEN, ORGANIZATION_ID, PERSON_ID, FakeLinkedIn
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, Secret

LI = "app.linkedin"
DISTRIBUTION = {
    "feedDistribution": "MAIN_FEED",
    "targetEntities": [],
    "thirdPartyDistributionChannels": [],
}


@pytest.fixture
def linkedin(settings: Any) -> Iterator[FakeLinkedIn]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeLinkedIn()) as fake:
        yield fake


def token(fake: FakeLinkedIn, value: str = ACCESS_TOKEN) -> Secret:
    return Secret("linkedin", {"access_token": value}, {"base_url": fake.url}, name="Ada")


def test_a_members_post_is_escaped_and_answers_its_urn(linkedin):
    output = run_app(
        LI,
        {"author_id": PERSON_ID, "text": "Hi @all (v2) #launch", "visibility": "CONNECTIONS"},
        token(linkedin),
    )
    [request] = linkedin.requests
    assert (request.method, request.path) == ("POST", "/rest/posts")
    assert request.headers["linkedin-version"] == posts_api.VERSION
    assert request.headers["x-restli-protocol-version"] == "2.0.0"
    assert request.json == {
        "author": f"urn:li:person:{PERSON_ID}",
        "commentary": "Hi \\@all \\(v2\\) #launch",
        "visibility": "CONNECTIONS",
        "distribution": DISTRIBUTION,
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    assert output == {"urn": linkedin.posts[0]["urn"]}
    assert output["urn"].startswith("urn:li:share:")


def test_a_pages_post_is_public_and_carries_the_article_card(linkedin):
    run_app(
        LI,
        {
            "post_as": "organization",
            "author_id": ORGANIZATION_ID,
            "text": "New on the blog",
            "visibility": "CONNECTIONS",
            "article_url": "https://acme.test/blog/1",
            "article_title": "Launch",
        },
        token(linkedin),
    )
    post = linkedin.requests[0].json
    assert post["author"] == f"urn:li:organization:{ORGANIZATION_ID}"
    assert post["visibility"] == "PUBLIC"
    assert post["content"] == {"article": {"source": "https://acme.test/blog/1", "title": "Launch"}}


def test_an_image_is_uploaded_first_and_posted_as_the_posts_media(linkedin):
    image = files.make(b"\x89PNG fake", "chart.png").value()
    output = run_app(
        LI,
        {"author_id": PERSON_ID, "text": "Q4", "image": image, "image_title": "Chart"},
        token(linkedin),
    )
    init, upload, post = linkedin.requests
    assert (init.path, init.query) == ("/rest/images", {"action": ["initializeUpload"]})
    assert init.json == {"initializeUploadRequest": {"owner": f"urn:li:person:{PERSON_ID}"}}
    assert upload.method == "PUT" and upload.body == b"\x89PNG fake"
    assert upload.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    [urn] = linkedin.images
    assert post.json["content"] == {"media": {"id": urn, "title": "Chart"}}
    assert output == {"urn": linkedin.posts[0]["urn"]}


def test_an_image_must_be_a_file_and_not_beside_an_article(linkedin):
    text_given = app_error(
        LI, {"author_id": "a", "text": "x", "image": "photo.png"}, token(linkedin)
    )
    assert text_given.message.startswith("The image field must be a file")
    image = files.make(b"GIF89a", "a.gif").value()
    both = {"author_id": "a", "text": "x", "image": image, "article_url": "https://a.test"}
    assert "both set" in app_error(LI, both, token(linkedin)).message
    assert linkedin.requests == []


def test_an_author_may_be_given_as_a_urn(linkedin):
    run_app(LI, {"author_id": f"urn:li:person:{PERSON_ID}", "text": "x"}, token(linkedin))
    assert linkedin.posts[0]["author"] == f"urn:li:person:{PERSON_ID}"
    error = app_error(LI, {"author_id": "urn:li:group:1", "text": "x"}, token(linkedin))
    assert error.message.startswith("The author ID field holds “urn:li:group:1”")


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"text": "x"}, "author_id"),
        ({"author_id": "a"}, "text"),
        ({"author_id": "a", "text": "x", "visibility": "ME"}, "visibility"),
    ],
)
def test_the_fields_a_post_needs_are_named(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_an_article_title_without_its_link_is_refused(linkedin):
    error = app_error(
        LI, {"author_id": PERSON_ID, "text": "x", "article_title": "T"}, token(linkedin)
    )
    assert error.message == "The article URL field is empty: an article card needs the link."
    assert linkedin.requests == []


def test_linkedins_errors_name_the_credential_or_quote_linkedin(linkedin):
    expired = app_error(LI, {"author_id": PERSON_ID, "text": "x"}, token(linkedin, "old"))
    assert not expired.retryable
    assert expired.message.startswith("LinkedIn did not accept the credential “Ada”")
    page = app_error(
        LI, {"post_as": "organization", "author_id": "99", "text": "x"}, token(linkedin)
    )
    assert page.message == (
        "LinkedIn refused create_post (HTTP 403): ACCESS_DENIED: Not enough permissions to post "
        "as urn:li:organization:99"
    )


def test_the_escape_covers_linkedins_little_text_markup():
    assert commentary("a_b*c~d|e[f]{g}<h>") == "a\\_b\\*c\\~d\\|e\\[f\\]\\{g\\}\\<h\\>"


def test_the_token_test_names_the_member(linkedin):
    said = posts_api.check_token(token(linkedin))
    assert said == f"Connected to LinkedIn as Ada Lovelace (person id {PERSON_ID})."
    with pytest.raises(NodeError, match="did not accept the credential “Ada”"):
        posts_api.check_token(token(linkedin, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_posts_the_rendered_text_with_the_stored_credential(alice, linkedin):
    credential = store.create(
        alice, "Ada", "linkedin", {"access_token": ACCESS_TOKEN, "base_url": linkedin.url}
    )
    node = {
        "id": "post",
        "type": LI,
        "config": {
            "credential": credential.pk,
            "author_id": PERSON_ID,
            "text": "Shipped {{ trigger.version }}",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"version": "2.1"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [post] = linkedin.posts
    assert post["commentary"] == "Shipped 2.1"
    step = Step.objects.get(execution=execution, key="post")
    assert step.output == {"urn": post["urn"]}
    assert ACCESS_TOKEN not in json.dumps([step.input, step.output])
