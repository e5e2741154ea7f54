"""n8n's agent tools (sub-nodes on an agent's `ai_tool` input) as WorkFuse agent tools (DESIGN
§12): HTTP Request tool -> http, Code and Think tools -> code, Call n8n Workflow tool ->
workflow, MCP Client tool -> mcp. WorkFuse tools are taken literally, never rendered, so a tool
whose settings read the run's data (`{{ ... }}`) is refused, as are tools WorkFuse has no
faithful form for (each named in the agent's refusal). The exceptions read the run's data as
n8n does, in the agent's step: an HTTP tool's URL, and the inputs a workflow tool sends beside
the model's arguments (workflow_tool_inputs.py).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote_plus

# --- agentio ---
# isort: split
from editor.n8n import ai_tools_builtin, app_tools, code_node

# --- end agentio ---
# --- agenttools ---
# isort: split
from editor.n8n import embedded_tools

# --- end agenttools ---
# isort: split
from editor.n8n import vector_stores  # vectors

# --- ai3 ---
# isort: split
from editor.n8n import js_constant, workflow_tool_inputs

# --- end ai3 ---
from editor.n8n.ai_parts import TOOL, attached, described, resource, schema_from_example
from editor.n8n.converter import BASE, LANGCHAIN, Converter, N8nNode, Refusal, json_text
from editor.nodes.action_agent import body_placeholders  # agenttools

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# --- agentio ---
# An expression that is one constant: a number, true/false or a quoted string.
CONSTANT = re.compile(
    r"=\s*\{\{\s*(?:(-?\d+(?:\.\d+)?|true|false)|'([^'{}]*)'|\"([^\"{}]*)\")\s*\}\}\s*"
)
# --- end agentio ---
THINK_DESCRIPTION = (
    "Use the tool to think about something. It will not obtain new information or change the "
    "database, but just append the thought to the log. Use it when complex reasoning or some "
    "cache memory is needed."
)
# Tools with no faithful WorkFuse form, and what to use instead.
REFUSED = {
    f"{LANGCHAIN}toolWolframAlpha": "asks Wolfram|Alpha",
    f"{LANGCHAIN}toolSearXng": "searches through SearXNG",
    f"{LANGCHAIN}agentTool": "is another AI agent",
}
REFUSED_HINT = (
    "WorkFuse agents use HTTP, code, workflow and MCP tools: replace it in n8n with an HTTP "
    "Request or Code tool that does the same, and export again."
)
TYPES = {"string": "string", "number": "number", "boolean": "boolean"}


def tools(node: N8nNode, cx: Converter, notes: list[str]) -> list[dict[str, Any]]:
    """The WorkFuse tools for the tools attached to `node`; raises Refusal naming a tool that
    has no WorkFuse form."""
    out: list[dict[str, Any]] = []
    for tool in attached(cx, node, TOOL):
        # --- vectors ---
        if vector_stores.is_vector_tool(tool.type):
            converted = vector_stores.agent_tool(tool, cx, notes, _vector_tool_name(tool))
        # --- end vectors ---
        elif tool.type in cx.specs:
            continue  # a node of its own: refused by its Spec
        else:
            converted = _tool(tool, cx, notes, node)
        if any(t["name"] == converted["name"] for t in out):
            raise Refusal(f"has two tools named '{converted['name']}'; rename one in n8n.")
        out.append(converted)
    return out


def is_tool(n8n_type: str) -> bool:
    """n8n tool sub-nodes, including any app node used as a tool (`<app>Tool`)."""
    if n8n_type.startswith(BASE):
        return n8n_type.endswith("Tool")
    name = n8n_type.removeprefix(LANGCHAIN)
    if not n8n_type.startswith(LANGCHAIN) or name == "toolExecutor":  # a root node
        return False
    return name.startswith("tool") or name.endswith("Tool")


def _tool(tool: N8nNode, cx: Converter, notes: list[str], root: N8nNode) -> dict[str, Any]:
    """The WorkFuse form of `tool`, attached to the agent or chain `root`."""
    kind = tool.type.removeprefix(LANGCHAIN)
    # --- agentio ---
    if tool.type in ai_tools_builtin.TOOLS:
        return ai_tools_builtin.TOOLS[tool.type](tool, notes)
    # --- end agentio ---
    if tool.type in REFUSED:
        raise Refusal(f"its tool {described(tool)} {REFUSED[tool.type]}; {REFUSED_HINT}")
    if tool.type.startswith(BASE):
        app = tool.type.removeprefix(BASE).removesuffix("Tool")
        # --- agentio ---
        why = app_tools.problem(tool.raw, cx.specs)
        if why is None:
            raise Refusal(
                f"its tool {described(tool)} is the n8n {app} node used as a tool, which "
                "WorkFuse runs as a workflow of its own that the agent calls: import with POST "
                "/api/workflows/import, which makes that workflow."
            )
        raise Refusal(
            f"its tool {described(tool)} is the n8n {app} node used as a tool, which WorkFuse "
            f"would run as a workflow of its own, but {why}. Replace it in n8n with a Call n8n "
            "Workflow tool and export again."
        )
        # --- end agentio ---
    if kind == "toolHttpRequest":
        return _http(tool, notes, cx, root)
    if kind == "toolCode":
        return _code(tool)
    if kind == "toolThink":
        return {
            "type": "code",
            "name": "thinking_tool" if tool.version == 1 else tool_name(tool.name),
            "description": str(tool.params.get("description") or THINK_DESCRIPTION),
            "code": "return input.input;",
            "input_schema": _string_input(),
        }
    if kind == "toolWorkflow":
        return _workflow(tool, cx, root, notes)
    if kind == "mcpClientTool":
        return _mcp(tool, notes)
    raise Refusal(f"its tool {described(tool)} has no WorkFuse equivalent; {REFUSED_HINT}")


def tool_name(name: str) -> str:
    """n8n names a tool after its node: characters other than letters, digits, _ and -
    become _."""
    return (re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "tool")[:64]


# --- vectors ---
def _vector_tool_name(tool: N8nNode) -> str:
    """A Vector Store Tool's `name`; a vector store in retrieve-as-tool mode: its `toolName`
    before version 1.3, its node's name from then on."""
    if tool.type == f"{LANGCHAIN}toolVectorStore":
        return tool_name(_literal(tool, "name", tool.params.get("name") or tool.name))
    if tool.version < 1.3 and tool.params.get("toolName"):
        return tool_name(_literal(tool, "name", tool.params["toolName"]))
    return tool_name(tool.name)


