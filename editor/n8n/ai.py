"""n8n's AI nodes: the AI Agent (`action.agent` with its model, memory, output parser and tools),
the Basic LLM Chain, the Information Extractor and the OpenAI nodes (`action.ai`).

Their sub-nodes are read by editor/n8n/ai_parts.py and ai_tools.py through the `ai_*`
connections; the n8n types that only refuse (vector stores and the like) are in ai_refused.py.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n import ai_media, ai_parts, ai_tools
from editor.n8n.ai_parts import (
    CHAT_MODELS,
    MEMORIES,
    PARSERS,
    chat_model,
    described,
    output_parser,
    output_schema,
    resource,
    schema_from_example,
)
from editor.n8n.converter import (
    BASE,
    LANGCHAIN,
    Converted,
    Converter,
    N8nNode,
    Refusal,
    Spec,
    json_text,
)
from editor.nodes.action_ai import checked_schema

AGENT, CHAIN = f"{LANGCHAIN}agent", f"{LANGCHAIN}chainLlm"
TOOLS_SYSTEM = "You are a helpful assistant"  # n8n's Tools Agent default system message
EXTRACTOR_SYSTEM = (
    "You are an expert extraction algorithm.\nOnly extract relevant information from the "
    "text.\nIf you do not know the value of an attribute asked to extract, you may omit the "
    "attribute's value."
)
# Basic LLM Chain messages before the prompt, as action.ai's earlier turns.
CHAIN_ROLES = {"HumanMessagePromptTemplate": "user", "AIMessagePromptTemplate": "assistant"}
SYSTEM_FIRST = (
    "n8n sent a system message after other messages; WorkFuse sends all system messages first, "
    "as the system prompt."
)
TEXT_AGENTS = ("conversationalAgent", "reActAgent", "openAiFunctionsAgent")


def _text(p: dict[str, Any], key: str, version: float, legacy_below: float) -> str:
    """What an agent or chain asks: where n8n has `promptType`, "auto" reads the chat
    trigger's `chatInput`; older versions read a parameter whose default changed."""
    if version < legacy_below:
        default = {1.0: "={{ $json.input }}", 1.1: "={{ $json.chat_input }}"}.get(
            version, "={{ $json.chatInput }}"
        )
        if version == 1.2 and key == "prompt":  # Basic LLM Chain 1.2 still read chat_input
            default = "={{ $json.chat_input }}"
        return str(p.get(key, default))
    kind = p.get("promptType") or "auto"
    if kind == "define":
        return str(p.get("text") or "")
    if kind == "guardrails":
        return "={{ $json.guardrailsInput }}"
    return "={{ $json.chatInput }}"


# --- AI Agent ------------------------------------------------------------------------------


