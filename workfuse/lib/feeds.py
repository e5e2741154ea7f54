"""RSS and Atom feeds: fetched through the guarded transport, parsed with feedparser, each entry
in the shape n8n's RSS nodes give it (they use the npm package rss-parser), so expressions
written for n8n (`$json.title`, `$json.contentSnippet`, `$json['content:encoded']`) keep working.

* **Fetching.** Every hop of a redirect goes through `netguard` (private targets refused unless
  WORKFUSE_HTTP_ALLOW_PRIVATE=1), at most `MAX_REDIRECTS` of them as rss-parser allows, within
  `TIMEOUT_SECONDS`, and the body is read up to `MAX_FEED_BYTES`. 429, 5xx, timeouts and lost
  connections are retryable.
* **Parsing.** feedparser reads RSS 0.9x to 2.0, RSS 1.0 and Atom, in any declared encoding,
  leniently. It gets the bytes as a stream: given bytes or text, it would take a document that
  looks like a path or a URL for one and open it. It runs under a CPU budget.
* **Entries.** rss-parser's fields for RSS: `creator`, `title`, `link`, `pubDate`,
  `content:encoded` (+ `Snippet`), `enclosure`, `comments`, `content` (the description),
  `contentSnippet`, `guid`, `categories`, `isoDate`; for Atom: `title`, `link`, `pubDate`,
  `author`, `content`, `contentSnippet`, `summary`, `id`, `isoDate`. feedparser folds RSS's
  `author` and `dc:creator` into one, so both come out as `creator` only.
"""

from __future__ import annotations

import calendar
import html
import io
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

from workfuse.lib import netguard
from workfuse.lib.cpu_budget import BudgetExceeded, cpu_budget
from workfuse.lib.node_run import NodeError

TIMEOUT_SECONDS = 30.0
MAX_REDIRECTS = 5  # rss-parser's
MAX_FEED_BYTES = 5 * 1024 * 1024  # real feeds are tens to hundreds of kilobytes
PARSE_CPU_SECONDS = 10.0
USER_AGENT = "WorkFuse (feeds)"
ACCEPT = (  # n8n's RSS Read 1.2
    "application/rss+xml, application/rdf+xml;q=0.8, application/atom+xml;q=0.6, "
    "application/xml;q=0.4, text/xml;q=0.4"
)
# rss-parser's snippet: a block tag between two characters becomes a line break, then every tag
# goes. Bounded tag lengths keep the regexes linear on hostile input.
BLOCK_TAG = re.compile(
    r"([^\n])</?(h|br|p|ul|ol|li|blockquote|section|table|tr|div)[^>]{0,4096}>([^\n])"
)
ANY_TAG = re.compile(r"<[^>]{0,4096}>")


def read(url: str, where: str = "url") -> dict[str, Any]:
    """The feed at `url`: {items, count, feed: {title, link, description}}. Raises NodeError
    naming `where` (the setting that holds the URL)."""
    data, content_type = fetch(url, where)
    return parse(data, content_type, where)


def fetch(url: str, where: str = "url") -> tuple[bytes, str]:
    """The body at `url` and its Content-Type, redirects followed hop by hop."""
    url = url.strip()
    try:
        check_url(url, where)
    except ValueError as exc:
        raise NodeError(str(exc)) from None
    try:
        with netguard.httpx_client() as client:
            for _ in range(MAX_REDIRECTS + 1):
                headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
                request = client.build_request("GET", url, headers=headers)
                request.extensions["timeout"] = httpx.Timeout(TIMEOUT_SECONDS).as_dict()
                response = client.send(request, stream=True)
                try:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code >= 300:
                        raise _status_error(response.status_code, where, url)
                    return _read(response, where), response.headers.get("content-type", "")
                finally:
                    response.close()
    except httpx.TimeoutException:
        raise NodeError(
            f"The feed at {where} did not answer within {TIMEOUT_SECONDS:g} s.", retryable=True
        ) from None
    except httpx.HTTPError as exc:
        refused = netguard.refusal(exc)
        if refused is not None:
            raise NodeError(f"{where}: {refused}", detail={"host": refused.host}) from None
        raise NodeError(
            f"Could not reach the feed at {where} ({url}): {exc or type(exc).__name__}",
            retryable=isinstance(exc, httpx.NetworkError),
        ) from None
    except netguard.PrivateTargetError as refused:
        raise NodeError(f"{where}: {refused}", detail={"host": refused.host}) from None
    raise NodeError(f"The feed at {where} redirected more than {MAX_REDIRECTS} times.")


