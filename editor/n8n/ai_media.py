"""n8n's OpenAI operations beyond "message a model", as `action.ai` operations
(docs/ai.md): @n8n/n8n-nodes-langchain.openAi's Image > Generate / Analyze and Audio >
Generate (text to speech) / Transcribe / Translate, and the legacy n8n-nodes-base.openAi's
Text > Complete / Edit and Image > Create; and the Text Classifier as `logic.ai_classify`.

n8n operations that read an item's binary file get it from `input_file`, the one place that
knows where a file of an upstream node lies in WorkFuse.
"""

from __future__ import annotations

import re
from typing import Any

from editor.n8n import ai_parts, js_constant
from editor.n8n.ai_parts import resource
from editor.n8n.converter import LANGCHAIN, Converted, Converter, N8nNode, Refusal, Spec
from editor.nodes.logic_ai_classify import SYSTEM_PROMPT as CLASSIFIER_PROMPT

CREDENTIAL_NOTE = ai_parts.AI_CREDENTIAL_NOTE.format(provider="OpenAI")
TRANSCRIBE = ("transcribe", "transcribeRecording")
TRANSLATE = ("translate", "translateRecording")
SPEECH_FORMATS = ("mp3", "opus", "aac", "flac")
# n8n's legacy Text > Complete called OpenAI's completions API, whose models are retired
# (text-davinci-003 in January 2024); the chat model that takes its place.
COMPLETION_STANDIN = "gpt-4o-mini"
COMPLETIONS_MAX_TOKENS = 16  # the completions API's default when max_tokens is not sent


def input_file(cx: Converter, node: N8nNode, prop: Any) -> str:
    """A template for the file in binary property `prop` of the item `node` receives
    (`Converter.file_ref`, which refuses, naming the node, when no step before makes it)."""
    return cx.file_ref(node, prop or "data")


def _made_file(node: N8nNode, options: dict[str, Any]) -> dict[str, Any]:
    """The Spec of a step that makes a file: the nodes after it find it under n8n's binary
    property (binaryPropertyOutput, "data" by default)."""
    prop = str(options.get("binaryPropertyOutput") or "data")
    return {"binary": ((prop, f"nodes.{node.id}.file"),)}


def _number(value: Any) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _text(cx: Converter, node: N8nNode, value: Any) -> str:
    return str(cx.value(value, node)) if value not in (None, "") else ""


# --- @n8n/n8n-nodes-langchain.openAi -----------------------------------------------------------


def openai_media(node: N8nNode, cx: Converter, resource_name: str, operation: str) -> Converted:
    """Image and audio operations of the n8n OpenAI node (1.x)."""
    if resource_name == "image" and operation == "generate":
        return _image_generate(node, cx)
    if resource_name == "image" and operation == "analyze":
        return _image_analyze(node, cx)
    if resource_name == "audio" and operation == "generate":
        return _speech(node, cx)
    if resource_name == "audio" and operation in TRANSCRIBE + TRANSLATE:
        return _transcribe(node, cx, operation in TRANSLATE)
    raise Refusal(
        f"does '{resource_name} / {operation}', which WorkFuse's AI node does not do (it "
        "messages a model, analyzes and generates images, transcribes, translates and speaks)."
    )


