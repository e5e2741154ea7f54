"""n8n's vector stores (Qdrant, Pinecone, Supabase, Simple / In-Memory) as
`action.vector_store` steps and agents' `vector_store` tools, with the sub-nodes that feed them folded into the settings:
the embeddings (OpenAI, Mistral: the step's `embeddings`), the Default Data Loader (its data:
the step's per-item `text` and `metadata`) and its Recursive Character Text Splitter
(`chunk_size`, `chunk_overlap`, split exactly as n8n splits). Modes: insert -> insert, load ->
search, retrieve-as-tool and the Vector Store Tool -> the agent's tool. Which nodes count as
parts of another is editor/n8n/attachments.py's rule; a part that cannot be imported is
refused by name, with the store it feeds."""

from __future__ import annotations

from typing import Any

from editor.n8n import ai_refused, per_item_files  # perfiles: per_item_files
from editor.n8n.ai_parts import AI_CREDENTIAL_NOTE, attached, described
from editor.n8n.attachments import VECTOR_STORES, is_part
from editor.n8n.converter import LANGCHAIN, Converted, Converter, N8nNode, Refusal, Spec
from editor.nodes.vectors.settings import SUPABASE_QUERY

QDRANT_LOCAL = "http://localhost:6333"
SERVICES = {  # n8n type -> (WorkFuse store kind, the parameter naming the collection, default)
    f"{LANGCHAIN}vectorStoreQdrant": ("qdrant", "qdrantCollection", ""),
    f"{LANGCHAIN}vectorStorePinecone": ("pinecone", "pineconeIndex", ""),
    f"{LANGCHAIN}vectorStoreInMemory": ("workfuse", "memoryKey", "vector_store_key"),
    f"{LANGCHAIN}vectorStoreSupabase": ("supabase", "tableName", ""),
}
SUPABASE_NOTE = (
    "Credentials are not imported: choose a Supabase credential. WorkFuse stores rows "
    "{content, metadata, embedding} and searches with the table's match function, as n8n "
    "(LangChain) does."
)
LOADER = f"{LANGCHAIN}documentDefaultDataLoader"
SPLITTER = f"{LANGCHAIN}textSplitterRecursiveCharacterTextSplitter"
TOOL = f"{LANGCHAIN}toolVectorStore"
OPENAI_V1 = "https://api.openai.com/v1"
IN_MEMORY_NOTE = (
    "n8n's Simple Vector Store lives in the n8n process (emptied when it restarts); WorkFuse "
    "keeps the collection '{key}' in its own store: durable, and shared by every workflow of "
    "yours that names it."
)
LOADER_NOTE = (
    "n8n also stores LangChain's loader metadata (source, blobType, line, loc) with each chunk; "
    "WorkFuse stores the metadata set on the loader."
)
BINARY_LOADERS = ("auto", "pdfLoader", "textLoader", "csvLoader", "jsonLoader")
BINARY_LOADERS_REFUSED = {"docxLoader": "DOCX", "epubLoader": "EPUB"}
FIRST_FILE_NOTE = (
    "n8n's loader '{loader}' loads every file of the item; WorkFuse loads its first file."
)
BINARY_NOTE = (
    "n8n reads a file's text with LangChain's loaders (pdf.js for PDFs); WorkFuse reads it "
    "by the file's content type, PDFs with pypdf, whose text may differ in spacing and line "
    "breaks, and refuses DOCX and EPUB files when the run meets one."
)
TOKEN_SPLITTER = f"{LANGCHAIN}textSplitterTokenSplitter"
CHARS_PER_TOKEN = 4  # OpenAI's rule of thumb for English text in cl100k_base
BY_CHARACTERS_NOTE = (
    "n8n's Token Splitter '{name}' cut chunks of {size} tokens ({overlap} overlapping) with "
    "tiktoken's cl100k_base, wherever a token ends; WorkFuse splits by characters at paragraph, "
    "line and word breaks, {chars} characters a chunk ({chars_overlap} overlapping), about 4 "
    "characters a token: chunks of other languages or of code hold more or fewer tokens."
)
# A chunkOverlap of `{}` (an empty object where n8n's number belongs, as some exports carry)
# reaches LangChain as is: every `total > chunkOverlap` is false (`{}` compares as NaN), so its
# merge drops pieces only to make room, never to shorten the overlap. An overlap of size - 1
# does the same: that test is true only when a chunk is full, and then the next piece does not
# fit either, so the piece is dropped anyway.
UNSET_OVERLAP_NOTE = (
    "n8n's splitter '{name}' has an empty chunk overlap ({{}}), a limit LangChain never "
    "applies (it compares as no number), so each chunk repeats as much of the one before as "
    "fits in its {size} characters: imported as an overlap of {overlap} characters (one below "
    "the size), which splits the same."
)
SPLITTERS_REFUSED = {
    "textSplitterCharacterTextSplitter": (
        "splits on one separator; WorkFuse splits recursively: use a Recursive Character Text "
        "Splitter in n8n and export again"
    ),
}


