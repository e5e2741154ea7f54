"""Importing n8n's GraphQL node (editor/n8n/graphql.py) as action.http: the request n8n sends
for each method and request format, the answer as n8n gives it, and an imported query run
against a GraphQL server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from editor.n8n import convert
from editor.validation import validate_graph
from tests.test_n8n_files import chain, node_of, refused, run
from tests.test_n8n_flow import manual, n8n_node

QUERY = "query Repo($name: String!) { repo(name: $name) { stars } }"
SEEN: list[dict[str, Any]] = []


class GraphQLServer(BaseHTTPRequestHandler):
    """Answers as a GraphQL server does: `{"data": ...}`, or `{"errors": [...]}` with 400."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query).get("query", [""])[0]
        SEEN.append({"method": "GET", "query": query})
        self._answer(200, {"data": {"repo": {"stars": 7}}})

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        kind = self.headers.get("Content-Type", "")
        SEEN.append({"method": "POST", "type": kind, "token": self.headers.get("X-Token")})
        request = json.loads(raw) if kind == "application/json" else {"query": raw}
        SEEN[-1]["request"] = request
        name = (request.get("variables") or {}).get("name")
        if not name:
            self._answer(400, {"errors": [{"message": "Variable $name was not provided"}]})
            return
        self._answer(200, {"data": {"repo": {"stars": len(name)}}})


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), GraphQLServer)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/graphql"
    httpd.shutdown()
    httpd.server_close()


def graphql(version: float = 1.1, name: str = "Ask", **params: Any) -> dict:
    return n8n_node(
        name, "graphql", {"endpoint": "https://api.example.com/graphql", **params}, version
    )


def config_of(node: dict) -> dict:
    graph = convert(chain(manual(), node))
    assert validate_graph(graph) == []
    return node_of(graph, node["name"])["config"]


def test_version_1_1_posts_query_variables_and_operation_name_as_json():
    config = config_of(
        graphql(query=QUERY, variables='{"name": "{{ raw }}"}', operationName="Repo")
    )
    assert config["method"] == "POST" and config["body_type"] == "json"
    assert config["headers"] == {"content-type": "application/json"}
    assert config["fail_on_status"] is False  # n8n's request with simple: false
    body = config["body"]
    assert body["query"] == QUERY and body["operationName"] == "Repo"
    assert "{% raw %}" in body["variables"]["name"]  # literal JSON is not a template


def test_version_1_posts_the_raw_query_by_default_and_listed_headers_win():
    headers = {"parameter": [{"name": "Content-Type", "value": "text/plain"}]}
    config = config_of(graphql(1, query=QUERY, headerParametersUi=headers))
    assert (config["body_type"], config["body"]) == ("raw", QUERY)
    assert config["headers"] == {"Content-Type": "text/plain"}


def test_get_sends_the_query_as_a_parameter_and_expressions_become_templates():
    config = config_of(
        graphql(requestMethod="GET", query='={ user(login: "{{ $json.login }}") { name } }')
    )
    assert config["method"] == "GET" and "body" not in config
    assert "{{" in config["query"]["query"]


def test_empty_variables_and_operation_name_are_sent_as_n8n_sends_them():
    body = config_of(graphql(query=QUERY, operationName=""))["body"]
    assert body["variables"] == {} and body["operationName"] is None


def test_a_string_answer_is_read_from_its_property_and_auth_asks_for_a_credential():
    node = graphql(
        responseFormat="string",
        dataPropertyName="raw",
        authentication="headerAuth",
        query=QUERY,
    )
    node["credentials"] = {"httpHeaderAuth": {"id": "1", "name": "API"}}
    after = n8n_node(
        "Next",
        "httpRequest",
        {
            "url": "https://x.test",
            "method": "POST",
            "sendBody": True,
            "contentType": "raw",
            "body": "={{ $json.raw }}",
        },
        4.2,
    )
    graph = convert(chain(manual(), node, after))
    assert node_of(graph, "Next")["config"]["body"] == "{{ nodes.ask.body }}"
    notes = node_of(graph, "Ask")["notes"]
    assert "auth_header_name" in notes and "GraphQL errors" in notes


def test_variables_that_are_not_json_are_refused_naming_the_node():
    text = refused(chain(manual(), graphql(name="Bad", query=QUERY, variables="{name: x")))
    assert "n8n node 'Bad' (n8n-nodes-base.graphql)" in text and "not valid JSON" in text


@pytest.mark.django_db(transaction=True)
def test_an_imported_query_runs_and_the_next_node_reads_the_data(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    SEEN.clear()
    ask = graphql(endpoint=server, query=QUERY, variables='{"name": "workfuse"}')
    echo = graphql(
        name="Again",
        endpoint=server,
        query=QUERY,
        variables='={{ {"name": "x".repeat($json.data.repo.stars)} }}',
    )
    outputs = run(alice, chain(manual(), ask, echo))
    assert outputs["ask"]["body"] == {"data": {"repo": {"stars": 8}}}
    assert outputs["again"]["body"] == {"data": {"repo": {"stars": 8}}}
    first = SEEN[0]
    assert first["type"] == "application/json"
    assert first["request"] == {
        "query": QUERY,
        "variables": {"name": "workfuse"},
        "operationName": None,
    }


@pytest.mark.django_db(transaction=True)
def test_a_graphql_error_answer_is_passed_on_as_n8n_does_not_fail_on_status(
    alice, settings, server
):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    outputs = run(alice, chain(manual(), graphql(endpoint=server, query=QUERY)))
    assert outputs["ask"]["status"] == 400
    assert outputs["ask"]["body"]["errors"][0]["message"] == "Variable $name was not provided"


@pytest.mark.django_db(transaction=True)
def test_get_reaches_the_server_with_the_query(alice, settings, server):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    SEEN.clear()
    run(alice, chain(manual(), graphql(endpoint=server, requestMethod="GET", query="{ a }")))
    assert SEEN == [{"method": "GET", "query": "{ a }"}]
