"""The settings form of action.agent (editor/node_form.py, "nested fields"): one card per tool
with its type's own fields and pickers of the owner's credentials and workflows, "Ask before
running" boxes that are the node's `approval`, cards added, removed and re-typed, memory and
budget as groups, messages on the nested field they concern, and configs that go through the
form unchanged."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from credentials import store
from editor.models import Workflow
from tests.call_helpers import called
from tests.test_node_form import FormReader, post, render, result_of

pytestmark = pytest.mark.django_db

AGENT = "action.agent"
GRAPH = {
    "nodes": [
        {"id": "start", "type": "trigger.manual", "config": {}},
        {"id": "call", "type": AGENT, "config": {"prompt": "{{ trigger.message }}"}},
    ],
    "edges": [{"source": "start", "target": "call"}],
}
VOID = {"input", "br", "img", "hr", "meta", "link", "option"}


class CardReader(HTMLParser):
    """Where things sit inside the form's cards and groups: for each card (by its key) and for
    each group field, the nested fields shown (by their own names) and the error text on each;
    a card's own errors under the name ""."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, list[str]] = {}
        self.errors: dict[str, dict[str, str]] = {}
        self._stack: list[dict[str, str]] = []
        self._templates = 0
        self._card = ""
        self._group = ""
        self.feed(html)

    def _where(self) -> tuple[str, str] | None:
        sub = next((a["data-sub"] for a in reversed(self._stack) if "data-sub" in a), None)
        owner = self._card or self._group
        if not owner:
            return None
        return owner, sub or ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "template":
            self._templates += 1
        if self._templates:
            return
        if tag == "input" and a.get("name", "").endswith(".card"):
            self._card = a["value"]
            self.fields.setdefault(self._card, [])
        if tag == "div" and a.get("data-field") in ("memory", "budget"):
            self._group = a["data-field"]
            self.fields.setdefault(self._group, [])
        if tag == "div" and "data-sub" in a:
            owner = self._card or self._group
            self.fields[owner].append(a["data-sub"])
        if tag not in VOID:
            self._stack.append({**a, "tag": tag})

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._templates -= 1
            return
        if self._templates or tag in VOID:
            return
        closed = self._stack.pop()
        if tag == "fieldset":
            self._card = ""
        if closed.get("data-field") in ("memory", "budget"):
            self._group = ""

    def handle_data(self, data: str) -> None:
        if self._templates or not any("wf-field-error" in a.get("class", "") for a in self._stack):
            return
        where = self._where()
        if where is not None:
            owner, sub = where
            errors = self.errors.setdefault(owner, {})
            errors[sub] = errors.get(sub, "") + data


@pytest.fixture
def workflow(alice: Any) -> Workflow:
    return Workflow.create(alice, "Support", graph=GRAPH)


@pytest.fixture
def mine(alice: Any, bob: Any) -> dict[str, Any]:
    """Alice's credentials of each kind that matters, a workflow she can call and one she
    cannot; and Bob's bearer token, which she must never be offered."""
    return {
        "api_key": store.create(alice, "Shop API", "api_key", "shop-key-123456"),
        "basic": store.create(alice, "Legacy", "basic", {"username": "u", "password": "p1234"}),
        "bearer": store.create(alice, "Docs token", "bearer", "docs-token-123456"),
        "ai": store.create(alice, "OpenAI", "ai_provider", "sk-alice-000000000000"),
        "theirs": store.create(bob, "Bob API", "bearer", "bob-token-123456"),
        "tickets": Workflow.create(alice, "File a ticket", graph=called([])),
        "plain": Workflow.create(alice, "Not callable", graph=GRAPH),
    }


def every_kind(mine: dict[str, Any]) -> dict[str, Any]:
    return {
        "prompt": "{{ trigger.message }}",
        "tools": [
            {
                "type": "http",
                "name": "lookup_order",
                "description": "Look an order up by its id.",
                "url": "https://api.example.com/orders/{order_id}",
                "headers": {"Accept": "application/json"},
                "credential": mine["api_key"].pk,
            },
            {"type": "workflow", "name": "file_ticket", "workflow": mine["tickets"].pk},
            {
                "type": "code",
                "name": "volume",
                "code": "return input.a * input.b;",
                "input_schema": {"type": "object", "properties": {"a": {"type": "number"}}},
                "timeout_ms": 500,
            },
            {
                "type": "mcp",
                "name": "docs",
                "url": "https://mcp.example.com/mcp",
                "credential": mine["bearer"].pk,
                "allow": ["search", "delete_page"],
            },
        ],
        "approval": ["file_ticket", "delete_page"],
    }


