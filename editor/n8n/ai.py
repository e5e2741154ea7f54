"""n8n's OpenAI, AI Agent and LLM Chain nodes (with their chat models) as WorkFuse AI actions."""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import LANGCHAIN, Converted, Converter, N8nNode, Refusal, Spec

# Chat models are n8n sub-nodes: they configure the agent or chain they are attached to.
CHAT_MODELS = {
    f"{LANGCHAIN}lmChatOpenAi": ("openai", "model"),
    f"{LANGCHAIN}lmChatAnthropic": ("anthropic", "model"),
    f"{LANGCHAIN}lmChatGoogleGemini": ("gemini", "modelName"),
}


def _ai(node: N8nNode, cx: Converter) -> Converted:
    kind = node.type.removeprefix(LANGCHAIN)
    p = node.params
    options = p.get("options") or {}
    config: dict[str, Any] = {}
    if kind == "openAi":
        if (p.get("resource") or "text") != "text":
            raise Refusal(
                f"works on {p.get('resource')}; WorkFuse AI nodes write text. Only the "
                "'Message a model' operation can be imported."
            )
        messages = (p.get("messages") or p.get("responses") or {}).get("values") or []
        system = [m.get("content", "") for m in messages if m.get("role") == "system"]
        prompt = [m.get("content", "") for m in messages if m.get("role") != "system"]
        config["model"] = _resource(p.get("modelId") or p.get("model"))
        if p.get("jsonOutput"):
            config["json_output"] = True
    elif kind == "agent":
        system = [options.get("systemMessage", "")]
        prompt = [_prompt(p)]
    else:
        messages = (p.get("messages") or {}).get("messageValues") or []
        system = [
            m.get("message", "")
            for m in messages
            if (m.get("type") or "SystemMessagePromptTemplate") == "SystemMessagePromptTemplate"
        ]
        prompt = [_prompt(p)]
    config.update(_chat_model(node, cx, options))
    notes = [
        "The n8n AI credential is not carried over; the server's key for the provider is used "
        "unless you choose a credential."
    ]
    if config.get("provider", "openai") != "openai" and not config.get("model"):
        raise Refusal(
            "uses a chat model whose model name is not in the export; choose the model in "
            "n8n and export again."
        )
    text = "\n\n".join(str(cx.value(x, node)) for x in prompt if x)
    if not text:
        raise Refusal("has no prompt; write one in n8n and export again.")
    config["prompt"] = text
    system_text = "\n\n".join(str(cx.value(x, node)) for x in system if x)
    if system_text:
        config["system_prompt"] = system_text
    config = {k: v for k, v in config.items() if v not in (None, "")}
    return Converted("action.ai", config, notes=notes)


def _prompt(p: dict[str, Any]) -> str:
    """Agents and chains read the chat input unless told otherwise ("define")."""
    if p.get("promptType") == "define" or ("promptType" not in p and p.get("text")):
        return str(p.get("text") or "")
    if "promptType" not in p and p.get("prompt"):
        return str(p["prompt"])
    return "={{ $json.chatInput }}"


def _chat_model(node: N8nNode, cx: Converter, options: dict[str, Any]) -> dict[str, Any]:
    model = cx.models.get(node.name)
    config: dict[str, Any] = {}
    if model is not None:
        provider, key = CHAT_MODELS[model.type]
        config["provider"] = provider
        config["model"] = _resource(model.params.get(key)).removeprefix("models/") or None
        options = {**options, **(model.params.get("options") or {})}
    temperature = options.get("temperature")
    if isinstance(temperature, int | float) and 0 <= temperature <= 2:
        config["temperature"] = temperature
    tokens = (
        options.get("maxTokens")
        or options.get("maxTokensToSample")
        or options.get("maxOutputTokens")
    )
    if isinstance(tokens, int) and tokens > 0:
        config["max_tokens"] = tokens
    return config


def _resource(value: Any) -> str:
    """n8n resource locators ({"__rl": true, "value": ...}) or plain strings."""
    if isinstance(value, dict):
        value = value.get("value")
    return str(value or "").removeprefix("=")


SPECS: dict[str, Spec] = {
    f"{LANGCHAIN}openAi": Spec(_ai, "", (("message.content", "response"),)),
    f"{LANGCHAIN}agent": Spec(_ai, "", (("output", "response"),)),
    f"{LANGCHAIN}chainLlm": Spec(_ai, "", (("text", "response"),)),
}