# --- the parts ---------------------------------------------------------------------------------


PART_KINDS = ("ai_embedding", "ai_document", "ai_textSplitter", "ai_vectorStore", "ai_retriever")


def _part_refused(part: N8nNode, cx: Converter, message: str) -> Refusal:
    """`message` about a part, reported on the part too (it counts as refused), and on the
    parts that feed it."""
    cx.refuse(part, f"n8n node '{part.name}' ({part.type}): {message}")
    refuse_parts(part, cx)
    return Refusal(f"its {described(part)} {message}")


def refuse_parts(node: N8nNode, cx: Converter) -> None:
    """Report the parts feeding `node`, which is not imported, as not imported either."""
    for kind in PART_KINDS:
        for part in attached(cx, node, kind):
            if part.name in cx.refusals or not is_part(cx.data, part.name, part.type):
                continue  # refused already, or a node of its own refused by its Spec
            cx.refuse(
                part,
                f"n8n node '{part.name}' ({part.type}) configures '{node.name}', which is not "
                "imported (see its reason).",
            )
            refuse_parts(part, cx)


def _literal(node: N8nNode, what: str, value: Any) -> str:
    """A setting of a tool, which WorkFuse takes literally: no expressions of the run's data."""
    text = str(value if value is not None else "")
    if text.startswith("="):
        if "{{" in text:
            raise Refusal(
                f"takes its {what} from the run's data ({text[1:]}), and an agent's tool has "
                "fixed settings; write it without an expression in n8n and export again."
            )
        text = text[1:]
    return text


def _setting(node: N8nNode, cx: Converter, what: str, value: Any, literal: bool) -> Any:
    return _literal(node, what, value) if literal else cx.value(value, node)


