"""The node settings form (editor/node_form.py, POST /workflows/<id>/node-settings/): a form per
node type from its schema, the right widget per field, form values back to the same config,
credentials of the user and the node's kinds only, errors placed on their fields, the node's
last run, and 400 (never 500) for requests it cannot use."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import pytest

from credentials import store
from editor.models import Workflow
from editor.nodes import NODE_TYPES
from executions.models import Execution

pytestmark = pytest.mark.django_db

GRAPH = {
    "nodes": [
        {"id": "hook", "type": "trigger.webhook", "config": {}},
        {"id": "call", "type": "action.http", "config": {"url": "https://example.com"}},
    ],
    "edges": [{"source": "hook", "target": "call"}],
}


class FormReader(HTMLParser):
    """Reads the rendered form as a browser would: the values it would submit (checked boxes,
    selected options, textarea text; nothing inside <template>), each field's widget kind and
    the errors shown on it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.values: list[tuple[str, str]] = []
        self.kinds: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self._in_form = self._in_error = False
        self._templates = 0
        self._field = ""
        self._textarea: list[Any] | None = None
        self._select: dict[str, Any] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "wf-node-form":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "template":
            self._templates += 1
        if self._templates:
            return
        if tag == "div" and "data-field" in a:
            self._field = a["data-field"]
            self.kinds[self._field] = next(
                c.removeprefix("kind-") for c in a["class"].split() if c.startswith("kind-")
            )
        elif tag == "p" and "wf-field-error" in a.get("class", ""):
            self._in_error = True
        elif tag == "input" and a.get("name"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.values.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select":
            self._select = {"name": a["name"], "chosen": None, "first": None}
            self.options[a["name"]] = []
        elif tag == "option" and self._select is not None:
            self.options[self._select["name"]].append(a["value"])
            if self._select["first"] is None:
                self._select["first"] = a["value"]
            if "selected" in a:
                self._select["chosen"] = a["value"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "template":
            self._templates -= 1
        elif tag == "p":
            self._in_error = False
        elif tag == "textarea" and self._textarea is not None:
            # As browsers do, one newline right after <textarea> is not part of the value.
            self.values.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            self.values.append((self._select["name"], chosen or self._select["first"] or ""))
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._in_error and self._field:
            self.errors[self._field] = self.errors.get(self._field, "") + data

    def with_values(self, **changes: Any) -> list[tuple[str, str]]:
        """The submitted values with some fields' values replaced (lists for repeated names)."""
        kept = [(k, v) for k, v in self.values if k not in changes]
        for name, value in changes.items():
            for item in value if isinstance(value, list) else [value]:
                kept.append((name, item))
        return kept


def url(workflow: Workflow) -> str:
    return f"/workflows/{workflow.pk}/node-settings/"


def post(client: Any, workflow: Workflow, data: dict[str, Any] | list[tuple[str, str]]) -> Any:
    from urllib.parse import urlencode

    body = urlencode(data, doseq=True)
    return client.post(url(workflow), body, content_type="application/x-www-form-urlencoded")


def render(client: Any, workflow: Workflow, node_type: str, config: dict, **extra: Any) -> Any:
    return post(
        client,
        workflow,
        {
            "action": "render",
            "node_type": node_type,
            "node_id": "call",
            "config": json.dumps(config),
            **extra,
        },
    )


def apply(
    client: Any, workflow: Workflow, node_type: str, base: dict, values: list[tuple[str, str]]
) -> tuple[Any, dict]:
    fields = [
        ("action", "apply"),
        ("node_type", node_type),
        ("node_id", "call"),
        ("config", json.dumps(base)),
        ("graph", json.dumps(workflow.graph)),
        *values,
    ]
    response = post(client, workflow, fields)
    return response, result_of(response)


def result_of(response: Any) -> dict:
    html = response.content.decode()
    start = html.index('<script id="wf-form-result" type="application/json">') + 52
    return json.loads(html[start : html.index("</script>", start)])


@pytest.fixture
def workflow(alice: Any) -> Workflow:
    return Workflow.create(alice, "Orders", graph=GRAPH)


@pytest.mark.parametrize("node_type", sorted(NODE_TYPES))
def test_every_node_type_renders_a_form_with_all_its_settings(alice_client, workflow, node_type):
    response = render(alice_client, workflow, node_type, {})
    assert response.status_code == 200
    form = FormReader(response.content.decode())
    properties = NODE_TYPES[node_type].Config.model_json_schema()["properties"]
    operation = properties.get("operation", {}).get("default")  # app nodes: the default's fields
    shown = {n for n, p in properties.items() if operation in p.get("operations", [operation])}
    assert set(form.kinds) == shown


def test_each_field_gets_the_widget_its_type_calls_for(alice_client, workflow):
    http = FormReader(render(alice_client, workflow, "action.http", {}).content.decode())
    assert http.kinds["method"] == "select"
    assert http.options["f:method"] == ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    assert http.options["f:auth"][0] == ""  # optional: "none" first
    assert http.kinds["follow_redirects"] == "toggle"
    assert ("f:follow_redirects", "1") in http.values  # on by default
    assert http.kinds["headers"] == http.kinds["query"] == "keyvalue"
    assert http.kinds["body"] == "json"
    assert http.kinds["timeout_ms"] == "number"
    assert http.kinds["url"] == "text"
    assert http.kinds["credential"] == "credential"

    code = render(alice_client, workflow, "action.code", {}).content.decode()
    assert FormReader(code).kinds["code"] == "code"
    assert 'class="code wf-code" spellcheck="false" data-code' in code

    ai = FormReader(render(alice_client, workflow, "action.ai", {}).content.decode())
    assert ai.kinds["prompt"] == "textarea"
    assert ai.kinds["temperature"] == "number"
    assert ai.kinds["json_schema"] == "json"
    assert ai.kinds["provider"] == "select"
    webhook = FormReader(render(alice_client, workflow, "trigger.webhook", {}).content.decode())
    assert webhook.kinds["methods"] == "multi"
    assert ("f:methods", "POST") in webhook.values


def test_required_fields_are_marked_and_descriptions_shown(alice_client, workflow):
    html = render(alice_client, workflow, "action.http", {}).content.decode()
    assert 'for="wf-f-url">URL<span class="wf-req" title="Required">*</span>' in html
    assert 'for="wf-f-method">Method</label>' in html
    assert "Full http:// or https:// address to call" in html


ROUND_TRIPS = [
    (
        "action.http",
        {
            "method": "POST",
            "url": "https://api.example.com/orders/{{ trigger.body.id }}",
            "headers": {"Content-Type": "application/json", "X-Team": "{{ trigger.body.team }}"},
            "query": {},
            "body": {"email": "{{ trigger.body.email }}", "count": 2, "tags": ["a"]},
            "timeout_ms": 5000,
            "follow_redirects": False,
            "auth": "bearer",
        },
    ),
    ("action.http", {"url": "https://a.example", "body_type": "raw", "body": "plain {{ x }}"}),
    (
        "action.ai",
        {
            "provider": "anthropic",
            "model": "claude-haiku-4-5",
            "prompt": "Summarise:\n{{ trigger.body.text }}",
            "temperature": 0.2,
            "json_output": True,
            "json_schema": {"type": "object"},
        },
    ),
    ("action.code", {"code": "\nconst n = input.items.length;\n\treturn n;", "timeout_ms": 200}),
    ("trigger.webhook", {"methods": ["GET", "POST"], "response": "last_node"}),
    ("trigger.manual", {"sample_payload": {"name": "Ada"}}),
    ("utility.transform", {"expression": "orders[?total > `100`].id", "input": "{{ trigger }}"}),
    ("utility.delay", {"seconds": "{{ trigger.body.wait }}"}),
    ("utility.delay", {"seconds": 30}),
    (
        "logic.switch",
        {"cases": [{"handle": "big", "rules": [{"left": "{{ trigger.n }}", "right": 5}]}]},
    ),
    # --- batch 2, data nodes (a): rule groups in the rule editor ---
    (
        "logic.condition",
        {
            "combinator": "or",
            "rules": [
                {"left": "{{ trigger.n }}", "operator": "gt", "right": 5},
                {
                    "combinator": "and",
                    "rules": [
                        {"left": "{{ trigger.a }}"},
                        {"left": "{{ trigger.b }}", "operator": "exists"},
                    ],
                },
            ],
        },
    ),
    (
        "logic.switch",
        {
            "cases": [
                {
                    "handle": "vip",
                    "combinator": "or",
                    "rules": [
                        {"left": "{{ trigger.tier }}", "right": "gold"},
                        {
                            "combinator": "and",
                            "rules": [
                                {"left": "{{ trigger.total }}", "operator": "gte", "right": 1000}
                            ],
                        },
                    ],
                },
                {"handle": "other_case", "rules": [{"left": "{{ trigger.x }}", "right": True}]},
            ],
            "default_handle": "rest",
        },
    ),
    # --- repeat: until is one rule group, edited with the rule editor ---
    ("logic.repeat", {"until": {"rules": [{"left": "{{ last.body.status }}", "right": "done"}]}}),
    (
        "logic.repeat",
        {
            "max_iterations": 30,
            "delay_seconds": "{{ 5 * (iteration + 1) }}",
            "until": {
                "combinator": "or",
                "rules": [
                    {"left": "{{ last.status }}", "right": "ready"},
                    {"combinator": "and", "rules": [{"left": "{{ iteration }}", "right": 3}]},
                ],
            },
        },
    ),
    # --- end repeat ---
    # --- slack: a webhook's start_when is one rule group too ---
    (
        "trigger.webhook",
        {
            "challenge": "slack",
            "start_when": {
                "rules": [
                    {"left": "{{ trigger.body.type }}", "right": "event_callback"},
                    {
                        "combinator": "or",
                        "rules": [
                            {"left": "{{ trigger.body.event.type }}", "right": "team_join"},
                            {"left": "{{ trigger.body.event.channel }}", "right": "C0123ABCD"},
                        ],
                    },
                ]
            },
        },
    ),
    # --- end slack ---
]


@pytest.mark.parametrize(("node_type", "config"), ROUND_TRIPS)
def test_a_config_goes_through_the_form_unchanged(alice, alice_client, workflow, node_type, config):
    if node_type == "action.http" and "auth" in config:
        config = {**config, "credential": store.create(alice, "API", "bearer", "tok-123").pk}
    form = FormReader(render(alice_client, workflow, node_type, config).content.decode())
    response, result = apply(alice_client, workflow, node_type, config, form.values)
    assert response.status_code == 200
    assert result["config"] == config
    assert result["applicable"] is True


def test_switch_cases_are_edited_as_rule_trees_with_an_output_name(alice_client, workflow):
    form = FormReader(render(alice_client, workflow, "logic.switch", {}).content.decode())
    assert form.kinds == {"cases": "cases", "default_handle": "text"}
    values = [
        ("f:cases", ""),
        ("f:cases.row", "case"),
        ("f:cases.handle", " refund "),
        ("f:cases.combinator", "and"),
        ("f:cases.row", "rule"),
        ("f:cases.left", "{{ trigger.kind }}"),
        ("f:cases.operator", "eq"),
        ("f:cases.right", "refund"),
        ("f:cases.row", "end"),
        ("f:cases.row", "case"),
        ("f:cases.handle", "Bad Name"),
        ("f:cases.combinator", "or"),
        ("f:cases.row", "rule"),
        ("f:cases.left", "{{ trigger.x }}"),
        ("f:cases.operator", "exists"),
        ("f:cases.right", ""),
        ("f:cases.row", "end"),
    ]
    response, result = apply(alice_client, workflow, "logic.switch", {}, values)
    assert result["config"]["cases"] == [
        {"handle": "refund", "rules": [{"left": "{{ trigger.kind }}", "right": "refund"}]},
        {
            "handle": "Bad Name",
            "combinator": "or",
            "rules": [{"left": "{{ trigger.x }}", "operator": "exists"}],
        },
    ]
    assert (
        "[1].handle: 'Bad Name' is not a valid output name"
        in (FormReader(response.content.decode()).errors["cases"])
    )


def test_edited_values_become_the_config(alice_client, workflow):
    base = {"url": "https://example.com"}
    form = FormReader(render(alice_client, workflow, "action.http", base).content.decode())
    values = form.with_values(
        **{
            "f:method": "PATCH",
            "f:url": "https://api.example.com/users/{{ trigger.body.id }}",
            "f:headers.key": ["Accept", "", "X-Empty"],
            "f:headers.value": ["application/json", "", ""],
            "f:follow_redirects": "0",  # the hidden marker only: the box was unticked
            "f:timeout_ms": "1500",
            "f:body": '{"a": [1, 2]}',
            "f:auth_header_name": "X-API-Key",  # unchanged default: not written
        }
    )
    _, result = apply(alice_client, workflow, "action.http", base, values)
    assert result == {
        "config": {
            "url": "https://api.example.com/users/{{ trigger.body.id }}",
            "method": "PATCH",
            "headers": {"Accept": "application/json", "X-Empty": ""},
            "body": {"a": [1, 2]},
            "timeout_ms": 1500,
            "follow_redirects": False,
        },
        "applicable": True,
        "valid": True,
    }
    # An emptied optional field drops its key, so the default applies again.
    _, result = apply(
        alice_client, workflow, "action.http", result["config"], [("f:timeout_ms", "")]
    )
    assert "timeout_ms" not in result["config"]


def test_json_fields_take_plain_text_and_refuse_broken_json(alice_client, workflow):
    base = {"expression": "@"}
    _, result = apply(alice_client, workflow, "utility.transform", base, [("f:input", "{{ x }}")])
    assert result["config"]["input"] == "{{ x }}"
    response, result = apply(
        alice_client, workflow, "utility.transform", base, [("f:input", '{"a": ')]
    )
    assert result["applicable"] is False
    form = FormReader(response.content.decode())
    assert "Not valid JSON" in form.errors["input"]
    assert ("f:input", '{"a": ') in form.values  # the text is shown again, not lost


def test_a_jmespath_multiselect_is_text_shown_without_quotes(alice_client, workflow):
    query = "{order_id: body.id, email: body.customer.email}"
    _, result = apply(
        alice_client, workflow, "utility.transform", {"expression": "@"}, [("f:expression", query)]
    )
    assert result["config"]["expression"] == query
    response, _ = apply(alice_client, workflow, "utility.transform", result["config"], [])
    assert ("f:expression", query) in FormReader(response.content.decode()).values


def test_credential_picker_lists_my_credentials_of_the_nodes_kinds_only(
    alice, bob, alice_client, workflow
):
    mine = store.create(alice, "Alice API", "bearer", "alice-token-1")
    my_ai = store.create(alice, "Alice OpenAI", "ai_provider", "sk-alice-000000000000")
    theirs = store.create(bob, "Bob API", "bearer", "bob-token-1")
    http = render(alice_client, workflow, "action.http", {}).content.decode()
    form = FormReader(http)
    assert form.options["f:credential"] == ["", str(mine.pk)]
    assert "Alice API (Bearer token)" in http and "Bob API" not in http
    assert 'href="/credentials/"' in http
    ai = FormReader(render(alice_client, workflow, "action.ai", {}).content.decode())
    assert ai.options["f:credential"] == ["", str(my_ai.pk)]
    assert theirs.pk not in {int(v) for v in form.options["f:credential"] if v}


def test_errors_are_shown_on_the_fields_they_concern(bob, alice_client, workflow):
    theirs = store.create(bob, "Bob API", "bearer", "bob-token-1")
    form = FormReader(render(alice_client, workflow, "action.http", {}).content.decode())
    values = form.with_values(
        **{"f:url": "ftp://files.example.com", "f:timeout_ms": "5", "f:credential": ""}
    )
    response, result = apply(alice_client, workflow, "action.http", {}, values)
    errors = FormReader(response.content.decode()).errors
    assert "http:// or https://" in errors["url"]
    assert "greater than or equal to 100" in errors["timeout_ms"]
    assert "method" not in errors
    assert result["valid"] is False and result["applicable"] is True

    # What saving checks about the node in its graph: templates and credentials.
    base = {"url": "https://a.example/{{ nodes.later.id }}", "credential": theirs.pk}
    graph = {
        **GRAPH,
        "nodes": [
            *GRAPH["nodes"],
            {"id": "later", "type": "action.http", "config": {"url": "https://b.example"}},
        ],
        "edges": [*GRAPH["edges"], {"source": "call", "target": "later"}],
    }
    response = render(
        alice_client, workflow, "action.http", base, validate="1", graph=json.dumps(graph)
    )
    errors = FormReader(response.content.decode()).errors
    assert "'nodes.later' is not upstream of 'call'" in errors["url"]
    assert "does not exist or is not yours" in errors["credential"]


def test_errors_not_tied_to_one_field_are_listed_above_the_form(alice_client, workflow):
    response = render(
        alice_client, workflow, "utility.delay", {"seconds": 5, "until": "x"}, validate="1"
    )
    html = response.content.decode()
    assert 'class="errorlist wf-form-errors"' in html
    assert "set exactly one of" in html


def test_a_value_the_widget_cannot_show_falls_back_to_json(alice_client, workflow):
    config = {"url": "https://a.example", "method": 5, "headers": {"X-N": 1}}
    form = FormReader(render(alice_client, workflow, "action.http", config).content.decode())
    assert form.kinds["method"] == form.kinds["headers"] == "json"
    _, result = apply(alice_client, workflow, "action.http", config, form.values)
    assert result["config"] == config


def test_the_form_shows_the_nodes_last_run_with_a_link(alice, alice_client, workflow):
    version = workflow.versions.get()
    older = Execution.objects.create(workflow=workflow, version=version)
    older.steps.create(
        node_id="call", key="call", status="succeeded", output={"n": "from-the-older-run"}
    )
    newer = Execution.objects.create(workflow=workflow, version=version)
    newer.steps.create(
        node_id="call",
        key="call",
        status="failed",
        input={"url": "https://example.com"},
        output=None,
        error="HTTP 500 from example.com",
    )
    newest = Execution.objects.create(workflow=workflow, version=version)
    newest.steps.create(node_id="call", key="call", status="skipped")
    html = render(alice_client, workflow, "action.http", {}).content.decode()
    assert f'href="/executions/{newer.pk}/"' in html
    assert "HTTP 500 from example.com" in html and "failed" in html
    assert "&quot;url&quot;: &quot;https://example.com&quot;" in html  # its rendered input
    assert "from-the-older-run" not in html
    only = post(alice_client, workflow, {"action": "last_run", "node_id": "call"})
    assert only.status_code == 200
    assert only.content.decode().lstrip().startswith('<section class="wf-last-run"')


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"node_type": "action.nope", "config": "{}"}, "Unknown node type 'action.nope'."),
        ({"node_type": "action.http", "config": "{not json"}, "The config is not valid JSON"),
        ({"node_type": "action.http", "config": "[1]"}, "The config must be a JSON object."),
        ({"node_type": "action.http", "config": "{}", "graph": "nope"}, "The graph is not valid"),
        (
            {"node_type": "action.http", "config": "[" * 50_000 + "]" * 50_000},
            "The config was refused: The JSON nests objects and arrays more than 64 levels",
        ),
        (
            {"node_type": "action.http", "config": '{"timeout": NaN}'},
            "The config was refused: At 'timeout': NaN is not a number JSON allows",
        ),
        ({"node_type": "action.http", "action": "explode"}, "Unknown action 'explode'."),
    ],
)
def test_requests_it_cannot_use_are_answered_400(alice_client, workflow, data, message):
    response = post(alice_client, workflow, data)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert message in response.content.decode()