def _image_generate(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    model = str(p.get("model") or "dall-e-3")
    prompt = _text(cx, node, p.get("prompt"))
    if not prompt.strip():
        raise Refusal("has no prompt for the image; write one in n8n and export again.")
    config: dict[str, Any] = {
        "provider": "openai",
        "operation": "image_generate",
        "model": model,
        "prompt": prompt,
        "filename": "data",  # n8n names the file "data" (no extension)
    }
    notes = [CREDENTIAL_NOTE]
    # n8n shows each option for the models that take it and sends what the node holds.
    if isinstance(options.get("size"), str) and options["size"]:
        config["image_size"] = options["size"]
    if isinstance(options.get("quality"), str) and options["quality"]:
        config["image_quality"] = options["quality"]
    if options.get("style") in ("vivid", "natural"):
        config["image_style"] = options["style"]
    count = _number(options.get("n"))
    if count is not None:
        if not 1 <= count <= 10 or count != int(count):
            raise Refusal(f"asks for {count} images; OpenAI makes 1 to 10 at a time.")
        config["image_count"] = int(count)
        if count > 1:
            notes.append(
                f"n8n output one item per image; WorkFuse outputs the {int(count)} images as "
                "'files' of one step ('file' is the first)."
            )
    elif options.get("n") not in (None, ""):
        raise Refusal("takes its number of images from an expression; set a number in n8n.")
    if options.get("returnImageUrls"):
        config["return_urls"] = True
        notes.append(
            "n8n output OpenAI's image links as items {url, revised_prompt}; WorkFuse outputs "
            "them as 'urls' (links that expire after an hour, as in n8n)."
        )
        return Converted("action.ai", config, notes=notes)
    notes.append(
        "WorkFuse's step outputs the image as 'file', which the nodes after it read as n8n's "
        "binary data."
    )
    return Converted("action.ai", config, notes=notes, spec=_made_file(node, options))


def _image_analyze(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    notes = [CREDENTIAL_NOTE]
    if node.version >= 1.4:
        model = resource(p.get("modelId")) or "gpt-4o"
    else:
        model = "gpt-4o"
        notes.append(
            "n8n's OpenAI node before version 1.4 asked gpt-4-vision-preview, which OpenAI "
            "retired; WorkFuse asks gpt-4o."
        )
    text = p.get("text", "What's in this image?")
    config: dict[str, Any] = {
        "provider": "openai",
        "model": model,
        "prompt": _text(cx, node, text),
        "max_tokens": int(options["maxTokens"])
        if (_number(options.get("maxTokens")) or 0) >= 1
        else 300,
    }
    if not config["prompt"].strip():
        raise Refusal("has no text input (the question about the image); write one in n8n.")
    if options.get("detail") in ("low", "high"):
        config["image_detail"] = options["detail"]
    if (p.get("inputType") or "url") == "url":
        urls = p.get("imageUrls", "")
        if not str(urls).strip("= "):
            raise Refusal("has no image URL to analyze; give one in n8n and export again.")
        config["images"] = [_text(cx, node, urls)]  # split at commas when run, as n8n does
    else:
        names = [n.strip() for n in str(p.get("binaryPropertyName") or "data").split(",")]
        config["images"] = [input_file(cx, node, name) for name in names]
    if p.get("simplify") is False:
        notes.append("n8n output OpenAI's whole answer; WorkFuse outputs the simplified one.")
    return Converted("action.ai", config, notes=notes)


def _speech(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    text = _text(cx, node, p.get("input"))
    if not text.strip():
        raise Refusal("has no text to read aloud; write one in n8n and export again.")
    fmt = options.get("response_format") or "mp3"
    if fmt not in SPEECH_FORMATS:
        raise Refusal(f"asks for audio format '{fmt}'; OpenAI's are {', '.join(SPEECH_FORMATS)}.")
    config: dict[str, Any] = {
        "provider": "openai",
        "operation": "speech",
        "model": str(p.get("model") or "tts-1"),
        "prompt": text,
        "voice": str(p.get("voice") or "alloy"),
        "audio_format": fmt,
        "filename": f"audio.{fmt}",
    }
    speed = _number(options.get("speed"))
    if speed:
        config["speed"] = speed
    notes = [
        CREDENTIAL_NOTE,
        "WorkFuse's step outputs the audio as 'file', which the nodes after it read as n8n's "
        "binary data.",
    ]
    return Converted("action.ai", config, notes=notes, spec=_made_file(node, options))


def _transcribe(node: N8nNode, cx: Converter, translate: bool) -> Converted:
    p = node.params
    options = p.get("options") or {}
    config: dict[str, Any] = {
        "provider": "openai",
        "operation": "translate" if translate else "transcribe",
        "model": "whisper-1",  # n8n always sends whisper-1
        "file": input_file(cx, node, p.get("binaryPropertyName") or "data"),
    }
    language = options.get("language")
    if language and not translate:
        if not isinstance(language, str) or language.startswith("="):
            raise Refusal("takes the audio's language from an expression; set a code in n8n.")
        config["language"] = language.strip()
    temperature = _number(options.get("temperature"))
    if temperature:  # n8n sends a temperature only when it is not 0
        config["temperature"] = temperature
    return Converted("action.ai", config, notes=[CREDENTIAL_NOTE])


# --- n8n-nodes-base.openAi (the legacy node) ---------------------------------------------------


def openai_base_media(node: N8nNode, cx: Converter, resource_name: str) -> Converted:
    p = node.params
    if node.version not in (1, 1.1):
        raise Refusal(_unknown_version(node))
    operation = p.get("operation") or ("create" if resource_name == "image" else "complete")
    if resource_name == "image" and operation == "create":
        return _legacy_image(node, cx)
    if resource_name == "text" and operation in ("complete", "edit"):
        return _legacy_text(node, cx, operation)
    raise Refusal(
        f"uses OpenAI's {resource_name} API ({operation}); WorkFuse's AI node chats, makes "
        "images and transcribes: Chat > Complete, Text > Complete / Edit and Image > Create "
        "import."
    )


def _unknown_version(node: N8nNode) -> str:
    """Why a legacy OpenAI node of a version n8n never gave it is refused, and what to do: its
    settings are often those of the OpenAI node of n8n's AI section under the old type name."""
    said = (
        f"is version {node.version:g}, which n8n's legacy OpenAI node does not have (its "
        "versions are 1 and 1.1), so the export was edited or generated outside n8n."
    )
    messages = node.params.get("messages")
    if isinstance(messages, dict) and "values" in messages:
        return (
            f"{said} Its settings (model, messages.values) are those of the OpenAI node's "
            "Message a Model (@n8n/n8n-nodes-langchain.openAi, versions 1 to 1.8), not the "
            "legacy node's (resource chat, prompt.messages). Set its type to "
            "@n8n/n8n-nodes-langchain.openAi (and jsonOutput true for a JSON answer; "
            "options.responseFormat is not one of its settings) and import again."
        )
    return f"{said} Use the OpenAI node (@n8n/n8n-nodes-langchain.openAi) in n8n and export again."


def _legacy_image(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    prompt = _text(cx, node, p.get("prompt"))
    if not prompt.strip():
        raise Refusal("has no prompt for the image; write one in n8n and export again.")
    model = str(p.get("model") or "dall-e-2") if node.version > 1 else "dall-e-2"
    config: dict[str, Any] = {
        "provider": "openai",
        "operation": "image_generate",
        "model": model,
        "prompt": prompt,
        "filename": "data",
    }
    notes = [CREDENTIAL_NOTE]
    if isinstance(options.get("size"), str) and options["size"]:
        config["image_size"] = options["size"]
    if model == "dall-e-3":
        if options.get("quality") in ("hd", "standard"):
            config["image_quality"] = options["quality"]
        if options.get("style") in ("vivid", "natural"):
            config["image_style"] = options["style"]
    count = _number(options.get("n"))
    if count is not None:
        if not 1 <= count <= 10 or count != int(count):
            raise Refusal(f"asks for {count} images; OpenAI makes 1 to 10 at a time.")
        config["image_count"] = int(count)
        if count > 1:
            notes.append(
                f"n8n output one item per image; WorkFuse outputs the {int(count)} images as "
                "'files' of one step ('file' is the first)."
            )
    if p.get("responseFormat") == "imageUrl":
        config["return_urls"] = True
        notes.append(
            "n8n output OpenAI's image links as items {url}; WorkFuse outputs them as 'urls' "
            "(links that expire after an hour, as in n8n)."
        )
    return Converted("action.ai", config, notes=notes)


def _legacy_text(node: N8nNode, cx: Converter, operation: str) -> Converted:
    p = node.params
    options = p.get("options") or {}
    notes = [CREDENTIAL_NOTE]
    if operation == "complete":
        prompt = _text(cx, node, p.get("prompt"))
        if not prompt.strip():
            raise Refusal("has no prompt; write one in n8n and export again.")
        model = str(resource(p.get("model")) or "text-davinci-003")
        config: dict[str, Any] = {"provider": "openai", "model": COMPLETION_STANDIN}
        config["prompt"] = prompt
        notes.append(
            f"n8n asked OpenAI's completions API (model {model}, which continues the prompt's "
            f"text; OpenAI retired it); WorkFuse asks the chat model {COMPLETION_STANDIN} with "
            "the prompt as the user's message, so it answers the prompt rather than continuing "
            "it and its wording differs."
        )
        tokens = _number(options.get("maxTokens"))
        if tokens is not None and tokens >= 1:
            config["max_tokens"] = int(tokens)
        elif options.get("maxTokens") in (None, ""):
            config["max_tokens"] = COMPLETIONS_MAX_TOKENS
            notes.append(
                "n8n set no maximum length, so the completions API stopped after 16 tokens; "
                "WorkFuse keeps that limit (max_tokens 16): raise it in the step for whole answers."
            )
        else:
            notes.append(
                "n8n took its maximum length from an expression; WorkFuse's max_tokens is a "
                "number, so none is set."
            )
    else:
        instruction = _text(cx, node, p.get("instruction"))
        text = _text(cx, node, p.get("input"))
        if not instruction.strip() or not text.strip():
            raise Refusal(
                "has no instruction or no input for the edit; write both in n8n and export again."
            )
        config = {
            "provider": "openai",
            "model": COMPLETION_STANDIN,
            "system_prompt": instruction,
            "prompt": text,
        }
        notes.append(
            "n8n asked OpenAI's edits API (text-davinci-edit-001, retired by OpenAI) to apply "
            f"the instruction to the input; WorkFuse asks the chat model {COMPLETION_STANDIN} "
            "with the instruction as the system prompt and the input as the user's message."
        )
    temperature = _number(options.get("temperature"))
    if temperature is not None and 0 <= temperature <= 2:
        config["temperature"] = temperature
    if _number(options.get("n")) not in (None, 1):
        raise Refusal(
            f"asks for {options['n']} answers; WorkFuse's AI node writes one: set 1 in n8n."
        )
    unsent = {
        "echo": bool(options.get("echo")),
        "frequencyPenalty": options.get("frequencyPenalty") not in (None, "", 0),
        "presencePenalty": options.get("presencePenalty") not in (None, "", 0),
        "topP": options.get("topP") not in (None, "", 1),
    }
    for option, differs in unsent.items():
        if differs:
            raise Refusal(f"sets the option '{option}', which WorkFuse's AI node does not send.")
    if p.get("simplifyOutput") is False:
        notes.append("n8n output OpenAI's whole answer; WorkFuse outputs the simplified one.")
    return Converted("action.ai", config, notes=notes)


# --- @n8n/n8n-nodes-langchain.textClassifier ---------------------------------------------------


def _handle_for(name: str, taken: set[str]) -> str:
    """A WorkFuse output name for a category: lower case, digits and underscores."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:28] or "category"
    if not base[0].isalpha():
        base = f"c_{base}"[:28]
    handle, n = base, 2
    while handle in taken:
        handle, n = f"{base}_{n}", n + 1
    taken.add(handle)
    return handle


def _category_name(value: Any) -> str:
    """A category's name as n8n reads it whatever the item holds: plain text, an expression
    without blocks (`=summarized` is the text `summarized`) or one literal
    (`={{ 'summarized' }}`); "" for a name that depends on the item."""
    name = str(value or "")
    if not name.startswith("="):
        return name
    if "{{" not in name:
        return name[1:]
    is_constant, fixed = js_constant.constant(name)
    return fixed if is_constant and isinstance(fixed, str) else ""


def _text_classifier(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    notes: list[str] = []
    config: dict[str, Any] = ai_parts.chat_model(node, cx, notes)
    text = _text(cx, node, p.get("inputText"))
    if not text.strip():
        raise Refusal("has no text to classify; write one in n8n and export again.")
    rows = (p.get("categories") or {}).get("categories") or []
    if not rows:
        raise Refusal("has no categories; add one in n8n and export again.")
    taken: set[str] = set()
    categories = []
    for row in rows:
        name = _category_name(row.get("category"))
        if not name.strip():
            raise Refusal("has a category without a fixed name; name each one in n8n.")
        categories.append(
            {
                "name": name,
                "description": str(row.get("description") or ""),
                "handle": _handle_for(name, taken),
            }
        )
    fallback = options.get("fallback") or "discard"
    config.update(
        prompt=text,
        categories=categories,
        multiple=bool(options.get("multiClass")),
        fallback=fallback,
    )
    if fallback == "other":
        config["other_handle"] = _handle_for("other", taken)
    template = options.get("systemPromptTemplate")
    # --- ai3 ---
    # An expression: n8n evaluates it for the item, then fills in {categories}.
    if isinstance(template, str) and template.startswith("="):
        template = cx.value(template, node) if "{{" in template else template[1:]
    # --- end ai3 ---
    if template is not None and template != CLASSIFIER_PROMPT:
        config["system_prompt"] = str(template)
    notes.append(
        "n8n asked for the verdict with LangChain's format instructions in the system prompt; "
        "WorkFuse asks the provider for the same JSON object through its structured output."
    )
    if options.get("enableAutoFixing"):
        notes.append(
            "n8n asked the model again to fix a verdict that did not parse; WorkFuse's "
            "structured output answers in the shape asked, and a verdict that does not match "
            "fails the step."
        )
    outputs = [[c["handle"]] for c in categories]
    if fallback == "other":
        outputs.append([config["other_handle"]])
    return Converted("logic.ai_classify", config, outputs=outputs, notes=notes)


SPECS: dict[str, Spec] = {
    # Items pass through to the outputs of their categories, as n8n's Switch does.
    f"{LANGCHAIN}textClassifier": Spec(_text_classifier, None),
}
