"""LangChain's built-in tools that n8n offers as tool sub-nodes, as WorkFuse agent tools: the
Calculator as a code tool (editor/n8n/calculator.js, a parser rather than eval) and Wikipedia as
an HTTP tool calling Wikipedia's API with the model's query. Both keep LangChain's tool names
and the descriptions the model reads in n8n."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

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


TOOLS: dict[str, Callable[[N8nNode, list[str]], dict[str, Any]]] = {
    f"{LANGCHAIN}toolCalculator": calculator,
    f"{LANGCHAIN}toolWikipedia": wikipedia,
}