def apply(
    client: Any, workflow: Workflow, base: dict, values: list[tuple[str, str]], **extra: str
) -> tuple[Any, dict]:
    fields = [
        ("action", "apply"),
        ("node_type", AGENT),
        ("node_id", "call"),
        ("config", json.dumps(base)),
        ("graph", json.dumps(workflow.graph)),
        *extra.items(),
        *values,
    ]
    response = post(client, workflow, fields)
    assert response.status_code == 200, response.content
    return response, result_of(response)


def shown(client: Any, workflow: Workflow, config: dict) -> tuple[str, FormReader]:
    html = render(client, workflow, AGENT, config).content.decode()
    return html, FormReader(html)


def without(values: list[tuple[str, str]], *prefixes: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in values if not k.startswith(prefixes)]


def test_each_tool_is_a_card_with_its_types_own_fields(alice_client, workflow, mine):
    html, form = shown(alice_client, workflow, every_kind(mine))
    assert form.kinds["tools"] == "tools"
    assert form.kinds["memory"] == form.kinds["budget"] == "group"
    cards = CardReader(html).fields
    assert cards == {
        "0": [
            "name",
            "description",
            "method",
            "url",
            "headers",
            "body_schema",
            "body",  # agenttools
            "credential",
            "auth",
        ],
        "1": ["name", "description", "workflow", "inputs"],  # ai3
        "2": ["name", "description", "code", "language", "input_schema", "timeout_ms"],
        "3": ["name", "url", "credential", "allow"],
        "memory": ["session_key", "max_messages"],
        "budget": ["max_tokens", "max_cost_usd"],
    }
    values = dict(form.values)
    assert [v for k, v in form.values if k == "f:tools.card"] == ["0", "1", "2", "3"]
    assert [v for k, v in form.values if k.endswith(".type")] == ["http", "workflow", "code", "mcp"]
    assert form.options["f:tools.0.type"] == ["http", "workflow", "code", "mcp", "vector_store"]
    assert ">HTTP request</option>" in html and ">Call a workflow</option>" in html
    assert ">MCP server</option>" in html
    assert values["f:tools.0.url"] == "https://api.example.com/orders/{order_id}"
    assert ("f:tools.0.headers.key", "Accept") in form.values
    assert form.options["f:tools.0.method"] == ["GET", "POST", "PUT", "PATCH", "DELETE"]
    assert (
        json.loads(values["f:tools.2.input_schema"]) == every_kind(mine)["tools"][2]["input_schema"]
    )
    assert (
        'name="f:tools.2.code" rows="10" class="code wf-code" spellcheck="false" data-code' in html
    )
    assert values["f:tools.2.timeout_ms"] == "500"
    assert [v for k, v in form.values if k == "f:tools.3.allow.item"] == ["search", "delete_page"]
    # Tools are taken literally: variables are offered in no field of theirs (but in memory's).
    assert not re.search(r'name="f:tools\.[^"]*"[^>]*wf-template', html)
    assert re.search(r'name="f:memory\.session_key"[^>]*wf-template', html)


def test_pickers_offer_only_the_owners_credentials_of_the_tools_kinds_and_callable_workflows(
    alice_client, workflow, mine
):
    html, form = shown(alice_client, workflow, every_kind(mine))
    by_name = sorted(("api_key", "basic", "bearer"), key=lambda k: mine[k].name)
    assert form.options["f:tools.0.credential"] == ["", *(str(mine[k].pk) for k in by_name)]
    mcp = sorted(("api_key", "bearer"), key=lambda k: mine[k].name)  # no basic auth
    assert form.options["f:tools.3.credential"] == ["", *(str(mine[k].pk) for k in mcp)]
    assert dict(form.values)["f:tools.0.credential"] == str(mine["api_key"].pk)
    assert form.options["f:credential"] == ["", str(mine["ai"].pk)]  # the model's own
    assert form.options["f:tools.1.workflow"] == ["", str(mine["tickets"].pk)]
    assert dict(form.values)["f:tools.1.workflow"] == str(mine["tickets"].pk)
    assert "Bob API" not in html
    assert "You have no credential of kind" not in html
    assert "Listed: your workflows that start with" in html


