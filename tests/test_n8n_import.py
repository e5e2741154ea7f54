"""Importing n8n workflow exports (editor/n8n/, DESIGN §8): conversion, refusals, the API."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from editor.models import Workflow
from editor.n8n import convert, looks_like_n8n
from editor.nodes import NODE_TYPES
from editor.nodes.base import RunContext
from editor.nodes.rules import RuleSet, evaluate
from editor.templating import TemplateError, n8n_typed, render_value
from editor.transfer import ImportRefused, read_import
from editor.validation import validate_graph

# --- realistic n8n 1.x exports -------------------------------------------------------------

WEBHOOK_SET_HTTP: dict[str, Any] = {
    "name": "Lead intake",
    "nodes": [
        {
            "parameters": {
                "httpMethod": "POST",
                "path": "new-lead",
                "responseMode": "lastNode",
                "options": {},
            },
            "id": "5f0c7a36-2d0e-4a49-9b4a-0a8d1f3c9e01",
            "name": "Webhook",
            "type": "n8n-nodes-base.webhook",
            "typeVersion": 2,
            "position": [-460, 120],
            "webhookId": "4b1e9a52-8d7f-4c55-b2f6-2e9c4f7d1a10",
        },
        {
            "parameters": {
                "assignments": {
                    "assignments": [
                        {
                            "id": "7c1b2f0e-1a11-4d2b-9c55-0f4e8a1b2c01",
                            "name": "email",
                            "value": "={{ $json.body.email }}",
                            "type": "string",
                        },
                        {
                            "id": "7c1b2f0e-1a11-4d2b-9c55-0f4e8a1b2c02",
                            "name": "greeting",
                            "value": '=Hello {{ $json.body.name }}, welcome to "Acme"!',
                            "type": "string",
                        },
                        {
                            "id": "7c1b2f0e-1a11-4d2b-9c55-0f4e8a1b2c03",
                            "name": "score",
                            "value": "={{ $json.body.score }}",
                            "type": "number",
                        },
                        {
                            "id": "7c1b2f0e-1a11-4d2b-9c55-0f4e8a1b2c04",
                            "name": "source.channel",
                            "value": "website",
                            "type": "string",
                        },
                        {
                            "id": "7c1b2f0e-1a11-4d2b-9c55-0f4e8a1b2c05",
                            "name": "vip",
                            "value": "true",
                            "type": "boolean",
                        },
                    ]
                },
                "options": {},
            },
            "id": "b2a3f1d4-6c7e-4f80-9a1b-2c3d4e5f6a70",
            "name": "Edit Fields",
            "type": "n8n-nodes-base.set",
            "typeVersion": 3.4,
            "position": [-240, 120],
        },
        {
            "parameters": {
                "method": "POST",
                "url": "=https://crm.example.com/api/leads/{{ $json.email }}",
                "authentication": "genericCredentialType",
                "genericAuthType": "httpHeaderAuth",
                "sendHeaders": True,
                "headerParameters": {"parameters": [{"name": "X-Source", "value": "n8n-import"}]},
                "sendBody": True,
                "bodyParameters": {
                    "parameters": [
                        {"name": "email", "value": "={{ $json.email }}"},
                        {"name": "message", "value": "={{ $('Edit Fields').item.json.greeting }}"},
                        {"name": "received_at", "value": "={{ $now }}"},
                        {"name": "hook_method", "value": '={{ $node["Webhook"].json["headers"] }}'},
                    ]
                },
                "options": {"timeout": 10000},
            },
            "id": "c9d8e7f6-5a4b-4c3d-8e2f-1a0b9c8d7e60",
            "name": "Create lead",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [-20, 120],
            "credentials": {"httpHeaderAuth": {"id": "q1w2e3r4t5y6", "name": "CRM key"}},
        },
    ],
    "pinData": {},
    "connections": {
        "Webhook": {"main": [[{"node": "Edit Fields", "type": "main", "index": 0}]]},
        "Edit Fields": {"main": [[{"node": "Create lead", "type": "main", "index": 0}]]},
    },
    "active": False,
    "settings": {"executionOrder": "v1"},
    "versionId": "0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9",
    "meta": {"templateCredsSetupCompleted": True, "instanceId": "8f7e6d5c4b3a2910"},
    "id": "Xy12Ab34Cd56Ef78",
    "tags": [],
}

SCHEDULE_HTTP_IF: dict[str, Any] = {
    "name": "Stock watcher",
    "nodes": [
        {
            "parameters": {"rule": {"interval": [{"field": "minutes", "minutesInterval": 15}]}},
            "id": "11111111-aaaa-4bbb-8ccc-000000000001",
            "name": "Schedule Trigger",
            "type": "n8n-nodes-base.scheduleTrigger",
            "typeVersion": 1.2,
            "position": [0, 0],
        },
        {
            "parameters": {
                "url": "https://inventory.example.com/api/stock",
                "sendQuery": True,
                "queryParameters": {"parameters": [{"name": "sku", "value": "ABC-123"}]},
                "options": {},
            },
            "id": "11111111-aaaa-4bbb-8ccc-000000000002",
            "name": "Get stock",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [220, 0],
        },
        {
            "parameters": {
                "conditions": {
                    "options": {
                        "caseSensitive": True,
                        "leftValue": "",
                        "typeValidation": "strict",
                        "version": 2,
                    },
                    "conditions": [
                        {
                            "id": "0b6a3c1e-7d2f-4e8a-9b1c-5d6e7f8a9b0c",
                            "leftValue": "={{ $json.quantity }}",
                            "rightValue": 10,
                            "operator": {"type": "number", "operation": "lt"},
                        },
                        {
                            "id": "1c7b4d2f-8e3a-4f9b-8c2d-6e7f8a9b0c1d",
                            "leftValue": "={{ $json.status }}",
                            "rightValue": "discontinued",
                            "operator": {"type": "string", "operation": "notEquals"},
                        },
                    ],
                    "combinator": "and",
                },
                "options": {},
            },
            "id": "11111111-aaaa-4bbb-8ccc-000000000003",
            "name": "Low stock?",
            "type": "n8n-nodes-base.if",
            "typeVersion": 2.2,
            "position": [440, 0],
        },
        {
            "parameters": {
                "method": "POST",
                "url": "https://purchasing.example.com/api/orders",
                "sendBody": True,
                "specifyBody": "json",
                "jsonBody": '={\n  "sku": "ABC-123",\n  "quantity": {{ 50 - $json.quantity }}\n}',
                "options": {},
            },
            "id": "11111111-aaaa-4bbb-8ccc-000000000004",
            "name": "Reorder",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [660, -100],
        },
        {
            "parameters": {},
            "id": "11111111-aaaa-4bbb-8ccc-000000000005",
            "name": "Enough stock",
            "type": "n8n-nodes-base.noOp",
            "typeVersion": 1,
            "position": [660, 100],
        },
    ],
    "connections": {
        "Schedule Trigger": {"main": [[{"node": "Get stock", "type": "main", "index": 0}]]},
        "Get stock": {"main": [[{"node": "Low stock?", "type": "main", "index": 0}]]},
        "Low stock?": {
            "main": [
                [{"node": "Reorder", "type": "main", "index": 0}],
                [{"node": "Enough stock", "type": "main", "index": 0}],
            ]
        },
    },
    "settings": {"executionOrder": "v1", "timezone": "Europe/Berlin"},
}

SWITCH_BY_STATUS: dict[str, Any] = {
    "name": "Route tickets",
    "nodes": [
        {
            "parameters": {},
            "id": "22222222-aaaa-4bbb-8ccc-000000000001",
            "name": 'When clicking "Test workflow"',
            "type": "n8n-nodes-base.manualTrigger",
            "typeVersion": 1,
            "position": [0, 0],
        },
        {
            "parameters": {
                "rules": {
                    "values": [
                        {
                            "conditions": {
                                "options": {
                                    "caseSensitive": True,
                                    "leftValue": "",
                                    "typeValidation": "strict",
                                },
                                "conditions": [
                                    {
                                        "leftValue": "={{ $json.priority }}",
                                        "rightValue": "urgent",
                                        "operator": {"type": "string", "operation": "equals"},
                                    }
                                ],
                                "combinator": "and",
                            },
                            "renameOutput": True,
                            "outputKey": "Urgent!",
                        },
                        {
                            "conditions": {
                                "options": {
                                    "caseSensitive": False,
                                    "leftValue": "",
                                    "typeValidation": "strict",
                                },
                                "conditions": [
                                    {
                                        "leftValue": "={{ $json.subject }}",
                                        "rightValue": "Refund",
                                        "operator": {"type": "string", "operation": "contains"},
                                    }
                                ],
                                "combinator": "and",
                            },
                            "renameOutput": True,
                            "outputKey": "Billing / Refunds",
                        },
                        {
                            "conditions": {
                                "options": {
                                    "caseSensitive": True,
                                    "leftValue": "",
                                    "typeValidation": "strict",
                                },
                                "conditions": [
                                    {
                                        "leftValue": "={{ $json.tags }}",
                                        "rightValue": "bug",
                                        "operator": {"type": "array", "operation": "contains"},
                                    }
                                ],
                                "combinator": "and",
                            },
                        },
                    ]
                },
                "options": {"fallbackOutput": "extra"},
            },
            "id": "22222222-aaaa-4bbb-8ccc-000000000002",
            "name": "Switch",
            "type": "n8n-nodes-base.switch",
            "typeVersion": 3.2,
            "position": [220, 0],
        },
        *[
            {
                "parameters": {},
                "id": f"22222222-aaaa-4bbb-8ccc-00000000001{i}",
                "name": name,
                "type": "n8n-nodes-base.noOp",
                "typeVersion": 1,
                "position": [440, -150 + 100 * i],
            }
            for i, name in enumerate(["Page on-call", "Billing queue", "Bug tracker", "Triage"])
        ],
    ],
    "connections": {
        'When clicking "Test workflow"': {
            "main": [[{"node": "Switch", "type": "main", "index": 0}]]
        },
        "Switch": {
            "main": [
                [{"node": "Page on-call", "type": "main", "index": 0}],
                [{"node": "Billing queue", "type": "main", "index": 0}],
                [{"node": "Bug tracker", "type": "main", "index": 0}],
                [{"node": "Triage", "type": "main", "index": 0}],
            ]
        },
    },
    "settings": {"executionOrder": "v1"},
}

LOOP_OVER_USERS: dict[str, Any] = {
    "name": "Sync users",
    "nodes": [
        {
            "parameters": {},
            "id": "33333333-aaaa-4bbb-8ccc-000000000001",
            "name": "Manual Trigger",
            "type": "n8n-nodes-base.manualTrigger",
            "typeVersion": 1,
            "position": [0, 0],
        },
        {
            "parameters": {"url": "https://api.example.com/users", "options": {}},
            "id": "33333333-aaaa-4bbb-8ccc-000000000002",
            "name": "Fetch users",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [220, 0],
        },
        {
            "parameters": {"options": {}},
            "id": "33333333-aaaa-4bbb-8ccc-000000000003",
            "name": "Loop Over Items",
            "type": "n8n-nodes-base.splitInBatches",
            "typeVersion": 3,
            "position": [440, 0],
        },
        {
            "parameters": {
                "method": "PUT",
                "url": "=https://crm.example.com/contacts/{{ $json.id }}",
                "sendBody": True,
                "specifyBody": "json",
                "jsonBody": "={{ $json }}",
                "options": {},
            },
            "id": "33333333-aaaa-4bbb-8ccc-000000000004",
            "name": "Upsert contact",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [660, 100],
        },
        {
            "parameters": {"amount": 2},
            "id": "33333333-aaaa-4bbb-8ccc-000000000005",
            "name": "Wait",
            "type": "n8n-nodes-base.wait",
            "typeVersion": 1.1,
            "position": [880, 100],
            "webhookId": "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c",
        },
        {
            "parameters": {},
            "id": "33333333-aaaa-4bbb-8ccc-000000000006",
            "name": "Done",
            "type": "n8n-nodes-base.noOp",
            "typeVersion": 1,
            "position": [660, -100],
        },
    ],
    "connections": {
        "Manual Trigger": {"main": [[{"node": "Fetch users", "type": "main", "index": 0}]]},
        "Fetch users": {"main": [[{"node": "Loop Over Items", "type": "main", "index": 0}]]},
        "Loop Over Items": {
            "main": [
                [{"node": "Done", "type": "main", "index": 0}],
                [{"node": "Upsert contact", "type": "main", "index": 0}],
            ]
        },
        "Upsert contact": {"main": [[{"node": "Wait", "type": "main", "index": 0}]]},
        "Wait": {"main": [[{"node": "Loop Over Items", "type": "main", "index": 0}]]},
    },
    "settings": {"executionOrder": "v1"},
}

MERGE_AND_CODE: dict[str, Any] = {
    "name": "Enrich order",
    "nodes": [
        {
            "parameters": {"httpMethod": "POST", "path": "order", "options": {}},
            "id": "44444444-aaaa-4bbb-8ccc-000000000001",
            "name": "Order webhook",
            "type": "n8n-nodes-base.webhook",
            "typeVersion": 2,
            "position": [0, 0],
        },
        {
            "parameters": {
                "url": "=https://api.example.com/customers/{{ $json.body.customer_id }}",
                "options": {},
            },
            "id": "44444444-aaaa-4bbb-8ccc-000000000002",
            "name": "Get customer",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [220, -100],
        },
        {
            "parameters": {
                "url": "=https://api.example.com/products/{{ $json.body.sku }}",
                "options": {},
            },
            "id": "44444444-aaaa-4bbb-8ccc-000000000003",
            "name": "Get product",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [220, 100],
        },
        {
            "parameters": {"mode": "combine", "combineBy": "combineByPosition", "options": {}},
            "id": "44444444-aaaa-4bbb-8ccc-000000000004",
            "name": "Merge",
            "type": "n8n-nodes-base.merge",
            "typeVersion": 3,
            "position": [440, 0],
        },
        {
            "parameters": {
                "jsCode": (
                    "const out = [];\n"
                    "for (const item of $input.all()) {\n"
                    "  out.push({ json: { ...item.json, enriched: true } });\n"
                    "}\n"
                    "return out;"
                )
            },
            "id": "44444444-aaaa-4bbb-8ccc-000000000005",
            "name": "Code",
            "type": "n8n-nodes-base.code",
            "typeVersion": 2,
            "position": [660, 0],
        },
    ],
    "connections": {
        "Order webhook": {
            "main": [
                [
                    {"node": "Get customer", "type": "main", "index": 0},
                    {"node": "Get product", "type": "main", "index": 0},
                ]
            ]
        },
        "Get customer": {"main": [[{"node": "Merge", "type": "main", "index": 0}]]},
        "Get product": {"main": [[{"node": "Merge", "type": "main", "index": 1}]]},
        "Merge": {"main": [[{"node": "Code", "type": "main", "index": 0}]]},
    },
    "settings": {"executionOrder": "v1"},
}

WITH_SLACK: dict[str, Any] = {
    "name": "Notify team",
    "nodes": [
        {
            "parameters": {},
            "id": "55555555-aaaa-4bbb-8ccc-000000000001",
            "name": "Manual Trigger",
            "type": "n8n-nodes-base.manualTrigger",
            "typeVersion": 1,
            "position": [0, 0],
        },
        {
            "parameters": {
                "select": "channel",
                "channelId": {"__rl": True, "value": "C0123456", "mode": "list"},
                "text": "=Deploy finished at {{ $now }}",
                "otherOptions": {},
            },
            "id": "55555555-aaaa-4bbb-8ccc-000000000002",
            "name": "Slack",
            "type": "n8n-nodes-base.slack",
            "typeVersion": 2.2,
            "position": [220, 0],
            "webhookId": "0f9e8d7c-6b5a-4f3e-2d1c-0b9a8f7e6d5c",
            "credentials": {"slackApi": {"id": "abc", "name": "Slack account"}},
        },
        {
            "parameters": {"operation": "append", "sheetName": "Log"},
            "id": "55555555-aaaa-4bbb-8ccc-000000000003",
            "name": "Log to sheet",
            "type": "n8n-nodes-base.googleSheets",
            "typeVersion": 4.5,
            "position": [440, 0],
        },
    ],
    "connections": {
        "Manual Trigger": {"main": [[{"node": "Slack", "type": "main", "index": 0}]]},
        "Slack": {"main": [[{"node": "Log to sheet", "type": "main", "index": 0}]]},
    },
}

AGENT_WITH_MODEL: dict[str, Any] = {
    "name": "Summarise",
    "nodes": [
        {
            "parameters": {"httpMethod": "POST", "path": "summarise", "options": {}},
            "id": "66666666-aaaa-4bbb-8ccc-000000000001",
            "name": "Webhook",
            "type": "n8n-nodes-base.webhook",
            "typeVersion": 2,
            "position": [0, 0],
        },
        {
            "parameters": {
                "promptType": "define",
                "text": "=Summarise this text in two sentences:\n{{ $json.body.text }}",
                "options": {"systemMessage": "You are a concise editor."},
            },
            "id": "66666666-aaaa-4bbb-8ccc-000000000002",
            "name": "AI Agent",
            "type": "@n8n/n8n-nodes-langchain.agent",
            "typeVersion": 1.7,
            "position": [220, 0],
        },
        {
            "parameters": {
                "model": {
                    "__rl": True,
                    "value": "gpt-4o",
                    "mode": "list",
                    "cachedResultName": "gpt-4o",
                },
                "options": {"temperature": 0.2, "maxTokens": 300},
            },
            "id": "66666666-aaaa-4bbb-8ccc-000000000003",
            "name": "OpenAI Chat Model",
            "type": "@n8n/n8n-nodes-langchain.lmChatOpenAi",
            "typeVersion": 1.2,
            "position": [220, 200],
            "credentials": {"openAiApi": {"id": "k1", "name": "OpenAi account"}},
        },
        {
            "parameters": {
                "method": "POST",
                "url": "https://hooks.example.com/summary",
                "sendBody": True,
                "bodyParameters": {
                    "parameters": [{"name": "summary", "value": "={{ $json.output }}"}]
                },
                "options": {},
            },
            "id": "66666666-aaaa-4bbb-8ccc-000000000004",
            "name": "Post summary",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [440, 0],
        },
        {
            "parameters": {"content": "## Summariser\nPosts a summary.", "height": 200},
            "id": "66666666-aaaa-4bbb-8ccc-000000000005",
            "name": "Sticky Note",
            "type": "n8n-nodes-base.stickyNote",
            "typeVersion": 1,
            "position": [-200, -200],
        },
    ],
    "connections": {
        "Webhook": {"main": [[{"node": "AI Agent", "type": "main", "index": 0}]]},
        "OpenAI Chat Model": {
            "ai_languageModel": [[{"node": "AI Agent", "type": "ai_languageModel", "index": 0}]]
        },
        "AI Agent": {"main": [[{"node": "Post summary", "type": "main", "index": 0}]]},
    },
}


# --- helpers -------------------------------------------------------------------------------


def by_label(graph: dict[str, Any], label: str) -> dict[str, Any]:
    return next(n for n in graph["nodes"] if n["label"] == label)


def edges_of(graph: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(e["source"], e.get("source_handle", "main"), e["target"]) for e in graph["edges"]}


def run_node(node: dict[str, Any], context: dict[str, Any]) -> Any:
    """Render the node's templates as the engine does, then run it."""
    node_type = NODE_TYPES[node["type"]]
    config = node_type.Config.model_validate(render_value(node["config"], context))
    ctx = RunContext(execution_id="e1", node_id=node["id"], step_key=node["id"], variables=context)
    return node_type.run(config, ctx)


