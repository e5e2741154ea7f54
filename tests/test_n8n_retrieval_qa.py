"""Importing n8n's Question and Answer Chain (editor/n8n/retrieval_qa.py): a vector store search
step inserted before the chain's AI step, n8n's system prompt with the chunks found, the output
shape by version, refusals naming the retriever, and an imported chain run in the engine."""

from __future__ import annotations

from typing import Any

import pytest

from editor.n8n import convert, import_n8n
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import Reply, fake_ai_server
from tests.test_n8n_vector_stores import (
    EMBEDDINGS,
    LC,
    MODEL,
    TRIGGER,
    by_label,
    insert_export,
    link,
    node,
    refusals,
)

CHAT = node("Chat", f"{LC}chatTrigger", {}, 1.1)
RETRIEVER = node("Retriever", f"{LC}retrieverVectorStore", {"topK": 2})
STORE = node("Read store", f"{LC}vectorStoreInMemory", {"memoryKey": "faq"}, 1.3)


def qa_export(
    chain_params: dict[str, Any],
    version: float = 1.3,
    *,
    trigger: dict[str, Any] = CHAT,
    store: dict[str, Any] = STORE,
    retriever: dict[str, Any] = RETRIEVER,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    chain = node("Q&A", f"{LC}chainRetrievalQa", chain_params, version)
    connections: dict[str, Any] = {}
    link(connections, trigger["name"], "Q&A")
    link(connections, "Model", "Q&A", "ai_languageModel")
    link(connections, retriever["name"], "Q&A", "ai_retriever")
    link(connections, store["name"], retriever["name"], "ai_vectorStore")
    link(connections, "Embeddings OpenAI", store["name"], "ai_embedding")
    nodes = [trigger, chain, MODEL, retriever, store, EMBEDDINGS]
    if after is not None:
        link(connections, "Q&A", after["name"])
        nodes.append(after)
    return {"name": "QA", "nodes": nodes, "connections": connections}


def test_the_chain_becomes_a_search_step_then_an_ai_step_answering_from_its_chunks():
    graph = convert(qa_export({}))
    search, answer = by_label(graph, "Q&A (search)"), by_label(graph, "Q&A")
    assert search["type"] == "action.vector_store"
    assert search["config"] == {
        "operation": "search",
        "store": {"kind": "workfuse", "collection": "faq"},
        "embeddings": {
            "provider": "openai",
            "model": "text-embedding-3-small",
            "strip_newlines": True,
        },
        "top_k": 2,
        "query": "{{ trigger.message }}",
    }
    assert answer["type"] == "action.ai"
    assert answer["config"]["prompt"] == "{{ trigger.message }}"
    assert answer["config"]["system_prompt"].endswith(
        "----------------\nContext: {{ nodes.q_a_search.results | map(attribute='text') "
        "| join('\\n\\n') }}"
    )
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert edges == {("chat", "q_a_search"), ("q_a_search", "q_a")}
    assert "WorkFuse searches in the step 'Q&A (search)'" in answer["notes"]


def test_the_search_step_is_disabled_and_retried_with_its_chain():
    data = qa_export({})
    data["nodes"][1].update(disabled=True, retryOnFail=True, maxTries=4, waitBetweenTries=2000)
    graph = convert(data)
    search, answer = by_label(graph, "Q&A (search)"), by_label(graph, "Q&A")
    assert search["disabled"] is answer["disabled"] is True
    assert search["retry"] == answer["retry"]
    assert search["retry"]["max_attempts"] == 4


def test_the_report_counts_the_retriever_store_and_embeddings_as_parts_of_the_chain():
    report = import_n8n(qa_export({})).report.as_dict()
    assert report["counts"]["refused"] == 0
    assert report["counts"]["nodes"] == 6
    assert [a["id"] for a in report["added"]] == ["q_a_search"]


def test_older_versions_read_their_query_and_answer_response_text():
    after = node(
        "Reply",
        "n8n-nodes-base.set",
        {
            "assignments": {
                "assignments": [
                    {"id": "1", "name": "answer", "value": "={{ $json.response.text }}"}
                ]
            },
            "options": {},
        },
        3.4,
    )
    graph = convert(qa_export({"query": "={{ $json.question }}"}, 1, after=after))
    assert by_label(graph, "Q&A")["config"]["prompt"] == "{{ trigger.question }}"
    assert "nodes.q_a.response" in by_label(graph, "Reply")["config"]["expression"]
    assert "response.text" not in by_label(graph, "Reply")["config"]["expression"]


def test_a_defined_prompt_and_a_template_with_the_legacy_question_variable():
    params = {
        "promptType": "define",
        "text": "=Answer briefly: {{ $json.chatInput }}",
        "options": {"systemPromptTemplate": "Use {context} for {question}; JSON like {{a}}."},
    }
    answer = by_label(convert(qa_export(params, 1.4)), "Q&A")["config"]
    query = "Answer briefly: {{ trigger.message | n8n_text }}"
    assert answer["prompt"] == query
    context = "{{ nodes.q_a_search.results | map(attribute='text') | join('\\n\\n') }}"
    assert answer["system_prompt"] == (
        f"Use {context} for {query}; JSON like {{{{ '{{' }}}}a{{{{ '}}' }}}}."
    )


def test_an_unknown_template_variable_is_refused_as_langchain_would_fail():
    params = {"options": {"systemPromptTemplate": "Use {context} for {question}"}}
    messages = refusals(qa_export(params, 1.5))
    assert any(
        m.startswith("n8n node 'Q&A'") and "has {question} in its system prompt template" in m
        for m in messages
    )
    assert any(m.startswith("n8n node 'Retriever'") for m in messages)


def test_a_workflow_retriever_is_refused_naming_it():
    workflow_retriever = node("Retriever", f"{LC}retrieverWorkflow", {"workflowId": "abc"})
    messages = refusals(qa_export({}, retriever=workflow_retriever))
    assert any(
        m.startswith("n8n node 'Q&A'")
        and "retrieves with 'Retriever' (@n8n/n8n-nodes-langchain.retrieverWorkflow)" in m
        for m in messages
    )


def test_a_store_workfuse_cannot_search_is_refused_with_its_parts():
    pg = node("Read store", f"{LC}vectorStorePGVector", {"tableName": "docs"})
    messages = refusals(qa_export({}, store=pg))
    assert any(
        "reads 'Read store' (@n8n/n8n-nodes-langchain.vectorStorePGVector)" in m for m in messages
    )


def test_a_top_k_from_an_expression_is_a_template_over_the_chains_input():
    retriever = node("Retriever", f"{LC}retrieverVectorStore", {"topK": "={{ $json.k }}"})
    search = by_label(convert(qa_export({}, retriever=retriever)), "Q&A (search)")
    assert search["config"]["top_k"] == "{{ trigger.k }}"
    retriever["parameters"]["topK"] = 500
    messages = refusals(qa_export({}, retriever=retriever))
    assert any("sets topK to 500; WorkFuse returns 1 to 100 chunks" in m for m in messages)


@pytest.mark.django_db(transaction=True)
def test_an_imported_chain_answers_from_the_chunks_its_search_found(settings, alice):
    store = node("Store", f"{LC}vectorStoreInMemory", {"mode": "insert", "memoryKey": "faq"}, 1.3)
    loading = insert_export(store)
    retriever = node("Retriever", f"{LC}retrieverVectorStore", {"topK": "={{ $json.k }}"})
    asking = qa_export(
        {"promptType": "define", "text": "When are refunds paid?"},
        1.6,
        trigger=TRIGGER,
        retriever=retriever,
    )
    with fake_ai_server() as ai:
        settings.OPENAI_BASE_URL = ai.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        loaded = engine.start_execution(make_workflow(alice, convert(loading), "load"))
        loaded.refresh_from_db()
        assert loaded.status == "succeeded", loaded.error
        ai.script("openai", Reply(text="Within 14 days."))
        asked = engine.start_execution(make_workflow(alice, convert(asking), "ask"), {"k": 3})
        asked.refresh_from_db()
        assert asked.status == "succeeded", asked.error
        [chat] = ai.requests_for("openai")
    messages = chat.body["messages"]
    assert messages[0]["role"] == "system"
    assert messages[0]["content"].endswith("Context: Refunds are paid within 14 days.")
    assert messages[1] == {"role": "user", "content": "When are refunds paid?"}
    steps = {s.key: s for s in Step.objects.filter(execution=asked)}
    assert steps["q_a_search"].input["top_k"] == 3
    assert steps["q_a_search"].output["results"][0]["text"] == "Refunds are paid within 14 days."
    assert steps["q_a"].output["response"] == "Within 14 days."