# --- end vectors ---


def _string_input() -> dict[str, Any]:
    """The arguments of n8n's plain (one string) tools."""
    return {"type": "object", "properties": {"input": {"type": "string"}}, "required": ["input"]}


def _literal(tool: N8nNode, what: str, value: Any) -> str:
    text = str(value if value is not None else "")
    # --- agentio ---
    constant = CONSTANT.fullmatch(text)
    if constant:  # `={{ 648297 }}`, `={{ 'en' }}`: the value itself
        return next(g for g in constant.groups() if g is not None)
    # --- end agentio ---
    if text.startswith("="):
        if "{{" in text:
            raise Refusal(
                f"its tool {described(tool)} builds its {what} from the run's data ({text[1:]}); "
                "WorkFuse tools are fixed settings filled only by the model's arguments. Write it "
                "without expressions (use {placeholders} for what the model fills) and export again."
            )
        text = text[1:]
    return text


# --- HTTP Request tool ---------------------------------------------------------------------


def _http(tool: N8nNode, notes: list[str], cx: Converter, root: N8nNode) -> dict[str, Any]:
    p = tool.params
    method = str(p.get("method") or "GET").upper()
    url = _url(tool, cx, root)
    defined = {
        str(d.get("name") or "").strip("{}"): d
        for d in (p.get("placeholderDefinitions") or {}).get("values") or []
        if isinstance(d, dict)
    }
    properties: dict[str, Any] = {}
    required: list[str] = []

    def argument(name: str, needed: bool) -> None:
        definition = defined.get(name) or {}
        schema: dict[str, Any] = {"type": TYPES.get(str(definition.get("type")), "string")}
        if definition.get("type") == "json":
            schema = {}
        if definition.get("description"):
            schema["description"] = str(definition["description"])
        properties[name] = schema
        if needed and name not in required:
            required.append(name)

    for name in PLACEHOLDER.findall(url):
        argument(name, True)
    fixed_query: dict[str, str] = {}
    in_query = _pairs(tool, "Query", argument, fixed_query)
    headers: dict[str, str] = {}
    if _pairs(tool, "Headers", argument, headers):
        raise Refusal(
            f"its tool {described(tool)} lets the model set request headers; WorkFuse tools "
            "send fixed headers. Fix them in n8n and export again."
        )
    # --- agenttools ---
    body = _json_body(tool, argument) if p.get("sendBody") else None
    if body is None and p.get("sendBody"):  # ai3
        body = _keypair_body(tool, argument)
    in_body = body is not None or _pairs(tool, "Body", argument, {})
    # --- end agenttools ---
    sends_query = method in ("GET", "DELETE")
    if (in_body and sends_query) or (in_query and not sends_query):
        raise Refusal(
            f"its tool {described(tool)} sends the model's arguments in the "
            f"{'body' if in_body else 'query'} of a {method} request; WorkFuse sends them as "
            "the query of GET and DELETE and the JSON body of other methods."
        )
    if fixed_query:
        url += ("&" if "?" in url else "?") + _query(fixed_query)  # agentio
    config: dict[str, Any] = {
        "type": "http",
        "name": tool_name(tool.name),
        "description": str(p.get("toolDescription") or ""),
        "method": method,
        "url": url,
    }
    if headers:
        config["headers"] = headers
    if body is not None:  # agenttools
        config["body"] = body
        notes.append(JSON_BODY_NOTE.format(name=config["name"]))
    extra = set(properties) - set(PLACEHOLDER.findall(url))
    if extra or any(properties[n] != {"type": "string"} for n in properties):
        config["body_schema"] = {"type": "object", "properties": properties, "required": required}
    if (p.get("authentication") or "none") != "none":
        kind = p.get("genericAuthType") or p.get("nodeCredentialType") or "its"
        notes.append(
            f"Credentials are not imported: choose a credential for the tool '{config['name']}' "
            f"(n8n used a {kind} credential)."
        )
    if p.get("optimizeResponse"):
        notes.append(
            f"n8n trimmed the tool '{config['name']}''s responses for the model; WorkFuse gives "
            "it the whole response (cut to the agent's result size)."
        )
    return config