def refusal_messages(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        convert(data)
    return [issue.message for issue in caught.value.issues]


def single_node_workflow(node: dict[str, Any]) -> dict[str, Any]:
    """A manual trigger feeding one node: enough to look at how that node converts."""
    trigger = {
        "parameters": {},
        "id": "t",
        "name": "Manual Trigger",
        "type": "n8n-nodes-base.manualTrigger",
        "typeVersion": 1,
        "position": [0, 0],
    }
    node = {"id": "n", "position": [220, 0], "parameters": {}, **node}
    return {
        "name": "One node",
        "nodes": [trigger, node],
        "connections": {
            "Manual Trigger": {"main": [[{"node": node["name"], "type": "main", "index": 0}]]}
        },
    }


def if_node(conditions: list[dict[str, Any]], combinator: str = "and") -> dict[str, Any]:
    return {
        "name": "Check",
        "type": "n8n-nodes-base.if",
        "typeVersion": 2.2,
        "parameters": {
            "conditions": {
                "options": {"caseSensitive": True, "leftValue": "", "typeValidation": "strict"},
                "conditions": conditions,
                "combinator": combinator,
            },
            "options": {},
        },
    }


def condition(left: Any, kind: str, operation: str, right: Any = "") -> dict[str, Any]:
    return {
        "leftValue": left,
        "rightValue": right,
        "operator": {"type": kind, "operation": operation},
    }


def check(node: dict[str, Any], payload: dict[str, Any]) -> bool:
    """Evaluate a converted condition node against a manual trigger payload."""
    rendered = render_value(node["config"], {"trigger": payload, "nodes": {}, "execution": {}})
    return evaluate(RuleSet.model_validate(rendered))


# --- recognising n8n files -----------------------------------------------------------------


def test_n8n_exports_are_recognised_and_workfuse_graphs_are_not():
    assert looks_like_n8n(WEBHOOK_SET_HTTP)
    assert looks_like_n8n(
        {"nodes": [{"type": "@n8n/n8n-nodes-langchain.agent"}], "connections": {}}
    )
    assert not looks_like_n8n({"nodes": [{"id": "a", "type": "trigger.manual"}], "edges": []})
    assert not looks_like_n8n({"nodes": [{"type": "n8n-nodes-base.set"}]})


def test_read_import_names_the_workflow_after_the_n8n_export():
    imported = read_import(copy.deepcopy(WEBHOOK_SET_HTTP))
    assert imported.name == "Lead intake"
    assert imported.description == "Imported from n8n"
    assert validate_graph(imported.graph) == []


# --- webhook -> set -> HTTP POST -----------------------------------------------------------


def test_webhook_set_http_converts_to_a_valid_graph():
    graph = convert(copy.deepcopy(WEBHOOK_SET_HTTP))
    assert validate_graph(graph) == []
    assert [(n["id"], n["type"]) for n in graph["nodes"]] == [
        ("webhook", "trigger.webhook"),
        ("edit_fields", "utility.transform"),
        ("create_lead", "action.http"),
        ("answer_the_webhook_after_create_lead", "logic.respond"),  # n8n's lastNode answer
    ]
    assert edges_of(graph) == {
        ("webhook", "main", "edit_fields"),
        ("edit_fields", "main", "create_lead"),
        ("create_lead", "main", "answer_the_webhook_after_create_lead"),
    }
    hook = by_label(graph, "Webhook")
    assert hook["config"] == {"methods": ["POST"], "response": "respond_node"}
    assert hook["position"] == {"x": -460, "y": 120}


def test_set_node_builds_a_json_object_that_survives_quotes_in_the_data():
    graph = convert(copy.deepcopy(WEBHOOK_SET_HTTP))
    payload = {"body": {"email": "ann@example.com", "name": 'Ann "The Hammer"', "score": 42}}
    output = run_node(by_label(graph, "Edit Fields"), {"trigger": payload, "nodes": {}})
    assert output["result"] == {
        "email": "ann@example.com",
        "greeting": 'Hello Ann "The Hammer", welcome to "Acme"!',
        "score": 42,
        "source": {"channel": "website"},
        "vip": True,
    }


def test_http_node_keeps_method_url_headers_body_and_timeout():
    graph = convert(copy.deepcopy(WEBHOOK_SET_HTTP))
    http = by_label(graph, "Create lead")
    assert http["config"] == {
        "method": "POST",
        "url": "https://crm.example.com/api/leads/{{ nodes.edit_fields.result.email | n8n_text }}",
        "headers": {"X-Source": "n8n-import"},
        "body_type": "json",
        "body": {
            "email": "{{ nodes.edit_fields.result.email }}",
            "message": "{{ nodes.edit_fields.result.greeting }}",
            "received_at": "{{ n8n('$now') }}",
            "hook_method": "{{ trigger.headers }}",
        },
        "timeout_ms": 10000,
    }
    assert "credential" in http["notes"] and "httpHeaderAuth" in http["notes"]


def test_set_node_that_keeps_input_fields_merges_them_into_the_result():
    data = single_node_workflow(
        {
            "name": "Add flag",
            "type": "n8n-nodes-base.set",
            "typeVersion": 3.4,
            "parameters": {
                "assignments": {
                    "assignments": [{"id": "1", "name": "flag", "value": True, "type": "boolean"}]
                },
                "includeOtherFields": True,
                "options": {},
            },
        }
    )
    node = by_label(convert(data), "Add flag")
    output = run_node(node, {"trigger": {"id": 7, "flag": False}, "nodes": {}})
    assert output["result"] == {"id": 7, "flag": True}


def test_old_set_node_v2_values_are_converted():
    data = single_node_workflow(
        {
            "name": "Set",
            "type": "n8n-nodes-base.set",
            "typeVersion": 2,
            "parameters": {
                "keepOnlySet": True,
                "values": {
                    "number": [{"name": "count", "value": 3}],
                    "string": [{"name": "who", "value": "={{ $json.user }}"}],
                },
                "options": {},
            },
        }
    )
    node = by_label(convert(data), "Set")
    output = run_node(node, {"trigger": {"user": "bo"}, "nodes": {}})
    assert output["result"] == {"count": 3, "who": "bo"}


# --- schedule -> HTTP -> IF -> two branches ------------------------------------------------


def test_schedule_every_15_minutes_http_and_if_branches():
    graph = convert(copy.deepcopy(SCHEDULE_HTTP_IF))
    assert validate_graph(graph) == []
    trigger = by_label(graph, "Schedule Trigger")
    assert trigger["type"] == "trigger.schedule"
    assert trigger["config"] == {"cron": "*/15 * * * *", "timezone": "Europe/Berlin"}
    assert by_label(graph, "Get stock")["config"]["query"] == {"sku": "ABC-123"}
    assert edges_of(graph) == {
        ("schedule_trigger", "main", "get_stock"),
        ("get_stock", "main", "low_stock"),
        ("low_stock", "true", "reorder"),
        ("low_stock", "false", "enough_stock"),
    }


def test_if_v2_conditions_read_the_http_response_body():
    graph = convert(copy.deepcopy(SCHEDULE_HTTP_IF))
    assert by_label(graph, "Low stock?")["config"] == {
        "combinator": "and",
        "rules": [
            {"left": "{{ nodes.get_stock.body.quantity }}", "operator": "lt", "right": 10},
            {
                "left": "{{ nodes.get_stock.body.status }}",
                "operator": "ne",
                "right": "discontinued",
            },
        ],
    }


def test_json_body_with_text_around_expressions_is_sent_as_json_text():
    graph = convert(copy.deepcopy(SCHEDULE_HTTP_IF))
    reorder = by_label(graph, "Reorder")
    assert reorder["config"]["body_type"] == "raw"
    assert reorder["config"]["headers"] == {"Content-Type": "application/json"}
    # Behind the IF, `$json` is still the stock response: IF passes its input on in n8n.
    rendered = render_value(
        reorder["config"]["body"], {"nodes": {"get_stock": {"body": {"quantity": 4}}}}
    )
    assert json.loads(rendered) == {"sku": "ABC-123", "quantity": 46}


@pytest.mark.parametrize(
    ("rule", "cron"),
    [
        ({"field": "cronExpression", "expression": "0 9 * * 1-5"}, "0 9 * * 1-5"),
        ({"field": "cronExpression", "expression": "0 30 6 * * *"}, "30 6 * * *"),
        ({"field": "minutes"}, "*/5 * * * *"),
        ({"field": "hours", "hoursInterval": 2, "triggerAtMinute": 30}, "30 */2 * * *"),
        ({"field": "days", "triggerAtHour": 7}, "0 7 * * *"),
        ({}, "0 0 * * *"),
        ({"field": "days", "daysInterval": 3, "triggerAtHour": 6}, "0 6 */3 * *"),
        ({"field": "weeks", "triggerAtDay": [1, 3], "triggerAtHour": 8}, "0 8 * * 1,3"),
        ({"field": "months", "triggerAtDayOfMonth": 15, "triggerAtHour": 9}, "0 9 15 * *"),
    ],
)
def test_schedule_rules_become_equivalent_cron_expressions(rule, cron):
    data = copy.deepcopy(SCHEDULE_HTTP_IF)
    data["nodes"][0]["parameters"] = {"rule": {"interval": [rule]}}
    graph = convert(data)
    assert by_label(graph, "Schedule Trigger")["config"]["cron"] == cron
    assert validate_graph(graph) == []


@pytest.mark.parametrize(
    ("rule", "seconds"),
    [({"field": "seconds"}, 30), ({"field": "seconds", "secondsInterval": 10}, 10)],
)
def test_schedule_every_few_seconds_runs_every_minute_with_a_caveat(rule, seconds):
    data = copy.deepcopy(SCHEDULE_HTTP_IF)
    data["nodes"][0]["parameters"] = {"rule": {"interval": [rule]}}
    graph = convert(data)
    trigger = by_label(graph, "Schedule Trigger")
    assert trigger["config"]["cron"] == "* * * * *"
    assert (
        f"n8n ran 'Schedule Trigger' every {seconds} seconds; WorkFuse schedules run at most "
        "once a minute, so this one runs every minute"
    ) in trigger["notes"]
    assert validate_graph(graph) == []


@pytest.mark.parametrize("seconds", [90, 0, "=abc"])
def test_schedule_seconds_rules_beyond_a_minute_are_refused(seconds):
    data = copy.deepcopy(SCHEDULE_HTTP_IF)
    rule = {"field": "seconds", "secondsInterval": seconds}
    data["nodes"][0]["parameters"] = {"rule": {"interval": [rule]}}
    [message] = refusal_messages(data)
    assert "'Schedule Trigger'" in message and "use a minutes rule" in message


def test_old_cron_node_becomes_a_schedule():
    data = copy.deepcopy(SCHEDULE_HTTP_IF)
    data["nodes"][0] = {
        "parameters": {
            "triggerTimes": {"item": [{"mode": "everyWeek", "hour": 6, "weekday": "5"}]}
        },
        "id": "c",
        "name": "Schedule Trigger",
        "type": "n8n-nodes-base.cron",
        "typeVersion": 1,
        "position": [0, 0],
    }
    graph = convert(data)
    assert by_label(graph, "Schedule Trigger")["config"]["cron"] == "0 6 * * 5"


def interval_trigger(params: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(SCHEDULE_HTTP_IF)
    data["nodes"][0] = {
        "parameters": params,
        "id": "i",
        "name": "Schedule Trigger",
        "type": "n8n-nodes-base.interval",
        "typeVersion": 1,
        "position": [0, 0],
    }
    return data


@pytest.mark.parametrize(
    ("params", "cron", "note"),
    [
        ({"unit": "minutes", "interval": 5}, "*/5 * * * *", "runs on the clock"),
        ({"unit": "minutes", "interval": 45}, "*/45 * * * *", "the last interval"),
        ({"unit": "minutes", "interval": 120}, "0 */2 * * *", "runs on the clock"),
        ({"unit": "seconds", "interval": 300}, "*/5 * * * *", "runs on the clock"),
        ({"unit": "hours", "interval": 6}, "0 */6 * * *", "runs on the clock"),
        ({"unit": "days", "interval": 2}, "0 0 */2 * *", "restarts on the 1st"),
    ],
)
def test_the_interval_node_becomes_a_schedule(params, cron, note):
    trigger = by_label(convert(interval_trigger(params)), "Schedule Trigger")
    assert trigger["type"] == "trigger.schedule"
    assert trigger["config"]["cron"] == cron
    assert note in trigger["notes"]


@pytest.mark.parametrize(
    ("params", "seconds"), [({}, 1), ({"unit": "seconds", "interval": 45}, 45)]
)
def test_intervals_under_a_minute_run_every_minute_with_a_caveat(params, seconds):
    graph = convert(interval_trigger(params))
    trigger = by_label(graph, "Schedule Trigger")
    assert trigger["config"]["cron"] == "* * * * *"
    assert (
        f"n8n ran 'Schedule Trigger' every {seconds} seconds; WorkFuse schedules run at most "
        "once a minute"
    ) in trigger["notes"]
    assert validate_graph(graph) == []


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"unit": "seconds", "interval": 90}, "on whole minutes"),
        ({"unit": "minutes", "interval": 90}, "whole number of hours"),
    ],
)
def test_intervals_a_cron_cannot_say_are_refused(params, words):
    [message] = refusal_messages(interval_trigger(params))
    assert "'Schedule Trigger' (n8n-nodes-base.interval)" in message and words in message


