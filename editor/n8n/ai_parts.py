"""The sub-nodes of n8n's AI nodes — chat models, memory and output parsers — read into the
settings of the agent or chain they are attached to by their `ai_*` connections.

A sub-node's expressions are evaluated by n8n with the item of the node it is attached to, so
they are translated in that node's context (`converter.value(v, root)`). Tools are in
editor/n8n/ai_tools.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from editor.n8n import ai_schema  # ai3
from editor.n8n.converter import LANGCHAIN, Converter, N8nNode, Refusal, json_text
from editor.nodes.action_ai import checked_schema

MODEL, MEMORY, PARSER, TOOL = "ai_languageModel", "ai_memory", "ai_outputParser", "ai_tool"
CHAT_TRIGGERS = (f"{LANGCHAIN}chatTrigger", f"{LANGCHAIN}manualChatTrigger")
AI_CREDENTIAL_NOTE = (
    "Credentials are not imported: choose an AI provider credential, or leave it empty to use "
    "the server's key for {provider}."
)


@dataclass(frozen=True)
class ChatModel:
    """How an n8n chat model sub-node becomes a WorkFuse provider and model."""

    provider: str  # WorkFuse's provider
    key: str  # the parameter holding the model name
    default: str  # n8n's default model (parameters left at their default are not exported)
    service: str
    base_url: str | None = None  # for openai_compatible services


CHAT_MODELS: dict[str, ChatModel] = {
    f"{LANGCHAIN}lmChatOpenAi": ChatModel("openai", "model", "gpt-4.1-mini", "OpenAI"),
    f"{LANGCHAIN}lmOpenAi": ChatModel("openai", "model", "gpt-3.5-turbo-instruct", "OpenAI"),
    f"{LANGCHAIN}lmChatAnthropic": ChatModel(
        "anthropic", "model", "claude-sonnet-4-5-20250929", "Anthropic"
    ),
    f"{LANGCHAIN}lmChatGoogleGemini": ChatModel(
        "gemini", "modelName", "models/gemini-2.5-flash", "Google Gemini"
    ),
    f"{LANGCHAIN}lmChatOllama": ChatModel(
        "openai_compatible", "model", "llama3.2", "Ollama", "http://localhost:11434/v1"
    ),
    f"{LANGCHAIN}lmOllama": ChatModel(
        "openai_compatible", "model", "llama3.2", "Ollama", "http://localhost:11434/v1"
    ),
    f"{LANGCHAIN}lmChatGroq": ChatModel(
        "openai_compatible", "model", "llama3-8b-8192", "Groq", "https://api.groq.com/openai/v1"
    ),
    f"{LANGCHAIN}lmChatOpenRouter": ChatModel(
        "openai_compatible",
        "model",
        "openai/gpt-4.1-mini",
        "OpenRouter",
        "https://openrouter.ai/api/v1",
    ),
    f"{LANGCHAIN}lmChatMistralCloud": ChatModel(
        "openai_compatible", "model", "mistral-small", "Mistral", "https://api.mistral.ai/v1"
    ),
    f"{LANGCHAIN}lmChatDeepSeek": ChatModel(
        "openai_compatible", "model", "deepseek-chat", "DeepSeek", "https://api.deepseek.com/v1"
    ),
    f"{LANGCHAIN}lmChatXAiGrok": ChatModel(
        "openai_compatible", "model", "grok-2-vision-1212", "xAI", "https://api.x.ai/v1"
    ),
}
# Models whose default changed with the node's version: (type, versions below) -> default.
OLDER_DEFAULTS = {
    (f"{LANGCHAIN}lmChatOpenAi", 1.2): "gpt-4o-mini",
    (f"{LANGCHAIN}lmChatAnthropic", 1.1): "claude-2",
    (f"{LANGCHAIN}lmChatAnthropic", 1.2): "claude-3-sonnet-20240229",
    (f"{LANGCHAIN}lmChatAnthropic", 1.3): "claude-3-5-sonnet-20240620",
}
KEPT_OPTIONS = {
    "temperature",
    "maxTokens",
    "maxTokensToSample",
    "maxOutputTokens",
    "numPredict",
    "baseURL",
    "responseFormat",
}
MEMORIES = {
    f"{LANGCHAIN}memoryBufferWindow": "",
    f"{LANGCHAIN}memoryPostgresChat": "a PostgreSQL table",
    f"{LANGCHAIN}memoryRedisChat": "Redis",
    f"{LANGCHAIN}memoryMongoDbChat": "MongoDB",
    f"{LANGCHAIN}memoryXata": "Xata",
    f"{LANGCHAIN}memoryZep": "Zep",
    f"{LANGCHAIN}memoryMotorhead": "Motorhead",
}
PARSERS = {
    f"{LANGCHAIN}outputParserStructured",
    f"{LANGCHAIN}outputParserAutofixing",
    f"{LANGCHAIN}outputParserItemList",
}
DEFAULT_EXAMPLE = {"state": "California", "cities": ["Los Angeles", "San Francisco", "San Diego"]}
DEFAULT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "state": {"type": "string"},
        "cities": {"type": "array", "items": {"type": "string"}},
    },
}


def attached(cx: Converter, node: N8nNode, kind: str) -> list[N8nNode]:
    """The enabled sub-nodes attached to `node` by connections of `kind`, in export order."""
    names: list[str] = []
    for source, kinds in (cx.data.get("connections") or {}).items():
        if not isinstance(kinds, dict):
            continue
        for targets in _list(kinds.get(kind)):
            for target in _list(targets):
                if isinstance(target, dict) and target.get("node") == node.name:
                    names.append(str(source))
    found: list[N8nNode] = []
    for index, raw in enumerate(cx.data.get("nodes") or []):
        if isinstance(raw, dict) and str(raw.get("name")) in names and not raw.get("disabled"):
            params = raw.get("parameters")
            found.append(
                N8nNode(
                    index,
                    str(raw["name"]),
                    str(raw.get("type") or ""),
                    _version(raw),
                    params if isinstance(params, dict) else {},
                    raw,
                )
            )
    return found


def described(node: N8nNode) -> str:
    return f"'{node.name}' ({node.type})"


# --- the chat model ------------------------------------------------------------------------


def chat_model(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    """provider, model, base_url, temperature and max_tokens from the attached chat model."""
    models = attached(cx, node, MODEL)
    if not models:
        raise Refusal(
            "has no chat model attached; connect one in n8n (OpenAI, Anthropic, Gemini, "
            "Ollama, Groq, OpenRouter, Mistral, DeepSeek or xAI) and export again."
        )
    model = models[0]
    if len(models) > 1:
        notes.append(
            f"n8n fell back to the second chat model when the first failed; WorkFuse uses only "
            f"'{models[0].name}'."
        )
    kind = CHAT_MODELS.get(model.type)
    if kind is None:
        raise Refusal(
            f"uses the chat model {described(model)}, which WorkFuse cannot call; use OpenAI, "
            "Anthropic, Gemini or an OpenAI-compatible service (Ollama, Groq, OpenRouter, "
            "Mistral, DeepSeek, xAI) in n8n and export again."
        )
    options = model.params.get("options") or {}
    name = resource(model.params.get(kind.key)) or _default_model(model, kind)
    # --- agenttools ---
    if "{{" in name:  # the run's data names the model: filled, then checked, when the step runs
        name = str(cx.value(f"={name}", node))
        notes.append(
            f"The model is chosen by the run's data ({name}); a name the provider does not "
            "know fails the step with the provider's error."
        )
    # --- end agenttools ---
    config: dict[str, Any] = {"provider": kind.provider, "model": name.removeprefix("models/")}
    base_url = kind.base_url
    if options.get("baseURL"):
        config["provider"], base_url = "openai_compatible", str(options["baseURL"])
    if base_url:
        config["base_url"] = base_url
    if config["provider"] == "openai_compatible":
        notes.append(
            f"Credentials are not imported: choose an AI provider credential holding your "
            f"{kind.service} key (the requests go to {base_url})."
        )
        if kind.service == "Ollama" and not options.get("baseURL"):
            notes.append(
                "n8n's Ollama credential held the server's address; WorkFuse assumes "
                f"{base_url}: change base_url if yours differs."
            )
    else:
        notes.append(AI_CREDENTIAL_NOTE.format(provider=kind.service))
    temperature = options.get("temperature")
    if isinstance(temperature, int | float) and 0 <= temperature <= 2:
        config["temperature"] = temperature
    tokens = next(
        (
            options[k]
            for k in ("maxTokens", "maxTokensToSample", "maxOutputTokens", "numPredict")
            if isinstance(options.get(k), int) and options[k] > 0
        ),
        None,
    )
    if tokens is not None:
        config["max_tokens"] = min(tokens, 200_000)
    dropped = sorted(set(options) - KEPT_OPTIONS)
    if dropped:
        notes.append(f"The n8n model options {', '.join(dropped)} are not carried over.")
    return config


def _default_model(model: N8nNode, kind: ChatModel) -> str:
    for (name, below), default in sorted(OLDER_DEFAULTS.items(), key=lambda e: e[0][1]):
        if name == model.type and model.version < below:
            return default
    return kind.default


def resource(value: Any) -> str:
    """n8n resource locators ({"__rl": true, "value": ...}) or plain strings."""
    if isinstance(value, dict):
        value = value.get("value")
    return str(value if value is not None else "").removeprefix("=")


# --- memory --------------------------------------------------------------------------------


def memory(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any] | None:
    """`{session_key, max_messages}` from the attached memory, or None without one."""
    found = attached(cx, node, MEMORY)
    if not found:
        return None
    sub = found[0]
    if sub.type not in MEMORIES:
        raise Refusal(
            f"remembers the conversation with {described(sub)}, which WorkFuse has no form "
            "for; use Simple Memory (or Postgres/Redis chat memory) in n8n and export again."
        )
    p = sub.params
    if sub.type == f"{LANGCHAIN}memoryBufferWindow" and sub.version < 1.2:
        default = "chat_history" if sub.version < 1.1 else "={{ $json.sessionId }}"
        key = _session(cx.value(p.get("sessionKey", default), node))
    elif (p.get("sessionIdType") or "fromInput") == "fromInput":
        key = _from_chat(node, cx)
    else:
        key = _session(cx.value(p.get("sessionKey", ""), node))
    if not key:
        raise Refusal(f"its memory {described(sub)} has no session key; set one in n8n.")
    length = p.get("contextWindowLength", 5)
    if not isinstance(length, int) or length < 1:
        raise Refusal(f"its memory {described(sub)} keeps {length!r} interactions; use a number.")
    # An n8n "interaction" is a question and its answer: two messages.
    max_messages = min(max(2 * length, 2), 500)
    if 2 * length > 500:
        notes.append(f"n8n remembered {length} interactions; WorkFuse remembers at most 250.")
    storage = MEMORIES[sub.type]
    if storage:
        notes.append(
            f"n8n kept this conversation in {storage}; WorkFuse keeps it in its own database, "
            "so what is stored there now is not seen."
        )
    else:
        # Simple Memory is scoped to the workflow in n8n (`<workflow id>__<session>`).
        key = "{{ workflow.id }}__" + key
    return {"session_key": key, "max_messages": max_messages}


def _from_chat(node: N8nNode, cx: Converter) -> str:
    """n8n reads `$json.sessionId`, else the chat trigger's session id."""
    chat = any(
        isinstance(raw, dict) and raw.get("type") in CHAT_TRIGGERS and not raw.get("disabled")
        for raw in cx.data.get("nodes") or []
    )
    if chat:
        return "{{ trigger.session_id }}"
    return _session(cx.value("={{ $json.sessionId }}", node))