def test_ask_before_running_boxes_are_the_approval_list(alice_client, workflow, mine):
    config = every_kind(mine)
    html, form = shown(alice_client, workflow, config)
    ticked = {k for k, v in form.values if k.endswith(".ask")}
    assert ticked == {"f:tools.1.ask"}
    # `approval` shows only what no card carries: a tool of the MCP server, by its own name.
    assert [v for k, v in form.values if k == "f:approval.item"] == ["delete_page"]
    assert "“Ask before running” box" in html

    values = [
        *without(form.values, "f:tools.1.ask"),
        ("f:tools.0.ask", "1"),
        ("f:tools.3.ask", "1"),
    ]
    _, result = apply(alice_client, workflow, config, values)
    assert result["config"]["approval"] == ["delete_page", "lookup_order", "docs"]
    assert result["valid"] is True

    # Renaming a tool that asks first keeps asking under its new name.
    values = form.with_values(**{"f:tools.1.name": "open_ticket"})
    _, result = apply(alice_client, workflow, config, values)
    assert result["config"]["approval"] == ["delete_page", "open_ticket"]
    assert result["config"]["tools"][1]["name"] == "open_ticket"


def test_edited_cards_become_the_config(alice_client, workflow, mine):
    config = every_kind(mine)
    _, form = shown(alice_client, workflow, config)
    values = form.with_values(
        **{
            "f:tools.0.method": "POST",
            "f:tools.0.url": "https://api.example.com/v2/orders/{order_id}",
            "f:tools.0.headers.key": ["Accept", "X-Team"],
            "f:tools.0.headers.value": ["application/json", "support"],
            "f:tools.0.body_schema": '{"type": "object", "required": ["order_id"]}',
            "f:tools.0.credential": str(mine["basic"].pk),
            "f:tools.0.auth": "basic",
            "f:tools.2.code": "return input.a + input.b;",
            "f:tools.2.timeout_ms": "",
            "f:tools.3.allow.item": ["search", "", "read_page"],
        }
    )
    _, result = apply(alice_client, workflow, config, values)
    tools = result["config"]["tools"]
    assert tools[0] == {
        "type": "http",
        "name": "lookup_order",
        "description": "Look an order up by its id.",
        "method": "POST",
        "url": "https://api.example.com/v2/orders/{order_id}",
        "headers": {"Accept": "application/json", "X-Team": "support"},
        "body_schema": {"type": "object", "required": ["order_id"]},
        "credential": mine["basic"].pk,
        "auth": "basic",
    }
    assert tools[2] == {
        "type": "code",
        "name": "volume",
        "code": "return input.a + input.b;",
        "input_schema": config["tools"][2]["input_schema"],
    }  # an emptied number drops its key: the default applies
    assert tools[3]["allow"] == ["search", "read_page"]
    assert tools[1] == config["tools"][1]
    assert result == {**result, "applicable": True, "valid": True}