# --- switch ---------------------------------------------------------------------------------


def test_switch_with_three_outputs_and_fallback_routes_each_output():
    graph = convert(copy.deepcopy(SWITCH_BY_STATUS))
    assert validate_graph(graph) == []
    switch = by_label(graph, "Switch")
    assert [c["handle"] for c in switch["config"]["cases"]] == [
        "urgent",
        "billing_refunds",
        "case_2",
    ]
    assert switch["config"]["default_handle"] == "default"
    assert edges_of(graph) == {
        ("when_clicking_test_workflow", "main", "switch"),
        ("switch", "urgent", "page_on_call"),
        ("switch", "billing_refunds", "billing_queue"),
        ("switch", "case_2", "bug_tracker"),
        ("switch", "default", "triage"),
    }


def test_switch_cases_pick_the_same_output_as_n8n():
    switch = by_label(convert(copy.deepcopy(SWITCH_BY_STATUS)), "Switch")
    output = run_node(
        switch, {"trigger": {"subject": "REFUND please", "priority": "low", "tags": []}}
    )
    assert output == {"handle": "billing_refunds"}
    output = run_node(switch, {"trigger": {"subject": "hi", "priority": "low", "tags": ["bug"]}})
    assert output == {"handle": "case_2"}
    output = run_node(switch, {"trigger": {"subject": "hi", "priority": "low", "tags": []}})
    assert output == {"handle": "default"}


