"""Importing n8n's WooCommerce node and WooCommerce Trigger (editor/n8n/apps_woocommerce.py,
editor/n8n/service_triggers.py): the config each operation becomes (from the corpus's own
settings), the refusals, where many items lie, the corpus's create → update → get workflow run
against the fake WooCommerce, and the trigger's signed deliveries and WooCommerce's ping."""

from __future__ import annotations

import json
from typing import Any

import pytest

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import SPECS, app_tools, convert, sets
from editor.validation import validate_graph
from executions import engine
from executions.models import Execution, Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.woocommerce import KEY, SECRET, FakeWooCommerce
from tests.test_n8n_ai import agent_export, n8n_node
from tests.test_n8n_apps import converted, refusal, spec_items
from tests.test_n8n_service_triggers import (
    SECRET as HOOK_SECRET,
)
from tests.test_n8n_service_triggers import (
    base64_hmac,
    export,
    imported,
    output_of,
    post,
)

BASE = "n8n-nodes-base."


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (  # the corpus's "Manual Woocommerce Create" workflow, its first node
            {
                "name": "n8n Sweatshirt",
                "imagesUi": {"imagesValues": []},
                "metadataUi": {"metadataValues": []},
                "additionalFields": {
                    "description": "Stay warm with this sweatshirt!",
                    "regularPrice": "30",
                },
            },
            {
                "operation": "create_product",
                "fields": {
                    "name": "n8n Sweatshirt",
                    "description": "Stay warm with this sweatshirt!",
                    "regular_price": "30",
                },
            },
        ),
        (
            {
                "operation": "update",
                "productId": '={{$node["Start"].json["id"]}}',
                "updateFields": {"stockQuantity": 100, "categories": ["9", "12"]},
                "imagesUi": {"imagesValues": [{"src": "https://x.test/a.png", "alt": "A"}]},
                "dimensionsUi": {"dimensionsValues": {"height": "2", "width": "1"}},
            },
            {
                "operation": "update_product",
                "record_id": "{{ trigger.id }}",
                "fields": {
                    "stock_quantity": 100,
                    "categories": [{"id": 9}, {"id": 12}],
                    "images": [{"src": "https://x.test/a.png", "alt": "A"}],
                    "dimensions": {"height": "2", "width": "1"},
                },
            },
        ),
        (  # the corpus's support agent: the customer found by email
            {
                "limit": 1,
                "filters": {"email": "={{ $json.email }}"},
                "resource": "customer",
                "operation": "getAll",
            },
            {
                "operation": "list_customers",
                "filters": {"email": "{{ trigger.email }}"},
                "max_results": 1,
            },
        ),
        (
            {
                "operation": "getAll",
                "returnAll": True,
                "options": {"sku": "H-1", "minPrice": "10", "stockStatus": "instock"},
            },
            {
                "operation": "list_products",
                "filters": {"sku": "H-1", "min_price": "10", "stock_status": "instock"},
                "max_results": 5000,
            },
        ),
        (
            {
                "resource": "order",
                "operation": "update",
                "orderId": "1001",
                "updateFields": {"status": "completed", "transactionID": "T-9", "customerId": "7"},
                "lineItemsUi": {
                    "lineItemsValues": [
                        {
                            "productId": "93",
                            "quantity": 2,
                            "metadataUi": {"metadataValues": [{"key": "gift", "value": "yes"}]},
                        }
                    ]
                },
            },
            {
                "operation": "update_order",
                "record_id": "1001",
                "fields": {
                    "status": "completed",
                    "transaction_id": "T-9",
                    "customer_id": 7,
                    "line_items": [
                        {
                            "product_id": "93",
                            "quantity": 2,
                            "meta_data": [{"key": "gift", "value": "yes"}],
                        }
                    ],
                },
            },
        ),
        (
            {
                "resource": "customer",
                "email": "ada@x.test",
                "additionalFields": {
                    "first_name": "Ada",
                    "meta_data": {"meta_data_fields": [{"key": "vip", "value": "1"}]},
                },
            },
            {
                "operation": "create_customer",
                "fields": {
                    "email": "ada@x.test",
                    "first_name": "Ada",
                    "meta_data": [{"key": "vip", "value": "1"}],
                },
            },
        ),
        (
            {"resource": "order", "operation": "delete", "orderId": "5"},
            {"operation": "delete_order", "record_id": "5"},
        ),
        (
            {"resource": "customer", "operation": "get", "customerId": "7"},
            {"operation": "get_customer", "record_id": "7"},
        ),
    ],
)
def test_each_operation_becomes_its_woocommerce_config(params, config):
    node = converted("wooCommerce", params)
    assert node["type"] == "app.woocommerce"
    assert node["config"] == config
    assert "choose a WooCommerce credential (a REST API key pair" in node["notes"]


