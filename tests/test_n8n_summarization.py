"""n8n's Summarization Chain imported as an AI step (editor/n8n/summarization.py) and run
against the fake AI server: the request is the one n8n's LangChain chain sends for texts under
the chunk size (n8n source: ChainSummarization V2, LangChain's JSONLoader and
loadSummarizationChain)."""

from __future__ import annotations

from typing import Any

import pytest

from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import Reply, fake_ai_server
from tests.test_n8n_ai import LC, MODEL, by_label, chain_export, n8n_node, refusals

# Keys already in the order PostgreSQL's jsonb keeps them (by length, then bytes), so the
# item's texts come in the same order on either database.
ITEM = {"head": "Q3 report", "meta": {"tags": ["sales", "EU"], "pages": 4}, "text": "Up 5%."}
TEXTS = "Q3 report\n\nsales\n\nEU\n\nUp 5%."  # every text of the item, numbers left out


def summarizer(params: dict[str, Any], version: float = 2) -> dict[str, Any]:
    return n8n_node("Summarize", f"{LC}chainSummarization", params, version)


def with_reader(data: dict[str, Any]) -> dict[str, Any]:
    """The export with a Set node after the chain reading `$json.response.text`."""
    reader = n8n_node(
        "Read",
        "n8n-nodes-base.set",
        {
            "assignments": {
                "assignments": [
                    {
                        "id": "s",
                        "name": "summary",
                        "value": "={{ $json.response.text }}",
                        "type": "string",
                    }
                ]
            },
            "options": {},
        },
        3.4,
    )
    data["nodes"].append(reader)
    data["connections"]["Summarize"] = {"main": [[{"node": "Read", "type": "main", "index": 0}]]}
    return data


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        yield server


def run(alice: Any, data: dict[str, Any]) -> dict[str, Any]:
    graph = convert(data)
    assert validate_graph(graph) == []
    execution = engine.start_execution(make_workflow(alice, graph), ITEM)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    return {s.key: s.output for s in Step.objects.filter(execution=execution)}


def sent(ai: Any) -> list[dict[str, Any]]:
    [request] = ai.requests
    return request.body["messages"]


@pytest.mark.django_db(transaction=True)
def test_the_default_map_reduce_sends_langchains_prompt_over_the_items_texts(ai, alice):
    ai.script("openai", Reply(text="Sales rose."))
    out = run(alice, with_reader(chain_export(summarizer({"options": {}}))))
    assert sent(ai) == [
        {
            "role": "user",
            "content": f'Write a concise summary of the following:\n\n\n"{TEXTS}"\n\n\nCONCISE SUMMARY:',
        }
    ]
    assert out["summarize"]["response"] == "Sales rose."
    assert out["read"]["result"] == {"summary": "Sales rose."}


@pytest.mark.django_db(transaction=True)
def test_stuff_fills_n8n_expressions_then_the_text(ai, alice):
    ai.script("openai", Reply(text="ok"))
    values = {"summarizationMethod": "stuff", "prompt": "=For {{ $json.head }}:\n{text}\nDone."}
    run(
        alice,
        chain_export(
            summarizer({"options": {"summarizationMethodAndPrompts": {"values": values}}})
        ),
    )
    assert sent(ai)[0]["content"] == f"For Q3 report:\n{TEXTS}\nDone."


@pytest.mark.django_db(transaction=True)
def test_refine_sends_its_initial_prompt(ai, alice):
    ai.script("openai", Reply(text="ok"))
    values = {
        "summarizationMethod": "refine",
        "refineQuestionPrompt": "Shorten: {text}",
        "refinePrompt": "Refine {existing_answer} with {text}",
    }
    data = chain_export(
        summarizer({"options": {"summarizationMethodAndPrompts": {"values": values}}})
    )
    graph = convert(data)
    assert "refined it with each next one" in by_label(graph, "Summarize")["notes"]
    run(alice, data)
    assert sent(ai)[0]["content"] == f"Shorten: {TEXTS}"


def test_the_chunking_caveat_names_the_chunk_size():
    graph = convert(chain_export(summarizer({"chunkSize": 4000, "options": {}})))
    node = by_label(graph, "Summarize")
    assert (
        node["type"] == "action.ai"
        and node["config"]["model"] == MODEL["parameters"]["model"]["value"]
    )
    assert "longer than 4000 characters (chunks overlapping by 200)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operationMode": "documentLoader"}, "document loader sub-node"),
        ({"operationMode": "nodeInputBinary"}, "summarises a binary file"),
        (
            {
                "options": {
                    "summarizationMethodAndPrompts": {"values": {"prompt": "In {lang}: {text}"}}
                }
            },
            "has {lang} in its prompt prompt besides {text}",
        ),
        (
            {
                "options": {
                    "summarizationMethodAndPrompts": {"values": {"prompt": "{{ x }} {text}"}}
                }
            },
            "has '{{' in its prompt prompt",
        ),
    ],
)
def test_what_the_chain_cannot_carry_is_refused_by_name(params, said):
    [message] = refusals(chain_export(summarizer(params)))
    assert "'Summarize'" in message and said in message


def test_version_1_reads_a_document_loader_and_is_refused():
    [message] = refusals(chain_export(summarizer({"type": "refine"}, version=1)))
    assert "document loader" in message