def test_switch_fallback_to_an_existing_output_shares_that_outputs_edges():
    data = copy.deepcopy(SWITCH_BY_STATUS)
    data["nodes"][1]["parameters"]["options"] = {"fallbackOutput": 0}
    data["connections"]["Switch"]["main"] = data["connections"]["Switch"]["main"][:3]
    graph = convert(data)
    assert validate_graph(graph) == []
    assert ("switch", "default", "page_on_call") in edges_of(graph)
    assert ("switch", "urgent", "page_on_call") in edges_of(graph)


# --- n8nflow ---
# Expression-mode switches now import: tests/test_n8n_flow.py.
# --- end n8nflow ---


# --- loop --------------------------------------------------------------------------------------


def test_split_in_batches_becomes_a_loop_without_the_back_edge():
    graph = convert(copy.deepcopy(LOOP_OVER_USERS))
    assert validate_graph(graph) == []
    loop = by_label(graph, "Loop Over Items")
    assert loop["type"] == "logic.loop"
    # An HTTP response read as a list of items: n8n splits a JSON array, keeps an object whole.
    body = "nodes.fetch_users.body"
    assert loop["config"] == {
        "items": f"{{{{ ({body} if {body} is sequence and {body} is not string and {body} "
        f"is not mapping else [{body}]) }}}}",
        "concurrency": 1,
    }
    assert edges_of(graph) == {
        ("manual_trigger", "main", "fetch_users"),
        ("fetch_users", "main", "loop_over_items"),
        ("loop_over_items", "each", "upsert_contact"),
        ("upsert_contact", "main", "wait"),
        # The item each pass hands back to n8n's loop (its done output), and the No-op after
        # `done` run per item (tests/test_n8n_items.py).
        ("wait", "main", "wait_items"),
        ("loop_over_items", "done", "each_loop_over_items"),
        ("each_loop_over_items", "each", "done"),
    }


