"""app.twitter: tweets created (a reply or a quote), deleted, liked, retweeted and searched
(the last seven days); a user read by username, by id, or the token's own."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.twitter import x_api
from integrations.twitter.credentials import XAccessToken
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_tweet", "delete_tweet", "search_tweets", "like_tweet", "retweet", "get_user"
]
BY_TWEET = ("delete_tweet", "like_tweet", "retweet")
TWEET_URL = re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/[^/]+/status/(\d+)")
MAX_SEARCH = 1000
PAGE_MIN, PAGE_MAX = 10, 100  # X's bounds on search's max_results


def tweet_id(value: str) -> str:
    """A tweet's id, from the id itself or the tweet's URL (x.com/<user>/status/<id>)."""
    value = value.strip()
    found = TWEET_URL.match(value)
    return found[1] if found else value


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your X OAuth 2.0 access token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_tweet",
        description="create_tweet: post a tweet (a reply or a quote too). delete_tweet / "
        "like_tweet / retweet: act on one tweet. search_tweets: tweets of the last seven days "
        "matching a query. get_user: a user by username or id, or the token's own.",
    )
    text: str = Field(
        "",
        description="The tweet's text (up to 280 characters on a standard account).",
        json_schema_extra=used_by("create_tweet", required=True),
    )
    reply_to: str = Field(
        "",
        description="create_tweet: the id or URL of the tweet this one answers.",
        json_schema_extra=used_by("create_tweet"),
    )
    quote: str = Field(
        "",
        description="create_tweet: the id or URL of the tweet this one quotes.",
        json_schema_extra=used_by("create_tweet"),
    )
    tweet_id: str = Field(
        "",
        description="The tweet's id or URL (https://x.com/<user>/status/<id>).",
        json_schema_extra=used_by(*BY_TWEET, required=True),
    )
    query: str = Field(
        "",
        description="search_tweets: X's search query, operators included (e.g. "
        '"#n8n -is:retweet lang:en"), up to 512 characters.',
        json_schema_extra=used_by("search_tweets", required=True),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_SEARCH,
        description="search_tweets: keep at most this many tweets (newest first).",
        json_schema_extra=used_by("search_tweets"),
    )
    sort_order: Literal["", "recency", "relevancy"] = Field(
        "",
        description="search_tweets: recency or relevancy (X's default: recency).",
        json_schema_extra=used_by("search_tweets"),
    )
    start_time: str = Field(
        "",
        description="search_tweets: only tweets after this ISO 8601 time (within 7 days).",
        json_schema_extra=used_by("search_tweets"),
    )
    end_time: str = Field(
        "",
        description="search_tweets: only tweets before this ISO 8601 time.",
        json_schema_extra=used_by("search_tweets"),
    )
    tweet_fields: str = Field(
        "",
        description="search_tweets: more tweet fields, comma-separated (e.g. "
        "created_at,author_id,public_metrics); X's default is id, text, edit_history_tweet_ids.",
        json_schema_extra=used_by("search_tweets"),
    )
    username: str = Field(
        "",
        description="get_user: the user's handle, with or without @.",
        json_schema_extra=used_by("get_user"),
    )
    user_id: str = Field(
        "",
        description="get_user: the user's numeric id, instead of a username.",
        json_schema_extra=used_by("get_user"),
    )

    @field_validator("start_time", "end_time")
    @classmethod
    def _time(cls, value: str) -> str:
        return value.strip()


def _create(secret: Secret, config: Config) -> Any:
    body: dict[str, Any] = {"text": config.text}
    if config.reply_to.strip():
        body["reply"] = {"in_reply_to_tweet_id": tweet_id(config.reply_to)}
    if config.quote.strip():
        body["quote_tweet_id"] = tweet_id(config.quote)
    return x_api.data(secret, "POST", "/tweets", what="create_tweet", json=body)


def _me(secret: Secret, what: str) -> str:
    me = x_api.data(secret, "GET", "/users/me", what=what) or {}
    return str(me.get("id", ""))


def _search(secret: Secret, config: Config) -> dict[str, Any]:
    query: dict[str, Any] = {"query": config.query}
    for name in ("sort_order", "start_time", "end_time"):
        if value := getattr(config, name):
            query[name] = value
    if config.tweet_fields.strip():
        query["tweet.fields"] = config.tweet_fields.replace(" ", "")
    tweets: list[Any] = []
    while len(tweets) < config.max_results:
        wanted = config.max_results - len(tweets)
        query["max_results"] = min(max(wanted, PAGE_MIN), PAGE_MAX)
        page = x_api.call(secret, "GET", "/tweets/search/recent", what="search", params=query)
        tweets += page.get("data") or []
        next_token = (page.get("meta") or {}).get("next_token")
        if not next_token:
            break
        query["next_token"] = next_token
    tweets = tweets[: config.max_results]
    return {"tweets": tweets, "count": len(tweets)}


def _user(secret: Secret, config: Config) -> Any:
    username = config.username.strip().lstrip("@")
    if username:
        return x_api.data(secret, "GET", f"/users/by/username/{username}", what="get_user")
    if config.user_id.strip():
        return x_api.data(secret, "GET", f"/users/{config.user_id.strip()}", what="get_user")
    return x_api.data(secret, "GET", "/users/me", what="get_user")


def run(config: Config, ctx: RunContext) -> Any:
    """What X answers in `data`, as n8n outputs it: the tweet created ({id, text,
    edit_history_tweet_ids}), {deleted}, {liked}, {retweeted}, the user; search_tweets
    {tweets, count}."""
    secret, _ = credential_for(ctx, config.operation, XAccessToken)
    op = config.operation
    if op == "create_tweet":
        return _create(secret, config)
    if op == "search_tweets":
        return _search(secret, config)
    if op == "get_user":
        return _user(secret, config)
    tweet = tweet_id(config.tweet_id)
    if not tweet.isdigit():
        raise NodeError(f"The tweet ID field must be a tweet's numeric id or URL, not “{tweet}”.")
    if op == "delete_tweet":
        return x_api.data(secret, "DELETE", f"/tweets/{tweet}", what=op)
    path = "likes" if op == "like_tweet" else "retweets"
    me = _me(secret, op)
    return x_api.data(secret, "POST", f"/users/{me}/{path}", what=op, json={"tweet_id": tweet})


NODE = NodeType(
    type="app.twitter",
    label="X (Twitter)",
    category="app",
    description="Posts, deletes, likes, retweets and searches tweets on X and reads users; "
    "outputs what X answers.",
    Config=Config,
    run=run,
    credential_kinds=(XAccessToken.kind,),
    icon="✕",
    examples=(
        (
            "Tweet the AI's summary with X credential 3",
            {"credential": 3, "operation": "create_tweet", "text": "{{ nodes.summary.response }}"},
        ),
        (
            "Delete tweet 1187836157394112513",
            {"operation": "delete_tweet", "tweet_id": "1187836157394112513"},
        ),
        (
            "Find 20 recent English tweets about #n8n, no retweets",
            {
                "operation": "search_tweets",
                "query": "#n8n lang:en -is:retweet",
                "max_results": 20,
            },
        ),
        (
            "Like the tweet the webhook sent",
            {"operation": "like_tweet", "tweet_id": "{{ trigger.body.tweet_id }}"},
        ),
        (
            "Retweet https://x.com/n8n_io/status/1187836157394112513",
            {"operation": "retweet", "tweet_id": "https://x.com/n8n_io/status/1187836157394112513"},
        ),
        ("Look up the X user @n8n_io", {"operation": "get_user", "username": "n8n_io"}),
    ),
)
