"""n8n's CoinGecko node (version 1) as WorkFuse's `app.coingecko`, coin resource: get (by coin
id, n8n's Options as the sections to include), price (by coin ids) and market (one item per
coin, as n8n emits them). n8n's node has no credential; WorkFuse's runs keyless without one."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import listed, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it gets a coin by id, prices coins by id, and lists the market"
SECTIONS = (
    "community_data",
    "developer_data",
    "localization",
    "market_data",
    "sparkline",
    "tickers",
)
PRICE_EXTRAS = (
    "include_24hr_change",
    "include_24hr_vol",
    "include_last_updated_at",
    "include_market_cap",
)
LIMIT, MAX_COINS = 100, 5000


def _ids(cx: Converter, node: N8nNode, value: Any, label: str) -> list[str]:
    values = value if isinstance(value, list) else listed(cx, node, value)
    found = [str(text(cx, node, v)) for v in values if v not in ("", None)]
    if not found:
        raise Refusal(f"names no {label}; set it in n8n and export again.")
    return found


def _coingecko(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "coin", {"coin": "getAll"})
    if resource != "coin" or op not in ("get", "price", "market"):
        raise unsupported("CoinGecko", resource, op, SUPPORTED)
    p = node.params
    options = dict(p.get("options") or {})
    if op in ("get", "price") and p.get("searchBy", "coinId") != "coinId":
        raise unsupported("CoinGecko", resource, f"{op} by contract address", SUPPORTED)
    config: dict[str, Any] = {}
    if op == "get":
        config = {"operation": "get_coin", "coin_id": required(cx, node, "coinId", "Coin ID")}
        config["include"] = [name for name in SECTIONS if options.get(name) is True]
    elif op == "price":
        config = {
            "operation": "price",
            "coin_ids": _ids(cx, node, p.get("baseCurrencies"), "Base Currencies"),
            "currencies": _ids(cx, node, p.get("quoteCurrencies"), "Quote Currencies"),
            "price_extras": [name for name in PRICE_EXTRAS if options.get(name) is True],
        }
    else:
        config = {
            "operation": "market",
            "currency": required(cx, node, "baseCurrency", "Base Currency"),
        }
        if options.get("ids"):
            config["coin_ids"] = listed(cx, node, options["ids"])
        for name in ("order", "category"):
            if options.get(name):
                config[name] = text(cx, node, options[name])
        if options.get("sparkline") is True:
            config["sparkline"] = True
        if options.get("price_change_percentage"):
            config["price_change_percentage"] = list(options["price_change_percentage"])
        limit = p.get("limit", LIMIT)
        config["max_results"] = MAX_COINS if p.get("returnAll") else limit
    notes = [
        "n8n's CoinGecko node uses the keyless public API; choose a CoinGecko credential "
        "only to send a Demo API key."
    ]
    if op == "market" and p.get("returnAll"):
        notes.append(f"n8n read every coin of the market; WorkFuse reads at most {MAX_COINS}.")
    return Converted("app.coingecko", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "coins" if operation(node, "coin", {"coin": "getAll"})[1] == "market" else None
    return dataclasses.replace(SPECS[f"{BASE}coinGecko"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}coinGecko": Spec(_coingecko, "", per_node=_spec)}
