"""Importing n8n's HTTP Request versions 1 and 2 (editor/n8n/http_request_legacy.py): their
parameter names mapped onto action.http as n8n sends them, refusals naming the node and the
setting, and imported requests run by the engine against a local server."""

from __future__ import annotations

import json
from typing import Any

import pytest

from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow, recorder
from tests.test_n8n_import import by_label, refusal_messages, single_node_workflow

HTTP = "n8n-nodes-base.httpRequest"


def old_http(params: dict[str, Any], name: str = "Call", version: float = 1) -> dict[str, Any]:
    return {"name": name, "type": HTTP, "typeVersion": version, "parameters": params}


def converted(params: dict[str, Any], version: float = 1) -> dict[str, Any]:
    graph = convert(single_node_workflow(old_http(params, version=version)))
    assert validate_graph(graph) == []
    return by_label(graph, "Call")


def test_json_parameters_become_method_url_headers_and_a_json_text_body():
    node = converted(
        {
            "url": "https://api.example.com/v1/completions",
            "requestMethod": "POST",
            "jsonParameters": True,
            "bodyParametersJson": '={\n "prompt": "About {{$json["topic"]}}",\n "n": 1\n}',
            "headerParametersJson": '{"OCS-APIRequest": "true"}',
            "queryParametersJson": '{"lang": "en"}',
            "options": {"timeout": 5000},
        }
    )
    assert node["type"] == "action.http"
    config = node["config"]
    assert config["method"] == "POST"
    assert config["url"] == "https://api.example.com/v1/completions"
    assert config["headers"] == {"OCS-APIRequest": "true", "Content-Type": "application/json"}
    assert config["query"] == {"lang": "en"}
    assert config["body_type"] == "raw"
    assert "About {{" in config["body"] and '"n": 1' in config["body"]
    assert config["timeout_ms"] == 5000
    assert config["follow_redirects"] is False  # n8n's request library: POST redirects stay


def test_literal_json_body_is_sent_as_json_and_kept_from_templating():
    config = converted(
        {
            "url": "https://api.example.com/x",
            "requestMethod": "PUT",
            "jsonParameters": True,
            "bodyParametersJson": '{"text": "{{ not a template }}", "n": [1, 2]}',
        }
    )["config"]
    assert config["body_type"] == "json"
    assert config["body"]["n"] == [1, 2]
    assert "{% raw %}" in config["body"]["text"]


def test_listed_parameters_lower_case_header_names_and_send_a_form_for_post():
    config = converted(
        {
            "url": "https://hooks.example.com/post",
            "requestMethod": "POST",
            "headerParametersUi": {"parameter": [{"name": "X-Token", "value": "abc"}]},
            "queryParametersUi": {"parameter": [{"name": "page", "value": "2"}]},
            "bodyParametersUi": {
                "parameter": [{"name": "text", "value": "={{$json.message}}"}, {"name": "n"}]
            },
            "options": {"bodyContentType": "form-urlencoded"},
        }
    )["config"]
    assert config["headers"] == {"x-token": "abc"}
    assert config["query"] == {"page": "2"}
    assert config["body_type"] == "form"
    assert config["body"] == {"text": "{{ trigger.message }}", "n": ""}


def test_a_form_is_sent_only_by_patch_post_and_put_as_in_n8n():
    config = converted(
        {
            "url": "https://api.example.com/items/1",
            "requestMethod": "DELETE",
            "bodyParametersUi": {"parameter": [{"name": "why", "value": "old"}]},
            "options": {"bodyContentType": "form-urlencoded"},
        }
    )["config"]
    assert (config["body_type"], config["body"]) == ("json", {"why": "old"})


