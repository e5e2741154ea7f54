"""app.coingecko against a fake CoinGecko API v3 (tests/fakes/coingecko.py): a coin with the
sections asked for, prices, the market by pages, keyless and with a Demo key, CoinGecko's
errors and the key's test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from integrations.coingecko import node, rest_api
from integrations.coingecko.node import Config
from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.coingecko import KEY, FakeCoinGecko
from workfuse.lib.node_run import NodeError, Secret

CG = "app.coingecko"


@pytest.fixture
def coingecko(settings: Any) -> Iterator[FakeCoinGecko]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeCoinGecko()) as fake:
        yield fake


def key(fake: FakeCoinGecko, value: str | None = KEY) -> Secret:
    return Secret(
        "coingecko", {"api_key": value} if value else {}, {"base_url": fake.url}, name="Coins"
    )


def test_a_coin_comes_with_the_sections_asked_for_each_flag_sent(coingecko):
    coin = run_app(CG, {"coin_id": "bitcoin", "include": ["market_data"]}, key(coingecko))
    assert coin["market_data"]["current_price"]["usd"] == 64000.5
    assert coin["sections_asked"] == {
        "community_data": "false",
        "developer_data": "false",
        "localization": "false",
        "market_data": "true",
        "sparkline": "false",
        "tickers": "false",
    }
    assert coingecko.requests[0].headers["x-cg-demo-api-key"] == KEY


def test_prices_and_the_market_page_by_page_with_a_keyless_credential(coingecko, monkeypatch):
    monkeypatch.setattr(node, "PAGE", 2)
    keyless = key(coingecko, None)
    price = {
        "operation": "price",
        "coin_ids": ["bitcoin", "ethereum"],
        "currencies": ["usd", "eur"],
    }
    assert run_app(CG, price, keyless) == {
        "bitcoin": {"usd": 64000.5, "eur": 64000.5},
        "ethereum": {"usd": 3100.25, "eur": 3100.25},
    }
    market = run_app(CG, {"operation": "market", "currency": "USD", "max_results": 3}, keyless)
    assert [c["id"] for c in market["coins"]] == ["bitcoin", "ethereum", "dogecoin"]
    assert market["count"] == 3 and market["coins"][0]["vs"] == "usd"
    assert [r.query["page"] for r in coingecko.requests[1:]] == [["1"], ["2"]]
    assert all("x-cg-demo-api-key" not in r.headers for r in coingecko.requests)


def test_each_operation_names_the_fields_it_needs():
    for config, field in (
        ({"operation": "get_coin"}, "coin_id"),
        ({"operation": "price", "coin_ids": ["bitcoin"]}, "currencies"),
        ({"operation": "market"}, "currency"),
    ):
        with pytest.raises(ValidationError) as caught:
            Config.model_validate(config)
        assert caught.value.errors()[0]["loc"] == (field,)


def test_coingecko_s_errors_are_quoted_and_a_wrong_key_names_the_credential(coingecko):
    missing = app_error(CG, {"coin_id": "nocoin"}, key(coingecko))
    assert missing.message == "CoinGecko refused get_coin (HTTP 404): coin not found"
    wrong = app_error(CG, {"coin_id": "bitcoin"}, key(coingecko, "old"))
    assert not wrong.retryable and "did not accept the credential “Coins”" in wrong.message


def test_the_key_test_pings(coingecko):
    assert rest_api.check_key(key(coingecko)) == "Connected to CoinGecko: (V3) To the Moon!."
    with pytest.raises(NodeError, match="did not accept the credential “Coins”"):
        rest_api.check_key(key(coingecko, "old"))
