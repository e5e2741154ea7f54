"""n8n's X (Twitter) node, v1 and v2, as WorkFuse's `app.twitter` on X API v2: tweets created
(a reply or a quote), deleted, liked, retweeted and searched; a user got (v2). Direct messages,
lists, media and locations are refused by name.

n8n's v2 calls X API v2 as WorkFuse does and outputs the same `data`. Its v1 calls the retired
API v1.1, whose tweets read `id_str`, `full_text` and `user.*`; the Spec's aliases translate the
first two in the expressions after a v1 node (the v1.1 `user` object has no v2 counterpart
without expansions, and v1 search's `resultType` and `tweetMode` had no effect worth keeping:
n8n sends the first under a name X ignores, v2 always gives the full text)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from editor.n8n.apps_base import credential_note, locator, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates, deletes, likes, retweets and searches tweets and gets users; direct messages "
    "and lists are not imported"
)
DEFAULTS = {"tweet": "create", "user": "searchUser", "directMessage": "create", "list": "add"}
MAX_SEARCH = 1000
V1_ALIASES = (("id_str", "id"), ("full_text", "text"))
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _twitter(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "tweet", DEFAULTS)
    v1 = node.version < 2
    notes = [credential_note("Twitter (X)", "a user's OAuth 2.0 access token")]
    if v1:
        notes.append(
            "n8n's X node v1 used API v1.1 and an OAuth 1.0a credential; WorkFuse calls API v2 "
            "with an OAuth 2.0 token, whose tweets carry id and text (not user or entities)."
        )
    if resource == "tweet" and op == "create":
        config = _create(node, cx)
    elif resource == "tweet" and op in ("delete", "like", "retweet"):
        param = "tweetDeleteId" if op == "delete" and not v1 else "tweetId"
        config = {"operation": f"{op}_tweet" if op != "retweet" else "retweet"}
        config["tweet_id"] = _tweet(node, cx, param)
    elif resource == "tweet" and op == "search":
        config = _search(node, cx, v1, notes)
    elif resource == "user" and op == "searchUser" and not v1:
        config = _user(node, cx)
    else:
        raise unsupported("X (Twitter)", resource, op, SUPPORTED)
    return Converted("app.twitter", config, notes=notes)


def _tweet(node: N8nNode, cx: Converter, param: str) -> str:
    value = text(cx, node, locator(node.params.get(param)))
    if value in ("", None):
        raise Refusal(f"names no tweet ({param}); set the Tweet in n8n.")
    return str(value)


def _refuse_options(options: dict[str, Any], allowed: tuple[str, ...]) -> None:
    others = sorted(k for k, v in options.items() if k not in allowed and v not in ("", None, {}))
    if others:
        raise Refusal(
            f"sets the option(s) {', '.join(others)}, which WorkFuse's X node does not send "
            "(media must be uploaded to X first; locations are not supported); remove them in "
            "n8n or use an HTTP Request node."
        )


def _create(node: N8nNode, cx: Converter) -> dict[str, Any]:
    options = dict(node.params.get("additionalFields") or {})
    _refuse_options(options, ("inReplyToStatusId", "inQuoteToStatusId"))
    tweet = text(cx, node, node.params.get("text"))
    if tweet in ("", None):
        raise Refusal("has no text; write the tweet's Text in n8n.")
    config: dict[str, Any] = {"operation": "create_tweet", "text": tweet}
    for option, field in (("inReplyToStatusId", "reply_to"), ("inQuoteToStatusId", "quote")):
        value = locator(options.get(option))
        if value:
            config[field] = text(cx, node, value)
    return config


def _search(node: N8nNode, cx: Converter, v1: bool, notes: list[str]) -> dict[str, Any]:
    p = node.params
    # v2's option names differ in case between n8n's description and its code: read both.
    options = {k.lower(): v for k, v in dict(p.get("additionalFields") or {}).items()}
    v2_options = ("sortorder", "starttime", "endtime", "tweetfieldsobject", "tweetfields")
    v1_options = ("lang", "until", "includeentities", "resulttype", "tweetmode")
    _refuse_options(options, v1_options if v1 else v2_options)
    query = text(cx, node, p.get("searchText"))
    if query in ("", None):
        raise Refusal("has no search term; set the Search Term in n8n.")
    config: dict[str, Any] = {"operation": "search_tweets", "query": query}
    if options.get("lang"):
        config["query"] = f"{query} lang:{text(cx, node, options['lang'])}"
    if p.get("returnAll"):
        config["max_results"] = MAX_SEARCH
        notes.append(f"n8n read every matching tweet; WorkFuse keeps at most {MAX_SEARCH}.")
    else:
        config["max_results"] = min(max(int(p.get("limit") or 50), 1), MAX_SEARCH)
    for option, field in (
        ("until", "end_time"),
        ("endtime", "end_time"),
        ("starttime", "start_time"),
    ):
        if options.get(option):
            when = text(cx, node, options[option])
            config[field] = f"{when}T00:00:00Z" if DATE_ONLY.match(str(when)) else when
    if options.get("sortorder"):
        order = str(options["sortorder"])
        config["sort_order"] = {"recent": "recency", "relevant": "relevancy"}.get(order, order)
    fields = list(options.get("tweetfieldsobject") or options.get("tweetfields") or [])
    if options.get("includeentities"):
        fields.append("entities")
    if fields:
        config["tweet_fields"] = ",".join(fields)
    return config


def _user(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    if p.get("me"):
        return {"operation": "get_user"}
    raw = p.get("user")
    value = text(cx, node, locator(raw))
    if value in ("", None):
        raise Refusal("names no user; set the User in n8n.")
    by_id = isinstance(raw, dict) and raw.get("mode") == "id"
    return {"operation": "get_user", "user_id" if by_id else "username": value}


def _spec(node: N8nNode, cx: Converter) -> Spec:
    _, op = operation(node, "tweet", DEFAULTS)
    aliases = V1_ALIASES if node.version < 2 else ()
    many = "tweets" if op == "search" else None
    return dataclasses.replace(SPECS[f"{BASE}twitter"], per_node=None, items=many, aliases=aliases)


SPECS: dict[str, Spec] = {f"{BASE}twitter": Spec(_twitter, "", per_node=_spec)}
