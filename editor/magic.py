"""Magic input (DESIGN §8, `POST /api/ai/configure`): a node's config from a sentence.

`configure()` builds a system prompt from the node type's JSON Schema, its field descriptions,
worked examples and the variables a template may read at that node (the trigger, upstream nodes
and, when the workflow ran before, the shapes of their outputs), asks the model for
`{config, confidence, reasoning}` through the provider's structured-output path, validates
`config` with the node's pydantic `Config`, and retries up to `MAX_RETRIES` times feeding the
validation errors back. The provider key never reaches the prompt, the answer or an error.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import ValidationError

from aiconfig import access, models_catalog
from aiconfig.access import default_provider
from aiconfig.providers import (
    ProviderError,
    ProviderSetupError,
    Request,
    get_provider,
    refuse_key_in_text,
)
from editor import variables
from editor.models import Workflow
from editor.nodes import NODE_TYPES, trigger_workflow
from editor.validation import config_issues
from workfuse.lib import redaction

MAX_RETRIES = 3
MAX_SHAPE_DEPTH = 4
MAX_SHAPE_KEYS = 40
PROMPT_LIMIT = 4000

# Worked examples per node type: (request, config). Credentials are referenced by id, never
# written out; templates read the trigger and upstream nodes.
EXAMPLES: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "action.http": [
        (
            "Create a contact in the CRM at https://crm.example.com/api/contacts with the name "
            "and email from the webhook; authenticate with credential 7.",
            {
                "method": "POST",
                "url": "https://crm.example.com/api/contacts",
                "headers": {"Content-Type": "application/json", "Accept": "application/json"},
                "body_type": "json",
                "body": {
                    "name": "{{ trigger.body.name }}",
                    "email": "{{ trigger.body.email }}",
                },
                "credential": 7,
                "auth": "bearer",
            },
        ),
        (
            "Fetch the user whose id came in the webhook from https://api.example.com/users",
            {
                "method": "GET",
                "url": "https://api.example.com/users/{{ trigger.body.user_id }}",
                "headers": {"Accept": "application/json"},
            },
        ),
        (
            "Look up the weather for the city from get_user; the API key (credential 3) goes in "
            "the appid query parameter",
            {
                "method": "GET",
                "url": "https://api.weather.example/v1/current",
                "query": {"city": "{{ nodes.get_user.body.city }}"},
                "credential": 3,
                "auth": "query",
                "auth_query_param": "appid",
            },
        ),
    ],
    "action.ai": [
        (
            "Summarise the support ticket from the webhook in two sentences",
            {
                "provider": "openai",
                "model": "gpt-4o-mini",
                "prompt": "Summarise this support ticket in two sentences:\n"
                "{{ trigger.body.ticket }}",
            },
        ),
    ],
    "logic.condition": [
        (
            "Continue only when the order total is over 100",
            {"rules": [{"left": "{{ trigger.body.total }}", "operator": "gt", "right": "100"}]},
        ),
    ],
    # --- data nodes, batch 2 part b ---
    "utility.dedupe": [
        (
            "Drop leads whose email we have already seen, also in earlier runs, for 90 days",
            {
                "items": "{{ nodes.fetch.body.leads }}",
                "fields": ["email"],
                "scope": "workflow",
                "ttl_days": 90,
            },
        ),
        ("Remove duplicate rows from the previous step", {}),
    ],
    "utility.aggregate": [
        (
            "Total revenue and number of orders per country from the webhook's orders",
            {
                "items": "{{ trigger.body.orders }}",
                "group_by": ["country"],
                "operations": [
                    {"op": "count", "as": "orders"},
                    {"field": "total", "op": "sum", "as": "revenue"},
                ],
            },
        ),
        (
            "Average rating and the list of reviewer names",
            {
                "operations": [
                    {"field": "rating", "op": "avg", "as": "average_rating"},
                    {"field": "reviewer.name", "op": "list", "as": "reviewers"},
                ]
            },
        ),
    ],
    "utility.datetime": [
        (
            "Add 14 days to the invoice date and write it as 31/01/2027",
            {
                "operation": "add",
                "value": "{{ trigger.body.invoice_date }}",
                "amount": 14,
                "unit": "days",
                "format": "DD/MM/YYYY",
            },
        ),
        (
            "The current time in New York as 2027-01-31 09:00",
            {"operation": "now", "timezone": "America/New_York", "format": "yyyy-MM-dd HH:mm"},
        ),
    ],
    "utility.crypto": [
        (
            "Sign the webhook body with HMAC-SHA256 using credential 4",
            {
                "operation": "hmac",
                "algorithm": "sha256",
                "value": "{{ trigger.body | tojson }}",
                "credential": 4,
            },
        ),
        ("An MD5 of the email address", {"value": "{{ trigger.body.email }}", "algorithm": "md5"}),
    ],
    "utility.parse": [
        (
            "Read the CSV report from the download (semicolon separated)",
            {"format": "csv", "value": "{{ nodes.download.body }}", "delimiter": ";"},
        ),
        (
            "Get the page title and every product link from the HTML",
            {
                "format": "html",
                "value": "{{ nodes.page.body }}",
                "selectors": [
                    {"name": "title", "css": "title"},
                    {"name": "links", "css": "a.product", "attribute": "href", "multiple": True},
                ],
            },
        ),
    ],
    # --- end data nodes part b ---
    # --- batch 2, data nodes (a): set, filter, sort, limit ---
    "utility.set": [
        (
            "Make an object with the customer's email, the order total as a number and "
            "paid = true, nothing else",
            {
                "keep": "none",
                "fields": [
                    {"name": "email", "value": "{{ trigger.body.customer.email }}"},
                    {"name": "total", "value": "{{ trigger.body.total }}", "type": "number"},
                    {"name": "paid", "value": "true", "type": "boolean"},
                ],
            },
        ),
        (
            "Keep everything from fetch's body but drop the password, and add customer.tier = gold",
            {
                "input": "{{ nodes.fetch.body }}",
                "keep": "except",
                "keep_fields": ["password"],
                "fields": [{"name": "customer.tier", "value": "gold", "type": "string"}],
            },
        ),
    ],
    "utility.filter": [
        (
            "Keep the orders from get_orders whose total is over 100 and whose status is "
            "paid or shipped",
            {
                "items": "{{ nodes.get_orders.body.orders }}",
                "rules": [
                    {"left": "{{ item.total }}", "operator": "gt", "right": 100},
                    {
                        "combinator": "or",
                        "rules": [
                            {"left": "{{ item.status }}", "operator": "eq", "right": "paid"},
                            {"left": "{{ item.status }}", "operator": "eq", "right": "shipped"},
                        ],
                    },
                ],
            },
        ),
        (
            "Only the users that have an email address",
            {"rules": [{"left": "{{ item.email }}", "operator": "exists"}]},
        ),
    ],
    "utility.sort": [
        (
            "Sort the orders by total, largest first, then by date, oldest first",
            {"by": [{"field": "total", "order": "desc"}, {"field": "created_at"}]},
        ),
        (
            "Sort the people from the webhook by name, ignoring case",
            {"items": "{{ trigger.body.people }}", "by": [{"field": "{{ item.name | lower }}"}]},
        ),
    ],
    "utility.limit": [
        ("Keep only the first 10 items", {"max": 10}),
        (
            "The last 3 entries of fetch's log",
            {"items": "{{ nodes.fetch.body.log }}", "max": 3, "from": "end"},
        ),
    ],
    # --- end of batch 2 (a) ---
    # --- respond: logic.respond ---
    "logic.respond": [
        (
            "Answer the caller 201 with the new order's id from create_order and a Location "
            "header pointing at it",
            {
                "status": 201,
                "headers": {
                    "Location": "https://shop.example.com/orders/{{ nodes.create_order.body.id }}"
                },
                "body": {"id": "{{ nodes.create_order.body.id }}"},
            },
        ),
        (
            "Reply with plain text 'Thanks, we got it'",
            {"body": "Thanks, we got it", "content_type": "text/plain"},
        ),
    ],
    # --- end respond ---
    # --- subflows: trigger.workflow, action.workflow ---
    "trigger.workflow": [
        (
            "It is called with the customer's email (required) and an optional order total",
            {
                "inputs": [
                    {"name": "email", "type": "string", "required": True},
                    {"name": "total", "type": "number"},
                ]
            },
        ),
    ],
    "action.workflow": [
        (
            "Run workflow 12 (Send invoice) for the order from the webhook and wait for the result",
            {
                "workflow": 12,
                "inputs": {
                    "email": "{{ trigger.body.customer.email }}",
                    "total": "{{ trigger.body.total }}",
                },
            },
        ),
        (
            "Start workflow 7 with the user id from get_user in the background; don't wait",
            {"workflow": 7, "inputs": {"user_id": "{{ nodes.get_user.body.id }}"}, "wait": False},
        ),
    ],
    # --- end subflows ---
    # --- errorflows ---
    "logic.stop": [
        (
            "Stop with an error when the order from the webhook has no total",
            {
                "message": "Order {{ trigger.body.id }} has no total",
                "code": "MISSING_TOTAL",
            },
        ),
        (
            "Fail the run saying the customer from get_user is blocked",
            {"message": "Customer {{ nodes.get_user.body.email }} is blocked"},
        ),
    ],
    # --- end errorflows ---
    # --- wait: utility.wait ---
    "utility.wait": [
        (
            "Wait for a manager to approve the refund of the order from the webhook, with a "
            "comment; give up after two days",
            {
                "mode": "approval",
                "title": "Refund order {{ trigger.body.order_id }}?",
                "description": "{{ trigger.body.customer }} asks for {{ trigger.body.amount }} "
                "EUR back.",
                "fields": [{"name": "comment", "type": "text", "required": True}],
                "timeout_seconds": 172800,
            },
        ),
        (
            "Wait until the export service calls back to say the file is ready",
            {"mode": "webhook"},
        ),
    ],
    # --- end wait ---
    # --- repeat ---
    "logic.repeat": [
        (
            "Check the export every 30 seconds until its status is ready or failed, at most 40 "
            "times",
            {
                "max_iterations": 40,
                "delay_seconds": 30,
                "until": {
                    "combinator": "or",
                    "rules": [
                        {"left": "{{ last.body.status }}", "operator": "eq", "right": "ready"},
                        {"left": "{{ last.body.status }}", "operator": "eq", "right": "failed"},
                    ],
                },
            },
        ),
    ],
    # --- end repeat ---
    # --- devtools: trigger.poll ---
    "trigger.poll": [
        (
            "Every 5 minutes check https://api.example.com/orders?status=new with credential 4 "
            "and start a run for each new order in data.orders, by its id",
            {
                "url": "https://api.example.com/orders?status=new",
                "credential": 4,
                "auth": "bearer",
                "items_path": "data.orders",
                "id_field": "id",
                "interval_seconds": 300,
            },
        ),
        (
            "When a new issue is opened in the GitHub repository acme/shop (check every minute), "
            "with my GitHub credential 2",
            {
                "credential": 2,
                "url": "https://api.github.com/repos/acme/shop/issues?state=open&sort=created"
                "&direction=desc&per_page=50",
                "headers": {"Accept": "application/vnd.github+json"},
                "auth": "bearer",
                "items_path": "[?!pull_request]",
                "id_field": "id",
                "interval_seconds": 60,
            },
        ),
        (  # sheetsupdate
            "When a row of the Leads sheet in spreadsheet 1LeadsSheetAbc is added or edited "
            "(only the Stage and Owner columns count), with Google credential 7",
            {
                "source": "google_sheets",
                "spreadsheet_id": "1LeadsSheetAbc",
                "sheet_range": "Leads",
                "credential": 7,
                "id_field": "row_number",
                "emit": "new_or_changed",
                "watch_fields": ["Stage", "Owner"],
            },
        ),
    ],
    # --- end devtools ---
}

GENERAL_RULES = """\
Rules:
- Answer with one JSON object: {"config": <the node's config>, "confidence": <0..1>,
  "reasoning": "<one or two sentences>"}.
