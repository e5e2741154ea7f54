"""Importing n8n's vector stores (editor/n8n/vector_stores.py): insert with the embeddings,
loader and splitter folded into the step, load as a search, retrieve-as-tool and the Vector
Store Tool as an agent's tool, refusals naming the part and the construct, and an imported
insert-then-search workflow run in the engine."""

from __future__ import annotations

from typing import Any

import pytest

from editor.graph import ImportRefused
from editor.n8n import convert, import_n8n
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import Reply, fake_ai_server

LC = "@n8n/n8n-nodes-langchain."


def node(name: str, kind: str, params: dict[str, Any], version: float = 1) -> dict[str, Any]:
    return {
        "parameters": params,
        "id": f"id-{name}",
        "name": name,
        "type": kind,
        "typeVersion": version,
        "position": [0, 0],
    }


def link(connections: dict[str, Any], source: str, target: str, kind: str = "main") -> None:
    connections.setdefault(source, {}).setdefault(kind, [[]])[0].append(
        {"node": target, "type": kind, "index": 0}
    )


TRIGGER = node("Start", "n8n-nodes-base.manualTrigger", {})
SET = node(
    "Docs",
    "n8n-nodes-base.set",
    {
        "assignments": {
            "assignments": [
                {
                    "id": "1",
                    "name": "content",
                    "value": "Refunds are paid within 14 days.",
                    "type": "string",
                },
                {"id": "2", "name": "id", "value": "faq-1", "type": "string"},
            ]
        },
        "options": {},
    },
    3.4,
)
EMBEDDINGS = node("Embeddings OpenAI", f"{LC}embeddingsOpenAi", {"options": {}}, 1.2)
LOADER = node(
    "Default Data Loader",
    f"{LC}documentDefaultDataLoader",
    {
        "jsonMode": "expressionData",
        "jsonData": "={{ $json.content }}",
        "options": {"metadata": {"metadataValues": [{"name": "doc", "value": "={{ $json.id }}"}]}},
    },
)
SPLITTER = node(
    "Splitter",
    f"{LC}textSplitterRecursiveCharacterTextSplitter",
    {"chunkSize": 500, "chunkOverlap": 50, "options": {}},
)


def insert_export(
    store: dict[str, Any], *, loader=LOADER, splitter=SPLITTER, embeddings=EMBEDDINGS
):
    connections: dict[str, Any] = {}
    link(connections, "Start", "Docs")
    link(connections, "Docs", store["name"])
    link(connections, embeddings["name"], store["name"], "ai_embedding")
    link(connections, loader["name"], store["name"], "ai_document")
    link(connections, splitter["name"], loader["name"], "ai_textSplitter")
    nodes = [TRIGGER, SET, store, embeddings, loader, splitter]
    return {"name": "RAG", "nodes": nodes, "connections": connections}


def by_label(graph: dict[str, Any], label: str) -> dict[str, Any]:
    return next(n for n in graph["nodes"] if n["label"] == label)


