"""action.vector_store: insert and search on WorkFuse's own store, Qdrant and Pinecone (fakes on
127.0.0.1 speaking their REST APIs), embeddings through the real OpenAI SDK against the fake AI
server, alone and inside the engine (credentials, the run's AI spend)."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from aiconfig.models import VectorRecord
from credentials import store as credential_store
from editor.nodes.action_vector_store import NODE, Config, texts_in
from editor.nodes.base import NodeError, RunContext
from editor.nodes.vectors import stores
from executions import engine
from executions.engine.agent_tools import Credentials
from executions.models import Step
from tests.engine_helpers import chain, make_workflow
from tests.fake_ai_server import Reply, fake_ai_server
from tests.fakes import running
from tests.fakes.pinecone import API_KEY as PINECONE_KEY
from tests.fakes.pinecone import FakePinecone
from tests.fakes.qdrant import API_KEY as QDRANT_KEY
from tests.fakes.qdrant import FakeQdrant

OPENAI_KEY = "sk-env-openai-0123456789abcdef"
DOCS = [
    {"id": 1, "body": "Refunds are paid within 14 days of the return arriving."},
    {"id": 2, "body": "Shipping to Norway takes five working days."},
    {"id": 3, "body": "Gift cards never expire and cannot be refunded."},
]


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = OPENAI_KEY
        settings.GEMINI_BASE_URL = server.gemini_url
        settings.GEMINI_API_KEY = "AIzaEnvGemini0123456789abcdef"
        settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True  # the fake stores live on 127.0.0.1
        yield server


def context(owner, secrets: set[str] | None = None, **extra) -> RunContext:
    workflow = make_workflow(owner, chain())
    resolver = Credentials(owner.pk, "exec-1", "docs", secrets if secrets is not None else set())
    return RunContext(
        execution_id="exec-1",
        node_id="docs",
        step_key="docs",
        workflow_id=workflow.pk,
        resolve_credential=resolver.secret,
        **extra,
    )


def run(ctx: RunContext, **config):
    return NODE.run(Config.model_validate(config), ctx)


def insert(ctx: RunContext, store: dict, **extra):
    return run(
        ctx,
        operation="insert",
        store=store,
        items=DOCS,
        text="{{ item.body }}",
        metadata={"doc": "{{ item.id }}"},
        **extra,
    )


# --- WorkFuse's own store ----------------------------------------------------------------------


@pytest.mark.django_db
def test_own_store_finds_the_closest_chunk_first_with_its_metadata(ai, alice):
    ctx = context(alice)
    done = insert(ctx, {"collection": "help"})
    assert done["inserted"] == 3
    assert done["documents"][0] == {"text": DOCS[0]["body"], "metadata": {"doc": 1}}
    assert done["usage"]["prompt_tokens"] > 0
    assert done["model"] == "text-embedding-3-small"
    assert done["cost_usd"] == round(done["usage"]["prompt_tokens"] * 0.02 / 1e6, 6)  # priced
    sent = ai.requests_for("openai_embeddings")[0]
    assert sent.body["input"] == [d["body"] for d in DOCS]
    assert sent.headers["authorization"] == f"Bearer {OPENAI_KEY}"

    found = run(
        ctx, store={"collection": "help"}, query="how many days until refunds are paid", top_k=2
    )
    assert [r["metadata"] for r in found["results"]] == [{"doc": 1}, {"doc": 2}]  # "days"
    assert found["results"][0]["text"] == DOCS[0]["body"]
    assert 0 < found["results"][1]["score"] < found["results"][0]["score"] <= 1
    assert VectorRecord.objects.filter(owner=alice, collection="help").count() == 3


def test_top_k_is_a_number_from_1_to_100_or_a_template_giving_one():
    store = {"collection": "help"}
    assert Config(store=store, query="q", top_k="{{ trigger.k }}").top_k == "{{ trigger.k }}"
    assert Config(store=store, query="q", top_k="7").top_k == 7  # as a template renders
    with pytest.raises(ValueError, match="top_k must be from 1 to 100, not 0"):
        Config(store=store, query="q", top_k=0)


@pytest.mark.django_db
def test_own_collections_belong_to_their_owner(ai, alice, bob):
    insert(context(alice), {"collection": "help"})
    found = run(context(bob), store={"collection": "help"}, query="refunds")
    assert found["results"] == []


@pytest.mark.django_db
def test_own_store_clears_first_when_asked(ai, alice):
    ctx = context(alice)
    insert(ctx, {"collection": "help"})
    insert(ctx, {"collection": "help"}, clear=True)
    assert VectorRecord.objects.filter(collection="help").count() == 3


@pytest.mark.django_db
def test_own_store_refuses_a_model_of_other_dimensions(ai, alice):
    ctx = context(alice)
    insert(ctx, {"collection": "help"})
    VectorRecord.objects.update(dimensions=3)
    with pytest.raises(NodeError, match="holds vectors of 3 dimensions"):
        insert(ctx, {"collection": "help"})


@pytest.mark.django_db
def test_own_store_keeps_a_bounded_collection(ai, alice, monkeypatch):
    monkeypatch.setattr(stores, "MAX_RECORDS", 4)
    ctx = context(alice)
    insert(ctx, {"collection": "help"})
    with pytest.raises(NodeError, match="at most 4 per collection"):
        insert(ctx, {"collection": "help"})
    assert VectorRecord.objects.count() == 3


@pytest.mark.django_db
def test_long_texts_are_split_into_overlapping_chunks(ai, alice):
    text = " ".join(f"word{i}" for i in range(60))  # 6 or 7 characters a word
    done = run(
        context(alice),
        operation="insert",
        store={"collection": "long"},
        items=[{"t": text}],
        text="{{ item.t }}",
        chunk_size=100,
        chunk_overlap=20,
    )
    chunks = [d["text"] for d in done["documents"]]
    assert len(chunks) > 3 and all(len(c) <= 100 for c in chunks)
    assert chunks[1].split()[0] in chunks[0].split()[-3:]  # it repeats the end of the one before
    assert ai.requests_for("openai_embeddings")[0].body["input"] == chunks


@pytest.mark.django_db
def test_an_item_without_text_setting_gives_one_document_per_text_value(ai, alice):
    done = run(
        context(alice),
        operation="insert",
        store={"collection": "c"},
        items=[{"title": "Returns", "n": 3, "tags": ["a b", {"deep": "x"}]}],
    )
    assert [d["text"] for d in done["documents"]] == ["Returns", "a b", "x"]


def test_texts_in_reads_strings_depth_first():
    assert texts_in("one") == ["one"]
    assert texts_in({"a": "x", "b": {"c": ["y", 1, True, None]}}) == ["x", "y"]
    assert texts_in(7) == ["7"]
    assert texts_in(None) == []


@pytest.mark.django_db
def test_too_much_text_is_refused_before_anything_is_embedded(ai, alice, monkeypatch):
    from editor.nodes import action_vector_store

    monkeypatch.setattr(action_vector_store, "MAX_TEXT_CHARS", 50)
    with pytest.raises(NodeError, match="more than 50 characters"):
        insert(context(alice), {"collection": "help"})
    assert ai.requests_for("openai_embeddings") == []


@pytest.mark.django_db
def test_a_rejected_embeddings_key_fails_without_leaking_it(ai, alice):
    ai.valid_keys = {"the-right-key"}
    with pytest.raises(NodeError) as failed:
        insert(context(alice), {"collection": "help"})
    assert "the API key was rejected (HTTP 401)" in failed.value.message
    assert OPENAI_KEY not in failed.value.message + json.dumps(failed.value.detail)
    assert failed.value.retryable is False


def test_config_is_checked():
    with pytest.raises(ValidationError, match="search needs a query"):
        Config.model_validate({"store": {"collection": "a"}})
    with pytest.raises(ValidationError, match="chunk_overlap must be smaller"):
        Config.model_validate(
            {
                "operation": "insert",
                "store": {"collection": "a"},
                "chunk_size": 10,
                "chunk_overlap": 10,
            }
        )
    with pytest.raises(ValidationError, match="Qdrant store needs url"):
        Config.model_validate({"query": "q", "store": {"kind": "qdrant", "collection": "a"}})
    with pytest.raises(ValidationError, match="takes no url or credential"):
        Config.model_validate({"query": "q", "store": {"collection": "a", "url": "https://a.b"}})


@pytest.mark.django_db
def test_pinecone_without_a_credential_is_refused_before_any_call(ai, alice):
    with pytest.raises(NodeError, match="Pinecone store needs a credential"):
        run(context(alice), store={"kind": "pinecone", "collection": "kb"}, query="q")
    assert ai.requests == []


@pytest.mark.django_db
def test_a_collection_name_stays_one_segment_of_the_url(ai, alice):
    with running(FakeQdrant(api_key=None)) as qdrant:
        store = {"kind": "qdrant", "collection": "../etc", "url": qdrant.url}
        with pytest.raises(NodeError):
            run(context(alice), store=store, query="q")
    assert qdrant.requests[0].path == "/collections/..%2Fetc/points/search"


@pytest.mark.django_db
def test_dimensions_are_asked_of_the_model(ai, alice):
    embeddings = {"model": "text-embedding-3-large", "dimensions": 16}
    insert(context(alice), {"collection": "short"}, embeddings=embeddings)
    assert ai.requests_for("openai_embeddings")[0].body["dimensions"] == 16
    assert VectorRecord.objects.filter(collection="short").first().dimensions == 16


# --- Qdrant ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_qdrant_creates_the_collection_stores_langchain_payloads_and_searches(ai, alice):
    key = credential_store.create(alice, "qdrant", "api_key", QDRANT_KEY)
    secrets: set[str] = set()
    with running(FakeQdrant()) as qdrant:
        settings = {"kind": "qdrant", "collection": "help", "url": qdrant.url, "credential": key.pk}
        insert(context(alice, secrets), settings)
        collection = qdrant.collections["help"]
        assert collection["size"] == 64
        payloads = [p["payload"] for p in collection["points"].values()]
        assert {"content": DOCS[1]["body"], "metadata": {"doc": 2}} in payloads
        created = next(
            r for r in qdrant.requests if r.method == "PUT" and r.path == "/collections/help"
        )
        assert created.json == {"vectors": {"size": 64, "distance": "Cosine"}}
        assert all(r.headers["api-key"] == QDRANT_KEY for r in qdrant.requests)

        found = run(context(alice), store=settings, query="shipping to Norway", top_k=1)
        assert found["results"][0]["text"] == DOCS[1]["body"]
        assert found["results"][0]["metadata"] == {"doc": 2}
    assert QDRANT_KEY in secrets  # registered for scrubbing


@pytest.mark.django_db
def test_qdrant_refusing_the_key_names_the_credential(ai, alice):
    key = credential_store.create(alice, "old qdrant key", "api_key", "wrong-key")
    with running(FakeQdrant()) as qdrant:
        settings = {"kind": "qdrant", "collection": "help", "url": qdrant.url, "credential": key.pk}
        with pytest.raises(NodeError) as failed:
            run(context(alice), store=settings, query="anything")
    assert "Qdrant did not accept the credential “old qdrant key”" in failed.value.message
    assert failed.value.retryable is False


@pytest.mark.django_db
def test_a_store_credential_of_another_owner_is_refused(ai, alice, bob):
    key = credential_store.create(bob, "bob's", "api_key", QDRANT_KEY)
    with running(FakeQdrant()) as qdrant:
        settings = {"kind": "qdrant", "collection": "help", "url": qdrant.url, "credential": key.pk}
        with pytest.raises(NodeError, match="does not exist"):
            run(context(alice), store=settings, query="anything")
        assert qdrant.requests == []


# --- Pinecone ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pinecone_finds_the_index_host_upserts_and_queries_a_namespace(ai, alice):
    key = credential_store.create(alice, "pinecone", "api_key", PINECONE_KEY)
    with running(FakePinecone()) as pinecone:
        pinecone.indexes["kb"] = {}
        settings = {
            "kind": "pinecone",
            "collection": "kb",
            "namespace": "shop",
            "url": pinecone.url,
            "credential": key.pk,
        }
        run(
            context(alice),
            operation="insert",
            store=settings,
            items=DOCS,
            text="{{ item.body }}",
            metadata={"doc": "{{ item.id }}", "extra": {"k": 1}},
        )
        stored = list(pinecone.indexes["kb"]["shop"].values())
        assert stored[0]["metadata"] == {"doc": 1, "extra": '{"k": 1}', "text": DOCS[0]["body"]}
        found = run(context(alice), store=settings, query="gift cards expire", top_k=1)
        assert found["results"] == [
            {
                "text": DOCS[2]["body"],
                "metadata": {"doc": 3, "extra": '{"k": 1}'},
                "score": pytest.approx(found["results"][0]["score"]),
            }
        ]
        assert all(r.headers["x-pinecone-api-version"] for r in pinecone.requests)


@pytest.mark.django_db
def test_pinecone_unknown_index_is_a_clear_error(ai, alice):
    key = credential_store.create(alice, "pinecone", "api_key", PINECONE_KEY)
    with running(FakePinecone()) as pinecone:
        settings = {
            "kind": "pinecone",
            "collection": "nope",
            "url": pinecone.url,
            "credential": key.pk,
        }
        with pytest.raises(NodeError, match="Pinecone refused describe index \\(HTTP 404\\)"):
            run(context(alice), store=settings, query="q")


# --- in the engine -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_workflow_inserts_then_searches_and_counts_the_embeddings_spend(ai, alice):
    graph = chain(
        {
            "id": "load",
            "type": "action.vector_store",
            "config": {
                "operation": "insert",
                "store": {"collection": "faq"},
                "items": "{{ trigger.docs }}",
                "text": "{{ item.body }}",
                "metadata": {"doc": "{{ item.id }}"},
            },
        },
        {
            "id": "ask",
            "type": "action.vector_store",
            "config": {
                "store": {"collection": "faq"},
                "query": "{{ trigger.question }}",
                "top_k": 1,
            },
        },
    )
    execution = engine.start_execution(
        make_workflow(alice, graph), {"docs": DOCS, "question": "when are refunds paid"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    ask = Step.objects.get(execution=execution, key="ask")
    assert ask.output["results"][0]["metadata"] == {"doc": 1}
    load = Step.objects.get(execution=execution, key="load")
    tokens = load.output["usage"]["total_tokens"] + ask.output["usage"]["total_tokens"]
    assert execution.ai_tokens == tokens


@pytest.mark.django_db(transaction=True)
def test_workflow_stops_at_its_ai_budget_before_embedding(ai, alice):
    graph = chain(
        {
            "id": "ask",
            "type": "action.vector_store",
            "config": {"store": {"collection": "faq"}, "query": "q"},
        },
    )
    workflow = make_workflow(alice, graph)
    workflow.ai_budget = {"max_tokens_per_run": 0}
    workflow.save()
    execution = engine.start_execution(workflow)
    step = Step.objects.get(execution=execution, key="ask")
    assert step.status == "failed" and "Budget reached" in step.error
    assert ai.requests_for("openai_embeddings") == []


@pytest.mark.django_db(transaction=True)
def test_the_store_key_never_reaches_step_data(ai, alice):
    key = credential_store.create(alice, "qdrant", "api_key", QDRANT_KEY)
    with running(FakeQdrant()) as qdrant:
        qdrant.script()  # answered by the fake's own API
        graph = chain(
            {
                "id": "ask",
                "type": "action.vector_store",
                "config": {
                    "store": {
                        "kind": "qdrant",
                        "collection": "nope",
                        "url": qdrant.url,
                        "credential": key.pk,
                    },
                    "query": f"echo {QDRANT_KEY}",
                },
            }
        )
        execution = engine.start_execution(make_workflow(alice, graph))
    step = Step.objects.get(execution=execution, key="ask")
    assert step.status == "failed" and "doesn't exist" in step.error
    assert QDRANT_KEY not in json.dumps([step.error, step.input, step.output, step.attempts])


def test_fake_ai_server_answers_base64_embeddings():
    import base64
    import struct

    import httpx

    with fake_ai_server() as server:
        reply = httpx.post(
            f"{server.openai_url}/embeddings",
            headers={"Authorization": "Bearer k"},
            json={"model": "m", "input": "hello", "encoding_format": "base64"},
        ).json()
    raw = base64.b64decode(reply["data"][0]["embedding"])
    assert len(struct.unpack(f"<{len(raw) // 4}f", raw)) == 64
    assert Reply  # scripting shares the provider queues


# --- the agent's vector store tool -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_agent_searches_the_store_with_its_tool(ai, alice):
    insert(context(alice), {"collection": "faq"})
    ai.script(
        "openai",
        Reply(tool_calls=[("faq", {"query": "when are refunds paid"})]),
        Reply(text="Within 14 days."),
    )
    graph = chain(
        {
            "id": "agent",
            "type": "action.agent",
            "config": {
                "prompt": "When do I get my refund?",
                "stream": False,
                "tools": [
                    {
                        "type": "vector_store",
                        "name": "faq",
                        "store": {"collection": "faq"},
                        "top_k": 1,
                    }
                ],
            },
        }
    )
    execution = engine.start_execution(make_workflow(alice, graph))
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="agent")
    assert step.output["response"] == "Within 14 days."
    call = step.output["tool_calls"][0]
    assert call["result"]["results"][0]["text"] == DOCS[0]["body"]
    assert call["result"]["results"][0]["metadata"] == {"doc": 1}
    turns = ai.requests_for("openai")
    offered = turns[0].body["tools"][0]["function"]
    assert offered["name"] == "faq"
    assert offered["parameters"]["required"] == ["query"]
    assert DOCS[0]["body"] in json.dumps(turns[1].body["messages"])
    embedded = ai.requests_for("openai_embeddings")[-1]
    assert embedded.body["input"] == ["when are refunds paid"]
    assert execution.ai_tokens == 2 * 17 + 4  # two turns and the query's embedding (4 words)


@pytest.mark.django_db(transaction=True)
def test_an_empty_query_goes_back_to_the_model_as_the_tools_error(ai, alice):
    ai.script("openai", Reply(tool_calls=[("faq", {"query": " "})]), Reply(text="Sorry."))
    tool = {"type": "vector_store", "name": "faq", "store": {"collection": "faq"}}
    graph = chain(
        {
            "id": "agent",
            "type": "action.agent",
            "config": {"prompt": "?", "stream": False, "tools": [tool]},
        }
    )
    execution = engine.start_execution(make_workflow(alice, graph))
    step = Step.objects.get(execution=execution, key="agent")
    assert "the argument 'query'" in step.output["tool_calls"][0]["error"]


@pytest.mark.django_db
def test_pinecone_clear_empties_the_namespace_first(ai, alice):
    key = credential_store.create(alice, "pinecone", "api_key", PINECONE_KEY)
    with running(FakePinecone()) as pinecone:
        pinecone.indexes["kb"] = {"shop": {"old": {"id": "old", "values": [1.0], "metadata": {}}}}
        settings = {
            "kind": "pinecone",
            "collection": "kb",
            "namespace": "shop",
            "url": pinecone.url,
            "credential": key.pk,
        }
        insert(context(alice), settings, clear=True)
        assert "old" not in pinecone.indexes["kb"]["shop"]
        assert len(pinecone.indexes["kb"]["shop"]) == 3
        deleted = next(r for r in pinecone.requests if r.path.endswith("/vectors/delete"))
        assert deleted.json == {"deleteAll": True, "namespace": "shop"}


@pytest.mark.django_db
def test_strip_newlines_embeds_lines_as_one_but_stores_them_as_they_are(ai, alice):
    done = run(
        context(alice),
        operation="insert",
        store={"collection": "lines"},
        items=[{"t": "first line\nsecond line"}],
        text="{{ item.t }}",
        embeddings={"strip_newlines": True},
    )
    assert ai.requests_for("openai_embeddings")[0].body["input"] == ["first line second line"]
    assert done["documents"][0]["text"] == "first line\nsecond line"


@pytest.mark.django_db
def test_gemini_embeddings_through_batch_embed_contents(ai, alice):
    gemini = {"provider": "gemini", "model": "models/text-embedding-004"}
    ctx = context(alice)
    done = insert(ctx, {"collection": "g"}, embeddings=gemini)
    found = run(ctx, store={"collection": "g"}, embeddings=gemini, query="gift cards", top_k=1)
    assert found["results"][0]["metadata"] == {"doc": 3}
    sent = ai.requests_for("gemini_embeddings")
    assert sent[0].path.endswith("/models/text-embedding-004:batchEmbedContents")
    assert [r["content"]["parts"][0]["text"] for r in sent[0].body["requests"]] == [
        d["body"] for d in DOCS
    ]
    assert sent[0].headers["x-goog-api-key"] == "AIzaEnvGemini0123456789abcdef"
    assert done["usage"]["total_tokens"] == 0 and done["cost_usd"] is None  # none reported