def test_a_tool_is_added_and_another_removed(alice_client, workflow, mine):
    config = every_kind(mine)
    _, form = shown(alice_client, workflow, config)
    # What the browser posts after "Remove" on the workflow card and "Add tool" (HTTP request):
    # the removed card's fields are gone, the new one comes last under a key of its own.
    values = [
        *without(form.values, "f:tools.1.", "f:approval"),
        ("f:tools.card", "added1"),
        ("f:tools.added1.type", "http"),
        ("f:tools.added1.name", "refund_order"),
        ("f:tools.added1.description", ""),
        ("f:tools.added1.method", "POST"),
        ("f:tools.added1.url", "https://api.example.com/orders/{order_id}/refunds"),
        ("f:tools.added1.headers", ""),
        ("f:tools.added1.body_schema", ""),
        ("f:tools.added1.credential", str(mine["api_key"].pk)),
        ("f:tools.added1.auth", ""),
        ("f:tools.added1.ask", "1"),
    ]
    values.remove(("f:tools.card", "1"))
    response, result = apply(alice_client, workflow, config, values)
    assert [t["name"] for t in result["config"]["tools"]] == [
        "lookup_order",
        "volume",
        "docs",
        "refund_order",
    ]
    assert result["config"]["tools"][3] == {
        "type": "http",
        "name": "refund_order",
        "method": "POST",
        "url": "https://api.example.com/orders/{order_id}/refunds",
        "credential": mine["api_key"].pk,
    }
    # The removed tool no longer asks; the new one does; the MCP server's own tool still does.
    assert result["config"]["approval"] == ["delete_page", "refund_order"]
    assert result["valid"] is True
    again = FormReader(response.content.decode())
    assert [v for k, v in again.values if k == "f:tools.card"] == ["0", "1", "2", "3"]
    assert ("f:tools.3.ask", "1") in again.values


def test_the_first_tool_of_an_agent_without_tools(alice_client, workflow, mine):
    config = {"prompt": "Hi"}
    html, form = shown(alice_client, workflow, config)
    assert "f:tools.card" not in dict(form.values)
    # One blank card per type for "Add tool", outside what the form submits.
    for tag in ("http", "workflow", "code", "mcp"):
        assert f'<template data-tool-template="{tag}">' in html
    assert 'name="f:tools.__key__.url"' in html
    assert "data-tool-add" in html
    values = [
        *form.values,
        ("f:tools.card", "added1"),
        ("f:tools.added1.type", "code"),
        ("f:tools.added1.name", "double"),
        ("f:tools.added1.code", "return input.n * 2;"),
        ("f:tools.added1.timeout_ms", "1000"),
    ]
    _, result = apply(alice_client, workflow, config, values)
    assert result["config"] == {
        "prompt": "Hi",
        "tools": [{"type": "code", "name": "double", "code": "return input.n * 2;"}],
    }
    assert result["valid"] is True


def test_changing_a_tools_type_rerenders_its_card_keeping_the_fields_both_have(
    alice_client, workflow, mine
):
    config = every_kind(mine)
    _, form = shown(alice_client, workflow, config)
    assert (
        'name="f:tools.0.type" aria-label="Type of tool" data-rerender'
        in render(alice_client, workflow, AGENT, config).content.decode()
    )
    values = form.with_values(**{"f:tools.0.type": "mcp"})
    response, result = apply(alice_client, workflow, config, values, quiet="1")
    assert result["config"]["tools"][0] == {
        "type": "mcp",
        "name": "lookup_order",
        "url": "https://api.example.com/orders/{order_id}",
        "credential": mine["api_key"].pk,
    }
    assert result["valid"] is None  # re-rendered, not checked yet
    assert CardReader(response.content.decode()).fields["0"] == [
        "name",
        "url",
        "credential",
        "allow",
    ]


def test_a_bad_url_is_shown_on_that_tools_url(alice_client, workflow, mine):
    config = every_kind(mine)
    _, form = shown(alice_client, workflow, config)
    values = form.with_values(**{"f:tools.0.url": "ftp://files.example.com/orders"})
    response, result = apply(alice_client, workflow, config, values)
    assert result["valid"] is False and result["applicable"] is True
    errors = CardReader(response.content.decode()).errors
    assert errors == {
        "0": {"url": "tools.0.url: must be an http:// or https:// address"},
    }
    assert ("f:tools.0.url", "ftp://files.example.com/orders") in FormReader(
        response.content.decode()
    ).values


def test_messages_about_nested_values_name_their_path(alice_client, workflow, mine):
    config = every_kind(mine)
    _, form = shown(alice_client, workflow, config)
    values = form.with_values(
        **{
            "f:tools.1.name": "file ticket",
            "f:tools.1.workflow": "",
            "f:tools.2.timeout_ms": "5",
            "f:memory.on": "1",
            "f:memory.session_key": "",
            "f:budget.max_cost_usd": "0",
        }
    )
    response, result = apply(alice_client, workflow, config, values)
    assert result["valid"] is False
    errors = CardReader(response.content.decode()).errors
    assert "tools.1.name: 'file ticket' is not a tool name" in errors["1"]["name"]
    assert errors["1"]["workflow"] == "tools.1.workflow: Field required"
    assert (
        "tools.2.timeout_ms: Input should be greater than or equal to 10"
        in errors["2"]["timeout_ms"]
    )
    assert errors["memory"] == {
        "session_key": "memory.session_key: String should have at least 1 character"
    }
    assert errors["budget"] == {
        "max_cost_usd": "budget.max_cost_usd: Input should be greater than 0"
    }


