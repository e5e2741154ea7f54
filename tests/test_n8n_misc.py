"""Importing n8n's training Customer Datastore (editor/n8n/training_data.py), Hacker News
(hacker_news.py), OpenWeatherMap (apps_openweathermap.py) and Compare Datasets
(compare_datasets.py): the config each becomes from the corpus's settings, the refusals, where
their items lie, and imported workflows run in the engine (the services faked on 127.0.0.1)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import convert
from editor.n8n.training_data import PEOPLE
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.hacker_news import FakeHackerNews
from tests.fakes.openweathermap import API_KEY, FakeOpenWeatherMap
from tests.test_n8n_apps import converted, refusal, single, spec_items

BASE = "n8n-nodes-base."
HN = "https://hn.algolia.com/api/v1"


def node(name: str, kind: str, params: dict[str, Any], x: int, version: float = 1) -> dict:
    return {
        "parameters": params,
        "name": name,
        "type": f"{BASE}{kind}",
        "typeVersion": version,
        "position": [x, 0],
    }


def link(*targets: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"node": name, "type": "main", "index": index} for name, index in targets]


def set_field(name: str, field: str, value: str, x: int) -> dict[str, Any]:
    params = {"values": {"string": [{"name": field, "value": value}]}, "keepOnlySet": True}
    return node(name, "set", params, x)


def run(alice: Any, graph: dict[str, Any]) -> dict[str, Step]:
    assert validate_graph(graph) == []
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    return {s.key: s for s in Step.objects.filter(execution=execution)}


def loop_results(graph: dict[str, Any], steps: dict[str, Step], after: str) -> list[Any]:
    """The items `after` (a Set, whose step gives `{result}`) made in the loop the import put in
    front of it."""
    [loop] = [
        e["source"]
        for e in graph["edges"]
        if e["target"] == after and e["source"].startswith("each_")
    ]
    output = steps[loop].output
    assert output is not None
    return [r["result"] for r in output["results"]]


# --- Customer Datastore (n8n training) ----------------------------------------------------


@pytest.mark.parametrize(
    ("params", "data", "items"),
    [
        ({}, PEOPLE[0], None),
        ({"operation": "getAllPeople"}, PEOPLE[:5], "result"),
        ({"operation": "getAllPeople", "limit": 2}, PEOPLE[:2], "result"),
        ({"operation": "getAllPeople", "returnAll": True}, PEOPLE, "result"),
    ],
)
def test_the_training_datastore_becomes_its_fixed_records(params, data, items):
    made = converted("n8nTrainingCustomerDatastore", params)
    assert made["type"] == "utility.transform"
    assert made["config"]["language"] == "template"
    assert spec_items("n8nTrainingCustomerDatastore", params, 1) == items
    assert json.loads(made["config"]["expression"]) == data


def test_a_limit_from_an_expression_is_refused_by_name():
    message = refusal(
        "n8nTrainingCustomerDatastore", {"operation": "getAllPeople", "limit": "={{ 2 }}"}
    )
    assert "'App' (n8n-nodes-base.n8nTrainingCustomerDatastore)" in message
    assert "sets its limit with an expression" in message


@pytest.mark.django_db(transaction=True)
def test_the_nodes_after_the_training_data_run_once_per_person(alice):
    data = single("n8nTrainingCustomerDatastore", {"operation": "getAllPeople", "limit": 3})
    data["nodes"].append(set_field("Names", "who", "={{ $json.name }} ({{ $json.country }})", 480))
    data["connections"]["App"] = {"main": [link(("Names", 0))]}
    graph = convert(data)
    steps = run(alice, graph)
    assert loop_results(graph, steps, "names") == [
        {"who": "Jay Gatsby (US)"},
        {"who": "José Arcadio Buendía (CO)"},
        {"who": "Max Sendak (US)"},
    ]


# --- Hacker News ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "config", "items"),
    [
        (
            {"resource": "all", "additionalFields": {}},
            {"method": "GET", "url": f"{HN}/search", "query": {"hitsPerPage": 100}},
            "body.hits",
        ),
        (
            {
                "limit": 150,
                "resource": "all",
                "additionalFields": {"tags": ["ask_hn"], "keyword": '={{ $json["topic"] }}'},
            },
            {
                "method": "GET",
                "url": f"{HN}/search",
                "query": {"query": "{{ trigger.topic }}", "tags": "ask_hn", "hitsPerPage": 150},
            },
            "body.hits",
        ),
        (
            {"resource": "all", "returnAll": True},
            {"method": "GET", "url": f"{HN}/search", "query": {"hitsPerPage": 1000}},
            "body.hits",
        ),
        ({"articleId": "8863"}, {"method": "GET", "url": f"{HN}/items/8863"}, None),
        (
            {"resource": "user", "operation": "get", "username": "={{ $json.who }}"},
            {"method": "GET", "url": f"{HN}/users/{{{{ trigger.who }}}}"},
            None,
        ),
    ],
)
def test_each_hacker_news_operation_becomes_a_get_to_algolia(params, config, items):
    made = converted("hackerNews", params)
    assert made["type"] == "action.http"
    assert made["config"] == config
    assert spec_items("hackerNews", params, 1) == items


def test_an_article_without_comments_says_n8n_dropped_them():
    assert "removed the article's comments" in converted("hackerNews", {"articleId": "1"})["notes"]
    with_comments = {"articleId": "1", "additionalFields": {"includeComments": True}}
    assert "notes" not in converted("hackerNews", with_comments)


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"articleId": ""}, "has no Article ID"),
        ({"resource": "all", "additionalFields": {"tags": ["job"]}}, "filters by tags ['job']"),
        ({"resource": "all", "limit": "5x"}, "sets its limit to '5x'"),
    ],
)
def test_what_hacker_news_cannot_carry_is_refused_by_name(params, said):
    message = refusal("hackerNews", params)
    assert "'App' (n8n-nodes-base.hackerNews)" in message and said in message


def test_a_search_limit_from_an_expression_asks_for_that_many_hits():
    """A Hacker News tool's $fromAI('limit'), say: the query value is filled in by the run."""
    made = converted("hackerNews", {"resource": "all", "limit": "={{ $json.limit }}"})
    assert made["config"]["query"]["hitsPerPage"] == "{{ trigger.limit }}"