def test_json_inside_a_loop_body_is_the_current_item():
    graph = convert(copy.deepcopy(LOOP_OVER_USERS))
    upsert = by_label(graph, "Upsert contact")
    assert upsert["config"]["url"] == "https://crm.example.com/contacts/{{ item.id | n8n_text }}"
    assert upsert["config"]["body"] == "{{ item }}"
    assert upsert["config"]["body_type"] == "json"


def test_split_in_batches_v1_loops_on_its_first_output():
    data = copy.deepcopy(LOOP_OVER_USERS)
    data["nodes"][2]["typeVersion"] = 1
    data["connections"]["Loop Over Items"]["main"].reverse()
    graph = convert(data)
    assert ("loop_over_items", "each", "upsert_contact") in edges_of(graph)
    # The No-op after `done` runs per item of the loop's results (tests/test_n8n_items.py).
    assert ("loop_over_items", "done", "each_loop_over_items") in edges_of(graph)
    assert ("each_loop_over_items", "each", "done") in edges_of(graph)


# --- wait --------------------------------------------------------------------------------------


def test_wait_node_amount_and_unit_become_seconds():
    graph = convert(copy.deepcopy(LOOP_OVER_USERS))
    # typeVersion 1.1 counts in seconds unless told otherwise.
    assert by_label(graph, "Wait")["config"] == {"seconds": 2}
    data = single_node_workflow(
        {
            "name": "Pause",
            "type": "n8n-nodes-base.wait",
            "typeVersion": 1.1,
            "parameters": {"amount": 1.5, "unit": "hours"},
        }
    )
    assert by_label(convert(data), "Pause")["config"] == {"seconds": 5400}
    data = single_node_workflow(
        {"name": "Pause", "type": "n8n-nodes-base.wait", "typeVersion": 1, "parameters": {}}
    )
    assert by_label(convert(data), "Pause")["config"] == {"seconds": 3600}


