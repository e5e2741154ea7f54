"""app.woocommerce against a fake WooCommerce REST API v3 (tests/fakes/woocommerce.py): each
resource's writes, reads and deletes, lists filtered and read across pages, the key pair sent as
Basic auth or in the query, WooCommerce's errors, the keys' test, and a run through the engine
with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.woocommerce import rest_api
from integrations.woocommerce.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.woocommerce import KEY, SECRET, FakeWooCommerce
from workfuse.lib.node_run import NodeError, Secret

WC = "app.woocommerce"
API = "/wp-json/wc/v3"


@pytest.fixture
def shop(settings: Any) -> Iterator[FakeWooCommerce]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeWooCommerce()) as fake:
        yield fake


def keys(fake: FakeWooCommerce, secret: str = SECRET, in_query: bool = False) -> Secret:
    settings = {"base_url": fake.url, "keys_in_query": in_query}
    return Secret(
        "woocommerce", {"consumer_key": KEY, "consumer_secret": secret}, settings, name="Shop"
    )


def test_a_product_is_created_updated_read_and_deleted_as_woocommerce_answers(shop):
    fields = {"name": "n8n Sweatshirt", "regular_price": "30", "description": "Warm"}
    created = run_app(WC, {"operation": "create_product", "fields": fields}, keys(shop))
    pid = str(created["id"])
    updated = run_app(
        WC,
        {"operation": "update_product", "record_id": pid, "fields": '{"stock_quantity": 100}'},
        keys(shop),
    )
    got = run_app(WC, {"operation": "get_product", "record_id": pid}, keys(shop))
    deleted = run_app(WC, {"operation": "delete_product", "record_id": pid}, keys(shop))
    assert [(r.method, r.path) for r in shop.requests] == [
        ("POST", f"{API}/products"),
        ("PUT", f"{API}/products/{pid}"),
        ("GET", f"{API}/products/{pid}"),
        ("DELETE", f"{API}/products/{pid}"),
    ]
    assert shop.requests[0].json == fields and shop.requests[1].json == {"stock_quantity": 100}
    assert shop.requests[3].query == {"force": ["true"]}
    assert created["name"] == "n8n Sweatshirt" and updated["stock_quantity"] == 100
    assert got == updated and deleted["id"] == created["id"] and shop.records["products"] == []


def test_orders_and_customers_use_their_own_paths(shop):
    customer = run_app(
        WC,
        {"operation": "create_customer", "fields": {"email": "ada@x.test", "first_name": "Ada"}},
        keys(shop),
    )
    order = run_app(
        WC, {"operation": "create_order", "fields": {"customer_id": customer["id"]}}, keys(shop)
    )
    oid = str(order["id"])
    run_app(
        WC,
        {"operation": "update_order", "record_id": oid, "fields": {"status": "completed"}},
        keys(shop),
    )
    got = run_app(WC, {"operation": "get_order", "record_id": oid}, keys(shop))
    gone = run_app(
        WC, {"operation": "delete_customer", "record_id": str(customer["id"])}, keys(shop)
    )
    assert got["status"] == "completed" and got["customer_id"] == customer["id"]
    assert gone["email"] == "ada@x.test" and shop.records["customers"] == []
    assert [r.path for r in shop.requests][:3] == [
        f"{API}/customers",
        f"{API}/orders",
        f"{API}/orders/{oid}",
    ]


def test_lists_filter_and_read_every_page_up_to_max_results(shop):
    for n in range(250):
        shop.add("products", name=f"Hoodie {n}", regular_price=str(n % 60))
    shop.add("products", name="Mug", regular_price="5")
    found = run_app(
        WC,
        {
            "operation": "list_products",
            "filters": {"search": "hoodie", "max_price": 40},
            "max_results": 500,
        },
        keys(shop),
    )
    assert shop.requests[0].query == {
        "search": ["hoodie"],
        "max_price": ["40"],
        "page": ["1"],
        "per_page": ["100"],
    }
    assert shop.requests[1].query["page"] == ["2"] and len(shop.requests) == 2
    cheap = [n for n in range(250) if n % 60 <= 40]
    assert [p["name"] for p in found["products"]] == [f"Hoodie {n}" for n in cheap]
    assert found["count"] == len(cheap) == 174
    few = run_app(WC, {"operation": "list_products", "max_results": 3}, keys(shop))
    assert shop.requests[-1].query["per_page"] == ["3"] and few["count"] == 3


def test_a_customer_is_found_by_email_with_the_keys_in_the_query(shop):
    shop.add("customers", email="ada@x.test", first_name="Ada")
    shop.add("customers", email="bob@x.test")
    found = run_app(
        WC,
        {"operation": "list_customers", "filters": {"email": "ada@x.test"}, "max_results": 1},
        keys(shop, in_query=True),
    )
    [request] = shop.requests
    assert "authorization" not in request.headers
    assert request.query["consumer_key"] == [KEY] and request.query["email"] == ["ada@x.test"]
    assert found == {"customers": [shop.records["customers"][0]], "count": 1}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "get_order"}, "record_id"),
        ({"operation": "create_product"}, "fields"),
        ({"operation": "update_customer", "record_id": "7"}, "fields"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_fields_must_be_a_json_object():
    with pytest.raises(ValidationError, match="JSON object of WooCommerce fields"):
        Config.model_validate({"operation": "create_product", "fields": "[1, 2]"})


def test_wrong_keys_name_the_credential_and_other_refusals_quote_woocommerce(shop):
    failed = app_error(WC, {"operation": "get_order", "record_id": "1"}, keys(shop, "cs_old"))
    assert not failed.retryable
    assert failed.message.startswith(
        "WooCommerce did not accept the credential “Shop” (woocommerce_rest_cannot_view: "
    )
    missing = app_error(WC, {"operation": "get_product", "record_id": "9"}, keys(shop))
    assert missing.message == (
        "WooCommerce refused get_product (HTTP 404): woocommerce_rest_product_invalid_id: "
        "Invalid ID."
    )
    no_email = app_error(WC, {"operation": "create_customer", "fields": {"x": 1}}, keys(shop))
    assert "Missing parameter(s): email" in no_email.message


def test_the_keys_test_lists_one_product(shop):
    assert rest_api.check_keys(keys(shop)) == f"Connected to the WooCommerce store at {shop.url}."
    assert shop.requests[0].query == {"per_page": ["1"]}
    with pytest.raises(NodeError, match="did not accept the credential “Shop”"):
        rest_api.check_keys(keys(shop, "cs_old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_updates_the_rendered_order_with_the_stored_credential(alice, shop):
    order = shop.add("orders", status="processing")
    credential = store.create(
        alice,
        "Shop",
        "woocommerce",
        {"consumer_key": KEY, "consumer_secret": SECRET, "base_url": shop.url},
    )
    node = {
        "id": "order",
        "type": WC,
        "config": {
            "credential": credential.pk,
            "operation": "update_order",
            "record_id": "{{ trigger.id }}",
            "fields": {"status": "{{ trigger.status }}"},
        },
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"id": order["id"], "status": "completed"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert shop.records["orders"][0]["status"] == "completed"
    step = Step.objects.get(execution=execution, key="order")
    assert step.output is not None and step.output["id"] == order["id"]
    assert SECRET not in json.dumps([step.input, step.output])