def _pairs(tool: N8nNode, what: str, argument: Any, fixed: dict[str, str]) -> bool:
    """Reads the tool's query, headers or body: arguments the model gives are declared with
    `argument`, fixed values go into `fixed`. True when the model gives some."""
    p = tool.params
    if not p.get(f"send{what}"):
        return False
    how = p.get(f"specify{what}") or "keypair"
    # --- agentio ---
    if how == "json" and what != "Headers":
        return _json_pairs(tool, what, argument, fixed)
    # --- end agentio ---
    if how != "keypair":
        raise Refusal(
            f"its tool {described(tool)} gives its {what.lower()} "
            + ("as JSON" if how == "json" else "entirely to the model")
            + "; WorkFuse's HTTP tool takes named arguments. Use 'Using Fields Below' in n8n "
            "and export again."
        )
    by_model = False
    for row in (p.get(f"parameters{what}") or {}).get("values") or []:
        name = str(row.get("name") or "")
        provider = row.get("valueProvider") or "modelRequired"
        if not name:
            continue
        if provider in ("modelRequired", "modelOptional"):
            argument(name, provider == "modelRequired")
            by_model = True
            continue
        value = _literal(tool, f"{what.lower()} '{name}'", row.get("value"))
        placeholders = PLACEHOLDER.findall(value)
        # --- agentio ---
        if placeholders and what == "Query":
            # Kept in the URL's query, where the tool fills {placeholders} as n8n does.
            for placeholder in placeholders:
                argument(placeholder, True)
            fixed[name] = value
            continue
        # --- end agentio ---
        if placeholders or (what == "Body"):
            raise Refusal(
                f"its tool {described(tool)} sends the fixed {what.lower()} value '{name}'"
                + (" with {placeholders}" if placeholders else "")
                + "; WorkFuse's HTTP tool sends only the model's arguments there."
            )
        fixed[name] = value
    return by_model


