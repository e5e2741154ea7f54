"""n8n's AI node types WorkFuse has no faithful form for, refused one by one with the reason:
vector stores and what feeds them (embeddings, document loaders, text splitters, retrievers),
and the chains and classifiers that route or retrieve. WorkFuse has no vector store, so nothing
here is approximated."""

from __future__ import annotations

from editor.n8n.converter import LANGCHAIN, Converted, Converter, N8nNode, Refusal, Spec

NO_VECTOR_STORE = (
    "WorkFuse has no vector store, so retrieval (RAG) workflows cannot be imported: keep the "
    "documents in a service with an HTTP API and give the agent an HTTP tool that searches it."
)
VECTOR_STORES = [
    "vectorStoreAzureAISearch",
    "vectorStoreInMemory",
    "vectorStoreInMemoryInsert",
    "vectorStoreInMemoryLoad",
    "vectorStoreMilvus",
    "vectorStoreMongoDBAtlas",
    "vectorStorePGVector",
    "vectorStorePinecone",
    "vectorStorePineconeInsert",
    "vectorStorePineconeLoad",
    "vectorStoreQdrant",
    "vectorStoreRedis",
    "vectorStoreSupabase",
    "vectorStoreSupabaseInsert",
    "vectorStoreSupabaseLoad",
    "vectorStoreWeaviate",
    "vectorStoreZep",
    "vectorStoreZepInsert",
    "vectorStoreZepLoad",
]
FEEDERS = {
    "embeddings": "computes embeddings for a vector store",
    "document": "loads documents into a vector store",
    "textSplitter": "splits documents for a vector store",
    "retriever": "retrieves documents from a vector store",
    "reranker": "reranks documents retrieved from a vector store",
}
FEEDER_TYPES = [
    "embeddingsAwsBedrock",
    "embeddingsAzureOpenAi",
    "embeddingsCohere",
    "embeddingsGoogleGemini",
    "embeddingsGoogleVertex",
    "embeddingsHuggingFaceInference",
    "embeddingsLemonade",
    "embeddingsMistralCloud",
    "embeddingsOllama",
    "embeddingsOpenAi",
    "documentBinaryInputLoader",
    "documentDefaultDataLoader",
    "documentGithubLoader",
    "documentJsonInputLoader",
    "textSplitterCharacterTextSplitter",
    "textSplitterRecursiveCharacterTextSplitter",
    "textSplitterTokenSplitter",
    "retrieverContextualCompression",
    "retrieverMultiQuery",
    "retrieverVectorStore",
    "retrieverWorkflow",
    "rerankerCohere",
]
OTHERS = {
    "chainRetrievalQa": "answers questions from a vector store's documents. " + NO_VECTOR_STORE,
    "memoryChatRetriever": "reads an agent's memory directly; WorkFuse has no such node.",
    "code": (
        "runs LangChain code; WorkFuse has no LangChain runtime. Use an AI Agent or a Code "
        "node instead."
    ),
    "openAiAssistant": (
        "runs an OpenAI Assistant (threads and files kept by OpenAI); WorkFuse's agents keep "
        "their own conversation. Use an AI Agent with an OpenAI chat model instead."
    ),
    "toolExecutor": "runs an agent tool by itself; WorkFuse runs tools only inside an agent.",
    "guardrails": "checks text with guardrail rules; WorkFuse has no guardrails node.",
}


def _reason(node: N8nNode) -> str:
    name = node.type.removeprefix(LANGCHAIN)
    if name in VECTOR_STORES:
        return "is a vector store. " + NO_VECTOR_STORE
    for prefix, what in FEEDERS.items():
        if name.startswith(prefix):
            return f"{what}. " + NO_VECTOR_STORE
    return OTHERS[name]


def _refuse(node: N8nNode, cx: Converter) -> Converted:
    raise Refusal(_reason(node))


SPECS: dict[str, Spec] = {
    f"{LANGCHAIN}{name}": Spec(_refuse, None) for name in [*VECTOR_STORES, *FEEDER_TYPES, *OTHERS]
}