def _agent(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    notes: list[str] = []
    if node.version >= 2:
        kind = "toolsAgent"
    else:
        kind = p.get("agent") or ("conversationalAgent" if node.version <= 1.5 else "toolsAgent")
    # --- agenttools ---
    if kind == "sqlAgent":
        source = p.get("dataSource") or "sqlite"
        where = (
            "a SQLite file, which WorkFuse cannot query: load the data into PostgreSQL, then "
            if source == "sqlite"
            else f"its {source} database; "
        )
        raise Refusal(
            f"is a SQL Agent, which lets LangChain list the tables and write queries against "
            f"{where}switch the n8n agent to the Tools Agent with a Postgres tool (operation "
            "Execute Query, its query filled by $fromAI) and a system message naming the "
            "tables, and export again: WorkFuse runs that tool as a workflow the agent calls."
        )
    # --- end agenttools ---
    if kind not in ("toolsAgent", *TEXT_AGENTS):
        raise Refusal(
            f"is a {kind}; WorkFuse's agent calls tools in a loop (n8n's Tools Agent). Switch "
            "the n8n agent to the Tools Agent and export again."
        )
    if kind != "toolsAgent":
        notes.append(
            f"n8n's {kind} chose tools by parsing text; WorkFuse's agent uses the model's "
            "native tool calls."
        )
    options = p.get("options") or {}
    config: dict[str, Any] = chat_model(node, cx, notes)
    config["prompt"] = _translated(cx, node, _text(p, "text", node.version, 1.3), "prompt")
    system = options.get("systemMessage", TOOLS_SYSTEM if kind == "toolsAgent" else "")
    if kind == "reActAgent":
        system = options.get("prefix", "")
    if kind == "conversationalAgent" and "systemMessage" not in options:
        notes.append(
            "n8n's conversational agent sent LangChain's default system message; WorkFuse "
            "sends none."
        )
    if system:
        config["system_prompt"] = str(cx.value(system, node))
    config["tools"] = ai_tools.tools(node, cx, notes)
    memory = ai_parts.memory(node, cx, notes)
    if memory:
        config["memory"] = memory
    parser = output_parser(node, cx)
    if parser is not None:
        config["output_schema"] = output_schema(parser, cx, notes)
    iterations = options.get("maxIterations", 10)
    if isinstance(iterations, int):
        config["max_iterations"] = min(max(iterations, 1), 50)
        if config["max_iterations"] != iterations:
            notes.append(f"n8n allowed {iterations} iterations; WorkFuse allows 1 to 50.")
    if options.get("returnIntermediateSteps"):
        notes.append(
            "n8n returned the intermediate steps; WorkFuse's output lists each tool call in "
            "tool_calls."
        )
    return Converted("action.agent", config, notes=notes)


def _translated(cx: Converter, node: N8nNode, text: str, what: str) -> str:
    value = str(cx.value(text, node) if text else "")
    if not value.strip():
        raise Refusal(f"has no {what}; write one in n8n and export again.")
    return value


def _agent_spec(node: N8nNode, cx: Converter) -> Spec:
    """An agent with an output parser answers in `json` (n8n: the parsed `output`)."""
    spec = SPECS[AGENT]
    if output_parser(node, cx) is not None:
        return dataclasses.replace(spec, aliases=(("output", "json"),), per_node=None)
    return dataclasses.replace(spec, per_node=None)


# --- Basic LLM Chain -----------------------------------------------------------------------


def _chain(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    notes: list[str] = []
    config: dict[str, Any] = chat_model(node, cx, notes)
    prompt = _translated(
        cx, node, _text(p, "prompt" if node.version <= 1.3 else "text", node.version, 1.4), "prompt"
    )
    system: list[str] = []
    before: list[dict[str, str]] = []  # n8n's human and AI messages, in order, then the prompt
    images: list[Any] = []
    for message in (p.get("messages") or {}).get("messageValues") or []:
        kind = message.get("type") or "SystemMessagePromptTemplate"
        message_type = message.get("messageType") or "text"
        if message_type != "text":
            images.append(_chain_image(node, cx, config, message, message_type))
            continue
        text = str(cx.value(message.get("message", ""), node))
        if kind == "SystemMessagePromptTemplate":
            if before and SYSTEM_FIRST not in notes:
                notes.append(SYSTEM_FIRST)
            system.append(text)
        elif kind in CHAIN_ROLES:
            if text.strip():  # n8n sends an empty message; models refuse empty turns
                before.append({"role": CHAIN_ROLES[kind], "content": text})
        else:
            raise Refusal(
                f"has a message of type '{kind}', which WorkFuse's AI node does not know."
            )
    config["prompt"] = prompt
    if before:
        config["messages"] = before
    if system:
        config["system_prompt"] = "\n\n".join(system)
    if images:
        config["images"] = images
        notes.append(
            "n8n sent each image as a user message of its own before the prompt; WorkFuse "
            "sends the images with the prompt in one user message."
        )
    parser = output_parser(node, cx)
    if parser is not None:
        config["json_output"] = True
        config["json_schema"] = output_schema(parser, cx, notes)
    if attached_tools := ai_parts.attached(cx, node, ai_parts.TOOL):
        raise Refusal(f"has the tool {described(attached_tools[0])}; chains take no tools.")
    return Converted("action.ai", config, notes=notes)


def _chain_image(
    node: N8nNode, cx: Converter, config: dict[str, Any], message: dict[str, Any], kind: str
) -> Any:
    """An image message of a Basic LLM Chain: by URL, or the item's binary file."""
    if message.get("type") not in (None, "HumanMessagePromptTemplate"):
        raise Refusal(
            f"sends an image in a {message.get('type')}; models take images in user messages."
        )
    detail = message.get("imageDetail") or "auto"
    if detail != "auto":
        if config.get("provider") not in ("openai", "openai_compatible"):
            raise Refusal(
                f"asks for image detail '{detail}', which only OpenAI's models take; set Auto "
                "in n8n."
            )
        config["image_detail"] = detail
    if kind == "imageUrl":
        if config.get("provider") == "gemini":
            raise Refusal(
                "sends an image by URL to Gemini; WorkFuse gives Gemini images as files only."
            )
        url = message.get("imageUrl") or ""
        if not str(url).strip("= "):
            raise Refusal("has an image message without a URL; give one in n8n.")
        return cx.value(url, node)
    if kind == "imageBinary":
        return ai_media.input_file(cx, node, message.get("binaryImageDataKey") or "data")
    raise Refusal(f"sends a message of type '{kind}', which WorkFuse's AI node does not know.")


def _chain_spec(node: N8nNode, cx: Converter) -> Spec:
    """With an output parser n8n's chain answers `{output: ...}` (version 1 parsers: the
    object itself); WorkFuse's in `json`."""
    spec = dataclasses.replace(SPECS[CHAIN], per_node=None)
    parser = output_parser(node, cx)
    if parser is None:
        return spec
    if parser.version == 1 and parser.type == f"{LANGCHAIN}outputParserStructured":
        return dataclasses.replace(spec, data="json", aliases=())
    return dataclasses.replace(spec, aliases=(("output", "json"),))


# --- Information Extractor -----------------------------------------------------------------


def _extractor(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    notes = [
        "n8n asked a model to repair an answer that did not parse; WorkFuse reports it as an error."
    ]
    config: dict[str, Any] = chat_model(node, cx, notes)
    config["prompt"] = _translated(cx, node, str(p.get("text") or ""), "text")
    options = p.get("options") or {}
    config["system_prompt"] = str(
        cx.value(options.get("systemPromptTemplate", EXTRACTOR_SYSTEM), node)
    )
    kind = p.get("schemaType") or "fromAttributes"
    if kind == "fromAttributes":
        rows = (p.get("attributes") or {}).get("attributes") or []
        if not rows:
            raise Refusal("has no attributes to extract; add one in n8n and export again.")
        types = {
            "string": {"type": "string"},
            "number": {"type": "number"},
            "boolean": {"type": "boolean"},
            "date": {"type": "string", "format": "date"},
        }
        properties: dict[str, Any] = {}
        for row in rows:
            field = dict(types.get(row.get("type") or "string", {}))
            if row.get("description"):
                described = str(row["description"])
                # --- vector ---
                if described.startswith("=") and "{{" in described:
                    templates = config.setdefault("schema_descriptions", {})
                    templates[str(row.get("name") or "")] = _description(cx, node, described)
                    received = cx.input_list(node).parts
                    one = len(received) == 1 and getattr(received[0], "one", False)
                    if not one and FIRST_ITEM_DESCRIPTION not in notes:
                        notes.append(FIRST_ITEM_DESCRIPTION)
                else:
                    field["description"] = described.removeprefix("=")
                # --- end vector ---
            properties[str(row.get("name") or "")] = field
        required = [str(r.get("name")) for r in rows if r.get("required")]
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
    elif kind == "fromJson":
        example = json_text(p.get("jsonSchemaExample") or "{}")
        if not isinstance(example, dict):
            raise Refusal("has an example that is not a JSON object; fix it in n8n.")
        schema = schema_from_example(example, required=node.version >= 1.2)
    else:
        schema = json_text(p.get("inputSchema") or "{}")
        if not isinstance(schema, dict):
            raise Refusal("has a JSON Schema that is not a JSON object; fix it in n8n.")
        schema.pop("$schema", None)
    try:
        checked_schema(schema)
    except ValueError as exc:
        raise Refusal(f"has a schema WorkFuse cannot use ({exc}); fix it in n8n.") from None
    config.update(json_output=True, json_schema=schema)
    return Converted("action.ai", config, notes=notes)


# --- vector ---
FIRST_ITEM_DESCRIPTION = (
    "n8n reads the attributes' descriptions with its first item and uses them for every item; "
    "WorkFuse reads them with each item, the same when the items agree on what they read."
)


def _description(cx: Converter, node: N8nNode, described: str) -> str:
    """An attribute's description written as an n8n expression, as a template giving text
    (n8n's zod `.describe()` receives the expression's value as a string)."""
    template = cx.value(described, node)
    if not isinstance(template, str):
        raise Refusal(f"describes an attribute with {described[1:]!r}, which is not text.")
    if template.startswith("{{") and template.endswith("}}") and template.count("{{") == 1:
        template = template[:-2].rstrip() + " | n8n_text }}"
    return template


# --- end vector ---


# --- OpenAI nodes --------------------------------------------------------------------------


def _openai(node: N8nNode, cx: Converter) -> Converted:
    """@n8n/n8n-nodes-langchain.openAi 1.x: Text -> Message a Model."""
    p = node.params
    resource_name = p.get("resource") or "text"
    defaults = {"text": "message", "image": "generate", "audio": "generate", "assistant": "message"}
    operation = p.get("operation") or defaults.get(resource_name, "")
    if resource_name in ("image", "audio") and node.version < 2:
        return ai_media.openai_media(node, cx, resource_name, operation)
    if resource_name != "text" or operation != "message":
        what = f"{resource_name} / {operation}" if operation else resource_name
        raise Refusal(
            f"does '{what}'; WorkFuse's AI node messages a model, makes and analyzes images and "
            "transcribes and speaks audio: OpenAI's files and assistants do not import."
        )
    if node.version >= 2:
        raise Refusal(
            "is version 2, which answers in the Responses API's shape (output[0].content[0]"
            ".text); WorkFuse imports versions 1.x. Use a Basic LLM Chain in n8n instead."
        )
    notes = [ai_parts.AI_CREDENTIAL_NOTE.format(provider="OpenAI")]
    messages = (p.get("messages") or {}).get("values") or []
    system = [m.get("content", "") for m in messages if m.get("role") == "system"]
    others = [m for m in messages if m.get("role") != "system"]
    if others and others[-1].get("role") == "assistant":
        raise Refusal(
            "ends its conversation with an assistant message, for the model to continue; "
            "WorkFuse's AI node sends the prompt last, as a user message. Put the user message "
            "last in n8n and export again."
        )
    if _system_after_turns([m.get("role") for m in messages]):
        notes.append(SYSTEM_FIRST)
    turns = [
        {"role": m.get("role") or "user", "content": str(cx.value(m.get("content", ""), node))}
        for m in others
    ]
    config: dict[str, Any] = {
        "provider": "openai",
        "model": resource(p.get("modelId")) or "gpt-4o-mini",
        "prompt": turns[-1]["content"] if turns else "",
    }
    if not config["prompt"].strip():
        raise Refusal("has no user message; write one in n8n and export again.")
    earlier = [t for t in turns[:-1] if t["content"].strip()]
    tools = ai_tools.tools(node, cx, notes)
    if tools and earlier:  # an agent takes one prompt: user messages open it, as n8n sent them
        if any(t["role"] == "assistant" for t in earlier):
            raise Refusal(
                "puts an assistant message before the prompt and has tools; WorkFuse's agent "
                "takes one prompt. Move the example into the system message in n8n and export "
                "again."
            )
        config["prompt"] = "\n\n".join(t["content"] for t in turns)
    elif earlier:
        config["messages"] = earlier
    if system:
        config["system_prompt"] = "\n\n".join(str(cx.value(s, node)) for s in system)
    if p.get("jsonOutput"):
        config["json_output"] = True
    if p.get("simplify") is False:
        notes.append("n8n output OpenAI's whole answer; WorkFuse outputs the simplified one.")
    options = p.get("options") or {}
    if isinstance(options.get("temperature"), int | float):
        config["temperature"] = min(max(options["temperature"], 0), 2)
    if isinstance(options.get("maxTokens"), int) and options["maxTokens"] > 0:
        config["max_tokens"] = options["maxTokens"]
    if tools:
        config["tools"] = tools
        config.pop("json_output", None)
        return Converted("action.agent", config, notes=notes)
    return Converted("action.ai", config, notes=notes)


def _system_after_turns(roles: list[Any]) -> bool:
    """Whether a system message follows a user or assistant one (n8n sends it there; WorkFuse
    sends every system message first, as the system prompt)."""
    first_turn = next((i for i, r in enumerate(roles) if r != "system"), len(roles))
    return "system" in roles[first_turn:]


def _media_aliases(
    node: N8nNode, resource_name: str, operation: str
) -> tuple[tuple[str, str], ...] | None:
    """What the nodes after an image or audio operation read, where WorkFuse names it
    differently (None: a text operation)."""
    options = node.params.get("options") or {}
    if resource_name == "image" and operation == "analyze":
        return (("content", "response"),)
    if operation == "generate" and resource_name in ("image", "audio"):
        if resource_name == "image" and options.get("returnImageUrls"):
            return (("url", "urls.0"),)
        return (("fileName", "file.filename"), ("mimeType", "file.content_type"))
    if resource_name == "audio":
        return ()  # {text}, as n8n
    return None


def _openai_spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{LANGCHAIN}openAi"], per_node=None)
    p = node.params
    resource_name = p.get("resource") or "text"
    operation = p.get("operation") or ("generate" if resource_name in ("image", "audio") else "")
    media = _media_aliases(node, resource_name, operation)
    if media is not None:
        return dataclasses.replace(spec, aliases=media)
    if node.params.get("jsonOutput"):
        return dataclasses.replace(spec, aliases=(("message.content", "json"),))
    return spec


# --- legacyai ---
# The settings of the OpenAI node's Message a Model (v1 actions/text/message.operation.ts), with
# `model` for its `modelId`.
MESSAGE_A_MODEL = frozenset(
    {"resource", "operation", "model", "modelId", "messages", "simplify", "jsonOutput", "options"}
)
STAND_IN = (
    "n8n's export says version {version:g} of the legacy OpenAI node (n8n-nodes-base.openAi), "
    "which has versions 1 and 1.1 only; its settings (model, messages.values) are those of the "
    "OpenAI node's Message a Model (@n8n/n8n-nodes-langchain.openAi), so WorkFuse imports it as "
    "that."
)
JSON_MODE = (
    "Its options.responseFormat json_object is not a setting of Message a Model; WorkFuse asks "
    "OpenAI for a JSON answer as it says, and message.content stays the answer's text, which "
    "the nodes after it parse."
)


def _message_a_model(node: N8nNode) -> N8nNode | None:
    """A legacy OpenAI node of a version it never had whose settings are Message a Model's
    (exports generated outside n8n), as that node; None for any other."""
    p = node.params
    if not 1.1 < node.version < 2 or not set(p) <= MESSAGE_A_MODEL:
        return None
    messages = p.get("messages")
    values = messages.get("values") if isinstance(messages, dict) else None
    if not resource(p.get("model")) or not isinstance(values, list) or not values:
        return None
    if (p.get("resource") or "text") != "text" or (p.get("operation") or "message") != "message":
        return None
    params = {k: v for k, v in p.items() if k != "model"}
    params.update(resource="text", operation="message", modelId=p["model"])
    return dataclasses.replace(node, type=f"{LANGCHAIN}openAi", params=params)


def _json_mode(node: N8nNode) -> bool:
    """Whether the export asks OpenAI's JSON mode the Chat Completions way, which Message a
    Model spells `jsonOutput` (and then parses message.content, which this keeps as text)."""
    options = node.params.get("options")
    return isinstance(options, dict) and options.get("responseFormat") == "json_object"


# --- end legacyai ---


def _openai_base(node: N8nNode, cx: Converter) -> Converted:
    """n8n-nodes-base.openAi (the older OpenAI node): Chat > Complete."""
    p = node.params
    # --- legacyai ---
    stand_in = _message_a_model(node)
    if stand_in is not None:
        converted = _openai(stand_in, cx)
        converted.notes.append(STAND_IN.format(version=node.version))
        if _json_mode(node) and not p.get("jsonOutput") and converted.type == "action.ai":
            converted.config["json_output"] = True
            converted.notes.append(JSON_MODE)
        return converted
    # --- end legacyai ---
    resource_name = p.get("resource") or "text"
    if resource_name != "chat":
        return ai_media.openai_base_media(node, cx, resource_name)
    model = p.get("chatModel") if node.version > 1 else p.get("model")
    messages = (p.get("prompt") or {}).get("messages") or []
    system = [m.get("content", "") for m in messages if m.get("role") == "system"]
    others = [m for m in messages if m.get("role") != "system"]
    if any(m.get("role") == "assistant" for m in others):
        raise Refusal("puts an assistant message in the conversation; WorkFuse sends one prompt.")
    config: dict[str, Any] = {
        "provider": "openai",
        "model": resource(model) or "gpt-3.5-turbo",
        "prompt": "\n\n".join(str(cx.value(m.get("content", ""), node)) for m in others),
    }
    if not config["prompt"].strip():
        raise Refusal("has no user message; write one in n8n and export again.")
    if system:
        config["system_prompt"] = "\n\n".join(str(cx.value(s, node)) for s in system)
    options = p.get("options") or {}
    if isinstance(options.get("temperature"), int | float):
        config["temperature"] = min(max(options["temperature"], 0), 2)
    if isinstance(options.get("maxTokens"), int) and options["maxTokens"] > 0:
        config["max_tokens"] = options["maxTokens"]
    notes = [ai_parts.AI_CREDENTIAL_NOTE.format(provider="OpenAI")]
    if p.get("simplifyOutput") is False:
        notes.append("n8n output OpenAI's whole answer; WorkFuse outputs the simplified one.")
    return Converted("action.ai", config, notes=notes)


def _openai_base_spec(node: N8nNode, cx: Converter) -> Spec:
    """Text > Complete / Edit answered `{text}` per choice, Image > Create a file or `{url}`."""
    # --- legacyai ---
    stand_in = _message_a_model(node)
    if stand_in is not None:
        return _openai_spec(stand_in, cx)
    # --- end legacyai ---
    spec = dataclasses.replace(SPECS[f"{BASE}openAi"], per_node=None)
    resource_name = node.params.get("resource") or "text"
    if resource_name == "text":
        return dataclasses.replace(spec, aliases=(("text", "response"),))
    if resource_name == "image":
        url = node.params.get("responseFormat") == "imageUrl"
        return dataclasses.replace(spec, aliases=(("url", "urls.0"),) if url else ())
    return spec


SPECS: dict[str, Spec] = {
    AGENT: Spec(_agent, "", (("output", "response"),), per_node=_agent_spec),
    CHAIN: Spec(_chain, "", (("text", "response"),), per_node=_chain_spec),
    f"{LANGCHAIN}informationExtractor": Spec(_extractor, "", (("output", "json"),)),
    f"{LANGCHAIN}openAi": Spec(
        _openai, "", (("message.content", "response"),), per_node=_openai_spec
    ),
    f"{BASE}openAi": Spec(
        _openai_base, "", (("message.content", "response"),), per_node=_openai_base_spec
    ),
}

# n8n sub-nodes configure the node they are attached to instead of running themselves.
SUB_NODES = frozenset({*CHAT_MODELS, *MEMORIES, *PARSERS})


class SubNodeTypes(frozenset[str]):
    """The sub-node types: the known ones, and every n8n tool (any app node can be a tool,
    as `<app>Tool`), which the agent it is attached to converts or refuses by name."""

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        short = name.removeprefix(LANGCHAIN)
        chat_model = name.startswith(LANGCHAIN) and (
            short.startswith("lm") or short == "modelSelector"
        )
        return super().__contains__(name) or chat_model or ai_tools.is_tool(name)


ALL_SUB_NODES = SubNodeTypes(SUB_NODES)