# --- agentio ---
def _json_pairs(tool: N8nNode, what: str, argument: Any, fixed: dict[str, str]) -> bool:
    """A query or body given as JSON text: a flat object. Query values are kept with their
    {placeholders} (filled in the URL); a body is the model's arguments when each value is
    exactly the placeholder of its own name, which is what WorkFuse's HTTP tool sends."""
    text = _literal(tool, what.lower(), tool.params.get(f"json{what}"))
    parsed = json_text(text)
    if not isinstance(parsed, dict) or not all(
        isinstance(v, str | int | float | bool) for v in parsed.values()
    ):
        raise Refusal(
            f"its tool {described(tool)} gives its {what.lower()} as JSON that is not a flat "
            "object of values; WorkFuse's HTTP tool takes named arguments. Use 'Using Fields "
            "Below' in n8n and export again."
        )
    if what == "Query":
        for name, raw in parsed.items():
            value = raw if isinstance(raw, str) else json.dumps(raw)
            for placeholder in PLACEHOLDER.findall(value):
                argument(placeholder, True)
            fixed[str(name)] = value
        return False
    if not all(value == "{" + name + "}" for name, value in parsed.items()):
        raise Refusal(
            f"its tool {described(tool)} sends a JSON body with fixed values, or with "
            "{placeholders} under other names than their own; WorkFuse's HTTP tool sends the "
            "model's arguments, by name, as the JSON body."
        )
    for name in parsed:
        argument(name, True)
    return bool(parsed)


# --- agenttools ---
def _url(tool: N8nNode, cx: Converter, root: N8nNode) -> str:
    """The tool's URL; expressions in it read the run's data as the agent's item (n8n fills
    them for the item the agent works on), so they become templates of the agent's data, which
    the tool fills when it is called."""
    raw = tool.params.get("url")
    if not isinstance(raw, str) or not raw.startswith("=") or CONSTANT.fullmatch(raw):
        return _literal(tool, "URL", raw)
    if "$fromAI" in raw:
        raise Refusal(
            f"its tool {described(tool)} reads $fromAI in its URL; WorkFuse's HTTP tool takes "
            "the model's arguments as {placeholders}: write {name} there in n8n and export again."
        )
    return str(cx.value(raw, root))


JSON_BODY_NOTE = (
    "The tool '{name}' fills the {{placeholders}} of its JSON body as values (escaped, a "
    "number stays a number); n8n pasted the model's text into the JSON before parsing it."
)


def _json_body(tool: N8nNode, argument: Any) -> Any:
    """A JSON body (`specifyBody: json`) that is not just the model's arguments by name: the
    WorkFuse tool's `body` template, each {placeholder} declared as a required argument, as
    n8n declares the placeholders of JSON text. None for other bodies."""
    if (tool.params.get("specifyBody") or "keypair") != "json":
        return None
    text = _literal(tool, "body", tool.params.get("jsonBody"))
    parsed = json_text(text)
    if parsed is None:  # placeholders standing for values: `"count": {count}`
        parsed = json_text(_quote_bare_placeholders(text))
    if parsed is None:
        raise Refusal(
            f"its tool {described(tool)} gives a JSON body that is not JSON, even with its "
            "{placeholders} filled; fix it in n8n and export again."
        )
    if isinstance(parsed, dict) and all(v == "{" + k + "}" for k, v in parsed.items()):
        return None  # the model's arguments by name: the tool's own body (_json_pairs)
    for name in body_placeholders(parsed):
        argument(name, True)
    return parsed