@pytest.mark.django_db(transaction=True)
def test_an_imported_search_runs_the_next_node_once_per_hit(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    params = {"resource": "all", "additionalFields": {"tags": ["ask_hn"], "keyword": "rust"}}
    data = single("hackerNews", params)
    data["nodes"].append(set_field("Titles", "title", "={{ $json.title }}", 480))
    data["connections"]["App"] = {"main": [link(("Titles", 0))]}
    graph = convert(data)
    with running(FakeHackerNews()) as fake:
        for made in graph["nodes"]:
            if made["type"] == "action.http":
                made["config"]["url"] = made["config"]["url"].replace(HN, f"{fake.url}/api/v1")
        steps = run(alice, graph)
        [request] = fake.requests
    assert request.query == {"query": ["rust"], "tags": ["ask_hn"], "hitsPerPage": ["100"]}
    assert loop_results(graph, steps, "titles") == [
        {"title": "Ask HN: How do I learn Rust?"},
        {"title": "Ask HN: How do I learn Rust again?"},
    ]


# --- OpenWeatherMap -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"cityName": '={{ $json["city"] }}', "language": "en"},
            {
                "operation": "current_weather",
                "location": "city_name",
                "units": "metric",
                "city_name": "{{ trigger.city }}",
                "language": "en",
            },
        ),
        (
            {"operation": "5DayForecast", "format": "imperial", "locationSelection": "cityId"},
            {
                "operation": "forecast",
                "location": "city_id",
                "units": "imperial",
                "city_id": "160001123",
            },
        ),
        (
            {"locationSelection": "coordinates", "latitude": "52.52", "longitude": "13.39"},
            {
                "operation": "current_weather",
                "location": "coordinates",
                "units": "metric",
                "latitude": "52.52",
                "longitude": "13.39",
            },
        ),
        (
            {"locationSelection": "zipCode", "zipCode": "10115,de", "format": "standard"},
            {
                "operation": "current_weather",
                "location": "zip_code",
                "units": "standard",
                "zip_code": "10115,de",
            },
        ),
    ],
)
def test_each_openweathermap_setting_becomes_its_config(params, config):
    made = converted("openWeatherMap", params)
    assert made["type"] == "app.openweathermap"
    assert made["config"] == config
    assert "choose a OpenWeatherMap credential (an API key)" in made["notes"]