def test_wait_until_a_specific_time_becomes_until():
    data = single_node_workflow(
        {
            "name": "Until launch",
            "type": "n8n-nodes-base.wait",
            "typeVersion": 1.1,
            "parameters": {"resume": "specificTime", "dateTime": "2030-01-31T09:00:00+01:00"},
        }
    )
    graph = convert(data)
    assert by_label(graph, "Until launch")["config"] == {"until": "2030-01-31T09:00:00+01:00"}
    assert validate_graph(graph) == []


# --- n8nflow ---
# Waits on a webhook call now import as utility.wait: tests/test_n8n_flow.py.
# --- end n8nflow ---


# --- merge and code ------------------------------------------------------------------------


def test_merge_waits_for_both_branches():
    graph = convert(copy.deepcopy(MERGE_AND_CODE))
    assert validate_graph(graph) == []
    merge = by_label(graph, "Merge")
    # Combining modes run n8n's algorithm over both inputs' items (tests/test_n8n_items.py).
    assert merge["type"] == "action.code"
    assert 'nodes?.["get_customer"]?.["body"]' in merge["config"]["code"]
    assert edges_of(graph) >= {
        ("order_webhook", "main", "get_customer"),
        ("order_webhook", "main", "get_product"),
        ("get_customer", "main", "merge"),
        ("get_product", "main", "merge"),
        ("merge", "main", "code"),
    }


def test_code_node_keeps_the_javascript_and_runs_it_with_n8n_names():
    graph = convert(copy.deepcopy(MERGE_AND_CODE))
    code = by_label(graph, "Code")
    assert code["type"] == "action.code"
    assert code["config"]["code"] == MERGE_AND_CODE["nodes"][4]["parameters"]["jsCode"]
    assert code["config"]["n8n"]["mode"] == "all"
    assert "$input" in code["notes"] and "`result`" in code["notes"]


def test_python_code_node_imports_as_python_code():
    data = single_node_workflow(
        {
            "name": "Py",
            "type": "n8n-nodes-base.code",
            "typeVersion": 2,
            "parameters": {"language": "python", "pythonCode": "return items"},
        }
    )
    (node,) = (n for n in convert(data)["nodes"] if n["type"] == "action.code")
    assert (node["config"]["language"], node["config"]["code"]) == ("python", "return items")


# --- AI ----------------------------------------------------------------------------------------


def test_agent_takes_its_model_from_the_attached_chat_model():
    graph = convert(copy.deepcopy(AGENT_WITH_MODEL))
    assert validate_graph(graph) == []
    assert [n["label"] for n in graph["nodes"]] == ["Webhook", "AI Agent", "Post summary"]
    agent = by_label(graph, "AI Agent")
    assert agent["type"] == "action.agent"
    assert agent["config"] == {
        "provider": "openai",
        "model": "gpt-4o",
        "temperature": 0.2,
        "max_tokens": 300,
        "prompt": "Summarise this text in two sentences:\n{{ trigger.body.text | n8n_text }}",
        "system_prompt": "You are a concise editor.",
        "tools": [],
        "max_iterations": 10,
    }
    # n8n's agent answers in `output`; WorkFuse's AI node in `response`.
    post = by_label(graph, "Post summary")
    assert post["config"]["body"] == {"summary": "{{ nodes.ai_agent.response }}"}


def test_openai_message_node_becomes_an_ai_node():
    data = single_node_workflow(
        {
            "name": "Classify",
            "type": "@n8n/n8n-nodes-langchain.openAi",
            "typeVersion": 1.8,
            "parameters": {
                "modelId": {"__rl": True, "value": "gpt-4o-mini", "mode": "list"},
                "messages": {
                    "values": [
                        {"content": "Answer with one word.", "role": "system"},
                        {"content": "=Classify: {{ $json.text }}"},
                    ]
                },
                "jsonOutput": True,
                "options": {},
            },
        }
    )
    graph = convert(data)
    assert by_label(graph, "Classify")["config"] == {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "json_output": True,
        "prompt": "Classify: {{ trigger.text | n8n_text }}",
        "system_prompt": "Answer with one word.",
    }
    assert validate_graph(graph) == []


# --- refusals ------------------------------------------------------------------------------


def test_unsupported_nodes_are_refused_one_issue_each_with_name_and_type():
    data = copy.deepcopy(WITH_SLACK)
    for node, kind in zip(data["nodes"][1:], ("acmeCrm", "acmeMailer"), strict=True):
        node["type"] = f"n8n-nodes-base.{kind}"
    messages = refusal_messages(data)
    assert messages == [
        "n8n node 'Slack' (n8n-nodes-base.acmeCrm) has no WorkFuse equivalent yet; remove or "
        "replace it in n8n (an HTTP Request node can often stand in), then export again.",
        "n8n node 'Log to sheet' (n8n-nodes-base.acmeMailer) has no WorkFuse equivalent yet; "
        "remove or replace it in n8n (an HTTP Request node can often stand in), then export "
        "again.",
    ]


def test_unknown_if_operation_is_refused_with_the_node_name():
    data = single_node_workflow(
        if_node([condition("={{ $json.when }}", "dateTime", "isWeekend", "")])
    )
    [message] = refusal_messages(data)
    assert message.startswith("n8n node 'Check' (n8n-nodes-base.if):")
    assert "'isWeekend'" in message


def nightly(name: str = "Nightly") -> dict:
    return {
        "parameters": {"rule": {"interval": [{}]}},
        "id": name.lower(),
        "name": name,
        "type": "n8n-nodes-base.scheduleTrigger",
        "typeVersion": 1.2,
        "position": [-460, 320],
    }


def test_triggers_of_different_kinds_import_side_by_side():
    data = copy.deepcopy(WEBHOOK_SET_HTTP)
    data["nodes"].append(nightly())
    graph = convert(data)
    kinds = sorted(n["type"] for n in graph["nodes"] if n["type"].startswith("trigger."))
    assert kinds == ["trigger.schedule", "trigger.webhook"]
    assert validate_graph(graph) == []


def test_two_triggers_of_the_same_kind_are_refused_by_name():
    data = copy.deepcopy(WEBHOOK_SET_HTTP)
    data["nodes"] += [nightly(), nightly("Hourly")]
    [message] = refusal_messages(data)
    assert "'Nightly'" in message and "'Hourly'" in message
    assert "at most one of each kind" in message


def test_old_http_request_version_file_response_is_kept_as_a_file():
    data = single_node_workflow(
        {
            "name": "Old call",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 1,
            "parameters": {"url": "https://example.com", "responseFormat": "file"},
        }
    )
    assert by_label(convert(data), "Old call")["config"]["response_format"] == "file"