# --- ai3 ---
def _keypair_body(tool: N8nNode, argument: Any) -> dict[str, Any] | None:
    """A body of fields ('Using Fields Below') with fixed values beside the model's: the
    WorkFuse tool's `body` template, each field the model fills as its {placeholder} (declared
    required), each fixed value as it is, its {placeholders} filled by the model as n8n fills
    them. None when the model gives every field (the tool's own body)."""
    p = tool.params
    if (p.get("specifyBody") or "keypair") != "keypair":
        return None
    rows = [
        r
        for r in (p.get("parametersBody") or {}).get("values") or []
        if isinstance(r, dict) and r.get("name")
    ]
    by_model = ("modelRequired", "modelOptional")
    if all((r.get("valueProvider") or "modelRequired") in by_model for r in rows):
        return None
    body: dict[str, Any] = {}
    for row in rows:
        name = str(row["name"])
        provider = row.get("valueProvider") or "modelRequired"
        if provider == "modelOptional":
            raise Refusal(
                f"its tool {described(tool)} sends fixed body values beside the field '{name}', "
                "which the model may leave out; WorkFuse's tool sends such a body with every "
                "field filled. Make it required in n8n (By Model (and is required)) and export "
                "again."
            )
        if provider == "modelRequired":
            argument(name, True)
            body[name] = "{" + name + "}"
            continue
        is_constant, fixed = js_constant.constant(row.get("value"))
        if is_constant:  # `={{ { onlyMainContent: true } }}`: that value, whatever the run
            body[name] = fixed
            continue
        value = _literal(tool, f"body '{name}'", row.get("value"))
        for placeholder in PLACEHOLDER.findall(value):
            argument(placeholder, True)
        body[name] = value
    return body


# --- end ai3 ---


def _quote_bare_placeholders(text: str) -> str:
    """JSON text with each {placeholder} outside a string made a string of its own."""
    out: list[str] = []
    in_string = escaped = False
    i = 0
    while i < len(text):
        char = text[i]
        bare = None if in_string else PLACEHOLDER.match(text, i)
        if bare:
            out.append(f'"{bare.group(0)}"')
            i = bare.end()
            continue
        if in_string and escaped:
            escaped = False
        elif in_string and char == "\\":
            escaped = True
        elif char == '"':
            in_string = not in_string
        out.append(char)
        i += 1
    return "".join(out)


# --- end agenttools ---


def _query(fixed: dict[str, str]) -> str:
    """The fixed query as URL text, its {placeholders} kept for the tool to fill."""
    return "&".join(
        f"{quote_plus(name)}={_keep_placeholders(value)}" for name, value in fixed.items()
    )


def _keep_placeholders(value: str) -> str:
    parts = re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\})", value)
    return "".join(part if PLACEHOLDER.fullmatch(part) else quote_plus(part) for part in parts)


# --- end agentio ---


# --- Code, workflow and MCP tools --------------------------------------------------------


def _code(tool: N8nNode) -> dict[str, Any]:
    p = tool.params
    language = p.get("language") or "javaScript"
    python = language in ("python", "pythonNative")
    if language != "javaScript" and not python:
        raise Refusal(
            f"its tool {described(tool)} runs {language}; WorkFuse code tools run JavaScript "
            "or Python. Rewrite it in JavaScript in n8n and export again."
        )
    name = str(p.get("name") or "") if tool.version <= 1.1 else ""
    config: dict[str, Any] = {
        "type": "code",
        "name": tool_name(name or tool.name),
        "description": str(p.get("description") or ""),
    }
    if python:
        code = str(p.get("pythonCode") or "return query.upper()")
        try:
            code_node.check_python(code)
        except Refusal as exc:
            raise Refusal(f"its tool {described(tool)} {exc}") from None
        config["language"] = "python"
        # n8n's Python tool reads its input as `query` too (a statement of its own line).
        declare = "query = input\n" if p.get("specifyInputSchema") else "query = input['input']\n"
    else:
        code = str(p.get("jsCode") or "return query.toUpperCase()")
        declare = (
            "const query = input;\n"
            if p.get("specifyInputSchema")
            else "const query = input.input;\n"
        )
    if p.get("specifyInputSchema"):
        # The arguments arrive as an object; n8n's code reads them as `query`.
        config["code"] = declare + code
        if (p.get("schemaType") or "fromJson") == "fromJson":
            example = json_text(p.get("jsonSchemaExample") or "{}")
            if not isinstance(example, dict):
                raise Refusal(
                    f"its tool {described(tool)} has an example that is not a JSON object."
                )
            config["input_schema"] = schema_from_example(example, required=tool.version >= 1.3)
        else:
            schema = json_text(p.get("inputSchema") or "{}")
            if not isinstance(schema, dict):
                raise Refusal(f"its tool {described(tool)} has a schema that is not a JSON object.")
            schema.pop("$schema", None)
            config["input_schema"] = schema
    else:
        # A plain n8n tool takes one string, `input`, which its code reads as `query`.
        config["code"] = declare + code
        config["input_schema"] = _string_input()
    return config