- "config" must match the node's JSON Schema below: only the fields it defines, required fields
  always present, enum values spelled exactly. Leave out fields whose default is right.
- Values may use templates: {{ trigger.<path> }} reads the data that started the run (for a
  webhook: trigger.body, trigger.headers, trigger.query), {{ nodes.<node_id>.<path> }} reads
  the output of an upstream node. Read only the variables listed as available.
- Never write a secret (an API key, token or password) into the config: authenticate by
  referencing a credential by its id in "credential" and say how it is sent in "auth". When
  the user named no credential, leave "credential" out and say so in "reasoning".
- When the request is ambiguous, pick the most likely reading, lower "confidence" and explain
  in "reasoning".
- A node with an "operation" field (an app such as Slack): choose the operation first, then set
  only the fields listed for that operation, and every field required for it.
"""


class MagicError(Exception):
    """A request configure() refuses (an unknown node type)."""


def configure(
    node_type: str,
    prompt: str,
    *,
    owner: Any,
    provider: str | None = None,
    model: str | None = None,
    workflow: Any = None,
    node_id: str | None = None,
    credential: int | None = None,
    base_url: str | None = None,
) -> dict[str, Any]:
    """`{config, confidence, reasoning, valid, errors, provider, model}` for `prompt`, a node of
    `node_type`. `credential` (an `ai_provider` credential of `owner`) and `base_url` (for
    `openai_compatible`) choose the key and server as `aiconfig.access.connect` explains.

    Raises MagicError for an unknown node type, ProviderError when the provider cannot be asked
    (ProviderSetupError: no key or base_url; else a rejected key, rate limit, outage) and
    NodeError when the credential cannot be read."""
    node = NODE_TYPES.get(node_type)
    if node is None:
        raise MagicError(
            f"Unknown node type '{node_type}'; choose one of {', '.join(sorted(NODE_TYPES))}."
        )
    name = provider or default_provider()
    target = access.connect(name, owner, credential=credential, base_url=base_url)
    model = (model or "").strip() or models_catalog.DEFAULT_MODELS.get(name, "")
    if not model:
        raise ProviderSetupError(
            f"The {name} provider needs model: the name of a model the server serves, e.g. "
            "llama3.1.",
            code="bad_request",
            provider=name,
        )
    forms = redaction.forms_of(target.api_key) if target.key_source != "none" else set()
    try:
        with redaction.registered(forms):
            result = _configure(node, prompt, target, model, workflow, node_id, owner)
    except ProviderError as error:
        error.message = redaction.scrub(error.message, forms)
        error.detail = redaction.scrub(error.detail, forms)
        raise
    return redaction.scrub({**result, "provider": name, "model": model}, forms)


def _configure(
    node: Any,
    prompt: str,
    target: access.Connection,
    model: str,
    workflow: Any,
    node_id: str | None,
    owner: Any,
) -> dict[str, Any]:
    client = get_provider(
        target.provider,
        api_key=target.api_key,
        base_url=target.base_url,
        key_source=target.key_source,
        user_base_url=target.user_base_url,
    )
    node_schema, wrapper = schemas(node)
    known = available_variables(workflow, node_id)
    # --- subflows: which workflows a call can name ---
    if node.calls_workflow:
        targets = [t.describe() for t in trigger_workflow.call_targets(owner)]
        known += "\nWorkflows it can call (id “name” (inputs)), the only ids to use:\n" + (
            "\n".join(f"- {t}" for t in targets) or "(none yet)"
        )
    # --- end subflows ---
    system = system_prompt(node, node_schema, known)
    user_text = f"Configure the {node.label} node ({node.type}) for this request:\n{prompt}"
    config: Any = {}
    confidence, reasoning = 0.0, ""
    errors: list[dict[str, str]] = []
    for attempt in range(MAX_RETRIES + 1):
        text = user_text if attempt == 0 else _retry_text(user_text, config, errors)
        request = Request(model=model, prompt=text, system=system, temperature=0.1)
        refuse_key_in_text(target.api_key, request)
        answer, schema_problems = _ask(client, request, wrapper)
        answer = answer if isinstance(answer, dict) else {}
        config = answer.get("config")
        confidence = _confidence(answer.get("confidence"))
        reasoning = str(answer.get("reasoning") or "")
        errors = _config_errors(node, config) or [
            {"field": "", "message": p} for p in schema_problems
        ]
        if not errors:
            break
    return {
        "config": config if config is not None else {},
        "confidence": confidence if not errors else min(confidence, 0.3),
        "reasoning": reasoning,
        "valid": not errors,
        "errors": errors,
    }


def _ask(client: Any, request: Request, wrapper: dict[str, Any]) -> tuple[Any, list[str]]:
    """The model's answer, and the wrapper-schema problems when it did not match (those are
    fed back like validation errors rather than ending the attempt)."""
    try:
        completion = client.generate_json(request, wrapper)
    except ProviderError as error:
        detail = error.detail or {}
        if "response" not in detail:
            raise
        try:
            answer = json.loads(_unfence(detail["response"]))
        except ValueError:
            return {}, [error.message]
        return answer, list(detail.get("errors") or [error.message])
    return completion.json, []


def _unfence(text: str) -> str:
    from aiconfig.providers.base import FENCE

    text = str(text or "").strip()
    fenced = FENCE.match(text)
    return fenced.group(1).strip() if fenced else text


def _confidence(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, min(1.0, number))


def _config_errors(node: Any, config: Any) -> list[dict[str, str]]:
    if not isinstance(config, dict):
        return [{"field": "config", "message": "The config must be a JSON object."}]
    try:
        node.Config.model_validate(config)
    except ValidationError as exc:
        return [
            {"field": issue.field.removeprefix("config").lstrip("."), "message": issue.message}
            for issue in config_issues("", exc)
        ]
    return []


def _retry_text(user_text: str, config: Any, errors: list[dict[str, str]]) -> str:
    lines = "\n".join(f"- {e['field'] or 'config'}: {e['message']}" for e in errors)
    previous = json.dumps(config, ensure_ascii=False)[:PROMPT_LIMIT]
    return (
        f"{user_text}\n\nYour previous config was:\n{previous}\n\nIt failed validation:\n{lines}"
        "\n\nAnswer again with a corrected config that fixes every error."
    )


# --- the prompt ------------------------------------------------------------------------------


def schemas(node: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The node's JSON Schema, and the answer's wrapper schema around it."""
    node_schema = copy.deepcopy(node.Config.model_json_schema())
    inner = copy.deepcopy(node_schema)
    defs = inner.pop("$defs", None)
    wrapper: dict[str, Any] = {
        "type": "object",
        "properties": {
            "config": inner,
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "reasoning": {"type": "string"},
        },
        "required": ["config", "confidence", "reasoning"],
        "additionalProperties": False,
    }
    if defs:
        wrapper["$defs"] = defs
    return node_schema, wrapper