def test_get_follows_redirects_unless_turned_off_and_options_map():
    plain = converted({"url": "https://example.com", "options": {}})["config"]
    assert plain == {"method": "GET", "url": "https://example.com"}
    config = converted(
        {
            "url": "https://example.com",
            "options": {"followRedirect": False, "ignoreResponseCode": True},
        }
    )["config"]
    assert config["follow_redirects"] is False and config["fail_on_status"] is False
    post = converted(
        {
            "url": "https://example.com",
            "requestMethod": "POST",
            "options": {"followAllRedirects": True},
        }
    )["config"]
    assert "follow_redirects" not in post


def test_raw_body_with_its_content_type_and_credentials_as_a_note():
    node = converted(
        {
            "url": "https://example.com/xml",
            "requestMethod": "POST",
            "jsonParameters": True,
            "bodyParametersJson": "<a>{{ x }}</a>",
            "authentication": "headerAuth",
            "options": {"bodyContentType": "raw", "bodyContentCustomMimeType": "text/xml"},
        }
    )
    config = node["config"]
    assert config["body_type"] == "raw"
    assert config["headers"] == {"Content-Type": "text/xml"}
    assert "headerAuth credential" in node["notes"]


def test_version_2_reads_its_predefined_credential_type():
    node = converted(
        {
            "url": "=https://api.lemlist.com/api/leads/{{$json.email}}",
            "requestMethod": "POST",
            "authentication": "predefinedCredentialType",
            "nodeCredentialType": "lemlistApi",
            "options": {},
        },
        version=2,
    )
    assert node["config"]["url"].startswith("https://api.lemlist.com/api/leads/{{ trigger.email")
    assert "lemlistApi credential" in node["notes"]


def test_string_and_full_responses_are_read_from_the_body_and_status():
    data = single_node_workflow(
        old_http(
            {
                "url": "https://example.com/page",
                "responseFormat": "string",
                "dataPropertyName": "html",
                "options": {"fullResponse": True},
            }
        )
    )
    data["nodes"].append(
        old_http(
            {"url": '=https://example.com/log?t={{$json["html"]}}&s={{$json.statusCode}}'},
            name="Log",
        )
    )
    data["connections"]["Call"] = {"main": [[{"node": "Log", "type": "main", "index": 0}]]}
    graph = convert(data)
    url = by_label(graph, "Log")["config"]["url"]
    assert "nodes.call.body" in url and "nodes.call.status" in url
    notes = by_label(graph, "Call")["notes"]
    assert "kept the response as text in 'html'" in notes and "statusMessage" in notes


def test_constant_method_expressions_are_that_method_in_every_version():
    assert converted({"url": "https://x.example", "requestMethod": "=PUT"})["config"]["method"] == (
        "PUT"
    )
    new = single_node_workflow(
        {
            "name": "Call",
            "type": HTTP,
            "typeVersion": 4.2,
            "parameters": {"url": "https://x.example", "method": "=POST"},
        }
    )
    assert by_label(convert(new), "Call")["config"]["method"] == "POST"