def test_an_empty_city_is_refused_by_name():
    message = refusal("openWeatherMap", {"cityName": ""})
    assert "'App' (n8n-nodes-base.openWeatherMap): leaves 'cityName' empty" in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_weather_node_runs_once_its_credential_is_chosen(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("openWeatherMap", {"cityName": "berlin"})
    data["nodes"].append(
        set_field("Say", "text", "=It is {{ $json.main.temp }} °C in {{ $json.name }}", 480)
    )
    data["connections"]["App"] = {"main": [link(("Say", 0))]}
    graph = convert(data)
    with running(FakeOpenWeatherMap()) as fake:
        credential = store.create(
            alice, "Weather", "openweathermap", {"api_key": API_KEY, "base_url": fake.url}
        )
        for made in graph["nodes"]:
            if made["type"] == "app.openweathermap":
                made["config"]["credential"] = credential.pk
        steps = run(alice, graph)
    assert steps["say"].output == {"result": {"text": "It is 4.85 °C in Berlin"}}


# --- Compare Datasets -----------------------------------------------------------------------


def compare_workflow(params: dict[str, Any], version: float) -> dict[str, Any]:
    """Trigger -> every person (A) and the first three (B) -> Compare -> a Set after "In A
    only" and one after "Same"."""
    everyone = {"operation": "getAllPeople", "returnAll": True}
    nodes = [
        node("Start", "manualTrigger", {}, 0),
        node("Everyone", "n8nTrainingCustomerDatastore", everyone, 240),
        node(
            "First three",
            "n8nTrainingCustomerDatastore",
            {"operation": "getAllPeople", "limit": 3},
            240,
        ),
        node("Compare", "compareDatasets", params, 480, version),
        set_field("New", "name", "={{ $json.name }}", 720),
        set_field("Kept", "id", "={{ $json.id }}", 720),
    ]
    connections = {
        "Start": {"main": [link(("Everyone", 0), ("First three", 0))]},
        "Everyone": {"main": [link(("Compare", 0))]},
        "First three": {"main": [link(("Compare", 1))]},
        "Compare": {"main": [link(("New", 0)), link(("Kept", 0)), [], []]},
    }
    return {"name": "Compare", "nodes": nodes, "connections": connections}


MATCH_ID = {"mergeByFields": {"values": [{"field1": "id", "field2": "id"}]}}


@pytest.mark.parametrize(
    ("params", "version", "expected"),
    [
        (
            {**MATCH_ID, "resolve": "includeBoth", "options": {}},
            1,
            {"resolve": "include_both", "fuzzy": False, "n8n_version": 1.0},
        ),
        (
            {**MATCH_ID, "options": {"multipleMatches": "all", "skipFields": "notes, created"}},
            2.3,
            {
                "resolve": "include_both",
                "multiple_matches": "all",
                "skip_fields": ["notes", "created"],
                "n8n_version": 2.3,
            },
        ),
        (
            {**MATCH_ID, "fuzzyCompare": True, "options": {"disableDotNotation": True}},
            2,
            {"resolve": "prefer_b", "fuzzy": True, "dot_notation": False, "n8n_version": 2.0},
        ),
        (
            {**MATCH_ID, "resolve": "mix", "preferWhenMix": "input2", "exceptWhenMix": "a, b"},
            2.3,
            {"resolve": "mix", "prefer": "b", "except_fields": ["a", "b"]},
        ),
    ],
)
def test_compare_datasets_settings_become_utility_compare(params, version, expected):
    graph = convert(compare_workflow(params, version))
    [made] = [n for n in graph["nodes"] if n["id"] == "compare"]
    assert made["type"] == "utility.compare"
    config = made["config"]
    assert config["fields"] == [{"a": "id", "b": "id"}]
    assert {k: config[k] for k in expected} == expected
    assert config["input_a"].startswith("{{ ") and "nodes.everyone.result" in config["input_a"]
    assert "nodes.first_three.result" in config["input_b"]
    handles = {
        (e["source_handle"], e["target"]) for e in graph["edges"] if e["source"] == "compare"
    }
    assert handles == {("in_a_only", "each_compare"), ("same", "each_compare_2")}


def test_compare_datasets_without_fields_to_match_is_refused():
    data = compare_workflow({"mergeByFields": {"values": [{"field1": "id", "field2": ""}]}}, 2.3)
    with pytest.raises(ImportRefused) as refused:
        convert(data)
    [issue] = refused.value.issues
    assert "'Compare' (n8n-nodes-base.compareDatasets): leaves a field of pair 1" in issue.message


def test_compare_datasets_field_names_from_an_expression_are_refused():
    params = {**MATCH_ID, "options": {"skipFields": "={{ $json.skip }}"}}
    with pytest.raises(ImportRefused) as refused:
        convert(compare_workflow(params, 2.3))
    [issue] = refused.value.issues
    assert "sets 'Fields to Skip Comparing' with an expression" in issue.message


@pytest.mark.django_db(transaction=True)
def test_an_imported_compare_runs_each_outputs_nodes_over_that_outputs_items(alice):
    graph = convert(compare_workflow({**MATCH_ID, "options": {}}, 2.3))
    steps = run(alice, graph)
    assert loop_results(graph, steps, "new") == [
        {"name": "Zaphod Beeblebrox"},
        {"name": "Edmund Pevensie"},
    ]
    assert loop_results(graph, steps, "kept") == [{"id": p["id"]} for p in PEOPLE[:3]]


def test_a_respond_node_after_one_compare_output_answers_that_outputs_items():
    data = compare_workflow({**MATCH_ID, "options": {}}, 2.3)
    data["nodes"][0] = node(
        "Start", "webhook", {"path": "people", "responseMode": "responseNode"}, 0, 2
    )
    data["nodes"].append(
        node("Answer", "respondToWebhook", {"respondWith": "allIncomingItems"}, 720, 1.1)
    )
    data["connections"]["Compare"]["main"][2] = link(("Answer", 0))
    graph = convert(data)
    [answer] = [n for n in graph["nodes"] if n["id"] == "answer"]
    assert "nodes.compare.different" in json.dumps(answer["config"])
    assert {"source": "compare", "source_handle": "different", "target": "answer"} in graph["edges"]
