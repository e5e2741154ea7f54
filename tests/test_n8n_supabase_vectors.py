"""n8n's Supabase Vector Store imported as `action.vector_store` with a Supabase store
(editor/nodes/vectors/stores.py): rows `{content, metadata, embedding}` inserted through
PostgREST and searched with the table's match function, run against a fake PostgREST on
127.0.0.1 (tests/fakes/supabase.py) and the fake AI server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store as vault
from editor.n8n import convert
from editor.nodes.action_vector_store import Config
from editor.nodes.vectors import stores
from editor.nodes.vectors.settings import Store
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import Reply, fake_ai_server
from tests.fakes import running
from tests.fakes.supabase import SERVICE_KEY, FakeSupabase
from tests.test_n8n_retrieval_qa import qa_export
from tests.test_n8n_vector_stores import (
    LC,
    TRIGGER,
    agent_export,
    by_label,
    insert_export,
    node,
    refusals,
)
from workfuse.lib.node_run import NodeError, Secret

TABLE = {"__rl": True, "mode": "list", "value": "documents", "cachedResultName": "documents"}


def supabase_store(name: str, params: dict[str, Any]) -> dict[str, Any]:
    return node(name, f"{LC}vectorStoreSupabase", {"tableName": TABLE, **params})


@pytest.fixture
def supabase(settings: Any) -> Iterator[FakeSupabase]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSupabase()) as fake:
        fake.tables["documents"] = []
        fake.functions["match_documents"] = "documents"
        yield fake


def test_an_insert_into_supabase_names_the_table_and_asks_for_a_credential():
    step = by_label(
        convert(insert_export(supabase_store("Supabase", {"mode": "insert"}))), "Supabase"
    )
    assert step["config"]["store"] == {"kind": "supabase", "collection": "documents"}
    assert "choose a Supabase credential" in step["notes"]


def test_a_search_with_its_own_match_function_and_a_retrieve_as_tool_carry_it():
    params = {
        "mode": "retrieve-as-tool",
        "toolDescription": "Policies",
        "options": {"queryName": "match_policies"},
    }
    graph = convert(agent_export(supabase_store("Policies", params)))
    [tool] = by_label(graph, "AI Agent")["config"]["tools"]
    assert tool["store"] == {
        "kind": "supabase",
        "collection": "documents",
        "query_name": "match_policies",
    }


def test_the_update_mode_is_refused_naming_what_workfuse_does():
    messages = refusals(insert_export(supabase_store("Supabase", {"mode": "update", "id": "1"})))
    assert any(
        "is in update mode; WorkFuse's vector store inserts and searches only" in m
        for m in messages
    )


def test_store_settings_check_what_belongs_to_supabase():
    with pytest.raises(ValueError, match="query_name is for Supabase stores only"):
        Store(kind="qdrant", collection="c", url="http://q:6333", query_name="other")
    with pytest.raises(ValueError, match="takes its address from its Supabase credential"):
        Store(kind="supabase", collection="c", url="https://x.supabase.co")
    with pytest.raises(
        ValueError, match="clear is for inserts into WorkFuse's own store or Pinecone"
    ):
        Config(operation="insert", store={"kind": "supabase", "collection": "c"}, clear=True)


def test_a_supabase_store_without_its_kind_of_credential_fails_naming_the_field():
    supabase = Store(kind="supabase", collection="documents")
    with pytest.raises(NodeError, match=r"store\.credential: a Supabase store needs a credential"):
        stores.check_ready(supabase, None)
    key = Secret("api_key", "k", name="Key")
    with pytest.raises(NodeError, match=r"store\.credential: a Supabase store needs a Supabase"):
        stores.check_ready(supabase, key)


def test_rows_and_the_match_call_are_what_langchain_sends(supabase):
    secret = Secret("supabase", {"service_key": SERVICE_KEY}, {"base_url": supabase.url}, name="P")
    table = Store(kind="supabase", collection="documents")
    chunks = [
        stores.Chunk("tea", {"doc": "a"}, [1.0, 0.0]),
        stores.Chunk("cake", {"doc": "b"}, [0.0, 1.0]),
    ]
    stores.insert(table, 1, chunks, secret)
    insert = supabase.requests[-1]
    assert (insert.method, insert.path) == ("POST", "/rest/v1/documents")
    assert insert.json == [
        {"content": "tea", "metadata": {"doc": "a"}, "embedding": [1.0, 0.0]},
        {"content": "cake", "metadata": {"doc": "b"}, "embedding": [0.0, 1.0]},
    ]
    found = stores.search(table, 1, [0.2, 0.9], 1, secret)
    call = supabase.requests[-1]
    assert (call.path, call.query, call.json) == (
        "/rest/v1/rpc/match_documents",
        {"limit": ["1"]},
        {"query_embedding": [0.2, 0.9]},
    )
    assert call.headers["apikey"] == SERVICE_KEY
    assert [(f.text, f.metadata) for f in found] == [("cake", {"doc": "b"})]
    assert 0.97 < found[0].score < 0.98


def test_a_missing_match_function_fails_with_postgrests_message(supabase):
    secret = Secret("supabase", {"service_key": SERVICE_KEY}, {"base_url": supabase.url}, name="P")
    table = Store(kind="supabase", collection="documents", query_name="match_nothing")
    with pytest.raises(
        NodeError, match=r"PGRST202: Could not find the function public\.match_nothing"
    ):
        stores.search(table, 1, [1.0, 0.0], 4, secret)


def with_credential(graph: dict[str, Any], credential: int) -> dict[str, Any]:
    for n in graph["nodes"]:
        if n["type"] == "action.vector_store":
            n["config"]["store"]["credential"] = credential
    return graph


@pytest.mark.django_db(transaction=True)
def test_an_imported_supabase_insert_and_qa_chain_run_in_the_engine(settings, alice, supabase):
    credential = vault.create(
        alice, "Project", "supabase", {"service_key": SERVICE_KEY, "base_url": supabase.url}
    ).pk
    loading = insert_export(supabase_store("Supabase", {"mode": "insert"}))
    reading = supabase_store("Read store", {})
    asking = qa_export(
        {"promptType": "define", "text": "When are refunds paid?"},
        1.6,
        trigger=TRIGGER,
        store=reading,
    )
    with fake_ai_server() as ai:
        settings.OPENAI_BASE_URL = ai.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        graph = with_credential(convert(loading), credential)
        loaded = engine.start_execution(make_workflow(alice, graph, "load"))
        loaded.refresh_from_db()
        assert loaded.status == "succeeded", loaded.error
        ai.script("openai", Reply(text="Within 14 days."))
        graph = with_credential(convert(asking), credential)
        asked = engine.start_execution(make_workflow(alice, graph, "ask"))
        asked.refresh_from_db()
        assert asked.status == "succeeded", asked.error
        [chat] = ai.requests_for("openai")
    [row] = supabase.tables["documents"]
    assert row["content"] == "Refunds are paid within 14 days."
    assert row["metadata"] == {"doc": "faq-1"}
    assert chat.body["messages"][0]["content"].endswith("Context: Refunds are paid within 14 days.")
    answer = Step.objects.get(execution=asked, key="q_a").output
    assert answer["response"] == "Within 14 days."


# --- vector: n8n's Metadata Filter on a Supabase store ------------------------------------------


def test_a_vector_store_tools_supabase_metadata_filter_carries_over():
    tool = node(
        "Vector Store Tool1",
        f"{LC}toolVectorStore",
        {"name": "knowledge_base", "topK": 8, "description": "Retrieve data"},
    )
    filtered = supabase_store(
        "Supabase Vector Store",
        {"options": {"metadata": {"metadataValues": [{"name": "file_id", "value": "f-300"}]}}},
    )
    [converted] = by_label(convert(agent_export(tool, extra=[filtered])), "AI Agent")["config"][
        "tools"
    ]
    assert converted["store"] == {
        "kind": "supabase",
        "collection": "documents",
        "metadata_filter": {"file_id": "f-300"},
    }


def test_a_supabase_search_filters_by_the_runs_data():
    params = {
        "mode": "load",
        "prompt": "refunds",
        "options": {
            "metadata": {"metadataValues": [{"name": "file_id", "value": "={{ $json.file }}"}]}
        },
    }
    step = by_label(convert(insert_export(supabase_store("Search", params))), "Search")
    assert step["config"]["store"]["metadata_filter"] == {"file_id": "{{ nodes.docs.result.file }}"}


def test_a_metadata_filter_belongs_to_supabase_searches():
    with pytest.raises(ValueError, match="metadata_filter is for Supabase stores only"):
        Store(kind="workfuse", collection="c", metadata_filter={"a": "b"})
    store = {"kind": "supabase", "collection": "c", "metadata_filter": {"a": "b"}}
    with pytest.raises(ValueError, match=r"store\.metadata_filter is for searches"):
        Config(operation="insert", store=store)


def test_the_filter_goes_to_the_match_function_as_langchain_sends_it(supabase):
    secret = Secret("supabase", {"service_key": SERVICE_KEY}, {"base_url": supabase.url}, name="P")
    table = Store(kind="supabase", collection="documents")
    chunks = [
        stores.Chunk("tea", {"file_id": "a"}, [1.0, 0.0]),
        stores.Chunk("cake", {"file_id": "b"}, [0.0, 1.0]),
    ]
    stores.insert(table, 1, chunks, secret)
    only_a = Store(kind="supabase", collection="documents", metadata_filter={"file_id": "a"})
    found = stores.search(only_a, 1, [0.2, 0.9], 4, secret)
    assert supabase.requests[-1].json == {"query_embedding": [0.2, 0.9], "filter": {"file_id": "a"}}
    assert [(f.text, f.metadata) for f in found] == [("tea", {"file_id": "a"})]