@pytest.mark.parametrize(
    ("params", "construct"),
    [
        (
            {
                "url": "https://x.example",
                "requestMethod": "POST",
                "jsonParameters": True,
                "sendBinaryData": True,
                "binaryPropertyName": "bg",
            },
            "sends a file (binary data) with Body Content Type 'json'",
        ),
        (
            {"url": "https://x.example", "options": {"splitIntoItems": True}},
            "splits the response into items",
        ),
        (
            {
                "url": "https://x.example",
                "queryParametersUi": {"parameter": [{"name": "a", "value": "1"}, {"name": "a"}]},
            },
            "sends the query parameter 'a' more than once",
        ),
        (
            {
                "url": "https://x.example",
                "jsonParameters": True,
                "headerParametersJson": "={{ $json.headers }}",
            },
            "sets its headers from an expression",
        ),
        (
            {"url": "https://x.example", "jsonParameters": True, "bodyParametersJson": "{oops"},
            "has a body that is not valid JSON",
        ),
        ({"url": "https://x.example", "requestMethod": "={{ $json.verb }}"}, "uses the method"),
    ],
)
def test_refusals_name_the_node_and_the_setting(params, construct):
    [message] = refusal_messages(single_node_workflow(old_http(params, name="Old call")))
    assert "'Old call' (n8n-nodes-base.httpRequest)" in message
    assert construct in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_version_1_request_runs_and_the_next_node_reads_its_response(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as api:
        api.script = [(200, {}, {"id": 42}), (200, {}, {"ok": True})]
        data = single_node_workflow(
            old_http(
                {
                    "url": f"{api.url}/orders",
                    "requestMethod": "POST",
                    "jsonParameters": True,
                    "bodyParametersJson": '={"item": "{{$json["item"]}}", "qty": 2}',
                    "options": {},
                }
            )
        )
        data["nodes"].append(
            old_http(
                {
                    "url": f"={api.url}/orders/{{{{$json.id}}}}",
                    "requestMethod": "PUT",
                    "bodyParametersUi": {"parameter": [{"name": "state", "value": "paid"}]},
                    "headerParametersUi": {"parameter": [{"name": "X-Shop", "value": "7"}]},
                    "options": {"bodyContentType": "form-urlencoded"},
                },
                name="Pay",
            )
        )
        data["connections"]["Call"] = {"main": [[{"node": "Pay", "type": "main", "index": 0}]]}
        workflow = make_workflow(alice, convert(data))
        execution = engine.start_execution(workflow, {"item": "tea"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", [
        s.error for s in Step.objects.filter(execution=execution)
    ]
    create, pay = api.requests
    assert (create["method"], create["path"]) == ("POST", "/orders")
    assert json.loads(create["body"]) == {"item": "tea", "qty": 2}
    assert (pay["method"], pay["path"], pay["body"]) == ("PUT", "/orders/42", "state=paid")
    assert pay["headers"]["x-shop"] == "7"


@pytest.mark.django_db(transaction=True)
def test_headers_and_query_as_json_with_expressions_in_their_values_are_sent_filled_in(
    alice, settings
):
    """n8n fills in the {{ }} blocks of `={"X-Session": "{{ ... }}"}` and parses the JSON: each
    value becomes a template (version 1's JSON parameters and version 4's 'Using JSON')."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as api:
        api.script = [(200, {}, {"token": "t-9"}), (200, {}, {"ok": True})]
        data = single_node_workflow(
            old_http(
                {
                    "url": f"{api.url}/session",
                    "jsonParameters": True,
                    "headerParametersJson": '={"X-Session-Id":"{{$json["sid"]}}", "X-N": 3}',
                    "queryParametersJson": '={"q": "a \\"b\\" {{ $json.q }}"}',
                    "options": {},
                }
            )
        )
        data["nodes"].append(
            {
                "name": "Use",
                "type": "n8n-nodes-base.httpRequest",
                "typeVersion": 4.2,
                "parameters": {
                    "url": f"{api.url}/use",
                    "sendHeaders": True,
                    "specifyHeaders": "json",
                    "jsonHeaders": '={\n  "Authorization": "Bearer {{ $json.token }}"\n}',
                    "options": {},
                },
            }
        )
        data["connections"]["Call"] = {"main": [[{"node": "Use", "type": "main", "index": 0}]]}
        graph = convert(data)
        assert by_label(graph, "Use")["config"]["headers"] == {
            "Authorization": "Bearer {{ nodes.call.body.token | n8n_text }}"
        }
        execution = engine.start_execution(make_workflow(alice, graph), {"sid": "s1", "q": "c"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    session, use = api.requests
    assert session["path"] == "/session?q=a+%22b%22+c"
    assert (session["headers"]["X-Session-Id"], session["headers"]["X-N"]) == ("s1", "3")
    assert use["headers"]["Authorization"] == "Bearer t-9"
    said = refusal_messages(
        single_node_workflow(
            old_http(
                {
                    "url": "https://x.example",
                    "jsonParameters": True,
                    "headerParametersJson": '={"n": {{ $json.n }}}',
                }
            )
        )
    )
    assert "sets its headers from an expression" in said[0]
