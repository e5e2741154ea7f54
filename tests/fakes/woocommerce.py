"""A fake WooCommerce REST API v3 (`/wp-json/wc/v3`): the key pair as HTTP Basic auth or as the
`consumer_key`/`consumer_secret` query parameters; products, orders and customers created
(POST `/<resource>`), read, updated (PUT) and deleted (DELETE, only with `force=true`, as
customers need and our node always sends) at `/<resource>/<id>`; lists filtered by `search`,
`sku`, `status`, `email`, `min_price`, `max_price`, `stock_status` and `customer`, paged by
`page`/`per_page` with the `X-WP-Total`/`X-WP-TotalPages` headers; and WordPress's
`{"code", "message", "data": {"status"}}` errors."""

from __future__ import annotations

import base64
import math
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

KEY = "ck_0123456789abcdef0123456789abcdef01234567"
SECRET = "cs_fedcba9876543210fedcba9876543210fedcba98"
ONE = re.compile(r"/wp-json/wc/v3/(?P<resource>products|orders|customers)/(?P<id>\d+)$")
MANY = re.compile(r"/wp-json/wc/v3/(?P<resource>products|orders|customers)$")
SINGULAR = {"products": "product", "orders": "order", "customers": "customer"}


def error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"code": code, "message": message, "data": {"status": status}})


class FakeWooCommerce(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, list[dict[str, Any]]] = {r: [] for r in SINGULAR}
        self.next_id = 790

    def add(self, resource: str, **fields: Any) -> dict[str, Any]:
        self.next_id += 1
        defaults: dict[str, Any] = {
            "products": {"name": "", "sku": "", "regular_price": "", "price": "",
                         "stock_status": "instock", "stock_quantity": None, "status": "publish"},
            "orders": {"status": "pending", "customer_id": 0, "total": "0.00", "line_items": []},
            "customers": {"email": "", "first_name": "", "last_name": "", "role": "customer"},
        }[resource]  # fmt: skip
        record = {"id": self.next_id, **defaults, **fields}
        if resource == "products" and "regular_price" in fields:
            record["price"] = fields["regular_price"]
        self.records[resource].append(record)
        return record

    def _authorized(self, request: Received) -> bool:
        pair = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
        if request.headers.get("authorization") == f"Basic {pair}":
            return True
        query = request.query
        return query.get("consumer_key") == [KEY] and query.get("consumer_secret") == [SECRET]

    def respond(self, request: Received) -> Answer:
        if not self._authorized(request):
            return error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        query = {k: v[-1] for k, v in request.query.items()}
        many = MANY.match(request.path)
        if many and request.method == "POST":
            resource = many["resource"]
            body = request.json or {}
            if resource == "customers" and not body.get("email"):
                return error(400, "rest_missing_callback_param", "Missing parameter(s): email")
            return Answer(201, self.add(resource, **body))
        if many:
            return self._list(many["resource"], query)
        one = ONE.match(request.path)
        if one is None:
            return error(404, "rest_no_route", "No route was found matching the URL and method.")
        resource = one["resource"]
        record = next((r for r in self.records[resource] if r["id"] == int(one["id"])), None)
        if record is None:
            name = SINGULAR[resource]
            return error(404, f"woocommerce_rest_{name}_invalid_id", "Invalid ID.")
        if request.method == "PUT":
            record.update(request.json or {})
            return Answer(200, record)
        if request.method == "DELETE":
            if query.get("force") != "true":
                return error(
                    501,
                    "woocommerce_rest_trash_not_supported",
                    "Resource does not support trashing.",
                )
            self.records[resource].remove(record)
            return Answer(200, record)
        return Answer(200, record)

    def _list(self, resource: str, query: dict[str, str]) -> Answer:
        found = list(self.records[resource])
        if "search" in query:
            found = [
                r
                for r in found
                if query["search"].lower() in str(r.get("name", r.get("email", ""))).lower()
            ]
        for key in ("sku", "status", "email", "stock_status"):
            if key in query:
                found = [r for r in found if str(r.get(key)) == query[key]]
        if "customer" in query:
            found = [r for r in found if str(r.get("customer_id")) == query["customer"]]
        if "min_price" in query:
            found = [r for r in found if float(r["price"] or 0) >= float(query["min_price"])]
        if "max_price" in query:
            found = [r for r in found if float(r["price"] or 0) <= float(query["max_price"])]
        per_page = int(query.get("per_page") or 10)
        if per_page > 100:
            return error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        page = int(query.get("page") or 1)
        pages = max(1, math.ceil(len(found) / per_page))
        headers = {"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)}
        start = (page - 1) * per_page
        return Answer(200, found[start : start + per_page], headers=headers)
