"""Importing n8n's Medium node (editor/n8n/apps_medium.py) onto `app.medium`: the configs, the
refusals naming node and construct, and corpus workflow 0952's node run against the fake."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.medium import PUBLICATION, TOKEN, FakeMedium
from tests.test_n8n_apps import converted, refusal, single, spec_items

CORPUS = {  # workflows_backup 0952 HTTP Medium Automation Webhook
    "title": '={{$json["body"]["entry"]["Title"]}}',
    "content": '={{$json["body"]["entry"]["PostContent"]}}',
    "contentFormat": "markdown",
    "additionalFields": {},
}


def test_the_corpus_post_becomes_its_medium_config():
    node = converted("medium", CORPUS)
    assert node["type"] == "app.medium"
    assert node["config"] == {
        "operation": "create_post",
        "title": "{{ trigger.body.entry.Title }}",
        "content": "{{ trigger.body.entry.PostContent }}",
        "content_format": "markdown",
    }
    assert "choose a Medium credential (an integration token)" in node["notes"]


def test_a_publication_post_and_its_fields_are_kept_with_a_note_on_the_output():
    params = {
        **CORPUS,
        "publication": True,
        "publicationId": PUBLICATION,
        "additionalFields": {"tags": "a,b", "publishStatus": "draft", "notifyFollowers": True},
    }
    node = converted("medium", params)
    assert node["config"]["publication_id"] == PUBLICATION
    assert node["config"]["tags"] == "a,b" and node["config"]["publish_status"] == "draft"
    assert node["config"]["notify_followers"] is True
    assert "({data: post})" in node["notes"]


def test_publications_are_listed_as_the_nodes_items():
    node = converted("medium", {"resource": "publication", "operation": "getAll", "limit": 5})
    assert node["config"] == {"operation": "list_publications", "max_results": 5}
    assert spec_items("medium", {"resource": "publication", "operation": "getAll"}, 1) == (
        "publications"
    )


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({**CORPUS, "title": ""}, "names no Title"),
        ({**CORPUS, "publication": True}, "names no Publication ID"),
        ({**CORPUS, "resource": "story"}, "does 'story"),
    ],
)
def test_what_the_medium_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("medium", params)
    assert "'App' (n8n-nodes-base.medium)" in message and said in message


@pytest.mark.django_db(transaction=True)
def test_the_imported_corpus_node_publishes_the_entry(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(single("medium", {**CORPUS, "title": '={{ $json["title"] }}'}))
    assert validate_graph(graph) == []
    with running(FakeMedium()) as medium:
        credential = store.create(
            alice, "Blog", "medium", {"access_token": TOKEN, "base_url": medium.url}
        )
        graph["nodes"][1]["config"]["credential"] = credential.pk
        graph["nodes"][1]["config"]["content"] = "{{ trigger.text }}"
        execution = engine.start_execution(
            make_workflow(alice, graph), {"title": "Launch", "text": "# Now"}
        )
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [post] = medium.posts
    assert post["title"] == "Launch" and post["content"] == "# Now"