def _session(value: Any) -> str:
    return str(value if value is not None else "").strip()


# --- output parsers ------------------------------------------------------------------------


def output_parser(node: N8nNode, cx: Converter) -> N8nNode | None:
    """The output parser `node` uses: attached, and asked for where n8n has the switch
    ("Require Specific Output Format", absent from the oldest versions)."""
    if node.params.get("hasOutputParser", _parser_default(node)) is not True:
        return None
    found = attached(cx, node, PARSER)
    return found[0] if found else None


def _parser_default(node: N8nNode) -> bool:
    """Where the switch is hidden n8n reads it as on; where shown, it defaults to off."""
    if node.type == f"{LANGCHAIN}agent":
        return node.version <= 1.2
    if node.type == f"{LANGCHAIN}chainLlm":
        return node.version in (1, 1.1, 1.3)
    return True


def output_schema(parser: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    """The JSON Schema the parser holds the answer to."""
    schema = _output_schema(parser, cx, notes)
    schema = ai_schema.as_n8n_reads(schema, notes)  # ai3
    try:
        checked_schema(schema)
    except ValueError as exc:
        raise Refusal(
            f"its output parser {described(parser)} has a schema WorkFuse cannot use ({exc}); "
            "fix it in n8n and export again."
        ) from None
    return schema


def _output_schema(parser: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = parser.params
    if parser.type == f"{LANGCHAIN}outputParserAutofixing":
        inner = attached(cx, parser, PARSER)
        if not inner:
            raise Refusal(f"its output parser {described(parser)} wraps no parser.")
        notes.append(
            "n8n asked a model to repair an answer that did not parse; WorkFuse asks the agent "
            "again (twice at most) with what was wrong."
        )
        return output_schema(inner[0], cx, notes)
    if parser.type == f"{LANGCHAIN}outputParserItemList":
        notes.append(
            "n8n parsed a list from the answer's lines; WorkFuse asks for a JSON list of strings."
        )
        schema: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
        count = (p.get("options") or {}).get("numberOfItems")
        if isinstance(count, int) and count > 0:
            schema["maxItems"] = count
        return schema
    if parser.type != f"{LANGCHAIN}outputParserStructured":
        raise Refusal(
            f"uses the output parser {described(parser)}, which WorkFuse has no form for."
        )
    if p.get("autoFix"):
        notes.append(
            "n8n's parser repaired answers that did not parse; WorkFuse asks the model again "
            "(twice at most) with what was wrong."
        )
    if parser.version <= 1.1:
        return _schema_text(p.get("jsonSchema"), DEFAULT_SCHEMA, parser)
    if (p.get("schemaType") or "fromJson") == "fromJson":
        example = json_text(p.get("jsonSchemaExample", json.dumps(DEFAULT_EXAMPLE)))
        if example is None or (
            isinstance(p.get("jsonSchemaExample"), str)
            and str(p["jsonSchemaExample"]).startswith("=")
        ):
            raise Refusal(
                f"its output parser {described(parser)} has an example that is not JSON; fix it "
                "in n8n and export again."
            )
        return schema_from_example(example, required=parser.version >= 1.3)
    return _schema_text(p.get("inputSchema"), DEFAULT_SCHEMA, parser)


def _schema_text(text: Any, default: dict[str, Any], parser: N8nNode) -> dict[str, Any]:
    if text is None:
        return default
    schema = json_text(text)
    if not isinstance(schema, dict):
        raise Refusal(
            f"its output parser {described(parser)} has a JSON Schema that is not a JSON "
            "object; fix it in n8n and export again."
        )
    schema.pop("$schema", None)
    return schema


def schema_from_example(value: Any, required: bool) -> dict[str, Any]:
    """The JSON Schema n8n derives from an example (the `generate-schema` package's rules:
    types by value, an array's items from its elements; with `required`, every object's
    properties are required, as n8n's parsers from version 1.3 make them)."""
    if isinstance(value, dict):
        properties = {key: schema_from_example(item, required) for key, item in value.items()}
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required and properties:
            schema["required"] = list(properties)
        return schema
    if isinstance(value, list):
        kinds = {_kind(item) for item in value}
        if len(kinds) > 1:
            return {"type": "array", "items": {"oneOf": [{"type": k} for k in sorted(kinds)]}}
        if not value:
            return {"type": "array", "items": {}}
        if isinstance(value[0], dict):
            merged: dict[str, Any] = {}
            for item in value:
                merged.update(item)
            return {"type": "array", "items": schema_from_example(merged, required)}
        return {"type": "array", "items": schema_from_example(value[0], required)}
    return {"type": _kind(value)}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"


def _version(raw: dict[str, Any]) -> float:
    try:
        return float(raw.get("typeVersion") or 1)
    except (TypeError, ValueError):
        return 1.0


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