def test_text_that_cannot_be_read_is_shown_again_on_its_nested_field(alice_client, workflow, mine):
    config = every_kind(mine)
    _, form = shown(alice_client, workflow, config)
    values = form.with_values(
        **{
            "f:tools.0.body_schema": '{"type": ',
            "f:tools.0.url": "https://api.example.com/changed",
            "f:budget.max_tokens": "lots",
        }
    )
    response, result = apply(alice_client, workflow, config, values)
    assert result["applicable"] is False
    assert result["config"]["tools"] == config["tools"]  # left as it was
    html = response.content.decode()
    errors = CardReader(html).errors
    assert errors["0"]["body_schema"].startswith("tools.0.body_schema: Not valid JSON")
    assert errors["budget"] == {"max_tokens": "budget.max_tokens: 'lots' is not a number."}
    again = FormReader(html)
    assert ("f:tools.0.body_schema", '{"type": ') in again.values
    assert ("f:tools.0.url", "https://api.example.com/changed") in again.values
    assert ("f:budget.max_tokens", "lots") in again.values
    assert [v for k, v in again.values if k == "f:tools.card"] == ["0", "1", "2", "3"]


def test_a_card_of_no_known_type_says_which_types_there_are(alice_client, workflow, mine):
    config = every_kind(mine)
    _, form = shown(alice_client, workflow, config)
    response, result = apply(
        alice_client, workflow, config, form.with_values(**{"f:tools.2.type": "shell"})
    )
    assert result["applicable"] is False
    errors = CardReader(response.content.decode()).errors
    assert errors["2"][""] == (
        "tools.2.type: Pick a type: HTTP request, Call a workflow, Code, MCP server, Vector store."
    )


def test_memory_is_a_toggle_with_a_session_key_and_budget_two_numbers(alice_client, workflow):
    config = {"prompt": "{{ trigger.message }}"}
    html, form = shown(alice_client, workflow, config)
    values = dict(form.values)
    assert "f:memory.on" not in values  # off: the agent forgets
    assert values["f:memory.session_key"] == "{{ trigger.session_id }}"
    assert values["f:memory.max_messages"] == "20"
    assert "Remember the conversation" in html
    assert values["f:budget.max_tokens"] == values["f:budget.max_cost_usd"] == ""

    _, result = apply(alice_client, workflow, config, form.values)
    assert result["config"] == config  # nothing switched on, nothing written

    on = [*form.with_values(**{"f:memory.max_messages": "50"}), ("f:memory.on", "1")]
    on = [
        *without(on, "f:budget."),
        ("f:budget.max_tokens", "20000"),
        ("f:budget.max_cost_usd", "0.5"),
    ]
    _, result = apply(alice_client, workflow, config, on)
    assert result["config"]["memory"] == {
        "session_key": "{{ trigger.session_id }}",
        "max_messages": 50,
    }
    assert result["config"]["budget"] == {"max_tokens": 20000, "max_cost_usd": 0.5}
    assert result["valid"] is True

    remembered = result["config"]
    _, form = shown(alice_client, workflow, remembered)
    assert ("f:memory.on", "1") in form.values
    off = without(form.values, "f:memory.on", "f:budget.")
    off += [("f:budget.max_tokens", ""), ("f:budget.max_cost_usd", "")]
    _, result = apply(alice_client, workflow, remembered, off)
    assert result["config"]["memory"] == "none"
    assert "budget" not in result["config"]


def test_a_session_key_template_reading_a_later_node_is_placed_on_it(alice_client, workflow):
    config = {"prompt": "Hi", "memory": {"session_key": "{{ nodes.later.id }}"}}
    response = render(alice_client, workflow, AGENT, config, validate="1")
    errors = CardReader(response.content.decode()).errors
    assert "memory.session_key:" in errors["memory"]["session_key"]
    assert "nodes.later" in errors["memory"]["session_key"]


