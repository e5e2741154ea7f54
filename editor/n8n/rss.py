"""n8n's RSS Read as action.rss and RSS Feed Trigger as trigger.poll's `rss` source. Entries
come out in rss-parser's shape (workfuse/lib/feeds.py), so `$json.title` or
`$json.contentSnippet` keep working; RSS Read declares its list (`items`), so the nodes after
it run once per entry as in n8n."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import text
from editor.n8n.apps_google import _interval
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

CREATOR = (
    "n8n gave a feed's author and dc:creator as creator, author and dc:creator; WorkFuse gives "
    "them as creator."
)
INSECURE = (
    "n8n ignored the feed's TLS certificate problems (ignoreSSL); WorkFuse always checks the "
    "certificate: give the feed a valid one, or read it over http://."
)


def _url_note(url: Any) -> list[str]:
    """n8n reads text without a leading '=' literally, `{{ … }}` included: such a URL fails in
    n8n too, so the import says what to set."""
    if isinstance(url, str) and "{{" in url and not url.startswith("="):
        return [
            f"n8n's URL is the literal text {url!r} (not an expression, so n8n could not read "
            "it either): set the feed's address."
        ]
    return []


def _rss_read(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    url = p.get("url", "")
    if url in ("", None):
        raise Refusal("has no URL; set the feed's URL in n8n and export again.")
    options = p.get("options") or {}
    if options.get("customFields"):
        raise Refusal(
            "reads custom fields (customFields), which WorkFuse's feed reader does not give; "
            "remove the option in n8n and export again."
        )
    notes = [CREATOR, *_url_note(url)]
    if options.get("ignoreSSL"):
        notes.append(INSECURE)
    return Converted("action.rss", {"url": text(cx, node, url)}, notes=notes)


def _rss_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    url = p.get("feedUrl", "https://blog.n8n.io/rss/")  # n8n's default
    if isinstance(url, str) and url.startswith("="):
        raise Refusal(
            "takes its feed URL from an expression; a poll asks one fixed URL. Set the URL as "
            "text in n8n and export again."
        )
    notes = [
        CREATOR,
        *_url_note(url),
        "n8n started one run with every entry newer than the last one it saw; WorkFuse starts "
        "one run per new entry (by its guid, id or link).",
    ]
    config: dict[str, Any] = {
        "source": "rss",
        "url": text(cx, node, url),
        "id_field": "entryId",
        "interval_seconds": _interval(p.get("pollTimes"), notes),
    }
    return Converted("trigger.poll", config, notes=notes)


SPECS: dict[str, Spec] = {
    f"{BASE}rssFeedRead": Spec(_rss_read, "", items="items"),
    f"{BASE}rssFeedReadTrigger": Spec(_rss_trigger, "trigger"),
}
