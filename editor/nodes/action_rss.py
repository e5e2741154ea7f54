"""action.rss: read an RSS or Atom feed; its entries come out as a list, each in n8n's RSS Read
shape (workfuse/lib/feeds.py), for a loop or the data nodes after it."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from editor.nodes.base import NodeConfig, NodeType, RunContext
from workfuse.lib import feeds


class Config(NodeConfig):
    url: str = Field(
        min_length=1,
        description="The feed's address (RSS or Atom), e.g. https://blog.example.com/rss; may "
        "use templates, e.g. '{{ item.feed_url }}'.",
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        url = url.strip()
        if "{{" in url or "{%" in url:
            return url  # checked once rendered, when the node runs
        feeds.check_url(url, "url")
        return url


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{items, count, feed: {title, link, description}}."""
    return feeds.read(config.url, "url")


NODE = NodeType(
    type="action.rss",
    label="Read RSS feed",
    category="action",
    description="Reads an RSS or Atom feed and outputs its entries (title, link, pubDate, "
    "content, contentSnippet, isoDate, guid …) as a list in items.",
    Config=Config,
    run=run,
    icon="◉",
    examples=(
        (
            "Read the feed https://blog.example.com/rss",
            {"url": "https://blog.example.com/rss"},
        ),
        (
            "Read the RSS feed whose address is in the loop item's feed_url field",
            {"url": "{{ item.feed_url }}"},
        ),
    ),
)