def test_a_field_absent_from_the_post_is_left_as_it_was(alice_client, workflow, mine):
    config = {**every_kind(mine), "memory": {"session_key": "s"}, "budget": {"max_tokens": 9}}
    _, result = apply(alice_client, workflow, config, [("f:prompt", "Changed")])
    assert result["config"] == {**config, "prompt": "Changed"}
    # Within a card too: a nested field not posted keeps its value.
    _, form = shown(alice_client, workflow, config)
    _, result = apply(alice_client, workflow, config, without(form.values, "f:tools.0.headers"))
    assert result["config"] == config


UNCHANGED = [
    {"prompt": "Hi"},
    {"prompt": "Hi", "tools": [], "approval": [], "memory": "none"},
    {
        "provider": "anthropic",
        "model": "claude-haiku-4-5",
        "system_prompt": "You answer support questions.",
        "prompt": "{{ trigger.message }}",
        "tools": [
            {
                "type": "http",
                "name": "refund",
                "description": "",
                "method": "GET",
                "url": "https://api.example.com/orders/{id}/refunds",
                "headers": {},
                "body_schema": {"type": "object", "properties": {"id": {"type": "string"}}},
                "auth": "bearer",
            },
            {
                "type": "code",
                "name": "sum",
                "description": "Adds numbers.",
                "code": "\nconst n = input.a;\n\treturn n + input.b;",
                "timeout_ms": 1000,
            },
            {"type": "mcp", "name": "docs", "url": "https://mcp.example.com/mcp", "allow": []},
        ],
        "memory": {"session_key": "{{ trigger.session_id }}", "max_messages": 20},
        "budget": {"max_cost_usd": 0.25},
        "output_schema": {"type": "object", "properties": {"answer": {"type": "string"}}},
        "max_iterations": 5,
        "approval": ["search", "refund", "docs"],
        "stream": False,
    },
    # Values a card or group cannot show are kept as JSON.
    {"prompt": "Hi", "tools": [{"type": "http", "name": "a", "url": "https://a.example", "x": 1}]},
    {
        "prompt": "Hi",
        "tools": [{"type": "http", "name": "a", "url": "https://a.example", "headers": {"n": 1}}],
    },
    {"prompt": "Hi", "tools": [{"type": "shell", "name": "a"}], "approval": ["a"]},
    {"prompt": "Hi", "memory": {"session_key": "s", "ttl": 3}, "budget": {}},
    {"prompt": "Hi", "memory": "forever", "approval": "everything"},
]


@pytest.mark.parametrize("config", UNCHANGED)
def test_a_config_goes_through_the_form_unchanged(alice, alice_client, workflow, mine, config):
    if config.get("tools") and config["tools"][0].get("auth"):
        config = json.loads(json.dumps(config))
        config["tools"][0]["credential"] = mine["bearer"].pk
    _, form = shown(alice_client, workflow, config)
    _, result = apply(alice_client, workflow, config, form.values)
    assert result["config"] == config
    assert result["applicable"] is True


def test_every_example_for_magic_input_goes_through_the_form_unchanged(alice_client, workflow):
    from editor.nodes import NODE_TYPES

    node = NODE_TYPES[AGENT]
    assert len(node.examples) >= 2
    for _, config in node.examples:
        node.Config.model_validate(config)
        _, form = shown(alice_client, workflow, config)
        assert form.kinds["tools"] == "tools"
        _, result = apply(alice_client, workflow, config, form.values)
        assert result["config"] == config


# --- agenttools ---
def test_an_http_tools_body_is_json_text_in_its_card(alice_client, workflow, mine):
    config = every_kind(mine)
    _, form = shown(alice_client, workflow, config)
    values = form.with_values(
        **{"f:tools.0.method": "POST", "f:tools.0.body": '{"filter": {"tag": "{tag}"}, "n": 5}'}
    )
    _, result = apply(alice_client, workflow, config, values)
    assert result["valid"] is True, result
    assert result["config"]["tools"][0]["body"] == {"filter": {"tag": "{tag}"}, "n": 5}


# --- end agenttools ---