def field_lines(schema: dict[str, Any]) -> str:
    required = set(schema.get("required") or ())
    lines = []
    for field, spec in (schema.get("properties") or {}).items():
        parts = [f"- {field}" + (" (required)" if field in required else "")]
        if "default" in spec:
            parts.append(f"default {json.dumps(spec['default'])}")
        if "enum" in spec:
            parts.append("one of " + ", ".join(json.dumps(v) for v in spec["enum"]))
        if "operations" in spec:  # an app node's field (integrations/operations.py)
            parts.append("only for operation " + " or ".join(spec["operations"]))
        if spec.get("required_for"):
            parts.append("required for " + " and ".join(spec["required_for"]))
        description = spec.get("description")
        lines.append(", ".join(parts) + (f": {description}" if description else ""))
    return "\n".join(lines)


def system_prompt(node: Any, node_schema: dict[str, Any], variables: str) -> str:
    examples = [*EXAMPLES.get(node.type, []), *node.examples]
    example_text = "\n\n".join(
        f"Request: {request}\nconfig: {json.dumps(config, ensure_ascii=False)}"
        for request, config in examples
    )
    parts = [
        "You configure one node of a WorkFuse workflow from a user's plain-language request.",
        f"Node type: {node.type} ({node.label}): {node.description}",
        GENERAL_RULES,
        f"Fields:\n{field_lines(node_schema)}",
        f"JSON Schema of config:\n{json.dumps(node_schema, ensure_ascii=False)}",
    ]
    if example_text:
        parts.append(f"Examples:\n{example_text}")
    parts.append(f"Variables available at this node:\n{variables}")
    return "\n\n".join(parts)