def _number(node: N8nNode, what: str, value: Any, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refusal(f"sets {what} from an expression ({value}); WorkFuse needs a number there.")
    return int(value)


def top_k(node: N8nNode, cx: Converter, value: Any, reader: N8nNode | None = None) -> Any:
    """`topK` (4 by default): a number, or an expression as a template the search step renders
    (over the items of `reader`, the node searching, when given)."""
    if isinstance(value, str) and value.startswith("="):
        return cx.value(value, reader or node)
    return _number(node, "topK", value, 4)


def store(
    node: N8nNode,
    cx: Converter,
    notes: list[str],
    literal: bool = False,
    reader: N8nNode | None = None,
) -> dict[str, Any]:
    """The step's `store` from the vector store `node`; its expressions read the items of
    `reader` (the node searching through it, a Q&A chain) when given, else `node`'s own."""
    kind, key, default = SERVICES[node.type]
    owner = reader or node
    p = node.params
    raw = p.get(key, default)
    raw = raw.get("value") if isinstance(raw, dict) else raw
    if raw in (None, ""):
        raise Refusal(f"names no {key}; choose one in n8n and export again.")
    settings: dict[str, Any] = {
        "kind": kind,
        "collection": _setting(owner, cx, key, raw, literal),
    }
    options = dict(p.get("options") or {})
    namespace = options.pop("pineconeNamespace", None)
    if namespace:
        settings["namespace"] = _setting(owner, cx, "namespace", namespace, literal)
    query_name = options.pop("queryName", None) if kind == "supabase" else None
    if query_name and query_name != SUPABASE_QUERY:
        settings["query_name"] = _literal(node, "queryName", query_name)
    if options.pop("clearNamespace", False) and node.params.get("mode") == "insert":
        settings["clear"] = True  # taken out of the store's settings by the insert
    # --- vector ---
    if kind == "supabase" and options.get("metadata") and p.get("mode") != "insert":
        settings["metadata_filter"] = _metadata_filter(owner, cx, options.pop("metadata"), literal)
    # --- end vector ---
    if options:
        raise Refusal(
            f"sets {', '.join(sorted(options))}, which WorkFuse's vector store does not have "
            "(metadata filters, namespace clearing, search filters); remove them in n8n and "
            "export again."
        )
    if kind == "qdrant":
        settings["url"] = QDRANT_LOCAL
        notes.append(
            "n8n keeps the Qdrant address in its credential: set the store's url (imported as "
            f"Qdrant's local address, {QDRANT_LOCAL}) and choose an API key credential if the "
            "server needs one."
        )
    elif kind == "pinecone":
        notes.append("Credentials are not imported: choose an API key credential for Pinecone.")
    elif kind == "supabase":
        notes.append(SUPABASE_NOTE)
    else:
        notes.append(IN_MEMORY_NOTE.format(key=settings["collection"]))
    return settings


# --- vector ---
OLLAMA_V1 = "http://localhost:11434/v1"  # Ollama's default address, its OpenAI-compatible API
OLLAMA_NOTE = (
    "Credentials are not imported: choose an AI provider credential holding your Ollama key "
    "if your server needs one. n8n's Ollama credential held the server's address; WorkFuse "
    f"assumes Ollama's default, {OLLAMA_V1}: change the embeddings' base_url if yours "
    "differs (a server in a private network needs WORKFUSE_HTTP_ALLOW_PRIVATE=1)."
)
# n8n's older Binary Input Loader (hidden since it became the Default Data Loader's binary
# type): the same N8nBinaryLoader, with its settings at the top level and JSON by default.
BINARY_LOADER = f"{LANGCHAIN}documentBinaryInputLoader"


def _binary_loader_options(part: N8nNode, cx: Converter) -> dict[str, Any]:
    """The Binary Input Loader's file settings, where the Default Data Loader keeps them."""
    p = part.params
    if str(p.get("pointers", "") or "").strip():
        raise _part_refused(part, cx, "picks JSON pointers, which WorkFuse's loader does not have.")
    return {k: p[k] for k in ("splitPages", "column", "separator") if k in p}


EMBEDDING_SERVICES = {  # n8n embeddings WorkFuse does not call, by the API they call
    "embeddingsHuggingFaceInference": "Hugging Face's Inference API",
    "embeddingsCohere": "Cohere",
    "embeddingsAwsBedrock": "AWS Bedrock",
    "embeddingsAzureOpenAi": "Azure OpenAI's deployments",
    "embeddingsGoogleVertex": "Google Vertex AI",
    "embeddingsGooglePalm": "Google PaLM",
}


def _embedding_service(name: str) -> str:
    """The refusal's parenthesis opens with the API n8n's embeddings call, when known."""
    service = EMBEDDING_SERVICES.get(name)
    return f"{service}; WorkFuse's store uses " if service else "it uses "


def _metadata_filter(
    owner: N8nNode, cx: Converter, metadata: dict[str, Any], literal: bool
) -> dict[str, Any]:
    """n8n's "Metadata Filter" (name and value pairs), which LangChain's SupabaseVectorStore
    gives the search function as `filter`."""
    found: dict[str, Any] = {}
    for entry in metadata.get("metadataValues") or []:
        name = _literal(owner, "metadata filter name", entry.get("name"))
        found[name] = _setting(owner, cx, "metadata filter value", entry.get("value", ""), literal)
    return found


# --- end vector ---


def embeddings(
    owner: N8nNode, cx: Converter, notes: list[str], literal: bool = False
) -> dict[str, Any]:
    found = attached(cx, owner, "ai_embedding")
    if not found:
        raise Refusal("has no embeddings attached; connect an Embeddings node in n8n.")
    part = found[0]
    p = part.params
    options = dict(p.get("options") or {})
    name = part.type.removeprefix(LANGCHAIN)
    if name == "embeddingsOpenAi":
        model = p.get(
            "model", "text-embedding-ada-002" if part.version < 1.1 else "text-embedding-3-small"
        )
        settings: dict[str, Any] = {"provider": "openai", "model": _literal(part, "model", model)}
        base_url = options.pop("baseURL", None)
        if base_url and str(base_url).rstrip("/") != OPENAI_V1:
            settings.update(
                provider="openai_compatible", base_url=_literal(part, "base URL", base_url)
            )
        service = "OpenAI"
    elif name == "embeddingsMistralCloud":
        model = p.get("model", "mistral-embed")
        settings = {
            "provider": "openai_compatible",
            "model": _literal(part, "model", model),
            "base_url": "https://api.mistral.ai/v1",
        }
        service = "Mistral"
    # --- vector ---
    elif name == "embeddingsOllama":
        # LangChain's OllamaEmbeddings posts to /api/embed; Ollama's /v1/embeddings runs the
        # same embedding (normalised vectors). It sends texts as they are: no newline stripping.
        settings = {
            "provider": "openai_compatible",
            "model": _literal(part, "model", p.get("model", "llama3.2")),
            "base_url": OLLAMA_V1,
        }
        options.setdefault("stripNewLines", False)
        notes.append(OLLAMA_NOTE)
        service = "Ollama"
    # --- end vector ---
    elif name == "embeddingsGoogleGemini":
        model = p.get("modelName", "models/text-embedding-004")
        settings = {"provider": "gemini", "model": _literal(part, "model", model)}
        service = "Gemini"
    else:
        raise _part_refused(
            part,
            cx,
            "computes embeddings with a service WorkFuse's vector store cannot call ("
            + _embedding_service(name)
            + "OpenAI, Gemini or an OpenAI-compatible server such as Mistral or "
            "Ollama's /v1 API), and a store's inserts and searches must use one model; use "
            "Embeddings OpenAI in n8n, for this store's insert and its searches, and export "
            "again.",
        )
    dimensions = options.pop("dimensions", None)
    if dimensions:
        settings["dimensions"] = _number(part, "dimensions", dimensions, 0)
    # LangChain's embeddings replace line breaks by spaces before embedding unless told not to.
    settings["strip_newlines"] = bool(options.pop("stripNewLines", True))
    options.pop("batchSize", None)  # how many texts per request: the vectors are the same
    options.pop("timeout", None)
    options.pop("maxRetries", None)
    if options:
        raise _part_refused(
            part, cx, f"sets {', '.join(sorted(options))}, which WorkFuse does not have."
        )
    if service != "Ollama":  # vector: OLLAMA_NOTE says it
        notes.append(AI_CREDENTIAL_NOTE.format(provider=service))
    return settings


def loader(
    owner: N8nNode, cx: Converter, notes: list[str], before: list[dict[str, Any]]
) -> dict[str, Any]:
    """`text`, `metadata`, `chunk_size` and `chunk_overlap` from the attached loader and its
    splitter. The loader's expressions are evaluated by n8n with each item of the store. A
    loader of binary files adds the step that reads their texts to `before`."""
    found = attached(cx, owner, "ai_document")
    if not found:
        raise Refusal("has no document loader attached; connect a Default Data Loader in n8n.")
    part = found[0]
    if part.type not in (LOADER, BINARY_LOADER):  # vector: BINARY_LOADER
        raise _part_refused(
            part, cx, "is a loader WorkFuse does not have; use the Default Data Loader in n8n."
        )
    p = part.params
    options = dict(p.get("options") or {})
    config: dict[str, Any] = {}
    # --- vector ---
    if part.type == BINARY_LOADER:
        config["text"] = _file_texts(
            owner, part, cx, _binary_loader_options(part, cx), notes, before
        )
    # --- end vector ---
    elif p.get("dataType", "json") == "binary":
        config["text"] = _file_texts(owner, part, cx, options, notes, before)
    elif p.get("jsonMode", "allInputData") == "expressionData":
        config["text"] = cx.value(p.get("jsonData", ""), owner)
    else:
        config["text"] = ""
    if str(options.pop("pointers", "") or "").strip():
        raise _part_refused(part, cx, "picks JSON pointers, which WorkFuse's loader does not have.")
    metadata: dict[str, Any] = {}
    for entry in (options.pop("metadata", None) or {}).get("metadataValues") or []:
        name = _literal(part, "metadata name", entry.get("name"))
        metadata[name] = cx.value(entry.get("value", ""), owner)
    if metadata:
        config["metadata"] = metadata
    if options:
        raise _part_refused(
            part, cx, f"sets {', '.join(sorted(options))}, which WorkFuse does not have."
        )
    config.update(_splitter(part, cx, notes))
    notes.append(LOADER_NOTE)
    return config


def _file_texts(
    owner: N8nNode,
    part: N8nNode,
    cx: Converter,
    options: dict[str, Any],
    notes: list[str],
    before: list[dict[str, Any]],
) -> str:
    """A `utility.extract_file` step reading the store's input file as documents (by its content
    type, as n8n's loader in "auto" does), and the template of its texts."""
    p = part.params
    kind = p.get("loader", "jsonLoader" if part.type == BINARY_LOADER else "auto")  # vector
    if kind not in BINARY_LOADERS:
        raise _part_refused(
            part,
            cx,
            f"loads {BINARY_LOADERS_REFUSED.get(kind, kind)} files, whose text WorkFuse cannot "
            "read; convert them to PDF or text in n8n and export again.",
        )
    every = p.get("binaryMode", "allInputData") == "allInputData"
    try:
        file = cx.file_ref(owner, p.get("binaryDataKey", "data"), first=every)
    except Refusal as exc:
        # --- perfiles ---
        clearing = per_item_files.clearing_refused(cx, owner)
        if clearing:
            raise Refusal(clearing) from None
        # --- end perfiles ---
        raise _part_refused(part, cx, str(exc)) from None
    config: dict[str, Any] = {"file": file, "format": "documents"}
    # n8n's PDF loader makes a document of each page unless told not to.
    config["join_pages"] = options.pop("splitPages", True) is False
    separator = options.pop("separator", ",")
    if separator not in ("", ","):
        config["delimiter"] = _literal(part, "CSV separator", separator)
    column = options.pop("column", "")
    if column:
        config["column"] = _literal(part, "CSV column", column)
    step = cx.step_id(owner, "text")
    before.append(
        {
            "id": step,
            "type": "utility.extract_file",
            "label": f"{owner.name} (read file)",
            "config": config,
            "notes": f"Added on import: reads the file n8n's loader '{part.name}' loaded.",
        }
    )
    if every:
        notes.append(FIRST_FILE_NOTE.format(loader=part.name))
    notes.append(BINARY_NOTE)
    return "{{ nodes." + step + ".documents }}"


def _splitter(part: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    found = attached(cx, part, "ai_textSplitter")
    if not found:
        if part.version >= 1.1 and part.params.get("textSplittingMode", "simple") == "simple":
            return {"chunk_size": 1000, "chunk_overlap": 200}  # the loader's "simple" splitting
        raise Refusal(f"its {described(part)} has no text splitter attached, which n8n requires.")
    splitter = found[0]
    name = splitter.type.removeprefix(LANGCHAIN)
    if splitter.type == TOKEN_SPLITTER:
        return _token_splitter(splitter, cx, notes)
    if splitter.type != SPLITTER:
        reason = SPLITTERS_REFUSED.get(
            name,
            "is a splitter WorkFuse does not have; use a Recursive Character Text Splitter in n8n",
        )
        raise _part_refused(splitter, cx, reason + ".")
    p = splitter.params
    if (p.get("options") or {}).get("splitCode"):
        raise _part_refused(
            splitter,
            cx,
            "splits by a programming language's separators, which WorkFuse does not have.",
        )
    size = _number(splitter, "chunkSize", p.get("chunkSize"), 1000)
    if p.get("chunkOverlap") == {} and size > 1:
        notes.append(UNSET_OVERLAP_NOTE.format(name=splitter.name, size=size, overlap=size - 1))
        return {"chunk_size": size, "chunk_overlap": size - 1}
    overlap = _number(splitter, "chunkOverlap", p.get("chunkOverlap"), 0)
    if not 0 <= overlap < size:
        raise _part_refused(
            splitter, cx, f"has a chunk overlap ({overlap}) not below its chunk size ({size})."
        )
    return {"chunk_size": size, "chunk_overlap": overlap}


def _token_splitter(splitter: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    """n8n's Token Splitter (defaults 1000 tokens, no overlap) as characters, 4 a token."""
    p = splitter.params
    size = _number(splitter, "chunkSize", p.get("chunkSize"), 1000)
    overlap = _number(splitter, "chunkOverlap", p.get("chunkOverlap"), 0)
    if not 0 <= overlap < size or size * CHARS_PER_TOKEN > 100_000:
        raise _part_refused(
            splitter,
            cx,
            f"has chunks of {size} tokens overlapping by {overlap}; WorkFuse needs an overlap "
            "below the size and at most 25,000 tokens a chunk.",
        )
    chars, chars_overlap = size * CHARS_PER_TOKEN, overlap * CHARS_PER_TOKEN
    notes.append(
        BY_CHARACTERS_NOTE.format(
            name=splitter.name,
            size=size,
            overlap=overlap,
            chars=chars,
            chars_overlap=chars_overlap,
        )
    )
    return {"chunk_size": chars, "chunk_overlap": chars_overlap}


# --- vector store nodes ------------------------------------------------------------------------


def _convert(node: N8nNode, cx: Converter) -> Converted:
    try:
        return _converted(node, cx)
    except Refusal:
        refuse_parts(node, cx)
        raise


def _converted(node: N8nNode, cx: Converter) -> Converted:
    mode = node.params.get("mode", "retrieve")
    notes: list[str] = []
    if mode == "insert":
        before: list[dict[str, Any]] = []
        config: dict[str, Any] = {
            "operation": "insert",
            "store": store(node, cx, notes),
            "embeddings": embeddings(node, cx, notes),
            "items": None,  # the items it receives: set by the converter
            **loader(node, cx, notes, before),
        }
        if config["store"].pop("clear", False) or (
            node.params.get("clearStore") and node.type.endswith("InMemory")
        ):
            config["clear"] = True
        # --- perfiles ---
        if node.per_item:  # in the loop where its files are made: its one item per run
            config["items"] = per_item_files.items(cx, node)
            notes.append(
                per_item_files.NOTE.format(source=per_item_files.loop_source(cx.flow, node))
            )
        # --- end perfiles ---
        return Converted("action.vector_store", config, notes=notes, before=before)
    if mode == "load":
        p = node.params
        config = {
            "operation": "search",
            "store": store(node, cx, notes),
            "embeddings": embeddings(node, cx, notes),
            "query": cx.value(p.get("prompt", ""), node),
            "top_k": top_k(node, cx, p.get("topK")),
        }
        if not str(config["query"]).strip():
            raise Refusal("has no prompt to search for; set one in n8n and export again.")
        return Converted("action.vector_store", config, notes=notes)
    if mode in ("retrieve", "retrieve-as-tool"):
        raise Refusal(
            f"is in {mode} mode and feeds no AI Agent or Vector Store Tool WorkFuse can import "
            "(a retriever or Q&A chain, say); WorkFuse searches a store with an AI Agent's "
            "vector store tool or a vector store node in load mode."
        )
    raise Refusal(f"is in {mode} mode; WorkFuse's vector store inserts and searches only.")


def _spec(node: N8nNode, cx: Converter) -> Spec:
    if node.params.get("mode") == "load":
        aliases = (("document.pageContent", "text"), ("document.metadata", "metadata"))
        return Spec(_convert, "", aliases, items="results")
    return Spec(_convert, "", (("pageContent", "text"),), items="documents")


# --- agents' tools -------------------------------------------------------------------------


def agent_tool(tool: N8nNode, cx: Converter, notes: list[str], name: str) -> dict[str, Any]:
    """A vector store in retrieve-as-tool mode, or a Vector Store Tool with the store it reads,
    as a `vector_store` tool of the agent it is attached to."""
    if tool.type == TOOL:
        stores = attached(cx, tool, "ai_vectorStore")
        if not stores or stores[0].type not in VECTOR_STORES:
            which = described(stores[0]) if stores else "no vector store"
            raise Refusal(
                f"its tool {described(tool)} reads {which}; WorkFuse's vector store tool "
                "searches Qdrant, Pinecone, Supabase or WorkFuse's own store."
            )
        source = stores[0]
        p = tool.params
        description = _literal(tool, "description", p.get("description", ""))
        count = _number(tool, "topK", p.get("topK"), 4)
        include = True
        notes.append(
            f"n8n's Vector Store Tool '{tool.name}' has its own model answer from the chunks it "
            "finds; WorkFuse's tool gives the chunks to the agent's model, which answers from "
            "them."
        )
    else:
        source = tool
        p = tool.params
        description = _literal(tool, "description", p.get("toolDescription", ""))
        count = _number(tool, "topK", p.get("topK"), 4)
        include = bool(p.get("includeDocumentMetadata", True))
        if p.get("useReranker"):
            raise Refusal(f"its tool {described(tool)} reranks results, which WorkFuse does not.")
    config: dict[str, Any] = {
        "type": "vector_store",
        "name": name,
        "description": description,
        "store": store(source, cx, notes, literal=True),
        "embeddings": embeddings(source, cx, notes, literal=True),
        "top_k": count,
    }
    if not include:
        config["include_metadata"] = False
    return config


def is_vector_tool(n8n_type: str) -> bool:
    return n8n_type == TOOL or n8n_type in VECTOR_STORES


# --- what stays refused, said as it now is -----------------------------------------------------

OTHER_STORE = (
    "is a vector store WorkFuse cannot reach; WorkFuse's vector store node works with its own "
    "store, Qdrant, Pinecone and Supabase: use n8n's Simple, Qdrant, Pinecone or Supabase "
    "Vector Store and export again."
)
UNATTACHED = (
    "feeds no vector store WorkFuse can import (WorkFuse's own, Qdrant, Pinecone, Supabase), "
    "so there is nothing for it to configure."
)
RETRIEVAL = (
    "retrieves through a LangChain chain, which WorkFuse does not have: give an AI Agent a "
    "vector store tool instead (n8n's Vector Store Tool, or a vector store in retrieve-as-tool "
    "mode)."
)


# --- aitools ---
FED_UNIMPORTED = (
    "feeds {targets}, which WorkFuse does not import (see its reason), so there is nothing for "
    "it to configure."
)


def _feeder_refused(node: N8nNode, cx: Converter) -> Converted:
    """A part (embeddings, loader, splitter) no imported store reads: named with the nodes it
    feeds (a PGVector store, say), or said to feed none."""
    refuse_parts(node, cx)
    kinds = (cx.data.get("connections") or {}).get(node.name)
    targets = [
        str(target.get("node"))
        for kind, outputs in (kinds.items() if isinstance(kinds, dict) else ())
        if kind.startswith("ai_")
        for row in (outputs if isinstance(outputs, list) else ())
        for target in (row if isinstance(row, list) else ())
        if isinstance(target, dict) and str(target.get("node")) in cx.nodes
    ]
    if not targets:
        raise Refusal(UNATTACHED)
    named = " and ".join(described(cx.nodes[t]) for t in dict.fromkeys(targets))
    raise Refusal(FED_UNIMPORTED.format(targets=named))


# --- end aitools ---


def _refused(message: str) -> Spec:
    def refuse(node: N8nNode, cx: Converter) -> Converted:
        refuse_parts(node, cx)
        raise Refusal(message)

    return Spec(refuse, None)


SPECS: dict[str, Spec] = {
    **{f"{LANGCHAIN}{name}": _refused(OTHER_STORE) for name in ai_refused.VECTOR_STORES},
    **{f"{LANGCHAIN}{name}": Spec(_feeder_refused, None) for name in ai_refused.FEEDER_TYPES},
    **{
        f"{LANGCHAIN}{name}": _refused(RETRIEVAL)
        for name in ai_refused.FEEDER_TYPES
        if name.startswith(("retriever", "reranker"))
    },
    **{n8n_type: Spec(_convert, "", per_node=_spec) for n8n_type in SERVICES},
}