# --- conditions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cond", "payload", "expected"),
    [
        (condition("={{ $json.name }}", "string", "notEmpty"), {"name": "x"}, True),
        (condition("={{ $json.name }}", "string", "notEmpty"), {"name": ""}, False),
        (condition("={{ $json.items }}", "array", "notEmpty"), {"items": []}, False),
        (condition("={{ $json.name }}", "string", "notExists"), {"name": None}, True),
        (condition("={{ $json.name }}", "string", "exists"), {"name": None}, False),
        (condition("={{ $json.name }}", "string", "empty"), {"name": ""}, True),
        (condition("={{ $json.ok }}", "boolean", "true"), {"ok": True}, True),
        (condition("={{ $json.ok }}", "boolean", "false"), {"ok": True}, False),
        (condition("={{ $json.sku }}", "string", "notStartsWith", "TMP-"), {"sku": "TMP-1"}, False),
        (condition("={{ $json.sku }}", "string", "notStartsWith", "TMP-"), {"sku": "A-1"}, True),
        (condition("={{ $json.file }}", "string", "notEndsWith", ".csv"), {"file": "a.csv"}, False),
        (
            condition("={{ $json.mail }}", "string", "regex", "/@EXAMPLE\\.com$/i"),
            {"mail": "a@example.com"},
            True,
        ),
        (
            condition("={{ $json.mail }}", "string", "notRegex", "^admin@"),
            {"mail": "admin@x"},
            False,
        ),
        (condition("={{ $json.tags }}", "array", "lengthGt", 1), {"tags": ["a", "b"]}, True),
        (
            condition("={{ $json.at }}", "dateTime", "after", "2024-01-01T00:00:00Z"),
            {"at": "2024-06-01T00:00:00Z"},
            True,
        ),
        (condition("={{ $json.total }}", "number", "gte", 100), {"total": "100"}, True),
    ],
)
def test_if_operations_evaluate_like_n8n(cond, payload, expected):
    graph = convert(single_node_workflow(if_node([cond])))
    assert validate_graph(graph) == []
    assert check(by_label(graph, "Check"), payload) is expected


def test_if_v1_conditions_are_converted():
    data = single_node_workflow(
        {
            "name": "Check",
            "type": "n8n-nodes-base.if",
            "typeVersion": 1,
            "parameters": {
                "conditions": {
                    "number": [
                        {"value1": "={{ $json.total }}", "operation": "larger", "value2": 100}
                    ],
                    "string": [{"value1": "={{ $json.country }}", "value2": "DE"}],
                },
                "combineOperation": "any",
            },
        }
    )
    node = by_label(convert(data), "Check")
    assert node["config"] == {
        "combinator": "or",
        "rules": [
            {"left": "{{ trigger.total }}", "operator": "gt", "right": 100},
            {"left": "{{ trigger.country }}", "operator": "eq", "right": "DE"},
        ],
    }
    assert check(node, {"total": 5, "country": "DE"}) is True


# --- expressions and ids -----------------------------------------------------------------------


def test_expressions_reference_the_node_ids_they_came_from():
    graph = convert(copy.deepcopy(MERGE_AND_CODE))
    assert by_label(graph, "Get customer")["config"]["url"] == (
        "https://api.example.com/customers/{{ trigger.body.customer_id | n8n_text }}"
    )
    data = copy.deepcopy(MERGE_AND_CODE)
    data["nodes"][4] = {
        "parameters": {
            "url": "=https://api.example.com/report?c={{ $('Get customer').item.json.id }}"
            '&p={{ $node["Get product"].json["sku"] }}&at={{ $now }}&first={{ $json.name }}',
            "options": {},
        },
        "id": "r",
        "name": "Report",
        "type": "n8n-nodes-base.httpRequest",
        "typeVersion": 4.2,
        "position": [660, 0],
    }
    data["connections"]["Merge"]["main"][0][0]["node"] = "Report"
    graph = convert(data)
    assert validate_graph(graph) == []
    assert by_label(graph, "Report")["config"]["url"] == (
        "https://api.example.com/report?c={{ nodes.get_customer.body.id | n8n_text }}"
        "&p={{ nodes.get_product.body.sku | n8n_text }}&at={{ n8n('$now') | n8n_text }}"
        "&first={{ item.name | n8n_text }}"  # the Merge's items, one at a time
    )


def test_javascript_expressions_are_kept_for_the_sandbox_and_env_is_refused():
    data = single_node_workflow(
        {
            "name": "Call",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "parameters": {
                "url": "=https://example.com/{{ $json.name.toUpperCase() }}",
                "options": {},
            },
        }
    )
    graph = convert(copy.deepcopy(data))
    http = by_label(graph, "Call")
    assert http["config"]["url"] == (
        "https://example.com/{{ n8n('$json.name.toUpperCase()', json=trigger) | n8n_text }}"
    )
    assert validate_graph(graph) == []
    data["nodes"][1]["parameters"]["url"] = "={{ $env.STAGE }}"
    [message] = refusal_messages(data)
    assert "'Call'" in message and "$env" in message


def test_literal_text_with_braces_is_not_read_as_a_template():
    data = single_node_workflow(
        {
            "name": "Call",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "parameters": {
                "method": "POST",
                "url": "https://example.com/render",
                "sendBody": True,
                "contentType": "raw",
                "rawContentType": "text/plain",
                "body": "Hi {{ name }}",
                "options": {},
            },
        }
    )
    node = by_label(convert(data), "Call")
    assert render_value(node["config"]["body"], {}) == "Hi {{ name }}"


def test_node_ids_are_slugs_made_unique():
    data = copy.deepcopy(WITH_SLACK)
    data["nodes"][1:] = [
        {
            "parameters": {},
            "id": f"n{i}",
            "name": name,
            "type": "n8n-nodes-base.noOp",
            "typeVersion": 1,
            "position": [220 * i, 0],
        }
        for i, name in enumerate(["Do it!", "do_it", "1 more", "Ünïcode ñame", "x" * 80], 1)
    ]
    data["connections"] = {}
    graph = convert(data)
    ids = [n["id"] for n in graph["nodes"]]
    assert ids == ["manual_trigger", "do_it", "do_it_2", "node_1_more", "unicode_name", "x" * 64]
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{0,63}", i) for i in ids)


def test_disabled_nodes_stay_disabled_with_a_note():
    data = copy.deepcopy(MERGE_AND_CODE)
    data["nodes"][4]["disabled"] = True
    code = by_label(convert(data), "Code")
    assert code["disabled"] is True
    assert "Disabled in n8n" in code["notes"]


def test_error_output_and_retry_settings_are_carried_over():
    data = copy.deepcopy(SCHEDULE_HTTP_IF)
    stock = data["nodes"][1]
    stock.update(retryOnFail=True, maxTries=5, waitBetweenTries=2000, onError="continueErrorOutput")
    data["connections"]["Get stock"]["main"].append(
        [{"node": "Enough stock", "type": "main", "index": 0}]
    )
    graph = convert(data)
    node = by_label(graph, "Get stock")
    assert node["on_error"] == "route"
    assert node["retry"] == {
        "max_attempts": 5,
        "initial_delay_ms": 2000,
        "multiplier": 1,
        "max_delay_ms": 60000,
    }
    assert ("get_stock", "error", "enough_stock") in edges_of(graph)
    assert validate_graph(graph) == []


def test_workflow_without_a_trigger_gets_a_manual_one():
    data = copy.deepcopy(MERGE_AND_CODE)
    del data["nodes"][0]
    del data["connections"]["Order webhook"]
    graph = convert(data)
    assert graph["nodes"][0]["type"] == "trigger.manual"
    assert ("start", "main", "get_customer") in edges_of(graph)
    assert ("start", "main", "get_product") in edges_of(graph)


# --- through the API -----------------------------------------------------------------------


@pytest.mark.django_db
def test_api_import_of_n8n_json_creates_the_workflow(alice_api, alice):
    response = alice_api.post("/api/workflows/import", copy.deepcopy(WEBHOOK_SET_HTTP))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Lead intake"
    assert body["description"] == "Imported from n8n"
    workflow = Workflow.objects.get(pk=body["id"], owner=alice)
    assert [n["type"] for n in workflow.graph["nodes"]] == [
        "trigger.webhook",
        "utility.transform",
        "action.http",
        "logic.respond",
    ]


