"""app.coingecko: a coin's current data, coins' prices in other currencies, and the market
table of coins in a currency, as n8n's CoinGecko node gets them (the coin's JSON; the price
object; one entry per coin)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations.coingecko import rest_api
from integrations.coingecko.credentials import ApiKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["get_coin", "price", "market"]
# What /coins/{id} leaves out unless asked (n8n sends each, false unless its option is on).
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
ORDERS = Literal[
    "market_cap_desc",
    "market_cap_asc",
    "gecko_desc",
    "gecko_asc",
    "volume_asc",
    "volume_desc",
    "id_asc",
    "id_desc",
]
PAGE = 250
MAX_COINS = 5000


class Config(OperationConfig):
    credential: int | None = Field(
        None,
        ge=1,
        description="Your CoinGecko API key credential; empty to use the keyless public API.",
    )
    operation: Operation = Field(
        "get_coin",
        description="get_coin: one coin's current data. price: coins' prices in currencies. "
        "market: the coins' market table in one currency.",
    )
    coin_id: str = Field(
        "",
        description="get_coin: the coin's CoinGecko id (bitcoin, ethereum).",
        json_schema_extra=used_by("get_coin", required=True),
    )
    include: list[Literal[SECTIONS]] = Field(  # type: ignore[valid-type]
        [],
        description="get_coin: the sections to include: " + ", ".join(SECTIONS) + ".",
        json_schema_extra=used_by("get_coin") | {"examples": [["market_data"]]},
    )
    coin_ids: list[str] = Field(
        [],
        description="price: the coins' ids. market: only these coins (empty: every coin).",
        json_schema_extra=used_by("price", "market", required=["price"]),
    )
    currencies: list[str] = Field(
        [],
        description="price: the currencies to price in (usd, eur, btc).",
        json_schema_extra=used_by("price", required=True),
    )
    price_extras: list[Literal[PRICE_EXTRAS]] = Field(  # type: ignore[valid-type]
        [],
        description="price: more figures: " + ", ".join(PRICE_EXTRAS) + ".",
        json_schema_extra=used_by("price") | {"examples": [["include_market_cap"]]},
    )
    currency: str = Field(
        "",
        description="market: the currency of the prices (usd).",
        json_schema_extra=used_by("market", required=True),
    )
    order: ORDERS | None = Field(
        None, description="market: the order of the coins.", json_schema_extra=used_by("market")
    )
    category: str = Field(
        "", description="market: only coins of this category.", json_schema_extra=used_by("market")
    )
    sparkline: bool = Field(
        False, description="market: include 7 days of prices.", json_schema_extra=used_by("market")
    )
    price_change_percentage: list[str] = Field(
        [],
        description="market: price changes over these periods (1h, 24h, 7d, 14d, 30d, 200d, 1y).",
        json_schema_extra=used_by("market"),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_COINS,
        description=f"market: at most this many coins (1 to {MAX_COINS}).",
        json_schema_extra=used_by("market"),
    )


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _joined(values: list[str]) -> str:
    return ",".join(v.strip() for v in values if v.strip())


def _market(secret: Secret | None, config: Config) -> list[Any]:
    query: dict[str, Any] = {"vs_currency": config.currency.strip().lower()}
    if config.coin_ids:
        query["ids"] = _joined(config.coin_ids)
    if config.category:
        query["category"] = config.category
    if config.order:
        query["order"] = config.order
    if config.sparkline:
        query["sparkline"] = "true"
    if config.price_change_percentage:
        query["price_change_percentage"] = _joined(config.price_change_percentage)
    found: list[Any] = []
    page = 1
    while len(found) < config.max_results:
        size = min(PAGE, config.max_results)
        batch = rest_api.call(
            secret, "/coins/markets", {**query, "per_page": size, "page": page}, what="market"
        )
        if not isinstance(batch, list) or not batch:
            break
        found += batch
        if len(batch) < size:
            break
        page += 1
    return found[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """get_coin: the coin; price: {coin: {currency: price}}; market: {coins, count}."""
    secret = credential_for(ctx, config.operation, ApiKey)[0] if ctx.secret else None
    if config.operation == "get_coin":
        coin = config.coin_id.strip()
        if not coin or "/" in coin:
            raise NodeError("get_coin needs a coin id (bitcoin, ethereum).")
        query = {name: _flag(name in config.include) for name in SECTIONS}
        return rest_api.call(secret, f"/coins/{coin}", query, what="get_coin")
    if config.operation == "price":
        query = {"ids": _joined(config.coin_ids), "vs_currencies": _joined(config.currencies)}
        query |= {name: "true" for name in config.price_extras}
        return rest_api.call(secret, "/simple/price", query, what="price")
    coins = _market(secret, config)
    return {"coins": coins, "count": len(coins)}


NODE = NodeType(
    type="app.coingecko",
    label="CoinGecko",
    category="app",
    description="Gets cryptocurrency data from CoinGecko: a coin, prices, the market table.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="🦎",
    examples=(
        (
            "Get bitcoin's current market data from CoinGecko",
            {"operation": "get_coin", "coin_id": "bitcoin", "include": ["market_data"]},
        ),
        (
            "Price bitcoin and ethereum in usd and eur on CoinGecko",
            {
                "operation": "price",
                "coin_ids": ["bitcoin", "ethereum"],
                "currencies": ["usd", "eur"],
            },
        ),
        (
            "List the top 10 coins by market cap in usd from CoinGecko",
            {
                "operation": "market",
                "currency": "usd",
                "order": "market_cap_desc",
                "max_results": 10,
            },
        ),
    ),
)
