"""Structured Output Parser schemas that are not valid JSON Schema, read as n8n reads them
(editor/n8n/ai_schema.py): a bare type name where a property's schema goes, or a `null` in a
list of types, takes any value, as json-schema-to-zod makes them. Converted, then run against
the fake provider with an answer n8n accepted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from editor.n8n import convert
from editor.n8n.ai_schema import as_n8n_reads
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import Reply, fake_ai_server
from tests.test_n8n_ai import LC, by_label, chain_export, n8n_node

# As the corpus writes them: bare type names (parser version 1) and null in a type list.
BARE_NAMES = {
    "type": "object",
    "properties": {
        "state": {"type": "string"},
        "cities": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": "string", "population": "number"},
            },
        },
    },
}
NULL_TYPES = {
    "type": "object",
    "properties": {
        "company": {"type": ["string", None], "description": "Name of the hiring company"},
        "kind": {"type": ["string", None], "enum": ["FULL_TIME", "CONTRACT", None]},
    },
}


def chain(parser_params: dict[str, Any], version: float) -> dict[str, Any]:
    node = n8n_node(
        "LLM Chain",
        f"{LC}chainLlm",
        {"promptType": "define", "text": "Describe Utah", "hasOutputParser": True},
        1.5,
    )
    parser = n8n_node("Structured Output Parser", f"{LC}outputParserStructured", parser_params)
    parser["typeVersion"] = version
    return chain_export(node, (parser, "ai_outputParser"))


def test_a_bare_type_name_is_any_value_as_n8n_reads_it():
    notes: list[str] = []
    schema = as_n8n_reads(BARE_NAMES, notes)
    assert schema["properties"]["cities"]["items"]["properties"] == {"name": {}, "population": {}}
    assert schema["properties"]["state"] == {"type": "string"}
    [note] = notes
    assert "$.properties.cities.items.properties.name: 'string'" in note
    assert "n8n read each as any value, and so does WorkFuse" in note


def test_null_in_a_type_list_is_any_value_and_an_enum_decides_alone():
    notes: list[str] = []
    schema = as_n8n_reads(NULL_TYPES, notes)
    assert schema["properties"]["company"] == {
        "anyOf": [{"type": "string"}, {}],
        "description": "Name of the hiring company",
    }
    assert schema["properties"]["kind"] == {"enum": ["FULL_TIME", "CONTRACT", None]}
    assert "$.properties.company.type: ['string', None]" in notes[0]


def test_a_valid_schema_is_kept_as_it_is_without_a_note():
    schema = {"type": "object", "properties": {"a": {"type": ["string", "null"]}}}
    notes: list[str] = []
    assert as_n8n_reads(schema, notes) == schema
    assert notes == []


def test_the_chain_keeps_the_schema_n8n_reads():
    graph = convert(chain({"jsonSchema": json.dumps(BARE_NAMES)}, 1))
    assert validate_graph(graph) == []
    node = by_label(graph, "LLM Chain")
    assert node["config"]["json_schema"] == as_n8n_reads(BARE_NAMES, [])
    graph = convert(chain({"schemaType": "manual", "inputSchema": json.dumps(NULL_TYPES)}, 1.2))
    assert by_label(graph, "LLM Chain")["config"]["json_schema"]["properties"]["company"] == {
        "anyOf": [{"type": "string"}, {}],
        "description": "Name of the hiring company",
    }


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        yield server


@pytest.mark.django_db(transaction=True)
def test_an_answer_n8n_accepted_passes_the_imported_chain(ai, alice):
    # population as text and a city without a name: n8n's z.any() took both
    answer = {"state": "Utah", "cities": [{"name": "Provo", "population": "about 115k"}, {}]}
    ai.script("openai", Reply(text=json.dumps(answer)))
    graph = convert(chain({"jsonSchema": json.dumps(BARE_NAMES)}, 1))
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="llm_chain")
    assert execution.status == "succeeded", step.error
    assert isinstance(step.output, dict)
    assert step.output["json"] == answer
    [request] = ai.requests_for("openai")
    assert "population" in json.dumps(request.body)
