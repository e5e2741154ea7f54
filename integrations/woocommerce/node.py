"""app.woocommerce: a store's products, orders and customers created, updated, read, listed and
deleted through WooCommerce's REST API v3."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from integrations.woocommerce import rest_api
from integrations.woocommerce.credentials import StoreKeys
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

RESOURCES = {"product": "products", "order": "orders", "customer": "customers"}
VERBS = ("create", "update", "get", "list", "delete")
Operation = Literal[
    "create_product", "update_product", "get_product", "list_products", "delete_product",
    "create_order", "update_order", "get_order", "list_orders", "delete_order",
    "create_customer", "update_customer", "get_customer", "list_customers", "delete_customer",
]  # fmt: skip
BY_ID = tuple(f"{v}_{r}" for r in RESOURCES for v in ("update", "get", "delete"))
WRITES = tuple(f"{v}_{r}" for r in RESOURCES for v in ("create", "update"))
LISTS = tuple(f"list_{p}" for p in RESOURCES.values())
PAGE = 100  # WooCommerce's largest page
MAX_RESULTS = 5000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your WooCommerce REST API key credential. Needed to run."
    )
    operation: Operation = Field(
        "get_order",
        description="create_…: a new product, order or customer from the fields. update_…: "
        "change the fields given. get_… / delete_…: one by id (deleted for good, not trashed). "
        "list_products / list_orders / list_customers: those matching the filters.",
    )
    record_id: str = Field(
        "",
        description="The product's, order's or customer's id.",
        json_schema_extra=used_by(*BY_ID, required=True),
    )
    fields: Any = Field(
        None,
        description='The fields to write, by WooCommerce\'s names, e.g. a product {"name": '
        '"Sweatshirt", "regular_price": "30", "stock_quantity": 100}, an order {"status": '
        '"completed"} or a customer {"email": "ada@example.com", "first_name": "Ada"}. May '
        "be a template.",
        json_schema_extra=used_by(*WRITES, required=[w for w in WRITES if w != "create_order"]),
    )
    filters: Any = Field(
        None,
        description='Lists: WooCommerce\'s list parameters, e.g. {"search": "hoodie", '
        '"sku": "H-1", "min_price": "10", "stock_status": "instock"} for products, {"status": '
        '"processing", "customer": 7} for orders, {"email": "ada@example.com"} for customers. '
        "May be a template.",
        json_schema_extra=used_by(*LISTS),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_RESULTS,
        description="Lists: keep at most this many (1 to 5000), page after page.",
        json_schema_extra=used_by(*LISTS),
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        return json_object(value, "WooCommerce fields")

    @field_validator("filters", mode="before")
    @classmethod
    def _filters(cls, value: Any) -> Any:
        return json_object(value, "WooCommerce list parameters")


def _object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise NodeError(f"The {name} field must render to a JSON object.")
    return value


def _query(filters: dict[str, Any]) -> dict[str, Any]:
    """List parameters as query values: lists comma-joined, booleans as WordPress reads them."""
    query: dict[str, Any] = {}
    for name, value in filters.items():
        if value in (None, "", []):
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list):
            value = ",".join(map(str, value))
        query[name] = value
    return query


def _list(secret: Secret, config: Config, path: str) -> list[Any]:
    query = _query(_object(config.filters, "filters"))
    found: list[Any] = []
    page = 1
    while len(found) < config.max_results:
        params = {**query, "page": page, "per_page": min(PAGE, config.max_results - len(found))}
        reply = rest_api.send(secret, "GET", path, what=config.operation, params=params)
        batch = reply.body if isinstance(reply.body, list) else []
        found.extend(batch)
        pages = reply.headers.get("x-wp-totalpages", "")
        if not batch or (pages.isdigit() and page >= int(pages)) or len(batch) < params["per_page"]:
            break
        page += 1
    return found[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """As WooCommerce answers: the product, order or customer (created, updated, got, or
    deleted), and {products|orders|customers: [...], count} for the lists."""
    secret, _ = credential_for(ctx, config.operation, StoreKeys)
    verb, resource = config.operation.split("_", 1)
    plural = RESOURCES.get(resource, resource)
    path, one = f"/{plural}", f"/{plural}/{config.record_id.strip()}"
    op = config.operation
    if verb == "list":
        found = _list(secret, config, path)
        return {plural: found, "count": len(found)}
    if verb == "create":
        return rest_api.call(secret, "POST", path, what=op, json=_object(config.fields, "fields"))
    if verb == "update":
        return rest_api.call(secret, "PUT", one, what=op, json=_object(config.fields, "fields"))
    if verb == "delete":
        return rest_api.call(secret, "DELETE", one, what=op, params={"force": "true"})
    return rest_api.call(secret, "GET", one, what=op)


NODE = NodeType(
    type="app.woocommerce",
    label="WooCommerce",
    category="app",
    description="Creates, updates, reads, lists and deletes a WooCommerce store's products, "
    "orders and customers; outputs them as WooCommerce answers.",
    Config=Config,
    run=run,
    credential_kinds=(StoreKeys.kind,),
    icon="🛒",
    examples=(
        (
            "Create a WooCommerce product 'n8n Sweatshirt' at 30 with credential 4",
            {
                "credential": 4,
                "operation": "create_product",
                "fields": {"name": "n8n Sweatshirt", "regular_price": "30"},
            },
        ),
        (
            "Set the stock of product 794 to 100",
            {
                "operation": "update_product",
                "record_id": "794",
                "fields": {"stock_quantity": 100},
            },
        ),
        ("Read product 794", {"operation": "get_product", "record_id": "794"}),
        (
            "Find the in-stock products matching 'hoodie' under 50",
            {
                "operation": "list_products",
                "filters": {"search": "hoodie", "max_price": "50", "stock_status": "instock"},
            },
        ),
        ("Delete product 794", {"operation": "delete_product", "record_id": "794"}),
        (
            "Create a pending order for customer 7",
            {"operation": "create_order", "fields": {"status": "pending", "customer_id": 7}},
        ),
        (
            "Mark order 1001 as completed",
            {"operation": "update_order", "record_id": "1001", "fields": {"status": "completed"}},
        ),
        ("Read order 1001", {"operation": "get_order", "record_id": "1001"}),
        (
            "List the 20 newest processing orders",
            {"operation": "list_orders", "filters": {"status": "processing"}, "max_results": 20},
        ),
        ("Delete order 1001", {"operation": "delete_order", "record_id": "1001"}),
        (
            "Create a customer ada@example.com named Ada",
            {
                "operation": "create_customer",
                "fields": {"email": "ada@example.com", "first_name": "Ada"},
            },
        ),
        (
            "Change customer 7's last name to Lovelace",
            {
                "operation": "update_customer",
                "record_id": "7",
                "fields": {"last_name": "Lovelace"},
            },
        ),
        ("Read customer 7", {"operation": "get_customer", "record_id": "7"}),
        (
            "Find the customer with the email from the trigger",
            {
                "operation": "list_customers",
                "filters": {"email": "{{ trigger.body.email }}"},
                "max_results": 1,
            },
        ),
        ("Delete customer 7", {"operation": "delete_customer", "record_id": "7"}),
    ),
)
