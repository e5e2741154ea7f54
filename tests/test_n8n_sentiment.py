"""n8n's Sentiment Analysis as the AI classifier (editor/n8n/sentiment.py): each item goes on
down the output of its sentiment, with `sentimentAnalysis.category` added. Converted, then run against the fake provider."""

from __future__ import annotations

from typing import Any

import pytest

from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import Reply, fake_ai_server
from tests.test_n8n_ai import LC, MODEL, TRIGGER, by_label, export, n8n_node, refusals, to
from tests.test_n8n_flow import set_fields


def sentiment_export(options: dict[str, Any], after: dict[str, Any] | None = None) -> dict:
    node = n8n_node(
        "Sentiment",
        f"{LC}sentimentAnalysis",
        {"inputText": "={{ $json.review }}", "options": options},
        1,
        200,
    )
    happy = after or set_fields("Thank", reply="=Thanks, {{ $json.name }}")
    sad = set_fields("Apologise", reply="=Sorry, {{ $json.name }}")
    return export(
        [TRIGGER, node, MODEL, happy, sad],
        {
            "Start": to("Sentiment"),
            MODEL["name"]: to("Sentiment", "ai_languageModel"),
            "Sentiment": {
                "main": [
                    [{"node": happy["name"], "type": "main", "index": 0}],
                    [{"node": "Apologise", "type": "main", "index": 0}],
                ]
            },
        },
    )


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        yield server


def test_the_sentiment_analysis_becomes_a_classifier_with_an_output_per_sentiment():
    graph = convert(sentiment_export({"categories": "Happy, Unhappy"}))
    assert validate_graph(graph) == []
    node = by_label(graph, "Sentiment")
    assert node["type"] == "logic.ai_classify"
    config = node["config"]
    assert [c["name"] for c in config["categories"]] == ["Happy", "Unhappy"]
    assert (config["multiple"], config["fallback"]) == (False, "discard")
    assert config["system_prompt"].startswith("You are highly intelligent and accurate sentiment")
    assert "trigger.review" in config["prompt"]


def test_detailed_results_are_refused_saying_what_to_do():
    [message] = refusals(sentiment_export({"includeDetailedResults": True}))
    assert "includes detailed results" in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_sentiment_analysis_sends_the_item_down_its_sentiment(ai, alice):
    ai.script("openai", Reply(json={"Happy": False, "Unhappy": True}))
    graph = convert(sentiment_export({"categories": "Happy, Unhappy"}))
    execution = engine.start_execution(
        make_workflow(alice, graph), {"review": "Broken on arrival", "name": "Ada"}
    )
    execution.refresh_from_db()
    steps = {s.key: s for s in Step.objects.filter(execution=execution)}
    assert execution.status == "succeeded", {k: s.error for k, s in steps.items()}
    assert steps["thank"].status == "skipped"
    assert "Sorry, Ada" in str(steps["apologise"].output)
    [request] = ai.requests_for("openai")
    system = request.body["messages"][0]["content"]
    assert "Categorize it into one of the following: Happy, Unhappy." in system
    assert "Broken on arrival" in str(request.body["messages"])


@pytest.mark.django_db(transaction=True)
def test_the_nodes_after_it_read_the_item_with_its_sentiment_added(ai, alice):
    # n8n source (SentimentAnalysis v1): each item goes on as {...item, sentimentAnalysis:
    # {category}} down its category's output.
    ai.script("openai", Reply(json={"Happy": True, "Unhappy": False}))
    reader = set_fields("Thank", reply="={{ $json.name }}: {{ $json.sentimentAnalysis.category }}")
    graph = convert(sentiment_export({"categories": "Happy, Unhappy"}, reader))
    assert validate_graph(graph) == []
    execution = engine.start_execution(
        make_workflow(alice, graph), {"review": "Lovely", "name": "Ada"}
    )
    execution.refresh_from_db()
    steps = {s.key: s for s in Step.objects.filter(execution=execution)}
    assert execution.status == "succeeded", {k: s.error for k, s in steps.items()}
    assert "Ada: Happy" in str(steps["thank"].output)
    assert steps["apologise"].status == "skipped"


@pytest.mark.django_db(transaction=True)
def test_each_item_of_a_list_goes_on_with_its_own_sentiment(ai, alice):
    ai.script(
        "openai",
        Reply(json={"Happy": True, "Unhappy": False}),
        Reply(json={"Happy": False, "Unhappy": True}),
    )
    rows = n8n_node("Rows", "n8n-nodes-base.splitOut", {"fieldToSplitOut": "rows"}, 1, 100)
    reader = set_fields("Thank", reply="={{ $json.name }}: {{ $json.sentimentAnalysis.category }}")
    sad = set_fields("Apologise", reply="={{ $json.name }}: {{ $json.sentimentAnalysis.category }}")
    data = sentiment_export({"categories": "Happy, Unhappy"}, reader)
    data["nodes"] = [*data["nodes"][:1], rows, *data["nodes"][1:4], sad]
    data["connections"]["Start"] = to("Rows")
    data["connections"]["Rows"] = to("Sentiment")
    graph = convert(data)
    assert validate_graph(graph) == []
    rows_in = [{"review": "Lovely", "name": "Ada"}, {"review": "Broken", "name": "Bo"}]
    execution = engine.start_execution(make_workflow(alice, graph), {"rows": rows_in})
    execution.refresh_from_db()
    steps = [s for s in Step.objects.filter(execution=execution)]
    assert execution.status == "succeeded", {s.key: s.error for s in steps}
    said = sorted(str(s.output) for s in steps if s.key.startswith(("thank[", "apologise[")))
    assert any("Ada: Happy" in s for s in said) and any("Bo: Unhappy" in s for s in said), said
