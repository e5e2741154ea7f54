"""Importing n8n's LinkedIn node (editor/n8n/apps_linkedin.py) onto `app.linkedin`: text and
article posts as a member or a page (from the corpus's own settings), the refusals (an image
post, no author, no text), and an imported workflow run in the engine against the fake
LinkedIn."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import Answer, FakeService, Received, running
from tests.fakes.linkedin import ACCESS_TOKEN, PERSON_ID, FakeLinkedIn
from tests.test_n8n_apps import converted, refusal, single


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "text": "={{ $json.message.content.linkedin }}",
                "person": "afi4Hy9wlI",
                "additionalFields": {},
            },
            {
                "operation": "create_post",
                "post_as": "person",
                "author_id": "afi4Hy9wlI",
                "text": "{{ trigger.message.content.linkedin }}",
            },
        ),
        (
            {
                "text": "Read this",
                "postAs": "organization",
                "organization": "2414183",
                "shareMediaCategory": "ARTICLE",
                "additionalFields": {
                    "originalUrl": "={{ $json.url }}",
                    "title": "Launch",
                    "visibility": "CONNECTIONS",
                },
            },
            {
                "operation": "create_post",
                "post_as": "organization",
                "author_id": "2414183",
                "text": "Read this",
                "article_url": "{{ trigger.url }}",
                "article_title": "Launch",
            },
        ),
        (
            {"text": "Hi", "person": "p1", "additionalFields": {"visibility": "CONNECTIONS"}},
            {
                "operation": "create_post",
                "post_as": "person",
                "author_id": "p1",
                "text": "Hi",
                "visibility": "CONNECTIONS",
            },
        ),
    ],
)
def test_each_post_becomes_its_linkedin_config(params, config):
    node = converted("linkedIn", params)
    assert node["type"] == "app.linkedin"
    assert node["config"] == config
    assert "choose a LinkedIn credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        (
            {"text": "x", "person": "p", "shareMediaCategory": "IMAGE"},
            "reads the file in binary property 'data' of its input item",
        ),
        (
            {"text": "x", "person": "p", "shareMediaCategory": "VIDEO"},
            "shares Media Category VIDEO, which WorkFuse's LinkedIn node does not post",
        ),
        ({"additionalFields": {}}, "names no person; choose the Person in n8n."),
        ({"person": "p", "text": ""}, "has no text; write the post's Text in n8n."),
        (
            {"person": "p", "text": "x", "shareMediaCategory": "ARTICLE", "additionalFields": {}},
            "shares an article without its Original URL",
        ),
    ],
)
def test_what_the_linkedin_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("linkedIn", params)
    assert "'App' (n8n-nodes-base.linkedIn)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_posts_to_linkedin(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(single("linkedIn", {"text": "Hello (world)", "person": PERSON_ID}))
    assert validate_graph(graph) == []
    with running(FakeLinkedIn()) as linkedin:
        credential = store.create(
            alice, "Ada", "linkedin", {"access_token": ACCESS_TOKEN, "base_url": linkedin.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.linkedin":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [post] = linkedin.posts
    assert post["author"] == f"urn:li:person:{PERSON_ID}"
    assert post["commentary"] == "Hello \\(world\\)"


class ImageHost(FakeService):
    def respond(self, request: Received) -> Answer:
        return Answer(200, b"\x89PNG image", {"Content-Type": "image/png"})


@pytest.mark.django_db(transaction=True)
def test_an_imported_image_post_uploads_the_file_the_http_request_fetched(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    options = {"title": "Chart", "description": "A rising line"}
    data = single(
        "linkedIn",
        {
            "text": "Q4",
            "person": PERSON_ID,
            "shareMediaCategory": "IMAGE",
            "additionalFields": options,
        },
    )
    with running(FakeLinkedIn()) as linkedin, running(ImageHost()) as host:
        fetch = {
            "parameters": {
                "url": f"{host.url}/chart.png",
                "options": {"response": {"response": {"responseFormat": "file"}}},
            },
            "name": "Fetch",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [120, 0],
        }
        data["nodes"].insert(1, fetch)
        data["connections"] = {
            "Start": {"main": [[{"node": "Fetch", "type": "main", "index": 0}]]},
            "Fetch": {"main": [[{"node": "App", "type": "main", "index": 0}]]},
        }
        graph = convert(data)
        assert validate_graph(graph) == []
        post_node = next(n for n in graph["nodes"] if n["type"] == "app.linkedin")
        assert post_node["config"]["image"] == "{{ nodes.fetch.file }}"
        credential = store.create(
            alice, "Ada", "linkedin", {"access_token": ACCESS_TOKEN, "base_url": linkedin.url}
        )
        post_node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [post] = linkedin.posts
        [(urn, uploaded)] = linkedin.images.items()
    assert uploaded == b"\x89PNG image"
    assert post["content"] == {"media": {"id": urn, "title": "Chart", "altText": "A rising line"}}