def check_url(url: str, where: str) -> None:
    """ValueError unless `url` is an http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{where} must be an http:// or https:// URL with a host, got {url!r}")


def _status_error(status: int, where: str, url: str) -> NodeError:
    retryable = status == 429 or status >= 500
    return NodeError(
        f"The feed at {where} ({url}) answered with status {status}.",
        retryable=retryable,
        detail={"status": status},
    )


def _read(response: httpx.Response, where: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_FEED_BYTES:
            raise NodeError(
                f"The feed at {where} is over {MAX_FEED_BYTES // 2**20} MB; stopped reading."
            )
        chunks.append(chunk)
    return b"".join(chunks)


def parse(data: bytes, content_type: str = "", where: str = "url") -> dict[str, Any]:
    """A feed document's entries in rss-parser's shape. Raises NodeError when it is not RSS or
    Atom."""
    try:
        with cpu_budget(PARSE_CPU_SECONDS):
            parsed = feedparser.parse(
                io.BytesIO(data),
                response_headers={"content-type": content_type or "application/xml"},
                sanitize_html=False,  # n8n passes the feed's HTML on as it is
                resolve_relative_uris=False,
            )
            version = str(parsed.get("version") or "")
            if not version:
                raise NodeError(
                    f"The document at {where} is not an RSS or Atom feed"
                    + _reason(parsed)
                    + ": check the URL (a web page is not its feed)."
                )
            atom = version.startswith("atom")
            items = [_atom_item(e) if atom else _rss_item(e) for e in parsed.entries]
            channel = parsed.get("feed") or {}
            feed = {k: str(channel.get(k) or "") for k in ("title", "link")}
            feed["description"] = str(channel.get("subtitle") or channel.get("description") or "")
    except (RecursionError, BudgetExceeded):
        raise NodeError(
            f"The feed at {where} took over {PARSE_CPU_SECONDS:g} s of CPU time to read."
        ) from None
    return {"items": items, "count": len(items), "feed": feed}


def _reason(parsed: Any) -> str:
    problem = parsed.get("bozo_exception")
    return f" ({problem})" if problem else ""


def snippet(markup: str) -> str:
    """rss-parser's contentSnippet: the text of `markup`, entities decoded, trimmed."""
    text = BLOCK_TAG.sub(r"\1\n\3", markup)
    return html.unescape(ANY_TAG.sub("", text)).strip()


def _iso(parsed: time.struct_time | None) -> str | None:
    if parsed is None:
        return None
    when = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _date(entry: Any) -> str | None:
    """The entry's published date, else its updated one, as ISO 8601 (dict.get: feedparser's
    own get maps a missing updated_parsed to published_parsed with a deprecation warning)."""
    return _iso(dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed"))


def _rss_item(entry: Any) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if entry.get("author"):
        item["creator"] = entry["author"]
    for key in ("title", "link"):
        if key in entry:
            item[key] = entry[key]
    if entry.get("published"):
        item["pubDate"] = entry["published"]
    contents = entry.get("content") or []
    if contents:  # feedparser's content of an RSS item is its content:encoded
        item["content:encoded"] = contents[0].get("value", "")
        item["content:encodedSnippet"] = snippet(item["content:encoded"])
    enclosures = [link for link in entry.get("links") or [] if link.get("rel") == "enclosure"]
    if enclosures:
        first = enclosures[0]
        item["enclosure"] = {k: first[f] for k, f in _ENCLOSURE if first.get(f) is not None}
    if entry.get("comments"):
        item["comments"] = entry["comments"]
    # feedparser copies content:encoded into summary when there is no description; only a
    # summary with its own detail is the description itself.
    if "summary_detail" in entry:
        item["content"] = entry.get("summary", "")
        item["contentSnippet"] = snippet(item["content"])
    if entry.get("id"):
        item["guid"] = entry["id"]
    tags = [tag.get("term") for tag in entry.get("tags") or [] if tag.get("term")]
    if tags:
        item["categories"] = tags
    iso = _date(entry)
    if iso:
        item["isoDate"] = iso
    return item


_ENCLOSURE = (("url", "href"), ("length", "length"), ("type", "type"))


def _atom_item(entry: Any) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key in ("title", "link"):
        if entry.get(key):
            item[key] = entry[key]
    iso = _date(entry)
    if iso:
        item["pubDate"] = iso  # rss-parser turns Atom's published (or updated) into ISO 8601
    if entry.get("author"):
        item["author"] = entry["author"]
    contents = entry.get("content") or []
    if contents:
        item["content"] = contents[0].get("value", "")
        item["contentSnippet"] = snippet(item["content"])
    if "summary_detail" in entry:  # as for RSS: a summary of its own, not content copied
        item["summary"] = entry.get("summary", "")
    if entry.get("id"):
        item["id"] = entry["id"]
    if iso:
        item["isoDate"] = iso
    return item


def entry_id(item: dict[str, Any]) -> str | None:
    """What identifies an entry for a poll: its guid (RSS) or id (Atom), else its link, else
    its title and date; None for an entry with none of them."""
    for key in ("guid", "id", "link"):
        if item.get(key):
            return str(item[key])
    if item.get("title"):
        return f"{item['title']}|{item.get('isoDate') or ''}"
    return None


def poll_entries(url: str) -> list[dict[str, Any]]:
    """trigger.poll's `rss` source: the feed's entries, each with its `entryId` (what the poll
    remembers; see `entry_id`). Raises NodeError."""
    items = read(url)["items"]
    return [{**item, "entryId": entry_id(item)} for item in items if entry_id(item)]