@pytest.mark.django_db
def test_api_import_refuses_unsupported_n8n_nodes_by_name(alice_api):
    data = copy.deepcopy(WITH_SLACK)
    for node, kind in zip(data["nodes"][1:], ("acmeCrm", "acmeMailer"), strict=True):
        node["type"] = f"n8n-nodes-base.{kind}"
    response = alice_api.post("/api/workflows/import", data)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_import"
    assert "'Slack'" in body["message"]
    assert len(body["details"]) == 2
    assert not Workflow.objects.exists()


@pytest.mark.django_db
def test_api_import_reports_expressions_it_cannot_carry_over(alice_api):
    data = copy.deepcopy(WEBHOOK_SET_HTTP)
    data["nodes"][2]["parameters"]["url"] = "={{ $env.CRM_URL }}/leads"
    response = alice_api.post("/api/workflows/import", data)
    assert response.status_code == 400
    [detail] = response.json()["details"]
    assert detail["field"] == "nodes[2]" and "$env" in detail["message"]


def test_parameters_of_an_unexpected_shape_are_refused_not_crashed_on():
    data = copy.deepcopy(SWITCH_BY_STATUS)
    data["nodes"][1]["parameters"]["rules"] = {"values": ["not a rule"]}
    data["connections"]["Switch"]["main"] = "not a list"
    [message] = refusal_messages(data)
    assert message.startswith("n8n node 'Switch' (n8n-nodes-base.switch): its settings could not")


def test_webhook_listening_for_several_methods_keeps_every_outputs_edges():
    data = copy.deepcopy(WEBHOOK_SET_HTTP)
    data["nodes"][0]["parameters"].update(multipleMethods=True, httpMethod=["GET", "POST"])
    data["connections"]["Webhook"]["main"] = [
        [],
        [{"node": "Edit Fields", "type": "main", "index": 0}],
    ]
    graph = convert(data)
    assert by_label(graph, "Webhook")["config"]["methods"] == ["GET", "POST"]
    assert ("webhook", "main", "edit_fields") in edges_of(graph)


def test_bracketed_field_names_keep_their_quotes():
    data = single_node_workflow(
        {
            "name": "Call",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "parameters": {
                "url": '=https://example.com/{{ $json["order id"] }}/{{ $json.lines[0]["123"] }}',
                "options": {},
            },
        }
    )
    url = by_label(convert(data), "Call")["config"]["url"]
    assert url == (
        'https://example.com/{{ trigger["order id"] | n8n_text }}'
        '/{{ trigger.lines[0]["123"] | n8n_text }}'
    )
    context = {"trigger": {"order id": "A1", "lines": [{"123": "x"}]}}
    assert render_value(url, context) == "https://example.com/A1/x"


@pytest.mark.parametrize(
    "break_it",
    [
        lambda data: data["nodes"][1].__setitem__("type", ["n8n-nodes-base.switch"]),
        lambda data: data["connections"]["Switch"].__setitem__("main", [[{"node": ["x"]}]]),
        lambda data: data["nodes"][1].__setitem__("typeVersion", "three"),
        lambda data: data["nodes"][1].__setitem__("parameters", ["not", "a", "dict"]),
    ],
)
def test_an_export_of_the_wrong_shape_is_refused_with_a_message(break_it):
    data = copy.deepcopy(SWITCH_BY_STATUS)
    break_it(data)
    messages = refusal_messages(data)
    assert messages and all("export" in m for m in messages)


# --- errorflows: Error Trigger and Stop and Error --------------------------------------------

N8N_ERROR_WORKFLOW: dict[str, Any] = {
    "name": "Tell the team",
    "nodes": [
        {
            "parameters": {},
            "id": "e1",
            "name": "Error Trigger",
            "type": "n8n-nodes-base.errorTrigger",
            "typeVersion": 1,
            "position": [0, 0],
        },
        {
            "parameters": {
                "method": "POST",
                "url": "https://hooks.example.com/alerts",
                "sendBody": True,
                "bodyParameters": {
                    "parameters": [
                        {
                            "name": "text",
                            "value": "={{ $json.workflow.name }} failed at "
                            "{{ $json.execution.lastNodeExecuted }}: "
                            "{{ $json.execution.error.message }} ({{ $json.execution.url }})",
                        }
                    ]
                },
                "options": {},
            },
            "id": "e2",
            "name": "Post alert",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [220, 0],
        },
    ],
    "connections": {
        "Error Trigger": {"main": [[{"node": "Post alert", "type": "main", "index": 0}]]}
    },
}


def test_an_n8n_error_workflow_reads_the_error_trigger_under_workfuse_names():
    graph = convert(N8N_ERROR_WORKFLOW)
    assert validate_graph(graph) == []
    trigger = by_label(graph, "Error Trigger")
    assert trigger["type"] == "trigger.error"
    assert "Settings" in trigger["notes"]
    text = by_label(graph, "Post alert")["config"]["body"]["text"]
    assert text == (
        "{{ trigger.workflow.name | n8n_text }} failed at "
        "{{ trigger.execution.failed_node.label | n8n_text }}: "
        "{{ trigger.execution.error | n8n_text }} ({{ trigger.execution.url | n8n_text }})"
    )


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"errorMessage": "=Order {{ $json.id }} has no total"},
            {"message": "Order {{ trigger.id | n8n_text }} has no total", "code": ""},
        ),
        (
            {"errorType": "errorObject", "errorObject": '{"code": 42, "message": "No stock"}'},
            {"message": "No stock", "code": "42"},
        ),
        (
            {"errorType": "errorObject", "errorObject": "={{ $json.problem }}"},
            {"message": "{{ trigger.problem }}", "code": ""},
        ),
        ({}, {"message": "Stopped.", "code": ""}),
    ],
)
def test_stop_and_error_becomes_a_stop_with_its_message_and_code(params, config):
    stop = {"name": "Stop", "type": "n8n-nodes-base.stopAndError", "typeVersion": 1}
    graph = convert(single_node_workflow({**stop, "parameters": params}))
    assert validate_graph(graph) == []
    node = by_label(graph, "Stop")
    assert node["type"] == "logic.stop"
    assert node["config"] == config


# --- end errorflows ---


# --- Edit Fields' types, converted as n8n converts them ---------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("number", " 12 ", 12),
        ("number", "01", 1),  # not JSON, but Number('01') is 1
        ("number", "1.5e3", 1500),
        ("number", "0x10", 16),
        ("number", "", 0),
        ("number", "-0.25", -0.25),
        ("boolean", "TRUE", True),
        ("boolean", "0", False),
        ("boolean", "1", True),
        ("array", "[1, 2]", [1, 2]),
        ("object", '{"a": 1}', {"a": 1}),
    ],
)
def test_edit_fields_converts_text_to_its_type_as_javascript_does(kind, text, value):
    node = {
        "parameters": {
            "assignments": {
                "assignments": [{"id": "a", "name": "n", "value": "={{ $json.v }}", "type": kind}]
            },
            "options": {},
        },
        "name": "Typed",
        "type": "n8n-nodes-base.set",
        "typeVersion": 3.4,
        "position": [0, 0],
    }
    step = by_label(convert(single_node_workflow(node)), "Typed")
    assert run_node(step, {"trigger": {"v": text}, "nodes": {}}) == {"result": {"n": value}}


@pytest.mark.parametrize(
    ("kind", "text"),
    [("number", "12 apples"), ("number", "inf"), ("boolean", "yes"), ("array", '{"a": 1}')],
)
def test_text_that_does_not_convert_stops_with_n8ns_message(kind, text):
    with pytest.raises(TemplateError) as caught:
        n8n_typed(text, kind, "n")
    article = "an" if kind == "array" else "a"
    assert caught.value.message == f"'n' expects {article} {kind} but we got '{text}'"