def test_it_checks_ownership_and_method(alice_client, charlie_client, client, workflow):
    data = {"node_type": "action.http", "config": "{}"}
    assert post(charlie_client, workflow, data).status_code == 404
    assert alice_client.get(url(workflow)).status_code == 405
    assert post(client, workflow, data).status_code == 302  # to the sign-in page


def test_workflow_page_says_how_to_set_up_magic_input_without_a_provider(
    settings, alice, alice_client, workflow
):
    settings.OPENAI_API_KEY = settings.ANTHROPIC_API_KEY = settings.GEMINI_API_KEY = ""
    settings.OPENAI_BASE_URL = ""
    page = alice_client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert "Magic Input needs an AI provider" in page and 'id="wf-magic-prompt"' not in page
    assert "AI provider key" in page
    store.create(alice, "My OpenAI", "ai_provider", "sk-alice-000000000000")
    page = alice_client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert 'id="wf-magic-prompt"' in page and "Magic Input needs an AI provider" not in page


# --- app nodes: fields that depend on the operation (integrations/operations.py) ---------------


def test_an_app_node_shows_only_the_chosen_operations_fields(alice_client, workflow):
    html = render(alice_client, workflow, "app.slack", {}).content.decode()
    form = FormReader(html)
    assert list(form.kinds) == [
        "credential",
        "operation",
        "channel",
        "text",
        "blocks",
        "attachments",
        "thread_ts",
    ]
    assert 'for="wf-f-channel">Channel<span class="wf-req" title="Required">*</span>' in html
    assert 'for="wf-f-thread_ts">Thread ts</label>' in html  # used, but optional
    assert '<select id="wf-f-operation" name="f:operation" data-rerender>' in html

    upload = FormReader(
        render(
            alice_client, workflow, "app.slack", {"operation": "upload_text_file"}
        ).content.decode()
    )
    assert list(upload.kinds) == [
        "credential",
        "operation",
        "channels",
        "filename",
        "content",
        "title",
    ]
    assert upload.kinds["channels"] == "list"