def refusals(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        convert(data)
    return [issue.message for issue in refused.value.issues]


QDRANT = node(
    "Qdrant",
    f"{LC}vectorStoreQdrant",
    {
        "mode": "insert",
        "options": {},
        "qdrantCollection": {"__rl": True, "mode": "list", "value": "faq"},
    },
    1.1,
)


def test_an_insert_folds_its_embeddings_loader_and_splitter_into_one_step():
    graph = convert(insert_export(QDRANT))
    step = by_label(graph, "Qdrant")
    config = step["config"]
    assert step["type"] == "action.vector_store"
    assert config["operation"] == "insert"
    assert config["store"] == {
        "kind": "qdrant",
        "collection": "faq",
        "url": "http://localhost:6333",
    }
    assert config["embeddings"] == {
        "provider": "openai",
        "model": "text-embedding-3-small",
        "strip_newlines": True,
    }
    assert config["text"] == "{{ item.content }}"
    assert config["metadata"] == {"doc": "{{ item.id }}"}
    assert (config["chunk_size"], config["chunk_overlap"]) == (500, 50)
    assert "{{" in config["items"]
    assert "n8n keeps the Qdrant address in its credential" in step["notes"]
    assert "LangChain's loader metadata" in step["notes"]
    assert {n["label"] for n in graph["nodes"]} == {"Start", "Docs", "Qdrant"}


def test_the_import_report_counts_the_parts_as_configuring_the_store():
    imported = import_n8n(insert_export(QDRANT))
    assert not imported.report.refused
    splitter = next(n for n in imported.report.nodes if n.name == "Splitter")
    assert splitter.notes == ["Configures 'Qdrant', as in n8n."]
    assert splitter.node_id == "qdrant"


def test_version_one_openai_embeddings_default_to_ada_and_options_carry_over():
    old = node(
        "Embeddings OpenAI",
        f"{LC}embeddingsOpenAi",
        {"options": {"dimensions": 512, "stripNewLines": False, "batchSize": 64}},
    )
    config = by_label(convert(insert_export(QDRANT, embeddings=old)), "Qdrant")["config"]
    assert config["embeddings"] == {
        "provider": "openai",
        "model": "text-embedding-ada-002",
        "dimensions": 512,
        "strip_newlines": False,
    }


def test_mistral_embeddings_go_to_mistrals_openai_compatible_api():
    mistral = node("Embeddings OpenAI", f"{LC}embeddingsMistralCloud", {"options": {}})
    config = by_label(convert(insert_export(QDRANT, embeddings=mistral)), "Qdrant")["config"]
    assert config["embeddings"]["provider"] == "openai_compatible"
    assert config["embeddings"]["base_url"] == "https://api.mistral.ai/v1"
    assert config["embeddings"]["model"] == "mistral-embed"


def test_load_all_input_data_reads_every_text_value_of_the_item():
    loader = node("Default Data Loader", f"{LC}documentDefaultDataLoader", {"options": {}})
    config = by_label(convert(insert_export(QDRANT, loader=loader)), "Qdrant")["config"]
    assert config["text"] == ""


def test_the_simple_store_becomes_workfuses_own_with_its_caveat_and_clear():
    memory = node(
        "Simple Store",
        f"{LC}vectorStoreInMemory",
        {"mode": "insert", "memoryKey": {"__rl": True, "value": "kb"}, "clearStore": True},
        1.3,
    )
    step = by_label(convert(insert_export(memory)), "Simple Store")
    assert step["config"]["store"] == {"kind": "workfuse", "collection": "kb"}
    assert step["config"]["clear"] is True
    assert "durable, and shared by every workflow of yours" in step["notes"]


def test_pinecone_clear_namespace_and_namespace_carry_over():
    pinecone = node(
        "Pinecone",
        f"{LC}vectorStorePinecone",
        {
            "mode": "insert",
            "pineconeIndex": {"__rl": True, "value": "kb"},
            "options": {"pineconeNamespace": "shop", "clearNamespace": True},
        },
    )
    config = by_label(convert(insert_export(pinecone)), "Pinecone")["config"]
    assert config["store"] == {"kind": "pinecone", "collection": "kb", "namespace": "shop"}
    assert config["clear"] is True


def test_load_mode_is_a_search_with_its_prompt_and_top_k():
    load = node(
        "Qdrant",
        f"{LC}vectorStoreQdrant",
        {"mode": "load", "prompt": "={{ $json.content }}", "topK": 3, "qdrantCollection": "faq"},
    )
    data = insert_export(QDRANT)
    data["nodes"][2] = load
    del data["connections"]["Default Data Loader"]
    data["nodes"] = [
        n for n in data["nodes"] if n["name"] not in ("Default Data Loader", "Splitter")
    ]
    config = by_label(convert(data), "Qdrant")["config"]
    assert config["operation"] == "search"
    assert config["query"] == "{{ nodes.docs.result.content }}"
    assert config["top_k"] == 3
    load["parameters"]["topK"] = "={{ $json.chunks }}"
    config = by_label(convert(data), "Qdrant")["config"]
    assert config["top_k"] == "{{ nodes.docs.result.chunks }}"


# --- as an agent's tool ------------------------------------------------------------------------

MODEL = node("Model", f"{LC}lmChatOpenAi", {"model": "gpt-4o-mini", "options": {}}, 1.2)


def agent_export(*tools: dict[str, Any], extra: list[dict[str, Any]] = ()) -> dict[str, Any]:
    agent = node("AI Agent", f"{LC}agent", {"promptType": "define", "text": "Hi"}, 2.2)
    connections: dict[str, Any] = {}
    link(connections, "Start", "AI Agent")
    link(connections, "Model", "AI Agent", "ai_languageModel")
    for tool in tools:
        link(connections, tool["name"], "AI Agent", "ai_tool")
    link(
        connections,
        "Embeddings OpenAI",
        tools[0]["name"] if not extra else extra[0]["name"],
        "ai_embedding",
    )
    if extra:
        link(connections, extra[0]["name"], tools[0]["name"], "ai_vectorStore")
    return {
        "name": "Ask",
        "nodes": [TRIGGER, agent, MODEL, *tools, *extra, EMBEDDINGS],
        "connections": connections,
    }


def test_retrieve_as_tool_is_an_agent_tool_named_after_the_node():
    store = node(
        "Company docs",
        f"{LC}vectorStoreInMemory",
        {
            "mode": "retrieve-as-tool",
            "toolDescription": "Company handbook",
            "memoryKey": "kb",
            "topK": 6,
        },
        1.3,
    )
    graph = convert(agent_export(store))
    [tool] = by_label(graph, "AI Agent")["config"]["tools"]
    assert tool == {
        "type": "vector_store",
        "name": "Company_docs",
        "description": "Company handbook",
        "store": {"kind": "workfuse", "collection": "kb"},
        "embeddings": {
            "provider": "openai",
            "model": "text-embedding-3-small",
            "strip_newlines": True,
        },
        "top_k": 6,
    }
    assert [n["label"] for n in graph["nodes"]] == ["Start", "AI Agent"]


def test_a_vector_store_tool_reads_its_store_and_says_who_answers():
    tool = node(
        "Docs tool",
        f"{LC}toolVectorStore",
        {"name": "company_files", "description": "Files", "topK": 5},
    )
    store = node(
        "Qdrant store",
        f"{LC}vectorStoreQdrant",
        {"qdrantCollection": {"__rl": True, "value": "=files"}},
    )
    graph = convert(agent_export(tool, extra=[store]))
    agent = by_label(graph, "AI Agent")
    [converted] = agent["config"]["tools"]
    assert converted["name"] == "company_files"
    assert converted["store"] == {
        "kind": "qdrant",
        "collection": "files",
        "url": "http://localhost:6333",
    }
    assert converted["top_k"] == 5
    assert "has its own model answer from the chunks" in agent["notes"]


def test_a_tools_collection_from_the_runs_data_is_refused():
    store = node(
        "Docs",
        f"{LC}vectorStoreQdrant",
        {"mode": "retrieve-as-tool", "toolDescription": "d", "qdrantCollection": "={{ $json.c }}"},
        1.3,
    )
    [message] = refusals(agent_export(store))
    assert "takes its qdrantCollection from the run's data" in message


# --- refusals ----------------------------------------------------------------------------------


def test_a_binary_loader_with_no_file_before_it_is_refused_by_name_with_the_store():
    binary = node("Default Data Loader", f"{LC}documentDefaultDataLoader", {"dataType": "binary"})
    messages = refusals(insert_export(QDRANT, loader=binary))
    assert any(
        m.startswith("n8n node 'Qdrant'")
        and "'Default Data Loader'" in m
        and "in WorkFuse 'Docs' outputs no such file" in m
        for m in messages
    )
    assert any(m.startswith("n8n node 'Default Data Loader'") for m in messages)
    assert any(
        m.startswith("n8n node 'Splitter'") and "configures 'Default Data Loader'" in m
        for m in messages
    )


def test_a_token_splitter_splits_by_characters_four_a_token_with_its_caveat():
    tokens = node("Splitter", f"{LC}textSplitterTokenSplitter", {"chunkSize": 300})
    step = by_label(convert(insert_export(QDRANT, splitter=tokens)), "Qdrant")
    assert step["config"]["chunk_size"] == 1200
    assert step["config"]["chunk_overlap"] == 0
    assert "n8n's Token Splitter 'Splitter' cut chunks of 300 tokens" in step["notes"]


def test_a_token_splitter_past_what_workfuse_splits_is_refused():
    tokens = node("Splitter", f"{LC}textSplitterTokenSplitter", {"chunkSize": 30_000})
    messages = refusals(insert_export(QDRANT, splitter=tokens))
    assert any("at most 25,000 tokens a chunk" in m for m in messages)


def test_gemini_embeddings_carry_their_model():
    gemini = node(
        "Embeddings OpenAI",
        f"{LC}embeddingsGoogleGemini",
        {"modelName": "models/text-embedding-004"},
    )
    config = by_label(convert(insert_export(QDRANT, embeddings=gemini)), "Qdrant")["config"]
    assert config["embeddings"] == {
        "provider": "gemini",
        "model": "models/text-embedding-004",
        "strip_newlines": True,
    }


def test_other_embeddings_are_refused_naming_the_node():
    hugging = node("Embeddings OpenAI", f"{LC}embeddingsHuggingFaceInference", {"options": {}})
    messages = refusals(insert_export(QDRANT, embeddings=hugging))
    assert any(
        m.startswith("n8n node 'Qdrant'")
        and "'Embeddings OpenAI' (@n8n/n8n-nodes-langchain.embeddingsHuggingFaceInference)" in m
        and "computes embeddings with a service WorkFuse's vector store cannot call" in m
        and "(Hugging Face's Inference API; WorkFuse's store uses OpenAI, Gemini" in m
        and "use Embeddings OpenAI in n8n, for this store's insert and its searches" in m
        for m in messages
    )


def test_a_store_workfuse_cannot_reach_is_refused_with_the_stores_it_can_use():
    pg = node("PGVector", f"{LC}vectorStorePGVector", {"mode": "insert", "tableName": "docs"})
    messages = refusals(insert_export(pg))
    assert any(
        m.startswith("n8n node 'PGVector'") and "its own store, Qdrant, Pinecone and Supabase" in m
        for m in messages
    )
    assert any(m.startswith("n8n node 'Embeddings OpenAI'") for m in messages)


# --- running an import -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_imported_insert_then_search_runs_in_the_engine(settings, alice):
    store = node("Store", f"{LC}vectorStoreInMemory", {"mode": "insert", "memoryKey": "faq"}, 1.3)
    search = node(
        "Ask",
        f"{LC}vectorStoreInMemory",
        {"mode": "load", "prompt": "when are refunds paid", "memoryKey": "faq", "topK": 1},
        1.3,
    )
    data = insert_export(store)
    data["nodes"].append(search)
    link(data["connections"], "Store", "Ask")
    link(data["connections"], "Embeddings OpenAI", "Ask", "ai_embedding")
    with fake_ai_server() as ai:
        settings.OPENAI_BASE_URL = ai.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        ai.script("openai_embeddings", Reply(), Reply())
        workflow = make_workflow(alice, convert(data))
        execution = engine.start_execution(workflow)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        sent = [r.body["input"] for r in ai.requests_for("openai_embeddings")]
    assert sent[0] == ["Refunds are paid within 14 days."]
    assert sent[-1] == ["when are refunds paid"]
    asked = [s for s in Step.objects.filter(execution=execution) if s.key.startswith("ask")]
    results = asked[0].output["results"]
    assert results[0]["text"] == "Refunds are paid within 14 days."
    assert results[0]["metadata"] == {"doc": "faq-1"}


@pytest.mark.django_db(transaction=True)
def test_an_imported_insert_and_an_agent_asking_its_store_run_in_the_engine(settings, alice):
    store = node("Store", f"{LC}vectorStoreInMemory", {"mode": "insert", "memoryKey": "faq"}, 1.3)
    loading = insert_export(store)
    asking = agent_export(
        node(
            "FAQ",
            f"{LC}vectorStoreInMemory",
            {"mode": "retrieve-as-tool", "toolDescription": "The FAQ", "memoryKey": "faq"},
            1.3,
        )
    )
    with fake_ai_server() as ai:
        settings.OPENAI_BASE_URL = ai.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        loaded = engine.start_execution(make_workflow(alice, convert(loading), "load"))
        loaded.refresh_from_db()
        assert loaded.status == "succeeded", loaded.error
        ai.script(
            "openai",
            Reply(tool_calls=[("FAQ", {"query": "refunds"})]),
            Reply(text="Within 14 days."),
        )
        asked = engine.start_execution(make_workflow(alice, convert(asking), "ask"))
        asked.refresh_from_db()
    assert asked.status == "succeeded", asked.error
    agent = Step.objects.get(execution=asked, key="ai_agent")
    assert agent.output["response"] == "Within 14 days."
    [call] = agent.output["tool_calls"]
    assert call["result"]["results"][0]["text"] == "Refunds are paid within 14 days."
    assert call["result"]["results"][0]["metadata"] == {"doc": "faq-1"}


# --- the Simple Vector Store as n8n's WhatsApp chatbot template builds it ---------------------


def test_an_emptied_chunk_overlap_keeps_as_much_of_the_chunk_before_as_fits():
    memory = node(
        "Catalogue",
        f"{LC}vectorStoreInMemory",
        {"mode": "insert", "memoryKey": "whatsapp-75", "clearStore": True},
    )
    emptied = node(
        "Splitter",
        f"{LC}textSplitterRecursiveCharacterTextSplitter",
        {"chunkSize": 2000, "chunkOverlap": {}, "options": {}},
    )
    step = by_label(convert(insert_export(memory, splitter=emptied)), "Catalogue")
    assert (step["config"]["chunk_size"], step["config"]["chunk_overlap"]) == (2000, 1999)
    assert "has an empty chunk overlap ({})" in step["notes"]
    assert "imported as an overlap of 1999 characters (one below the size)" in step["notes"]


def test_an_overlap_from_an_expression_stays_refused_naming_the_splitter():
    computed = node(
        "Splitter",
        f"{LC}textSplitterRecursiveCharacterTextSplitter",
        {"chunkSize": 500, "chunkOverlap": "={{ $json.overlap }}", "options": {}},
    )
    messages = refusals(insert_export(QDRANT, splitter=computed))
    assert any(
        m.startswith("n8n node 'Qdrant'") and "sets chunkOverlap from an expression" in m
        for m in messages
    )


@pytest.mark.django_db(transaction=True)
def test_a_cleared_simple_store_filled_twice_holds_one_copy_an_agent_tool_finds(settings, alice):
    memory = node(
        "Catalogue",
        f"{LC}vectorStoreInMemory",
        {"mode": "insert", "memoryKey": "whatsapp-75", "clearStore": True},
    )
    emptied = node(
        "Splitter",
        f"{LC}textSplitterRecursiveCharacterTextSplitter",
        {"chunkSize": 2000, "chunkOverlap": {}, "options": {}},
    )
    tool = node(
        "Vector Store Tool",
        f"{LC}toolVectorStore",
        {"name": "query_product_brochure", "description": "The brochure"},
    )
    reader = node("Product Catalogue", f"{LC}vectorStoreInMemory", {"memoryKey": "whatsapp-75"})
    with fake_ai_server() as ai:
        settings.OPENAI_BASE_URL = ai.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        loading = make_workflow(alice, convert(insert_export(memory, splitter=emptied)), "load")
        for _ in range(2):  # clearStore: the second run replaces what the first stored
            loaded = engine.start_execution(loading)
            loaded.refresh_from_db()
            assert loaded.status == "succeeded", loaded.error
        ai.script(
            "openai",
            Reply(tool_calls=[("query_product_brochure", {"query": "refunds"})]),
            Reply(text="Within 14 days."),
        )
        asking = make_workflow(alice, convert(agent_export(tool, extra=[reader])), "ask")
        asked = engine.start_execution(asking)
        asked.refresh_from_db()
        embedded = [r.body["input"] for r in ai.requests_for("openai_embeddings")]
    assert asked.status == "succeeded", asked.error
    assert embedded == [["Refunds are paid within 14 days."]] * 2 + [["refunds"]]
    agent = Step.objects.get(execution=asked, key="ai_agent")
    assert agent.output["response"] == "Within 14 days."
    [call] = agent.output["tool_calls"]
    assert [r["text"] for r in call["result"]["results"]] == ["Refunds are paid within 14 days."]
    assert call["result"]["results"][0]["metadata"] == {"doc": "faq-1"}


# --- vector: Embeddings Ollama -------------------------------------------------------------------


def test_ollama_embeddings_go_to_ollamas_openai_compatible_api_with_texts_as_they_are():
    ollama = node("Embeddings OpenAI", f"{LC}embeddingsOllama", {"model": "nomic-embed-text"})
    step = by_label(convert(insert_export(QDRANT, embeddings=ollama)), "Qdrant")
    assert step["config"]["embeddings"] == {
        "provider": "openai_compatible",
        "model": "nomic-embed-text",
        "base_url": "http://localhost:11434/v1",
        "strip_newlines": False,
    }
    assert "WorkFuse assumes Ollama's default, http://localhost:11434/v1" in step["notes"]
    assert "use the server's key for Ollama" not in step["notes"]


@pytest.mark.django_db(transaction=True)
def test_an_imported_ollama_insert_then_search_runs_against_its_server(settings, alice):
    ollama = node("Embeddings OpenAI", f"{LC}embeddingsOllama", {})
    store = node("Store", f"{LC}vectorStoreInMemory", {"mode": "insert", "memoryKey": "faq"}, 1.3)
    search = node(
        "Ask",
        f"{LC}vectorStoreInMemory",
        {"mode": "load", "prompt": "when are refunds paid", "memoryKey": "faq", "topK": 1},
        1.3,
    )
    data = insert_export(store, embeddings=ollama)
    data["nodes"].append(search)
    link(data["connections"], "Store", "Ask")
    link(data["connections"], "Embeddings OpenAI", "Ask", "ai_embedding")
    graph = convert(data)
    with fake_ai_server() as ai:
        settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True  # the fake server stands in for Ollama
        for step in graph["nodes"]:
            if step["type"] == "action.vector_store":  # what the note asks the user to set
                step["config"]["embeddings"]["base_url"] = ai.openai_url
        ai.script("openai_embeddings", Reply(), Reply())
        execution = engine.start_execution(make_workflow(alice, graph))
        execution.refresh_from_db()
        requests = ai.requests_for("openai_embeddings")
    assert execution.status == "succeeded", execution.error
    assert [r.body["model"] for r in requests] == ["llama3.2", "llama3.2"]
    assert requests[-1].body["input"] == ["when are refunds paid"]
    asked = [s for s in Step.objects.filter(execution=execution) if s.key.startswith("ask")]
    assert asked[0].output["results"][0]["text"] == "Refunds are paid within 14 days."
