"""The templates gallery: ready-made starting workflows a user copies into a new workflow.

Each template is a DESIGN §3 graph that passes `validate_graph` as it is (tests/test_gallery.py
checks every one), with example.com addresses and no credentials: a copy runs once its URLs
point somewhere real. Adding a template = adding one entry to `TEMPLATES`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from editor.models import Workflow
from editor.nodes import NODE_TYPES

STEP = 280  # horizontal distance between nodes, as the editor places them


@dataclass(frozen=True)
class Companion:
    """A workflow a template needs besides itself (the sub-workflow an agent's tool calls): made
    first, and named in the template's graph by `ref` (e.g. "@fetch-page") where an id goes."""

    ref: str
    name: str
    description: str
    graph: dict[str, Any]


@dataclass(frozen=True)
class Template:
    slug: str
    name: str
    description: str
    category: str
    graph: dict[str, Any]
    companions: tuple[Companion, ...] = ()

    @property
    def node_count(self) -> int:
        return len(self.graph["nodes"])

    @property
    def steps(self) -> list[str]:
        """The node types' labels in graph order, for the gallery card."""
        return [NODE_TYPES[n["type"]].label for n in self.graph["nodes"]]

    def new_graph(self, ids: dict[str, int] | None = None) -> dict[str, Any]:
        """A copy to store, so no workflow ever shares the template's dicts; the companions'
        refs replaced by their workflows' `ids`."""
        return _with_ids(copy.deepcopy(self.graph), ids or {})

    def create(self, owner: Any) -> Workflow:
        """The template as the owner's new workflow, its companions made first."""
        ids = {
            c.ref: Workflow.create(owner, c.name, c.description, copy.deepcopy(c.graph)).pk
            for c in self.companions
        }
        return Workflow.create(owner, self.name, self.description, self.new_graph(ids))


def _with_ids(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, dict):
        return {k: _with_ids(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_ids(v, ids) for v in value]
    if isinstance(value, str) and value in ids:
        return ids[value]
    return value


def _node(
    node_id: str, node_type: str, label: str, col: float, row: float = 0, **config: Any
) -> dict[str, Any]:
    return {
        "id": node_id,
        "type": node_type,
        "label": label,
        "position": {"x": round(col * STEP), "y": round(row * 120)},
        "config": config,
    }


def _edge(source: str, target: str, handle: str = "main") -> dict[str, Any]:
    edge = {"source": source, "target": target}
    if handle != "main":
        edge["source_handle"] = handle
    return edge


def _rules(left: str, operator: str, right: Any) -> list[dict[str, Any]]:
    return [{"left": left, "operator": operator, "right": right}]


_TEMPLATES = [
    Template(
        slug="webhook-to-api",
        name="Forward a webhook to an API",
        description="Receive a JSON webhook, keep only the fields you need, and POST them to "
        "another service.",
        category="Integrations",
        graph={
            "nodes": [
                _node("hook", "trigger.webhook", "Incoming order", 0),
                _node(
                    "shape",
                    "utility.transform",
                    "Pick the fields",
                    1,
                    expression="{order_id: body.id, email: body.customer.email, total: body.total}",
                ),
                _node(
                    "send",
                    "action.http",
                    "POST to the API",
                    2,
                    method="POST",
                    url="https://api.example.com/orders",
                    body="{{ nodes.shape.result }}",
                ),
            ],
            "edges": [_edge("hook", "shape"), _edge("shape", "send")],
        },
    ),
    Template(
        slug="api-health-check",
        name="Scheduled API health check",
        description="Every five minutes, call a health endpoint; when it does not answer 200, "
        "post an alert to a chat webhook.",
        category="Monitoring",
        graph={
            "nodes": [
                _node(
                    "every_5_min",
                    "trigger.schedule",
                    "Every 5 minutes",
                    0,
                    cron="*/5 * * * *",
                    timezone="UTC",
                    skip_if_running=True,
                ),
                _node(
                    "check",
                    "action.http",
                    "GET /health",
                    1,
                    method="GET",
                    url="https://status.example.com/health",
                    timeout_ms=10000,
                    fail_on_status=False,
                ),
                _node(
                    "is_down",
                    "logic.condition",
                    "Not 200?",
                    2,
                    rules=_rules("{{ nodes.check.status }}", "ne", 200),
                ),
                _node(
                    "alert",
                    "action.http",
                    "Post an alert",
                    3,
                    -0.5,
                    method="POST",
                    url="https://hooks.example.com/alerts",
                    body={
                        "text": "Health check failed: HTTP {{ nodes.check.status }} "
                        "after {{ nodes.check.duration_ms }} ms"
                    },
                ),
            ],
            "edges": [
                _edge("every_5_min", "check"),
                _edge("check", "is_down"),
                _edge("is_down", "alert", "true"),
            ],
        },
    ),
    Template(
        slug="ai-summary",
        name="AI summary of a payload",
        description="Summarise whatever a webhook receives in three bullet points with an AI "
        "model, then post the summary on.",
        category="AI",
        graph={
            "nodes": [
                _node("hook", "trigger.webhook", "Incoming text", 0),
                _node(
                    "summarise",
                    "action.ai",
                    "Summarise",
                    1,
                    provider="openai",
                    model="gpt-4o-mini",
                    system_prompt="You write short, factual summaries.",
                    prompt="Summarise this in three bullet points:\n\n{{ trigger.body | tojson }}",
                    max_tokens=300,
                ),
                _node(
                    "post",
                    "action.http",
                    "Post the summary",
                    2,
                    method="POST",
                    url="https://hooks.example.com/summaries",
                    body={"summary": "{{ nodes.summarise.response }}"},
                ),
            ],
            "edges": [_edge("hook", "summarise"), _edge("summarise", "post")],
        },
    ),
    Template(
        slug="loop-over-list",
        name="Call an API for each item",
        description="Loop over a list from the payload, call an API once per item (two at a "
        "time), then collect every response body.",
        category="Data",
        graph={
            "nodes": [
                _node(
                    "start",
                    "trigger.manual",
                    "Start",
                    0,
                    sample_payload={"users": [{"id": 1}, {"id": 2}, {"id": 3}]},
                ),
                _node(
                    "each_user",
                    "logic.loop",
                    "For each user",
                    1,
                    items="{{ trigger.users }}",
                    concurrency=2,
                ),
                _node(
                    "fetch",
                    "action.http",
                    "GET the user",
                    2,
                    -0.6,
                    method="GET",
                    url="https://api.example.com/users/{{ item.id }}",
                ),
                _node(
                    "collect",
                    "utility.transform",
                    "Collect the bodies",
                    2,
                    0.8,
                    expression="results[].body",
                ),
            ],
            "edges": [
                _edge("start", "each_user"),
                _edge("each_user", "fetch", "each"),
                _edge("each_user", "collect", "done"),
            ],
        },
    ),
    Template(
        slug="delayed-follow-up",
        name="Delayed follow-up",
        description="When someone signs up, wait a day, then ask your mail service to send "
        "them a follow-up.",
        category="Timing",
        graph={
            "nodes": [
                _node("signup", "trigger.webhook", "New sign-up", 0),
                _node("wait", "utility.delay", "Wait a day", 1, seconds=86400),
                _node(
                    "follow_up",
                    "action.http",
                    "Send the follow-up",
                    2,
                    method="POST",
                    url="https://api.example.com/emails",
                    body={"to": "{{ trigger.body.email }}", "template": "follow-up"},
                ),
            ],
            "edges": [_edge("signup", "wait"), _edge("wait", "follow_up")],
        },
    ),
    Template(
        slug="switch-routing",
        name="Route by a field",
        description="Send each incoming ticket to a different endpoint depending on its type: "
        "bugs, billing, or anything else.",
        category="Routing",
        graph={
            "nodes": [
                _node("ticket", "trigger.webhook", "New ticket", 0),
                _node(
                    "route",
                    "logic.switch",
                    "By type",
                    1,
                    cases=[
                        {"handle": "bug", "rules": _rules("{{ trigger.body.type }}", "eq", "bug")},
                        {
                            "handle": "billing",
                            "rules": _rules("{{ trigger.body.type }}", "eq", "billing"),
                        },
                    ],
                    default_handle="other",
                ),
                *(
                    _node(
                        f"to_{name}",
                        "action.http",
                        f"Send to {name}",
                        2,
                        row,
                        method="POST",
                        url=f"https://api.example.com/{name}",
                        body="{{ trigger.body }}",
                    )
                    for name, row in (("bugs", -1), ("billing", 0), ("support", 1))
                ),
            ],
            "edges": [
                _edge("ticket", "route"),
                _edge("route", "to_bugs", "bug"),
                _edge("route", "to_billing", "billing"),
                _edge("route", "to_support", "other"),
            ],
        },
    ),
    Template(
        slug="fan-out-merge",
        name="Fetch two APIs and combine",
        description="Call two APIs at the same time, wait for both, and combine their answers "
        "into one object.",
        category="Data",
        graph={
            "nodes": [
                _node("start", "trigger.manual", "Start", 0, sample_payload={"user_id": 1}),
                _node(
                    "user",
                    "action.http",
                    "GET the user",
                    1,
                    -0.6,
                    method="GET",
                    url="https://api.example.com/users/{{ trigger.user_id }}",
                ),
                _node(
                    "orders",
                    "action.http",
                    "GET their orders",
                    1,
                    0.6,
                    method="GET",
                    url="https://api.example.com/users/{{ trigger.user_id }}/orders",
                ),
                _node("both", "utility.merge", "Wait for both", 2),
                _node(
                    "combine",
                    "utility.transform",
                    "Combine",
                    3,
                    expression="{user: inputs.user.body, orders: inputs.orders.body}",
                ),
            ],
            "edges": [
                _edge("start", "user"),
                _edge("start", "orders"),
                _edge("user", "both"),
                _edge("orders", "both"),
                _edge("both", "combine"),
            ],
        },
    ),
    Template(
        slug="ai-triage",
        name="AI triage of messages",
        description="Let an AI model label each incoming message as urgent or not (as JSON), "
        "and page someone only for the urgent ones.",
        category="AI",
        graph={
            "nodes": [
                _node("message", "trigger.webhook", "Incoming message", 0),
                _node(
                    "classify",
                    "action.ai",
                    "Classify",
                    1,
                    provider="openai",
                    model="gpt-4o-mini",
                    prompt='Is this message urgent? Answer as JSON {"urgent": true or false, '
                    '"reason": "..."}.\n\n{{ trigger.body.text }}',
                    json_output=True,
                    temperature=0,
                ),
                _node(
                    "urgent",
                    "logic.condition",
                    "Urgent?",
                    2,
                    rules=_rules("{{ nodes.classify.json.urgent }}", "eq", True),
                ),
                _node(
                    "page",
                    "action.http",
                    "Page on-call",
                    3,
                    -0.5,
                    method="POST",
                    url="https://hooks.example.com/on-call",
                    body={
                        "text": "{{ trigger.body.text }}",
                        "why": "{{ nodes.classify.json.reason }}",
                    },
                ),
            ],
            "edges": [
                _edge("message", "classify"),
                _edge("classify", "urgent"),
                _edge("urgent", "page", "true"),
            ],
        },
    ),
    # --- data nodes, batch 2 part b ---
    Template(
        slug="new-leads-only",
        name="Forward only new leads",
        description="Receive leads by webhook, drop every email address this workflow has "
        "already seen (remembered for 90 days), and send the CRM only the new ones.",
        category="Data",
        graph={
            "nodes": [
                _node("leads", "trigger.webhook", "Incoming leads", 0),
                _node(
                    "new_leads",
                    "utility.dedupe",
                    "Drop known emails",
                    1,
                    items="{{ trigger.body.leads }}",
                    fields=["email"],
                    scope="workflow",
                    ttl_days=90,
                ),
                _node(
                    "any_new",
                    "logic.condition",
                    "Any new?",
                    2,
                    rules=_rules("{{ nodes.new_leads.items | length }}", "gt", 0),
                ),
                _node(
                    "to_crm",
                    "action.http",
                    "Send to the CRM",
                    3,
                    -0.5,
                    method="POST",
                    url="https://crm.example.com/api/leads",
                    body={"leads": "{{ nodes.new_leads.items }}"},
                ),
            ],
            "edges": [
                _edge("leads", "new_leads"),
                _edge("new_leads", "any_new"),
                _edge("any_new", "to_crm", "true"),
            ],
        },
    ),
    Template(
        slug="daily-csv-report",
        name="Daily CSV report to a webhook",
        description="Every morning, fetch the orders, total them by status, write the totals as "
        "CSV and post it with the day's date.",
        category="Data",
        graph={
            "nodes": [
                _node(
                    "every_morning",
                    "trigger.schedule",
                    "Every day at 7:00",
                    0,
                    cron="0 7 * * *",
                    timezone="UTC",
                ),
                _node(
                    "orders",
                    "action.http",
                    "GET the orders",
                    1,
                    method="GET",
                    url="https://api.example.com/orders?since=yesterday",
                ),
                _node(
                    "by_status",
                    "utility.aggregate",
                    "Totals by status",
                    2,
                    items="{{ nodes.orders.body.orders }}",
                    group_by=["status"],
                    operations=[
                        {"op": "count", "as": "orders"},
                        {"field": "total", "op": "sum", "as": "revenue"},
                    ],
                ),
                _node(
                    "as_csv",
                    "utility.parse",
                    "Write CSV",
                    3,
                    format="csv",
                    direction="build",
                    value="{{ nodes.by_status.groups }}",
                ),
                _node(
                    "today",
                    "utility.datetime",
                    "Today's date",
                    4,
                    operation="format",
                    value="{{ trigger.scheduled_at }}",
                    format="yyyy-MM-dd",
                ),
                _node(
                    "post",
                    "action.http",
                    "Post the report",
                    5,
                    method="POST",
                    url="https://hooks.example.com/reports",
                    body={"date": "{{ nodes.today.result }}", "csv": "{{ nodes.as_csv.result }}"},
                ),
            ],
            "edges": [
                _edge("every_morning", "orders"),
                _edge("orders", "by_status"),
                _edge("by_status", "as_csv"),
                _edge("as_csv", "today"),
                _edge("today", "post"),
            ],
        },
    ),
    # --- end data nodes part b ---
    # --- batch 2, data nodes (a): filter, sort, limit, set ---
    Template(
        slug="top-orders",
        name="Post the top 10 orders",
        description="Take the orders a webhook receives, keep the paid ones worth 50 or more, "
        "sort them by total, and post the ten biggest.",
        category="Data",
        graph={
            "nodes": [
                _node("orders", "trigger.webhook", "Incoming orders", 0),
                _node(
                    "paid",
                    "utility.filter",
                    "Paid, 50 or more",
                    1,
                    items="{{ trigger.body.orders }}",
                    rules=[
                        {"left": "{{ item.status }}", "operator": "eq", "right": "paid"},
                        {"left": "{{ item.total }}", "operator": "gte", "right": 50},
                    ],
                ),
                _node(
                    "biggest",
                    "utility.sort",
                    "Biggest first",
                    2,
                    by=[{"field": "total", "order": "desc"}],
                ),
                _node("top", "utility.limit", "Top 10", 3, max=10),
                _node(
                    "post",
                    "action.http",
                    "Post them",
                    4,
                    method="POST",
                    url="https://api.example.com/top-orders",
                    body={"orders": "{{ nodes.top.items }}", "paid": "{{ nodes.paid.count }}"},
                ),
            ],
            "edges": [
                _edge("orders", "paid"),
                _edge("paid", "biggest"),
                _edge("biggest", "top"),
                _edge("top", "post"),
            ],
        },
    ),
    Template(
        slug="signup-digest",
        name="Daily digest of paying sign-ups",
        description="Every morning, fetch yesterday's sign-ups, keep those on a paid plan with an "
        "email address, newest first, and post a short report to a chat webhook.",
        category="Data",
        graph={
            "nodes": [
                _node(
                    "every_morning",
                    "trigger.schedule",
                    "Every day at 8:00",
                    0,
                    cron="0 8 * * *",
                    timezone="UTC",
                ),
                _node(
                    "signups",
                    "action.http",
                    "GET the sign-ups",
                    1,
                    method="GET",
                    url="https://api.example.com/signups?since=yesterday",
                ),
                _node(
                    "paying",
                    "utility.filter",
                    "Paid plan, with email",
                    2,
                    items="{{ nodes.signups.body.signups }}",
                    rules=[
                        {"left": "{{ item.email }}", "operator": "exists"},
                        {
                            "combinator": "or",
                            "rules": [
                                {"left": "{{ item.plan }}", "operator": "eq", "right": "pro"},
                                {"left": "{{ item.plan }}", "operator": "eq", "right": "team"},
                            ],
                        },
                    ],
                ),
                _node(
                    "newest",
                    "utility.sort",
                    "Newest first",
                    3,
                    by=[{"field": "created_at", "order": "desc"}],
                ),
                _node(
                    "report",
                    "utility.set",
                    "The report",
                    4,
                    keep="none",
                    fields=[
                        {
                            "name": "text",
                            "value": "{{ nodes.paying.count }} new paying sign-ups "
                            "({{ nodes.paying.dropped }} others)",
                        },
                        {"name": "signups", "value": "{{ nodes.newest.items }}"},
                    ],
                ),
                _node(
                    "post",
                    "action.http",
                    "Post the report",
                    5,
                    method="POST",
                    url="https://hooks.example.com/digest",
                    body="{{ nodes.report }}",
                ),
            ],
            "edges": [
                _edge("every_morning", "signups"),
                _edge("signups", "paying"),
                _edge("paying", "newest"),
                _edge("newest", "report"),
                _edge("report", "post"),
            ],
        },
    ),
    # --- end of batch 2 (a) ---
    # --- respond: an API endpoint that answers before it works ---
    Template(
        slug="api-endpoint",
        name="API endpoint: validate, answer 201, then create the record",
        description="Take a sign-up by webhook, check it has a name and a valid email, answer the "
        "caller at once (201 with the new id, or 422 saying what is wrong), then create the "
        "record in another service while the caller has its answer.",
        category="Integrations",
        graph={
            "nodes": [
                _node(
                    "hook",
                    "trigger.webhook",
                    "New sign-up",
                    0,
                    methods=["POST"],
                    response="respond_node",
                ),
                _node(
                    "valid",
                    "logic.condition",
                    "Name and email given?",
                    1,
                    rules=[
                        {"left": "{{ trigger.body.name | default(none) }}", "operator": "exists"},
                        {
                            "left": "{{ trigger.body.email | default('') }}",
                            "operator": "matches",
                            "right": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
                        },
                    ],
                ),
                _node("new_id", "utility.crypto", "A new record id", 2, row=-1, operation="uuid"),
                _node(
                    "created",
                    "logic.respond",
                    "Answer 201",
                    3,
                    row=-1,
                    status=201,
                    headers={
                        "Location": "https://api.example.com/people/{{ nodes.new_id.result }}"
                    },
                    body={"id": "{{ nodes.new_id.result }}", "status": "created"},
                ),
                _node(
                    "create",
                    "action.http",
                    "Create the record",
                    4,
                    row=-1,
                    method="POST",
                    url="https://api.example.com/people",
                    body={
                        "id": "{{ nodes.new_id.result }}",
                        "name": "{{ trigger.body.name }}",
                        "email": "{{ trigger.body.email }}",
                    },
                ),
                _node(
                    "invalid",
                    "logic.respond",
                    "Answer 422",
                    2,
                    row=1,
                    status=422,
                    body={
                        "error": "invalid_input",
                        "message": "Send a name and a valid email address.",
                    },
                ),
            ],
            "edges": [
                _edge("hook", "valid"),
                _edge("valid", "new_id", "true"),
                _edge("new_id", "created"),
                _edge("created", "create"),
                _edge("valid", "invalid", "false"),
            ],
        },
    ),
    # --- end respond ---
    # --- errorflows: an error workflow ---
    Template(
        slug="alert-on-failure",
        name="Alert me when a workflow fails",
        description="An error workflow: choose it in another workflow's Settings, and each failed "
        "run of that workflow posts its name, the error, the failed node and a link to the run to "
        "a Slack-style chat webhook.",
        category="Monitoring",
        graph={
            "nodes": [
                _node("failure", "trigger.error", "When a workflow fails", 0),
                _node(
                    "message",
                    "utility.set",
                    "The alert",
                    1,
                    keep="none",
                    fields=[
                        {
                            "name": "text",
                            "value": "Workflow “{{ trigger.workflow.name }}” failed at "
                            "{{ trigger.execution.failed_node.label }}: "
                            "{{ trigger.execution.error }}\n{{ trigger.execution.url }}",
                        }
                    ],
                ),
                _node(
                    "post",
                    "action.http",
                    "Post to the chat",
                    2,
                    method="POST",
                    url="https://hooks.example.com/alerts",
                    body="{{ nodes.message }}",
                ),
            ],
            "edges": [_edge("failure", "message"), _edge("message", "post")],
        },
    ),
    # --- end errorflows ---
    # --- wait: a person approves before the run goes on ---
    Template(
        slug="approval-before-refund",
        name="Wait for approval, then act",
        description="Post an approval link to your team chat, wait up to two days for someone "
        "to approve or reject on its form, and call the refund API only when approved.",
        category="Approvals",
        graph={
            "nodes": [
                _node(
                    "start",
                    "trigger.manual",
                    "Refund requested",
                    0,
                    sample_payload={"order_id": "A-1017", "amount": 40, "customer": "Ada"},
                ),
                _node(
                    "ask",
                    "action.http",
                    "Ask in the team chat",
                    1,
                    method="POST",
                    url="https://chat.example.com/api/messages",
                    body={
                        "text": "Refund {{ trigger.amount }} EUR on order {{ trigger.order_id }}? "
                        "Answer here: {{ execution.resume_url }}"
                    },
                ),
                _node(
                    "approval",
                    "utility.wait",
                    "Wait for approval",
                    2,
                    mode="approval",
                    title="Refund order {{ trigger.order_id }}?",
                    description="{{ trigger.customer }} asks for {{ trigger.amount }} EUR back.",
                    fields=[{"name": "comment", "type": "text", "required": False}],
                    timeout_seconds=172800,
                ),
                _node(
                    "approved",
                    "logic.condition",
                    "Approved?",
                    3,
                    rules=_rules("{{ nodes.approval.approved }}", "eq", True),
                ),
                _node(
                    "refund",
                    "action.http",
                    "Refund the order",
                    4,
                    method="POST",
                    url="https://shop.example.com/api/refunds",
                    body={
                        "order_id": "{{ trigger.order_id }}",
                        "amount": "{{ trigger.amount }}",
                        "note": "{{ nodes.approval.fields.comment }} ({{ nodes.approval.by }})",
                    },
                ),
            ],
            "edges": [
                _edge("start", "ask"),
                _edge("ask", "approval"),
                _edge("approval", "approved"),
                _edge("approved", "refund", "true"),
            ],
        },
    ),
    # --- end wait ---
    # --- repeat: polling with logic.repeat ---
    Template(
        slug="poll-until-ready",
        name="Poll until a job is ready",
        description="Start a job with an API call, then check its status every 30 seconds "
        "until it is done (at most 20 times), and fetch the result, or report that it never "
        "finished.",
        category="Timing",
        graph={
            "nodes": [
                _node("start", "trigger.manual", "Start", 0, sample_payload={"report": "sales"}),
                _node(
                    "start_job",
                    "action.http",
                    "Start the job",
                    1,
                    method="POST",
                    url="https://api.example.com/jobs",
                    body={"report": "{{ trigger.report }}"},
                ),
                _node(
                    "until_ready",
                    "logic.repeat",
                    "Until the job is done",
                    2,
                    max_iterations=20,
                    until={"rules": _rules("{{ last.body.status }}", "eq", "done")},
                ),
                _node("wait", "utility.delay", "Wait 30 s", 3, -1, seconds=30),
                _node(
                    "check",
                    "action.http",
                    "GET the job's status",
                    4,
                    -1,
                    method="GET",
                    url="https://api.example.com/jobs/{{ nodes.start_job.body.id }}",
                ),
                _node(
                    "fetch_result",
                    "action.http",
                    "Fetch the result",
                    3,
                    0.5,
                    method="GET",
                    url="https://api.example.com/jobs/{{ nodes.start_job.body.id }}/result",
                ),
                _node(
                    "report_timeout",
                    "action.http",
                    "Report it never finished",
                    3,
                    1.7,
                    method="POST",
                    url="https://hooks.example.com/alerts",
                    body={
                        "text": "Job {{ nodes.start_job.body.id }} is still "
                        "{{ nodes.until_ready.last.body.status }} after "
                        "{{ nodes.until_ready.iterations }} checks."
                    },
                ),
            ],
            "edges": [
                _edge("start", "start_job"),
                _edge("start_job", "until_ready"),
                _edge("until_ready", "wait", "body"),
                _edge("wait", "check"),
                _edge("until_ready", "fetch_result", "done"),
                _edge("until_ready", "report_timeout", "exhausted"),
            ],
        },
    ),
    # --- end repeat ---
    # --- integrations: a starter using Slack ---
    Template(
        slug="big-orders-to-slack",
        name="Tell Slack about big orders",
        description="Receive orders by webhook and post the ones over 500 to a Slack channel, "
        "with a Block Kit summary. Add a Slack bot token on the Credentials page "
        "and pick it in the Slack node.",
        category="Integrations",
        graph={
            "nodes": [
                _node("hook", "trigger.webhook", "New order", 0, methods=["POST"]),
                _node(
                    "big",
                    "logic.condition",
                    "Over 500?",
                    1,
                    rules=_rules("{{ trigger.body.total }}", "gt", 500),
                ),
                _node(
                    "notify",
                    "app.slack",
                    "Post to #sales",
                    2,
                    row=-1,
                    operation="post_message",
                    channel="#sales",
                    text="Big order {{ trigger.body.id }}: {{ trigger.body.total }} from "
                    "{{ trigger.body.customer.email }}",
                    blocks=[
                        {
                            "type": "section",
                            "text": {
                                "type": "mrkdwn",
                                "text": "*Big order {{ trigger.body.id }}*\n"
                                "{{ trigger.body.total }} from {{ trigger.body.customer.email }}",
                            },
                        }
                    ],
                ),
            ],
            "edges": [_edge("hook", "big"), _edge("big", "notify", "true")],
        },
    ),
    # --- end integrations ---
    # --- datastores: a starter using Google Sheets and S3 ---
    Template(
        slug="form-to-sheets-and-s3",
        name="Log form submissions to Google Sheets and S3",
        description="Receive a form by webhook, add it as a row to a Google Sheet (columns "
        "Name, Email, Message in its first row) and keep the whole submission as JSON in an S3 "
        "bucket. Add a Google service account key and an S3 access key on the Credentials page, "
        "share the sheet with the service account, and pick them in the two nodes.",
        category="Integrations",
        graph={
            "nodes": [
                _node("form", "trigger.webhook", "Form submitted", 0, methods=["POST"]),
                _node(
                    "add_row",
                    "app.google_sheets",
                    "Add to the Leads sheet",
                    1,
                    row=-1,
                    operation="append_row",
                    spreadsheet_id="YOUR_SPREADSHEET_ID",
                    range="Leads",
                    values={
                        "Name": "{{ trigger.body.name }}",
                        "Email": "{{ trigger.body.email }}",
                        "Message": "{{ trigger.body.message }}",
                    },
                ),
                _node(
                    "archive",
                    "app.s3",
                    "Keep the JSON in S3",
                    1,
                    row=1,
                    operation="put_object",
                    bucket="your-forms-bucket",
                    key="forms/{{ execution.id }}.json",
                    content="{{ trigger.body | tojson }}",
                    content_type="application/json",
                ),
            ],
            "edges": [_edge("form", "add_row"), _edge("form", "archive")],
        },
    ),
    # --- end datastores ---
    # --- devtools: starters using trigger.poll, GitHub, Airtable and Notion ---
    Template(
        slug="new-github-issue-to-slack",
        name="New GitHub issue → Slack message",
        description="Checks a GitHub repository's issues every minute and posts each new one "
        "opened by a person (not a bot) to a Slack channel. Set the repository in the trigger's URL (or pick the GitHub preset "
        "again), then pick a GitHub access token in the trigger and a Slack bot token in the "
        "Slack node. The first check only records the issues that exist.",
        category="Integrations",
        graph={
            "nodes": [
                _node(
                    "new_issue",
                    "trigger.poll",
                    "New issue in acme/shop",
                    0,
                    url="https://api.github.com/repos/acme/shop/issues?state=open&sort=created"
                    "&direction=desc&per_page=50",
                    headers={
                        "Accept": "application/vnd.github+json",
                        "X-GitHub-Api-Version": "2022-11-28",
                    },
                    auth="bearer",
                    items_path="[?!pull_request]",
                    id_field="id",
                    interval_seconds=60,
                ),
                _node(
                    "person",
                    "logic.condition",
                    "Opened by a person?",
                    1,
                    rules=_rules("{{ trigger.user.type }}", "ne", "Bot"),
                ),
                _node(
                    "notify",
                    "app.slack",
                    "Post to #dev",
                    2,
                    row=-1,
                    operation="post_message",
                    channel="#dev",
                    text="New issue #{{ trigger.number }} by {{ trigger.user.login }}: "
                    "<{{ trigger.html_url }}|{{ trigger.title }}>",
                ),
            ],
            "edges": [_edge("new_issue", "person"), _edge("person", "notify", "true")],
        },
    ),
    Template(
        slug="form-to-airtable-and-notion",
        name="Contact form → Airtable record + Notion page",
        description="Receive a contact form by webhook, add it to an Airtable table and open a "
        "Notion page for the follow-up. Set your base, table and database ids, then pick an "
        "Airtable and a Notion credential.",
        category="Integrations",
        graph={
            "nodes": [
                _node("form", "trigger.webhook", "Contact form", 0, methods=["POST"]),
                _node(
                    "record",
                    "app.airtable",
                    "Add to Contacts",
                    1,
                    row=-1,
                    operation="create_records",
                    base_id="appA1b2C3d4E5f6G7",
                    table="Contacts",
                    records=[
                        {
                            "Name": "{{ trigger.body.name }}",
                            "Email": "{{ trigger.body.email }}",
                            "Message": "{{ trigger.body.message }}",
                        }
                    ],
                    typecast=True,
                ),
                _node(
                    "follow_up",
                    "app.notion",
                    "Follow-up page",
                    1,
                    row=1,
                    operation="create_page",
                    parent_type="database",
                    parent_id="0123456789abcdef0123456789abcdef",
                    title="Reply to {{ trigger.body.name }}",
                    properties={"Email": {"email": "{{ trigger.body.email }}"}},
                ),
            ],
            "edges": [_edge("form", "record"), _edge("form", "follow_up")],
        },
    ),
    # --- end devtools ---
    # --- sheetspoll: a starter using trigger.poll's google_sheets source ---
    Template(
        slug="new-google-sheets-row-to-slack",
        name="New Google Sheets row → Slack message",
        description="Checks a sheet every minute and posts each new row that has an email to a "
        "Slack channel, by its column headers (here Name, Email and Plan). Set the spreadsheet's id and the "
        "sheet in the trigger, then pick a Google service account key (share the spreadsheet "
        "with its address) and a Slack bot token. The first check only records the rows that "
        "exist; edits to them start nothing.",
        category="Integrations",
        graph={
            "nodes": [
                _node(
                    "new_row",
                    "trigger.poll",
                    "New row in Leads",
                    0,
                    source="google_sheets",
                    spreadsheet_id="1AbCdEfGhIjKlMnOpQrStUvWxYz",
                    sheet_range="Leads",
                    header_row=True,
                    id_field="row_number",
                    interval_seconds=60,
                ),
                _node(
                    "has_email",
                    "logic.condition",
                    "Has an email?",
                    1,
                    rules=_rules("{{ trigger.Email }}", "is_empty", None),
                ),
                _node(
                    "notify",
                    "app.slack",
                    "Post to #sales",
                    2,
                    row=1,
                    operation="post_message",
                    channel="#sales",
                    text="New lead in row {{ trigger.row_number }}: {{ trigger.Name }} "
                    "<{{ trigger.Email }}> ({{ trigger.Plan }})",
                ),
            ],
            # A row still being typed (no email yet) is skipped: it has started its one run.
            "edges": [_edge("new_row", "has_email"), _edge("has_email", "notify", "false")],
        },
    ),
    # --- end sheetspoll ---
    # --- messaging: starters using email (SMTP), SendGrid and Twilio ---
    Template(
        slug="order-confirmation-email-and-sms",
        name="Confirm orders by email and text",
        description="Receive orders by webhook, email the customer a confirmation with the "
        "receipt attached (through your SMTP server) and, when the order has a phone number, "
        "text them with Twilio. Add an SMTP server and a Twilio account on the Credentials "
        "page and pick them in the two nodes.",
        category="Integrations",
        graph={
            "nodes": [
                _node("hook", "trigger.webhook", "New order", 0, methods=["POST"]),
                _node(
                    "confirm",
                    "app.email",
                    "Email the confirmation",
                    1,
                    row=-1,
                    operation="send",
                    to=["{{ trigger.body.customer.email }}"],
                    subject="Order {{ trigger.body.id }} confirmed",
                    text="Thanks for your order {{ trigger.body.id }} of "
                    "{{ trigger.body.total }}. Your receipt is attached.",
                    attachments=[
                        {"url": "{{ trigger.body.receipt_url }}", "filename": "receipt.pdf"}
                    ],
                ),
                _node(
                    "no_phone",
                    "logic.condition",
                    "No phone number?",
                    1,
                    row=1,
                    rules=_rules(
                        "{{ trigger.body.customer.phone | default('') }}", "is_empty", None
                    ),
                ),
                _node(
                    "text",
                    "app.twilio",
                    "Text the customer",
                    2,
                    row=1,
                    operation="send_sms",
                    to="{{ trigger.body.customer.phone }}",
                    body="Order {{ trigger.body.id }} confirmed. Thank you!",
                ),
            ],
            "edges": [
                _edge("hook", "confirm"),
                _edge("hook", "no_phone"),
                _edge("no_phone", "text", "false"),
            ],
        },
    ),
    Template(
        slug="welcome-with-sendgrid-template",
        name="Welcome sign-ups with a SendGrid template",
        description="Receive sign-ups by webhook and send each one your SendGrid dynamic "
        "template with their first name. Add a SendGrid API key on the Credentials page, then "
        "set your template id and sender in the SendGrid node.",
        category="Integrations",
        graph={
            "nodes": [
                _node("hook", "trigger.webhook", "New sign-up", 0, methods=["POST"]),
                _node(
                    "contact",
                    "utility.set",
                    "Tidy the contact",
                    1,
                    keep="none",
                    fields=[
                        {"name": "email", "value": "{{ trigger.body.email | trim | lower }}"},
                        {
                            "name": "first_name",
                            "value": "{{ trigger.body.first_name | default('there') }}",
                        },
                    ],
                ),
                _node(
                    "welcome",
                    "app.sendgrid",
                    "Send the welcome email",
                    2,
                    operation="send",
                    from_email="hello@example.com",
                    to=["{{ nodes.contact.email }}"],
                    template_id="d-00000000000000000000000000000000",
                    dynamic_template_data={"first_name": "{{ nodes.contact.first_name }}"},
                ),
            ],
            "edges": [_edge("hook", "contact"), _edge("contact", "welcome")],
        },
    ),
    # --- end messaging ---
    # --- agents ---
    Template(
        slug="support-chat-agent",
        name="Support agent with an HTTP tool",
        description="A chat page where an AI agent answers customers: it looks orders up in your "
        "API with an HTTP tool and remembers each conversation. Set the API address (and a "
        "credential) in the agent's tool, then open Chat.",
        category="AI agents",
        graph={
            "nodes": [
                _node(
                    "chat",
                    "trigger.chat",
                    "Customer message",
                    0,
                    welcome="Hi! Ask me about your order — give me its number.",
                ),
                _node(
                    "agent",
                    "action.agent",
                    "Support agent",
                    1,
                    provider="openai",
                    model="gpt-4o-mini",
                    system_prompt="You are a friendly support agent for an online shop. Look "
                    "orders up with lookup_order before answering questions about them; never "
                    "guess an order's status. Answer in two or three sentences.",
                    prompt="{{ trigger.message }}",
                    memory={"session_key": "{{ trigger.session_id }}", "max_messages": 20},
                    tools=[
                        {
                            "type": "http",
                            "name": "lookup_order",
                            "description": "Finds an order by its number: status, items, "
                            "delivery date.",
                            "method": "GET",
                            "url": "https://api.example.com/orders/{order_id}",
                        }
                    ],
                    budget={"max_tokens": 20000},
                ),
            ],
            "edges": [_edge("chat", "agent")],
        },
    ),
    Template(
        slug="research-agent",
        name="Research agent that calls a sub-workflow",
        description="An agent researches a topic by reading web pages through a sub-workflow "
        "tool (made with it: “Fetch a web page (agent tool)”), then answers with a summary and "
        "its sources as JSON.",
        category="AI agents",
        companions=(
            Companion(
                ref="@fetch-page",
                name="Fetch a web page (agent tool)",
                description="Fetches a page for the research agent and returns its text.",
                graph={
                    "nodes": [
                        _node(
                            "called",
                            "trigger.workflow",
                            "When the agent calls",
                            0,
                            inputs=[{"name": "url", "type": "string", "required": True}],
                        ),
                        _node(
                            "fetch",
                            "action.http",
                            "Fetch the page",
                            1,
                            method="GET",
                            url="{{ trigger.url }}",
                        ),
                        _node(
                            "text",
                            "utility.parse",
                            "Its text",
                            2,
                            format="html",
                            direction="parse",
                            value="{{ nodes.fetch.body }}",
                            selectors=[{"name": "text", "css": "main, article, body"}],
                        ),
                    ],
                    "edges": [_edge("called", "fetch"), _edge("fetch", "text")],
                },
            ),
        ),
        graph={
            "nodes": [
                _node(
                    "start",
                    "trigger.manual",
                    "Topic",
                    0,
                    sample_payload={
                        "topic": "durable execution",
                        "urls": ["https://en.wikipedia.org/wiki/Workflow_engine"],
                    },
                ),
                _node(
                    "agent",
                    "action.agent",
                    "Research agent",
                    1,
                    provider="openai",
                    model="gpt-4o-mini",
                    system_prompt="You research topics by reading pages with fetch_page. Read "
                    "at least one page before answering.",
                    prompt="Research {{ trigger.topic }}. Start from: "
                    "{{ trigger.urls | join(', ') }}",
                    tools=[
                        {
                            "type": "workflow",
                            "name": "fetch_page",
                            "description": "Fetches a web page and returns its text.",
                            "workflow": "@fetch-page",
                        }
                    ],
                    output_schema={
                        "type": "object",
                        "properties": {
                            "summary": {"type": "string"},
                            "sources": {"type": "array", "items": {"type": "string"}},
                        },
                        "required": ["summary", "sources"],
                    },
                    max_iterations=6,
                ),
            ],
            "edges": [_edge("start", "agent")],
        },
    ),
    # --- end agents ---
]

TEMPLATES: dict[str, Template] = {t.slug: t for t in _TEMPLATES}
