"""Importing n8n's CoinGecko node (editor/n8n/apps_coingecko.py) onto `app.coingecko`: get,
price and market configs, the refusals, and the corpus's portfolio lookup (a coin per item, its
USD price read by a Set node) run in the engine against the fake CoinGecko."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.coingecko import FakeCoinGecko
from tests.test_n8n_apps import converted, refusal

CORPUS = {
    "coinId": '={{$json["fields"]["Symbol"]}}',
    "options": {"market_data": True, "localization": False},
    "operation": "get",
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS | {"coinId": "bitcoin"},
            {"operation": "get_coin", "coin_id": "bitcoin", "include": ["market_data"]},
        ),
        (
            {
                "operation": "price",
                "baseCurrencies": ["bitcoin", "ethereum"],
                "quoteCurrencies": ["usd"],
                "options": {"include_market_cap": True},
            },
            {
                "operation": "price",
                "coin_ids": ["bitcoin", "ethereum"],
                "currencies": ["usd"],
                "price_extras": ["include_market_cap"],
            },
        ),
        (
            {"operation": "market", "baseCurrency": "eur", "limit": 5, "options": {"ids": "a, b"}},
            {"operation": "market", "currency": "eur", "coin_ids": ["a", "b"], "max_results": 5},
        ),
    ],
)
def test_each_coin_operation_becomes_its_coingecko_config(params, config):
    node = converted("coinGecko", params)
    assert node["type"] == "app.coingecko" and node["config"] == config
    assert "keyless public API" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({}, "does 'coin / getAll'"),
        ({"resource": "event", "operation": "getAll"}, "does 'event / getAll'"),
        ({"operation": "get", "searchBy": "contractAddress"}, "get by contract address"),
        ({"operation": "get"}, "names no Coin ID"),
    ],
)
def test_what_the_coingecko_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("coinGecko", params)
    assert "'App' (n8n-nodes-base.coinGecko)" in message and said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_portfolio_prices_each_coin(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = {
        "name": "Update Crypto Values",
        "nodes": [
            {
                "parameters": {"path": "coins", "httpMethod": "POST", "options": {}},
                "name": "Webhook",
                "type": "n8n-nodes-base.webhook",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                "parameters": {"fieldToSplitOut": "body.records", "options": {}},
                "name": "Split Out",
                "type": "n8n-nodes-base.splitOut",
                "typeVersion": 1,
                "position": [100, 0],
            },
            {
                "parameters": CORPUS,
                "name": "CoinGecko",
                "type": "n8n-nodes-base.coinGecko",
                "typeVersion": 1,
                "position": [200, 0],
            },
            {
                "parameters": {
                    "values": {
                        "string": [
                            {
                                "name": "Present Price",
                                "value": '={{$json["market_data"]["current_price"]["usd"]}}',
                            }
                        ]
                    },
                    "options": {},
                    "keepOnlySet": True,
                },
                "name": "Set",
                "type": "n8n-nodes-base.set",
                "typeVersion": 1,
                "position": [300, 0],
            },
        ],
        "connections": {
            "Webhook": {"main": [[{"node": "Split Out", "type": "main", "index": 0}]]},
            "Split Out": {"main": [[{"node": "CoinGecko", "type": "main", "index": 0}]]},
            "CoinGecko": {"main": [[{"node": "Set", "type": "main", "index": 0}]]},
        },
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeCoinGecko()) as coingecko:
        credential = store.create(alice, "Coins", "coingecko", {"base_url": coingecko.url})
        for node in graph["nodes"]:
            if node["type"] == "app.coingecko":
                node["config"]["credential"] = credential.pk
        payload = {
            "body": {
                "records": [{"fields": {"Symbol": "bitcoin"}}, {"fields": {"Symbol": "ethereum"}}]
            }
        }
        execution = engine.start_execution(make_workflow(alice, graph), payload)
        execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    done = execution.steps.get(key="each_split_out").output["results"]
    assert [r["result"]["Present Price"] for r in done] == ["64000.5", "3100.25"]
    assert [r.path for r in coingecko.requests] == ["/coins/bitcoin", "/coins/ethereum"]
