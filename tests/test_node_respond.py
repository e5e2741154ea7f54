"""logic.respond: its settings (status, headers that cannot split or take over the response,
content type), the body it encodes, saving it, and its settings form."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from editor.models import Workflow
from editor.nodes import NODE_TYPES, logic_respond
from editor.nodes.base import NodeError, RunContext
from executions import answers
from tests.test_node_form import FormReader, apply, render
from workfuse.lib import files

Config = logic_respond.Config


def errors(config: dict) -> str:
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    return str(caught.value)


def test_defaults_answer_200_json_without_a_body():
    config = Config.model_validate({})
    assert (config.status, config.headers, config.body, config.content_type) == (
        200,
        {},
        None,
        "application/json",
    )
    assert logic_respond.encoded_body(config) == b""


def test_the_output_is_the_status():
    config = Config.model_validate({"status": 201, "body": {"id": 7}})
    ctx = RunContext(execution_id="e", node_id="reply", step_key="reply")
    assert NODE_TYPES["logic.respond"].run is not None
    assert NODE_TYPES["logic.respond"].run(config, ctx) == {"status": 201}


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (100, "100 is an interim (1xx) status, never an answer by itself; use 200 to 599"),
        (199, "199 is an interim (1xx) status"),
        (600, "600 is not an HTTP status code; use 200 to 599"),
        (42, "42 is not an HTTP status code"),
    ],
)
def test_status_must_be_a_final_http_status(status, says):
    assert says in errors({"status": status})


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Transfer-Encoding", "it belongs to the connection, which the server manages"),
        ("connection", "it belongs to the connection"),
        ("Content-Length", "it belongs to the connection"),
        ("Upgrade", "it belongs to the connection"),
        ("Set-Cookie", "cookies, storage and sign-in prompts on this site belong to WorkFuse"),
        ("Clear-Site-Data", "cookies, storage and sign-in prompts"),
        ("WWW-Authenticate", "cookies, storage and sign-in prompts"),
        ("Strict-Transport-Security", "it is part of WorkFuse's own security policy"),
        ("Content-Security-Policy", "it is part of WorkFuse's own security policy"),
        ("X-Content-Type-Options", "it is part of WorkFuse's own security policy"),
        ("X-Frame-Options", "it is part of WorkFuse's own security policy"),
        ("Content-Type", "set it with content_type instead"),
    ],
)
def test_connection_and_security_headers_are_refused_by_name(name, reason):
    message = errors({"headers": {name: "x"}})
    assert f"header '{name}' cannot be set: {reason}" in message


@pytest.mark.parametrize(
    "value",
    ["ok\r\nSet-Cookie: session=stolen", "a\nb", "a\rb", "nul\x00", "bell\x07", "café"],
)
def test_header_values_that_could_split_the_response_are_refused(value):
    message = errors({"headers": {"X-Note": value}})
    assert "header 'X-Note' has a line break or another control or non-ASCII character" in message


def test_header_names_must_be_tokens_and_values_may_be_templates_or_numbers():
    assert "String should match pattern" in errors({"headers": {"X Note": "a"}})
    config = Config.model_validate(
        {"headers": {"Location": "/orders/{{ trigger.body.id }}", "X-Count": 3, "X-On": True}}
    )
    assert config.headers == {
        "Location": "/orders/{{ trigger.body.id }}",
        "X-Count": "3",
        "X-On": "true",
    }
    assert "above 8192" in errors({"headers": {"X-Long": "a" * 8193}})


@pytest.mark.parametrize("good", ["text/plain", "text/html; charset=utf-8", "application/ld+json"])
def test_content_type_must_be_a_media_type(good):
    assert Config.model_validate({"content_type": good}).content_type == good
    assert "'text' is not a media type" in errors({"content_type": "text"})
    assert "is not a media type" in errors({"content_type": "text/plain\r\nX-Evil: 1"})


@pytest.mark.parametrize(
    ("config", "body", "media_type"),
    [
        ({"body": {"id": 7, "name": "Zoë"}}, '{"id": 7, "name": "Zoë"}', "application/json"),
        ({"body": "ok"}, '"ok"', "application/json"),  # a JSON string
        ({"body": [1, 2], "content_type": "application/problem+json"}, "[1, 2]", None),
        ({"body": "<p>hi</p>", "content_type": "text/html"}, "<p>hi</p>", None),
        ({"body": {"a": 1}, "content_type": "text/plain"}, '{"a": 1}', None),  # its JSON text
        ({"body": "x", "content_type": "text/csv; charset=latin-1"}, "x", None),
        ({"status": 204, "body": {"ignored": True}}, "", None),
        ({"status": 304, "body": "ignored"}, "", None),
    ],
)
def test_the_body_is_json_for_json_types_and_text_otherwise(config, body, media_type):
    parsed = Config.model_validate(config)
    assert logic_respond.encoded_body(parsed) == body.encode()
    expected = media_type or {
        "text/html": "text/html; charset=utf-8",
        "text/plain": "text/plain; charset=utf-8",
    }.get(parsed.content_type, parsed.content_type)
    assert logic_respond.media_type(parsed) == expected


def test_the_http_answer_carries_status_headers_and_body():
    reply = answers.http_response(
        {
            "status": 201,
            "headers": {"Location": "/people/7", "X-Request": "abc"},
            "body": {"id": 7},
            "content_type": "application/json",
        }
    )
    assert reply.status_code == 201
    assert reply["Location"] == "/people/7" and reply["X-Request"] == "abc"
    assert reply["Content-Type"] == "application/json"
    assert reply.content == b'{"id": 7}'
    empty = answers.http_response({"status": 202, "headers": {}, "body": None})
    assert empty.status_code == 202 and empty.content == b""
    assert "Content-Type" not in empty


# --- saving and the settings form ---------------------------------------------------------


def graph(config: dict) -> dict:
    return {
        "nodes": [
            {"id": "hook", "type": "trigger.webhook", "config": {"response": "respond_node"}},
            {"id": "call", "type": "logic.respond", "config": config},
        ],
        "edges": [{"source": "hook", "target": "call"}],
    }


@pytest.mark.django_db
def test_saving_refuses_a_bad_answer_naming_the_field_and_header(alice_api):
    good = {"status": 201, "headers": {"Location": "/x/{{ trigger.body.id }}"}, "body": {"a": 1}}
    assert alice_api.post("/api/workflows", {"name": "R", "graph": graph(good)}).status_code == 201
    bad = {"status": 700, "headers": {"Set-Cookie": "a=b"}, "content_type": "json"}
    response = alice_api.post("/api/workflows", {"name": "R", "graph": graph(bad)})
    assert response.status_code == 400
    details = {d["field"]: d["message"] for d in response.json()["details"]}
    assert details == {
        "config.status": "700 is not an HTTP status code; use 200 to 599",
        "config.headers": "header 'Set-Cookie' cannot be set: cookies, storage and sign-in "
        "prompts on this site belong to WorkFuse's own sign-in",
        "config.content_type": "'json' is not a media type such as application/json or "
        "text/plain; charset=utf-8",
    }


@pytest.mark.django_db
def test_the_form_has_a_status_number_header_pairs_and_a_body(alice, alice_client):
    workflow = Workflow.create(alice, "Respond", graph=graph({}))
    config = {
        "status": 201,
        "headers": {"Location": "/people/{{ nodes.hook.body.id }}", "Cache-Control": "no-store"},
        "body": {"id": "{{ trigger.body.id }}", "ok": True},
        "content_type": "application/json",
    }
    response = render(alice_client, workflow, "logic.respond", config)
    form = FormReader(response.content.decode())
    assert form.kinds == {
        "status": "number",
        "headers": "keyvalue",
        "body": "json",
        "content_type": "text",
        "file": "json",  # files: a file to answer with instead of the body
    }
    assert [v for k, v in form.values if k == "f:headers.key"] == ["Location", "Cache-Control"]
    html = response.content.decode()
    assert 'min="200" max="599"' in html
    _, result = apply(alice_client, workflow, "logic.respond", config, form.values)
    assert result == {"config": config, "applicable": True, "valid": True}

    changed = form.with_values(
        **{"f:status": "422", "f:headers.key": ["X-Frame-Options"], "f:headers.value": ["DENY"]}
    )
    response, result = apply(alice_client, workflow, "logic.respond", config, changed)
    assert result["valid"] is False
    assert (
        "header 'X-Frame-Options' cannot be set"
        in FormReader(response.content.decode()).errors["headers"]
    )


@pytest.mark.django_db
def test_the_webhook_settings_offer_respond_node_with_its_explanation(alice, alice_client):
    workflow = Workflow.create(alice, "Respond", graph=graph({}))
    response = render(alice_client, workflow, "trigger.webhook", {"response": "respond_node"})
    form = FormReader(response.content.decode())
    assert form.options["f:response"] == ["immediate", "last_node", "respond_node", "form"]
    assert ("f:response", "respond_node") in form.values
    assert "respond_node: the first &#x27;Respond to webhook&#x27; node" in (
        response.content.decode()
    )


# --- files: answering with a file -------------------------------------------------------------


def test_a_file_answer_sends_the_files_bytes_and_a_bad_file_fails_the_step():
    made = files.make(b"\x00\x01", "a.bin").value()
    config = Config.model_validate({"file": made, "content_type": "application/octet-stream"})
    assert logic_respond.encoded_body(config) == b"\x00\x01"
    assert logic_respond.media_type(config) == "application/octet-stream"
    with pytest.raises(ValueError, match="a body or a file, not both"):
        Config.model_validate({"file": made, "body": "x"})
    bad = Config.model_validate({"file": {"content": "***"}})
    with pytest.raises(NodeError, match=r"file\.content is not valid base64"):
        logic_respond.run(bad, RunContext(execution_id="e", node_id="r", step_key="r"))