def available_variables(workflow: Workflow | None, node_id: str | None) -> str:
    """What templates at `node_id` may read (`variables.scope`, as the settings panel shows it),
    with the shapes (keys and types, never values) of the last run's data."""
    generic = (
        "- trigger: the data that started the run (webhook: trigger.body, trigger.headers, "
        "trigger.query)"
    )
    if workflow is None:
        return generic + "\n(No workflow given: no upstream nodes are known.)"
    found = variables.scope(workflow, workflow.graph, node_id or "")
    lines = []
    for source in found.sources:
        line = f"- {source.root} ({source.node_id or '?'}, {source.node_type or 'unknown'})"
        if source.known:
            line += f": shape {json.dumps(shape(source.value))}"
        lines.append(line)
    if len(found.sources) < 2:
        lines.append("(No upstream nodes: only the trigger can be read.)")
    lines.append("- execution.id, execution.started_at: this run's id and start time")
    if found.resume_url:
        lines.append(
            "- execution.resume_url: a link that resumes the workflow's utility.wait step "
            "(send it from a node before the wait)"
        )
    lines.append("- workflow.id, workflow.name: this workflow's id and name")
    if found.in_repeat:
        lines.append("- iteration: the round of the repeat this node runs in (from 0)")
    if found.last is not None:
        line = (
            "- last, iteration (in until and delay_seconds, read after each round): the output "
            "of the body's last step and the round's number (from 0); nodes.<id> of the body "
            "steps listed above are that round's"
        )
        if found.last.known:
            line += f"; last shape {json.dumps(shape(found.last.value))}"
        lines.append(line)
    if found.in_loop:
        lines.append("- item, index: the current element of the loop and its position")
    elif found.item_fields:
        line = (
            f"- item, index: only inside {', '.join(found.item_fields)}, evaluated once per "
            "element of the list: the current element and its position"
        )
        if found.element is not None:
            line += f"; item shape {json.dumps(shape(found.element.value))}"
        lines.append(line)
    if not found.ran:
        lines.append("(The workflow has not run yet: output shapes are unknown.)")
    return "\n".join(lines)[:PROMPT_LIMIT]


def shape(value: Any, depth: int = 0) -> Any:
    """Keys and type names of `value`, never the values themselves."""
    if isinstance(value, dict):
        if depth >= MAX_SHAPE_DEPTH:
            return "object"
        items = list(value.items())[:MAX_SHAPE_KEYS]
        return {str(k): shape(v, depth + 1) for k, v in items}
    if isinstance(value, list):
        if not value or depth >= MAX_SHAPE_DEPTH:
            return "array"
        return [shape(value[0], depth + 1)]
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return "string"