def _workflow(tool: N8nNode, cx: Converter, root: N8nNode, notes: list[str]) -> dict[str, Any]:
    p = tool.params
    if (p.get("source") or "database") != "database":
        # --- agenttools ---
        why = embedded_tools.problem(tool.raw)
        if why is None:
            raise Refusal(
                f"its tool {described(tool)} carries the workflow it runs inside its settings, "
                "which WorkFuse saves as a workflow of its own that the agent calls: import "
                "with POST /api/workflows/import, which makes that workflow."
            )
        raise Refusal(
            f"its tool {described(tool)} carries the workflow it runs inside its settings, "
            f"but {why}."
        )
        # --- end agenttools ---
    wanted = resource(p.get("workflowId"))
    chosen = p.get("workflowId")
    label: dict[str, Any] = chosen if isinstance(chosen, dict) else {}
    callee = cx.calls.find(wanted, str(label.get("cachedResultName") or ""))
    # --- agentio ---
    # n8n runs its own workflow from its Execute Workflow Trigger; so does WorkFuse, from the
    # trigger.workflow that trigger becomes, once the import has saved it (`calls.own`).
    if callee is None and ("$workflow.id" in wanted or wanted == str(cx.data.get("id") or "-")):
        callee = cx.calls.own
        if callee is None:
            raise Refusal(
                f"its tool {described(tool)} calls this same workflow, whose WorkFuse id exists "
                "only once it is saved: import it with POST /api/workflows/import, which saves "
                "it and then points the tool at it."
            )
    # --- end agentio ---
    if callee is None:
        stand_in = cx.calls.stand_in(cx.data, wanted, str(label.get("cachedResultName") or ""))
        if stand_in is not None:
            callee, note = stand_in
            notes.append(f"Its tool {described(tool)}: {note}")
    called = callee.id if callee is not None else None
    if called is None:
        label = (p.get("workflowId") or {}) if isinstance(p.get("workflowId"), dict) else {}
        name = label.get("cachedResultName")
        raise Refusal(
            f"its tool {described(tool)} calls the n8n workflow {wanted or '(none)'}"
            + (f" ('{name}')" if name else "")
            + ", which is not imported with it; import both exports together (the caller and "
            "the workflow it calls) so the tool can call it."
        )
    name = str(p.get("name") or "") if tool.version <= 2.1 else ""
    converted: dict[str, Any] = {
        "type": "workflow",
        "name": tool_name(name or tool.name),
        "description": str(p.get("description") or ""),
        "workflow": called,
    }
    takes = callee.fields if callee is not None else None  # ai3
    fixed = workflow_tool_inputs.fixed(tool, cx, root, takes)  # ai3
    if fixed:
        converted["inputs"] = fixed
    return converted


def _mcp(tool: N8nNode, notes: list[str]) -> dict[str, Any]:
    p = tool.params
    if tool.version < 1.1:
        url, transport = p.get("sseEndpoint"), "sse"
    else:
        default = "sse" if tool.version < 1.2 else "httpStreamable"
        url, transport = p.get("endpointUrl"), p.get("serverTransport") or default
    if transport != "httpStreamable":
        raise Refusal(
            f"its tool {described(tool)} connects to its MCP server over SSE; WorkFuse speaks "
            "MCP's streamable HTTP. Switch the n8n tool to HTTP Streamable (the server's /mcp "
            "address) and export again."
        )
    config: dict[str, Any] = {
        "type": "mcp",
        "name": tool_name(tool.name),
        "url": _literal(tool, "server URL", url),
    }
    include = p.get("include") or "all"
    if include == "selected":
        config["allow"] = [str(t) for t in p.get("includeTools") or []]
    elif include == "except":
        raise Refusal(
            f"its tool {described(tool)} offers every MCP tool except some; WorkFuse lists the "
            "tools it allows. Choose 'Selected' tools in n8n and export again."
        )
    auth = p.get("authentication") or "none"
    if auth != "none":
        notes.append(
            f"Credentials are not imported: choose a bearer credential for the MCP server "
            f"'{config['name']}' (n8n used {auth}; WorkFuse sends 'Authorization: Bearer')."
        )
    return config
