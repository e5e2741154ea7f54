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
from tests.test_n8n_ai import LC, MODEL, attach, by_label, chain_export, n8n_node, refusals

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
        ({"operationMode": "documentLoader"}, "has no document loader attached"),
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


# --- ai4: document loaders and text splitters --------------------------------------------------


def splitter(size: int, overlap: int, kind: str = "RecursiveCharacterTextSplitter") -> dict:
    params = {"chunkSize": size, "chunkOverlap": overlap, "options": {}}
    return n8n_node("Splitter", f"{LC}textSplitter{kind}", params, 1)


def loaded(chain: dict, loader: dict, split: dict | None = None) -> dict[str, Any]:
    """The chain reading the item through `loader`, split by `split` when given."""
    data = chain_export(chain, (loader, "ai_document"))
    if split is not None:
        data["nodes"].append(split)
        attach(data["connections"], split["name"], loader["name"], "ai_textSplitter")
    return data


def json_loader(pointers: str) -> dict:
    return n8n_node("Loader", f"{LC}documentJsonInputLoader", {"pointers": pointers}, 1)


@pytest.mark.django_db(transaction=True)
def test_a_json_input_loader_summarises_the_texts_its_pointers_read(ai, alice):
    ai.script("openai", Reply(text="ok"))
    data = loaded(
        summarizer({"type": "refine"}, version=1),
        json_loader("/meta/tags, /text"),
        splitter(6000, 1000),
    )
    graph = convert(data)
    notes = by_label(graph, "Summarize")["notes"]
    assert (
        "longer than 6000 characters (chunks overlapping by 1000, its text splitter 'Splitter') "
        "and summarised the first chunk and refined it with each next one" in notes
    )
    assert [n["label"] for n in graph["nodes"]] == ["Start", "Summarize"]  # parts read, not run
    run(alice, data)
    assert sent(ai)[0]["content"] == (
        'Write a concise summary of the following:\n\n\n"sales\n\nEU\n\nUp 5%."\n\n\n'
        "CONCISE SUMMARY:"
    )


@pytest.mark.django_db(transaction=True)
def test_a_default_data_loader_reads_the_item_or_its_expression(ai, alice):
    ai.script("openai", Reply(text="ok"), Reply(text="ok"))
    chain = summarizer({"operationMode": "documentLoader", "options": {}})
    whole = n8n_node("Loader", f"{LC}documentDefaultDataLoader", {"options": {}}, 1)
    run(alice, loaded(chain, whole, splitter(1000, 0)))
    picked = n8n_node(
        "Loader",
        f"{LC}documentDefaultDataLoader",
        {"jsonMode": "expressionData", "jsonData": "={{ $json.head }}", "options": {}},
        1.1,
    )
    data = loaded(chain, picked)
    assert (
        "1000 characters (chunks overlapping by 200)"
        in by_label(convert(data), "Summarize")["notes"]
    )  # version 1.1's "simple" splitting
    run(alice, data)
    first, second = (r.body["messages"][0]["content"] for r in ai.requests)
    assert f'"{TEXTS}"' in first
    assert '"Q3 report"' in second


def test_a_splitter_on_the_chain_itself_sizes_its_chunks():
    chain = summarizer({"chunkingMode": "advanced", "options": {}})
    graph = convert(chain_export(chain, (splitter(500, 300, "TokenSplitter"), "ai_textSplitter")))
    assert (
        "longer than 500 tokens (chunks overlapping by 300, its text splitter 'Splitter')"
        in (by_label(graph, "Summarize")["notes"])
    )
    alone = by_label(convert(chain_export(chain)), "Summarize")
    assert "split" not in alone.get("notes", "")  # n8n split nothing: one request, as here


@pytest.mark.parametrize(
    ("loader", "said"),
    [
        (
            n8n_node("Loader", f"{LC}documentBinaryInputLoader", {"loader": "pdfLoader"}, 1),
            "is a loader this import does not summarise from",
        ),
        (
            n8n_node("Loader", f"{LC}documentDefaultDataLoader", {"dataType": "binary"}, 1),
            "loads a file (binary), which this import does not summarise yet",
        ),
        (json_loader("/a~1b"), "reads the JSON pointer '/a~1b'"),
    ],
)
def test_loaders_the_chain_cannot_read_are_refused_by_name(loader, said):
    chain = summarizer({"operationMode": "documentLoader", "options": {}})
    [message] = refusals(loaded(chain, loader))
    assert "'Summarize'" in message and "'Loader'" in message and said in message


@pytest.mark.django_db(transaction=True)
def test_binary_mode_after_a_node_without_files_sends_its_prompt_with_no_text(ai, alice):
    ai.script("openai", Reply(text="ok"))
    values = {"prompt": "=Summarize: {{ $json.data }} [{text}]"}
    chain = summarizer(
        {
            "operationMode": "nodeInputBinary",
            "options": {
                "binaryDataKey": "={{ $json.data }}",
                "summarizationMethodAndPrompts": {"values": values},
            },
        }
    )
    data = chain_export(chain)
    markdown = n8n_node("Markdown", "n8n-nodes-base.markdown", {"html": "={{ $json.head }}"}, 1)
    data["nodes"].append(markdown)
    data["connections"]["Start"] = {"main": [[{"node": "Markdown", "type": "main", "index": 0}]]}
    data["connections"]["Markdown"] = {
        "main": [[{"node": "Summarize", "type": "main", "index": 0}]]
    }
    notes = by_label(convert(data), "Summarize")["notes"]
    assert "'Markdown' outputs items without files, so n8n's loader found no document" in notes
    run(alice, data)
    assert sent(ai)[0]["content"] == "Summarize: Q3 report []"