def test_the_min_price_slip_and_the_limits_of_return_all_are_noted():
    node = converted(
        "wooCommerce", {"operation": "getAll", "returnAll": True, "options": {"minPrice": "5"}}
    )
    assert "n8n sent the Min Price option as max_price" in node["notes"]
    assert "WorkFuse reads at most 5000" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "coupon", "operation": "get"}, "does 'coupon / get'"),
        ({"operation": "get"}, "names no product; set the Product ID"),
        ({"resource": "order", "operation": "update"}, "names no order; set the Order ID"),
    ],
)
def test_what_the_woocommerce_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("wooCommerce", params)
    assert "'App' (n8n-nodes-base.wooCommerce)" in message
    assert said in message


def test_many_products_orders_and_customers_say_where_their_items_lie():
    assert spec_items("wooCommerce", {"operation": "getAll"}, 1) == "products"
    assert spec_items("wooCommerce", {"resource": "order", "operation": "getAll"}, 1) == "orders"
    customers = {"resource": "customer", "operation": "getAll"}
    assert spec_items("wooCommerce", customers, 1) == "customers"
    assert spec_items("wooCommerce", {"name": "x"}, 1) is None


def corpus_workflow() -> dict[str, Any]:
    """The corpus's "Manual Woocommerce Create" export (sticky notes left out)."""

    def woo(name: str, x: int, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": name,
            "type": f"{BASE}wooCommerce",
            "typeVersion": 1,
            "position": [x, 300],
            "parameters": params,
            "credentials": {"wooCommerceApi": "woocommerce"},
        }

    made = '={{$node["WooCommerce"].json["id"]}}'
    return {
        "name": "Create, update and get a product",
        "nodes": [
            {
                "name": "On clicking 'execute'",
                "type": f"{BASE}manualTrigger",
                "typeVersion": 1,
                "position": [250, 300],
                "parameters": {},
            },
            woo(
                "WooCommerce",
                450,
                {
                    "name": "n8n Sweatshirt",
                    "imagesUi": {"imagesValues": []},
                    "metadataUi": {"metadataValues": []},
                    "additionalFields": {
                        "description": "Stay warm with this sweatshirt!",
                        "regularPrice": "30",
                    },
                },
            ),
            woo(
                "WooCommerce1",
                650,
                {"operation": "update", "productId": made, "updateFields": {"stockQuantity": 100}},
            ),
            woo("WooCommerce2", 850, {"operation": "get", "productId": made}),
        ],
        "connections": {
            "On clicking 'execute'": {
                "main": [[{"node": "WooCommerce", "type": "main", "index": 0}]]
            },
            "WooCommerce": {"main": [[{"node": "WooCommerce1", "type": "main", "index": 0}]]},
            "WooCommerce1": {"main": [[{"node": "WooCommerce2", "type": "main", "index": 0}]]},
        },
    }


