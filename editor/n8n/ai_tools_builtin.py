"""LangChain's built-in tools that n8n offers as tool sub-nodes, as WorkFuse agent tools: the
Calculator as a code tool (editor/n8n/calculator.js, a parser rather than eval) and Wikipedia as
an HTTP tool calling Wikipedia's API with the model's query. Both keep LangChain's tool names
and the descriptions the model reads in n8n."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from editor.n8n.converter import LANGCHAIN, N8nNode

CALCULATOR_CODE = (Path(__file__).parent / "calculator.js").read_text()
CALCULATOR_DESCRIPTION = (
    "Useful for getting the result of a math expression. The input to this tool should be a "
    "valid mathematical expression that could be executed by a simple calculator."
)
WIKIPEDIA_DESCRIPTION = (
    "A tool for interacting with and fetching data from the Wikipedia API. The input should "
    "always be a string query."
)
# The plain-text introductions of the three best matches of the query, as LangChain's
# WikipediaQueryRun reads its top three results.
WIKIPEDIA_API = (
    "https://en.wikipedia.org/w/api.php?action=query&format=json&formatversion=2"
    "&generator=search&gsrlimit=3&prop=extracts&exintro=1&explaintext=1&redirects=1"
)


def _string_input() -> dict[str, Any]:
    return {"type": "object", "properties": {"input": {"type": "string"}}, "required": ["input"]}


def calculator(tool: N8nNode, notes: list[str]) -> dict[str, Any]:
    notes.append(
        "The Calculator tool reads arithmetic as LangChain's does (+ - * / % ^ !, PI, E, and "
        "functions like sqrt, log, sin, min, max); expr-eval's comparisons, conditionals, "
        "strings and variables answer 'I don't know how to do that.'"
    )
    return {
        "type": "code",
        "name": "calculator",
        "description": CALCULATOR_DESCRIPTION,
        "code": CALCULATOR_CODE,
        "input_schema": _string_input(),
    }


def wikipedia(tool: N8nNode, notes: list[str]) -> dict[str, Any]:
    notes.append(
        "The Wikipedia tool asks Wikipedia's API for the introductions of the three best "
        "matches and gives the model the API's JSON; LangChain gave it the pages' text as "
        "'Page: ... Summary: ...', cut to 4000 characters."
    )
    return {
        "type": "http",
        "name": "wikipedia-api",
        "description": WIKIPEDIA_DESCRIPTION,
        "method": "GET",
        "url": WIKIPEDIA_API + "&gsrsearch={input}",
        "body_schema": _string_input(),
    }


# --- agenttools ---
SERPAPI_DESCRIPTION = (
    "a search engine. useful for when you need to answer questions about current events. input "
    "should be a search query."
)
# n8n's options, in the order SerpApi's query gets them (n8n sends only those set).
SERPAPI_OPTIONS = ("gl", "device", "no_cache", "google_domain", "hl")


def serpapi(tool: N8nNode, notes: list[str]) -> dict[str, Any]:
    """LangChain's SerpAPI tool: GET serpapi.com/search with the options, the key as
    `api_key` and the model's query as `q`."""
    options = tool.params.get("options") or {}
    query = {k: options[k] for k in SERPAPI_OPTIONS if options.get(k) not in (None, "")}
    fixed = "".join(
        f"{k}={quote_plus(str(v).lower() if isinstance(v, bool) else str(v))}&"
        for k, v in query.items()
    )
    notes.append(
        "Credentials are not imported: choose an API key credential holding your SerpApi key "
        "for the tool 'search' (sent as the api_key query parameter, as n8n sent it)."
    )
    notes.append(
        "The SerpApi tool gives the model SerpApi's JSON (cut to the agent's result size); "
        "n8n's gave one distilled answer (the answer box, or the knowledge graph and first "
        "result's snippet)."
    )
    return {
        "type": "http",
        "name": "search",
        "description": SERPAPI_DESCRIPTION,
        "method": "GET",
        "url": f"https://serpapi.com/search?{fixed}q={{input}}",
        "body_schema": _string_input(),
        "auth": "query",
    }


# --- end agenttools ---


TOOLS: dict[str, Callable[[N8nNode, list[str]], dict[str, Any]]] = {
    f"{LANGCHAIN}toolCalculator": calculator,
    f"{LANGCHAIN}toolWikipedia": wikipedia,
    f"{LANGCHAIN}toolSerpApi": serpapi,  # agenttools
}