def test_changing_the_operation_rerenders_keeping_the_fields_both_use(alice_client, workflow):
    base = {"channel": "C1", "text": "Deploying", "thread_ts": "17.1"}
    form = FormReader(render(alice_client, workflow, "app.slack", base).content.decode())

    response, result = apply(
        alice_client,
        workflow,
        "app.slack",
        base,
        [*form.with_values(**{"f:operation": "update_message"}), ("quiet", "1")],
    )

    assert result["config"] == {"operation": "update_message", "channel": "C1", "text": "Deploying"}
    assert result["valid"] is None  # re-rendered, not checked yet: no errors while choosing
    again = FormReader(response.content.decode())
    assert list(again.kinds) == [
        "credential",
        "operation",
        "channel",
        "text",
        "blocks",
        "attachments",
        "ts",
    ]
    assert again.errors == {}


def test_applying_names_the_field_the_operation_needs(alice_client, workflow):
    base = {"operation": "update_message", "channel": "C1", "text": "Deployed"}
    form = FormReader(render(alice_client, workflow, "app.slack", base).content.decode())

    _, result = apply(alice_client, workflow, "app.slack", base, form.values)
    response, _ = apply(alice_client, workflow, "app.slack", base, form.values)

    assert result["valid"] is False
    assert FormReader(response.content.decode()).errors["ts"].strip() == (
        "Needed for the update_message operation."
    )


def test_an_app_nodes_credential_choices_are_its_services_kinds(alice, alice_client, workflow):
    bot = store.create(alice, "Acme Slack", "slack", {"bot_token": "xoxb-1"})
    hook = store.create(
        alice, "Alerts", "slack_webhook", {"webhook_url": "https://hooks.slack.com/services/T/B/x"}
    )
    store.create(alice, "Other", "bearer", "tok-123456")
    form = FormReader(render(alice_client, workflow, "app.slack", {}).content.decode())
    assert form.options["f:credential"] == ["", str(bot.pk), str(hook.pk)]  # by name