@pytest.mark.django_db(transaction=True)
def test_the_corpus_workflow_creates_stocks_and_reads_a_product(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(corpus_workflow())
    assert validate_graph(graph) == []
    with running(FakeWooCommerce()) as shop:
        credential = store.create(
            alice,
            "Shop",
            "woocommerce",
            {"consumer_key": KEY, "consumer_secret": SECRET, "base_url": shop.url},
        )
        for node in graph["nodes"]:
            if node["type"] == "app.woocommerce":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [product] = shop.records["products"]
        assert product["name"] == "n8n Sweatshirt" and product["stock_quantity"] == 100
        pid = product["id"]
        assert [(r.method, r.path) for r in shop.requests] == [
            ("POST", "/wp-json/wc/v3/products"),
            ("PUT", f"/wp-json/wc/v3/products/{pid}"),
            ("GET", f"/wp-json/wc/v3/products/{pid}"),
        ]
    last = Step.objects.get(execution=execution, key=graph["nodes"][-1]["id"])
    assert last.output is not None and last.output["stock_quantity"] == 100


# --- the trigger -----------------------------------------------------------------------------


def test_the_trigger_becomes_a_webhook_with_woocommerces_signature_and_ping():
    graph = convert(export("wooCommerceTrigger", {"event": "order.created"}))
    [hook] = [n for n in graph["nodes"] if n["type"] == "trigger.webhook"]
    assert hook["config"]["header_name"] == "X-WC-Webhook-Signature"
    assert hook["config"]["signature_encoding"] == "base64"
    assert hook["config"]["challenge"] == "woocommerce"
    assert "the topic order.created" in hook["notes"] and "webhook's Secret" in hook["notes"]


@pytest.mark.django_db(transaction=True)
def test_a_signed_delivery_outputs_the_order_and_the_ping_starts_nothing(alice):
    workflow = imported(alice, export("wooCommerceTrigger", {"event": "order.updated"}))
    ping = post(workflow, b"webhook_id=12")
    assert ping.status_code == 200 and Execution.objects.count() == 0
    order = {"id": 727, "status": "processing", "total": "29.35", "billing": {"email": "a@x.test"}}
    body = json.dumps(order).encode()
    headers = {
        "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-ID": "12",
        "X-WC-Webhook-Signature": base64_hmac(HOOK_SECRET, body),
    }
    assert output_of(post(workflow, body, **headers)) == order
    tampered = post(workflow, body.replace(b"29.35", b"0.01"), **headers)
    unsigned = post(workflow, body, **{"X-WC-Webhook-ID": "12"})
    assert (tampered.status_code, unsigned.status_code) == (401, 401)
    assert Execution.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_ping_like_body_with_woocommerces_delivery_headers_is_checked_as_a_delivery(alice):
    workflow = imported(alice, export("wooCommerceTrigger", {"event": "order.created"}))
    forged = post(workflow, b"webhook_id=12", **{"X-WC-Webhook-ID": "12"})
    assert forged.status_code == 401 and Execution.objects.count() == 0


def test_an_unknown_event_is_refused_by_name():
    with pytest.raises(ImportRefused) as info:
        convert(export("wooCommerceTrigger", {"event": "subscription.created"}))
    message = info.value.issues[0].message
    assert "(n8n-nodes-base.wooCommerceTrigger)" in message
    assert "listens to the event 'subscription.created'" in message


# --- the tool --------------------------------------------------------------------------------


def test_the_woocommerce_tool_becomes_a_companion_listing_products_by_the_models_arguments():
    options = {
        "search": "={{ $fromAI('keyword', 'What the shopper looks for', 'string') }}",
        "maxPrice": "={{ $fromAI('price_max', 'The highest price', 'string') }}",
        "stockStatus": "instock",
    }
    tool = n8n_node(
        "personal_shopper", f"{BASE}wooCommerceTool", {"operation": "getAll", "options": options}, 1
    )
    data = agent_export({"promptType": "define", "text": "Find me a hoodie"}, (tool, "ai_tool"))
    data["name"] = "Shop"
    [member] = sets.members([data])
    _caller, companion = app_tools.with_companions([member], SPECS)
    graph = convert(companion.data)
    assert validate_graph(graph) == []
    [app] = [n for n in graph["nodes"] if n["type"] == "app.woocommerce"]
    assert app["config"]["operation"] == "list_products"
    filters = app["config"]["filters"]
    assert filters["stock_status"] == "instock"
    assert (filters["search"], filters["max_price"]) == (
        "{{ trigger.keyword }}",
        "{{ trigger.price_max }}",
    )
