"""n8n's WooCommerce node (version 1) as WorkFuse's `app.woocommerce`: products, orders and
customers created, updated, got, got many and deleted. n8n's settings become WooCommerce's own
field names (its camelCase options snake_cased as n8n sends them, its "…Ui" collections as the
lists WooCommerce takes); n8n's WooCommerce tool becomes a companion workflow (app_tools)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, updates, gets, lists and deletes products, orders and customers"
RESOURCES = {"product": "products", "order": "orders", "customer": "customers"}
VERBS = {"create": "create", "update": "update", "get": "get", "getAll": "list", "delete": "delete"}
DEFAULTS = {resource: "create" for resource in RESOURCES}
LIMIT = 50  # n8n's default
MAX_RESULTS = 5000
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# n8n's names WooCommerce spells otherwise (n8n's update sends payment_method; its create
# sent payment_method_id, which WooCommerce ignores).
RENAMED = {"paymentMethodId": "payment_method", "orderBy": "orderby", "decimalPoints": "dp"}
# Collections n8n sends as lists: setting -> (values key, WooCommerce field).
LISTS = {
    "imagesUi": ("imagesValues", "images"),
    "metadataUi": ("metadataValues", "meta_data"),
    "lineItemsUi": ("lineItemsValues", "line_items"),
    "shippingLinesUi": ("shippingLinesValues", "shipping_lines"),
    "feeLinesUi": ("feeLinesValues", "fee_lines"),
    "couponLinesUi": ("couponLinesValues", "coupon_lines"),
}
OBJECTS = {
    "dimensionsUi": ("dimensionsValues", "dimensions"),
    "billingUi": ("billingValues", "billing"),
    "shippingUi": ("shippingValues", "shipping"),
}
ID_PARAMS = {"product": "productId", "order": "orderId", "customer": "customerId"}


def snake(name: str) -> str:
    """n8n's key as WooCommerce's: stockQuantity -> stock_quantity, transactionID ->
    transaction_id."""
    return RENAMED.get(name) or CAMEL.sub("_", name).lower()


def _woocommerce(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "product", DEFAULTS)
    if resource not in RESOURCES or op not in VERBS:
        raise unsupported("WooCommerce", resource, op, SUPPORTED)
    verb = VERBS[op]
    p = node.params
    target = RESOURCES[resource] if verb == "list" else resource
    config: dict[str, Any] = {"operation": f"{verb}_{target}"}
    notes = [credential_note("WooCommerce", "a REST API key pair and the store's address")]
    if verb in ("update", "get", "delete"):
        record = text(cx, node, p.get(ID_PARAMS[resource]))
        if record in ("", None):
            raise Refusal(
                f"names no {resource}; set the {resource.capitalize()} ID in n8n and export again."
            )
        config["record_id"] = record if isinstance(record, str) else str(record)
    if verb in ("create", "update"):
        config["fields"] = _fields(node, cx, resource, verb)
    if verb == "list":
        config |= _list(node, cx, resource, notes)
    return Converted("app.woocommerce", config, notes=notes)


def _fields(node: N8nNode, cx: Converter, resource: str, verb: str) -> dict[str, Any]:
    p = node.params
    given = dict(p.get("additionalFields" if verb == "create" else "updateFields") or {})
    fields: dict[str, Any] = {}
    if verb == "create" and resource == "product":
        fields["name"] = text(cx, node, p.get("name"))
    if verb == "create" and resource == "customer":
        fields["email"] = text(cx, node, p.get("email"))
    for key, value in given.items():
        if value in ("", None, [], {}):
            continue
        if resource == "customer":
            fields[key] = _customer_value(node, cx, key, value)
        elif key in ("categories", "tags"):
            ids = value if isinstance(value, list) else str(value).split(",")
            fields[key] = [{"id": _number(cx, node, i)} for i in ids if str(i).strip()]
        elif key in ("customerId", "parentId"):
            fields[snake(key)] = _number(cx, node, value)
        else:
            fields[snake(key)] = text(cx, node, value)
    for setting, (values, name) in LISTS.items():
        chosen = (p.get(setting) or {}).get(values) if isinstance(p.get(setting), dict) else None
        if chosen:
            fields[name] = [_line(node, cx, line) for line in chosen]
    for setting, (values, name) in OBJECTS.items():
        chosen = (p.get(setting) or {}).get(values) if isinstance(p.get(setting), dict) else None
        if chosen:
            fields[name] = _line(node, cx, chosen)
    return fields


def _customer_value(node: N8nNode, cx: Converter, key: str, value: Any) -> Any:
    """n8n's customer fields carry WooCommerce's names already; its metadata is nested one
    level deeper (meta_data.meta_data_fields)."""
    if key == "meta_data" and isinstance(value, dict):
        value = value.get("meta_data_fields") or []
    return text(cx, node, value)


def _line(node: N8nNode, cx: Converter, line: Any) -> Any:
    """One entry of an n8n collection (a line item, an address, an image) with WooCommerce's
    names; its own metadata collection becomes meta_data."""
    if not isinstance(line, dict):
        return text(cx, node, line)
    out: dict[str, Any] = {}
    for key, value in line.items():
        if key == "metadataUi":
            meta = value.get("metadataValues") if isinstance(value, dict) else None
            if meta:
                out["meta_data"] = text(cx, node, meta)
        elif value not in ("", None):
            out[snake(key)] = text(cx, node, value)
    return out


def _number(cx: Converter, node: N8nNode, value: Any) -> Any:
    converted = text(cx, node, value)
    if isinstance(converted, str) and converted.strip().isdigit():
        return int(converted)
    return converted


def _list(node: N8nNode, cx: Converter, resource: str, notes: list[str]) -> dict[str, Any]:
    p = node.params
    given = dict(p.get("filters" if resource == "customer" else "options") or {})
    filters = {snake(k): text(cx, node, v) for k, v in given.items() if v not in ("", None, False)}
    config: dict[str, Any] = {}
    if filters:
        config["filters"] = filters
    if "minPrice" in given and given["minPrice"] not in ("", None):
        notes.append(
            "n8n sent the Min Price option as max_price (a slip in its node); WorkFuse sends it "
            "as min_price."
        )
    if p.get("returnAll"):
        config["max_results"] = MAX_RESULTS
        notes.append(f"n8n read every {resource}; WorkFuse reads at most {MAX_RESULTS}.")
        if resource == "customer" and filters:
            notes.append(
                "n8n dropped the filters when it read every customer; WorkFuse applies them."
            )
    else:
        limit = p.get("limit")
        config["max_results"] = min(
            max(int(limit if isinstance(limit, int) else LIMIT), 1), MAX_RESULTS
        )
    return config


def _spec(node: N8nNode, cx: Converter) -> Spec:
    resource, op = operation(node, "product", DEFAULTS)
    many = RESOURCES.get(resource) if op == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}wooCommerce"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}wooCommerce": Spec(_woocommerce, "", per_node=_spec)}
