"""A feed server: RSS 2.0 and Atom 1.0 documents as real sites serve them, built from the
entries a test publishes (newest first), at /rss and /atom."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from tests.fakes import Answer, FakeService, Received


@dataclass
class Entry:
    guid: str
    title: str
    link: str
    published: str  # RFC 822 for RSS, ISO 8601 for Atom
    description: str = ""  # HTML
    encoded: str = ""  # content:encoded (RSS) / content (Atom), HTML
    creator: str = ""
    categories: list[str] = field(default_factory=list)


class FakeFeeds(FakeService):
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        super().__init__()

    def publish(self, entry: Entry) -> None:
        self.entries.insert(0, entry)

    def respond(self, request: Received) -> Answer:
        if request.path == "/rss":
            return Answer(body=self.rss().encode(), headers={"Content-Type": "application/rss+xml"})
        if request.path == "/atom":
            body = self.atom().encode()
            return Answer(body=body, headers={"Content-Type": "application/atom+xml"})
        if request.path == "/moved":
            return Answer(status=301, headers={"Location": "/rss"})
        if request.path == "/page":
            return Answer(body="<html><body><p>Not a feed</p></body></html>")
        return Answer(status=404, body="not found")

    def rss(self) -> str:
        items = "".join(
            "<item>"
            f"<title>{escape(e.title)}</title><link>{escape(e.link)}</link>"
            f"<pubDate>{e.published}</pubDate>"
            + (f"<dc:creator>{escape(e.creator)}</dc:creator>" if e.creator else "")
            + (f"<description>{escape(e.description)}</description>" if e.description else "")
            + (f"<content:encoded><![CDATA[{e.encoded}]]></content:encoded>" if e.encoded else "")
            + "".join(f"<category>{escape(c)}</category>" for c in e.categories)
            + f'<guid isPermaLink="false">{escape(e.guid)}</guid>'
            "</item>"
            for e in self.entries
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            "<title>Fake blog</title><link>https://blog.example.com/</link>"
            f"<description>Posts</description>{items}</channel></rss>"
        )

    def atom(self) -> str:
        entries = "".join(
            "<entry>"
            f"<title>{escape(e.title)}</title>"
            f'<link rel="alternate" href="{escape(e.link)}"/>'
            f"<id>{escape(e.guid)}</id><published>{e.published}</published>"
            f"<updated>{e.published}</updated>"
            + (f"<author><name>{escape(e.creator)}</name></author>" if e.creator else "")
            + (f'<summary type="html">{escape(e.description)}</summary>' if e.description else "")
            + (f'<content type="html">{escape(e.encoded)}</content>' if e.encoded else "")
            + "</entry>"
            for e in self.entries
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            '<title>Fake channel</title><link href="https://videos.example.com/"/>'
            f"<id>urn:feed</id><updated>2026-12-01T00:00:00Z</updated>{entries}</feed>"
        )
