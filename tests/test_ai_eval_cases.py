"""bench/ai_eval_cases.json: every case loads, names a node type WorkFuse has and checks with
ops bench/ai_eval.py knows; and a right answer passes its case's checks (here for the cases of
the data nodes and rule groups), so a failing check in a real run is the model's, not the case's."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from bench import ai_eval
from editor.nodes import NODE_TYPES

CASES = {case["id"]: case for case in ai_eval.load_cases(str(ai_eval.DEFAULT_CASES))}
OPS = {"eq", "ne", "contains", "icontains", "matches", "one_of", "num", "exists", "absent", "len"}

RIGHT_ANSWERS: dict[str, dict[str, Any]] = {
    "set-typed": {
        "keep": "none",
        "fields": [
            {"name": "id", "value": "{{ trigger.body.id }}"},
            {"name": "total", "value": "{{trigger.body.total}}", "type": "number"},
        ],
    },
    "set-nested": {"fields": [{"name": "customer.tier", "value": "gold"}]},
    "set-except": {
        "input": "{{ trigger.body }}",
        "keep": "except",
        "keep_fields": ["password", "token"],
    },
    "filter-total": {
        "items": "{{ nodes.get_orders.body.orders }}",
        "rules": [{"left": "{{ item.total }}", "operator": "gt", "right": "100"}],
    },
    "filter-group": {
        "rules": [
            {"left": "{{ item.active }}", "right": True},
            {
                "combinator": "or",
                "rules": [
                    {"left": "{{ item.country }}", "right": "DE"},
                    {"left": "{{ item.country }}", "right": "AT"},
                ],
            },
        ]
    },
    "filter-email": {"rules": [{"left": "{{ item.email }}", "operator": "exists"}]},
    "sort-total-desc": {"by": [{"field": "total", "order": "desc"}]},
    "sort-two-keys": {"by": [{"field": "last_name"}, {"field": "{{ item.first_name }}"}]},
    "limit-top-10": {"max": 10},
    "limit-last-3": {"max": 3, "from": "end"},
    "condition-group": {
        "rules": [
            {"left": "{{ trigger.body.total }}", "operator": "gt", "right": 100},
            {
                "combinator": "or",
                "rules": [
                    {"left": "{{ trigger.body.country }}", "right": "DE"},
                    {"left": "{{ trigger.body.country }}", "right": "AT"},
                ],
            },
        ]
    },
    # --- integrations: app.slack, app.discord, app.telegram ---
    "slack-post-channel": {
        "credential": 4,
        "channel": "#orders",
        "text": "New order {{ trigger.body.id }} from {{ trigger.body.email }}",
    },
    "slack-thread-reply": {
        "channel": "{{ nodes.alert.channel }}",
        "thread_ts": "{{ nodes.alert.ts }}",
        "text": "Fixed",
    },
    "slack-update": {
        "operation": "update_message",
        "channel": "{{ nodes.alert.channel }}",
        "ts": "{{ nodes.alert.ts }}",
        "text": "Deploy finished",
    },
    "slack-upload": {
        "operation": "upload_text_file",
        "channels": ["C024BE91L"],
        "filename": "report.csv",
        "content": "{{ nodes.report.result }}",
    },
    "slack-webhook": {
        "credential": 9,
        "operation": "post_webhook_message",
        "text": "Backup failed",
    },
    "discord-announce": {
        "content": "v{{ trigger.body.version }} is live",
        "username": "Release bot",
    },
    "discord-embed": {
        "embeds": [
            {"title": "Order {{ trigger.body.id }}", "description": "{{ trigger.body.total }}"}
        ]
    },
    "telegram-html": {
        "credential": 5,
        "chat_id": "{{ trigger.body.chat_id }}",
        "text": "Order <b>{{ trigger.body.id }}</b> shipped",
        "parse_mode": "HTML",
    },
    "telegram-channel": {"chat_id": "@ops_news", "text": "{{ nodes.summarise.response }}"},
    # --- end integrations ---
    # --- datastores: app.google_sheets, app.postgres, app.s3 ---
    "sheets-append-object": {
        "credential": 3,
        "spreadsheet_id": "1AbC",
        "range": "Leads",
        "values": {"Name": "{{ trigger.body.name }}", "Email": "{{ trigger.body.email }}"},
    },
    "sheets-read": {
        "operation": "read_rows",
        "spreadsheet_id": "1AbC",
        "range": "Orders",
        "max_rows": 200,
    },
    "sheets-update-row": {
        "operation": "update_row",
        "spreadsheet_id": "1AbC",
        "range": "Orders",
        "row_number": 7,
        "values": {"Id": "{{ trigger.body.id }}", "Status": "{{ trigger.body.status }}"},
    },
    "postgres-select": {
        "credential": 8,
        "sql": "SELECT * FROM customers WHERE email = %(email)s",
        "parameters": {"email": "{{ trigger.body.email }}"},
    },
    "postgres-insert": {
        "sql": "INSERT INTO orders (id, total) VALUES (%(id)s, %(total)s) RETURNING *",
        "parameters": {"id": "{{ trigger.body.id }}", "total": "{{ trigger.body.total }}"},
    },
    "s3-put-json": {
        "credential": 6,
        "bucket": "acme-orders",
        "key": "orders/{{ trigger.body.id }}.json",
        "content": "{{ trigger.body | tojson }}",
        "content_type": "application/json",
    },
    "s3-get": {"operation": "get_object", "bucket": "acme-reports", "key": "reports/latest.csv"},
    "s3-list": {
        "operation": "list_objects",
        "bucket": "acme-billing",
        "prefix": "invoices/2026/",
        "max_keys": 50,
    },
    # --- end datastores ---
    # --- devtools: app.github, app.airtable, app.notion, trigger.poll ---
    "github-create-issue": {
        "credential": 3,
        "owner": "acme",
        "repo": "shop",
        "title": "Checkout broken",
        "body": "{{ trigger.body.error }}",
        "labels": ["bug"],
    },
    "github-comment": {
        "operation": "comment",
        "owner": "acme",
        "repo": "shop",
        "issue_number": "{{ trigger.body.issue }}",
        "body": "Deployed in v2",
    },
    "github-list-issues": {
        "operation": "list_issues",
        "owner": "octocat",
        "repo": "hello-world",
        "state": "closed",
        "labels": ["bug"],
        "per_page": 100,
    },
    "github-get-file": {
        "operation": "get_file",
        "owner": "acme",
        "repo": "shop",
        "path": "package.json",
        "ref": "release",
    },
    "airtable-create": {
        "base_id": "appA1b2C3d4",
        "table": "Contacts",
        "records": [{"Name": "{{ trigger.body.name }}", "Email": "{{ trigger.body.email }}"}],
        "typecast": True,
    },
    "airtable-list": {
        "operation": "list_records",
        "base_id": "appA1b2C3d4",
        "table": "Orders",
        "filter_by_formula": "{Status} = 'Paid'",
        "view": "This week",
        "max_records": 200,
    },
    "airtable-update": {
        "operation": "update_records",
        "base_id": "appA1b2C3d4",
        "table": "Orders",
        "records": [{"id": "{{ trigger.body.record_id }}", "fields": {"Status": "Shipped"}}],
    },
    "notion-create-page": {
        "credential": 8,
        "parent_id": "0123456789abcdef0123456789abcdef",
        "title": "{{ trigger.body.title }}",
    },
    "notion-query": {
        "operation": "query_database",
        "database_id": "0123456789abcdef0123456789abcdef",
        "filter": {"property": "Status", "select": {"equals": "Done"}},
        "page_size": 20,
    },
    "poll-new-orders": {
        "url": "https://shop.example.com/api/orders",
        "credential": 5,
        "auth": "bearer",
        "items_path": "results",
        "id_field": "order_id",
        "interval_seconds": 120,
    },
    "poll-sheet-updated": {
        "source": "google_sheets",
        "spreadsheet_id": "1OrdersSheetXyz",
        "sheet_range": "Orders",
        "id_field": "row_number",
        "emit": "changed",
        "watch_fields": ["Status"],
        "interval_seconds": 60,
        "credential": 3,
    },
    # --- end devtools ---
    # --- messaging ---
    "email-welcome": {
        "credential": 2,
        "to": ["{{ trigger.body.email }}"],
        "subject": "Welcome, {{ trigger.body.name }}",
        "text": "Hi {{ trigger.body.name }}, your account is ready.",
    },
    "email-attachment": {
        "to": "billing@acme.test",
        "cc": ["am@acme.test"],
        "subject": "Your invoice",
        "text": "Your invoice is attached.",
        "attachments": [{"url": "{{ trigger.body.invoice_url }}", "filename": "invoice.pdf"}],
    },
    "sendgrid-written": {
        "credential": 6,
        "from_email": "orders@acme.test",
        "to": ["{{ trigger.body.email }}"],
        "subject": "Order {{ trigger.body.id }} received",
        "html": "<p>We received order {{ trigger.body.id }}.</p>",
    },
    "sendgrid-template": {
        "from_email": "hello@acme.test",
        "to": ["{{ trigger.body.email }}"],
        "template_id": "d-8f3a0c2b9e1d4f5a",
        "dynamic_template_data": {"name": "{{ trigger.body.first_name }}"},
    },
    "twilio-sms": {
        "credential": 3,
        "to": "{{ trigger.body.phone }}",
        "body": "Your code is {{ trigger.body.code }}",
    },
    "twilio-from": {
        "to": "+14155550100",
        "from_number": "+14155550199",
        "body": "The nightly backup failed",
    },
    # --- end messaging ---
}

# Cases that carry their right answer (the app operations' cases, made from each operation's
# worked example in its node's Magic Input examples).
RIGHT_ANSWERS.update({cid: c["right_answer"] for cid, c in CASES.items() if "right_answer" in c})


def test_every_case_is_well_formed():
    ids = [case["id"] for case in ai_eval.load_cases(str(ai_eval.DEFAULT_CASES))]
    assert len(ids) == len(set(ids))
    for case in CASES.values():
        assert case["node_type"] in NODE_TYPES, case["id"]
        assert case["prompt"].strip()
        assert {op for _, op, _ in case["checks"]} <= OPS, case["id"]


def test_the_data_nodes_have_at_least_two_cases_each():
    for node_type in ("utility.set", "utility.filter", "utility.sort", "utility.limit"):
        assert sum(c["node_type"] == node_type for c in CASES.values()) >= 2


@pytest.mark.parametrize("case_id", sorted(RIGHT_ANSWERS))
def test_a_right_answer_passes_every_check(case_id):
    case = CASES[case_id]
    NODE_TYPES[case["node_type"]].Config.model_validate(RIGHT_ANSWERS[case_id])
    config = ai_eval.effective_config(case["node_type"], RIGHT_ANSWERS[case_id])
    assert [c for c in case["checks"] if not ai_eval.check(config, *c)] == []


def test_every_operation_of_every_app_has_a_case():
    from integrations import registry

    for service in registry.SERVICES:
        node = service.node
        operations = set(get_args(node.Config.model_fields["operation"].annotation))
        answered = {
            node.Config.model_validate(RIGHT_ANSWERS[case_id]).operation
            for case_id, case in CASES.items()
            if case["node_type"] == node.type and case_id in RIGHT_ANSWERS
        }
        assert operations <= answered, f"{node.type}: no case for {operations - answered}"
