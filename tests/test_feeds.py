"""RSS and Atom feeds (workfuse/lib/feeds.py, action.rss, trigger.poll's rss source and the
import of n8n's RSS Read and RSS Feed Trigger) against a feed server on 127.0.0.1
(tests/fakes/feeds.py): entries in rss-parser's shape, the guarded fetch, and polls that start
one run per new entry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from editor.graph import ImportRefused
from editor.models import Poll
from editor.n8n import convert
from editor.nodes import trigger_poll
from editor.validation import validate_graph
from executions import engine
from executions.models import Execution
from tests.engine_helpers import make_workflow
from tests.fakes import Answer, running
from tests.fakes.feeds import Entry, FakeFeeds
from tests.test_poll_trigger import active, poll_now
from workfuse.lib import feeds
from workfuse.lib.node_run import NodeError

FIRST = Entry(
    guid="post-1",
    title="Hello & welcome",
    link="https://blog.example.com/hello",
    published="Mon, 30 Nov 2026 09:15:00 GMT",
    description="<p>First <b>post</b></p><p>Second line &amp; more</p>",
    encoded="<div>The whole <i>post</i></div>",
    creator="Ada",
    categories=["news", "intro"],
)


@pytest.fixture
def site(settings: Any) -> Iterator[FakeFeeds]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeFeeds()) as fake:
        fake.publish(FIRST)
        yield fake


def test_an_rss_entry_comes_out_as_n8ns_rss_read_gives_it(site):
    feed = feeds.read(f"{site.url}/rss")

    assert feed["count"] == 1 and feed["feed"]["title"] == "Fake blog"
    assert feed["items"] == [
        {
            "creator": "Ada",
            "title": "Hello & welcome",
            "link": "https://blog.example.com/hello",
            "pubDate": "Mon, 30 Nov 2026 09:15:00 GMT",
            "content:encoded": "<div>The whole <i>post</i></div>",
            "content:encodedSnippet": "The whole post",
            "content": "<p>First <b>post</b></p><p>Second line &amp; more</p>",
            "contentSnippet": "First post\nSecond line & more",
            "guid": "post-1",
            "categories": ["news", "intro"],
            "isoDate": "2026-11-30T09:15:00.000Z",
        }
    ]
    assert "rss+xml" in site.requests[0].headers["accept"]


def test_an_atom_entry_comes_out_as_rss_parser_gives_it(site):
    site.entries = [
        Entry(
            guid="yt:video:abc",
            title="A video",
            link="https://videos.example.com/watch?v=abc",
            published="2026-12-01T10:00:00+01:00",
            description="Short summary",
            encoded="<p>Long description</p>",
            creator="Channel",
        )
    ]
    [item] = feeds.read(f"{site.url}/atom")["items"]

    assert item == {
        "title": "A video",
        "link": "https://videos.example.com/watch?v=abc",
        "pubDate": "2026-12-01T09:00:00.000Z",
        "author": "Channel",
        "content": "<p>Long description</p>",
        "contentSnippet": "Long description",
        "summary": "Short summary",
        "id": "yt:video:abc",
        "isoDate": "2026-12-01T09:00:00.000Z",
    }


def test_redirects_are_followed_and_a_web_page_is_no_feed(site):
    assert feeds.read(f"{site.url}/moved")["items"][0]["guid"] == "post-1"
    with pytest.raises(NodeError, match="not an RSS or Atom feed"):
        feeds.read(f"{site.url}/page")


def test_a_body_that_looks_like_a_path_is_parsed_never_opened(site):
    site.script(Answer(body=b"/etc/passwd"))
    with pytest.raises(NodeError, match="not an RSS or Atom feed"):
        feeds.read(f"{site.url}/rss")


def test_entity_expansion_is_not_followed():
    levels = "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">{levels}]>'
        '<rss version="2.0"><channel><title>x</title><item><title>&lol9;</title></item>'
        "</channel></rss>"
    )
    [item] = feeds.parse(bomb.encode())["items"]
    assert len(item["title"]) < 100


def test_server_errors_are_retryable_and_missing_feeds_are_not(site):
    site.script(Answer(status=503, body="busy"))
    with pytest.raises(NodeError) as busy:
        feeds.read(f"{site.url}/rss", "url")
    assert busy.value.retryable and "status 503" in busy.value.message
    with pytest.raises(NodeError) as missing:
        feeds.read(f"{site.url}/nothing")
    assert not missing.value.retryable


def test_a_feed_over_the_size_cap_stops_being_read(site, monkeypatch):
    monkeypatch.setattr(feeds, "MAX_FEED_BYTES", 100)
    with pytest.raises(NodeError, match="over 0 MB; stopped reading"):
        feeds.read(f"{site.url}/rss")


def test_private_targets_are_refused_unless_allowed(site, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    with pytest.raises(NodeError, match=r"Refused to connect to 127\.0\.0\.1"):
        feeds.read(f"{site.url}/rss", "url")
    assert site.requests == []


def test_a_url_that_is_not_http_names_the_setting():
    with pytest.raises(NodeError, match=r"url must be an http:// or https:// URL"):
        feeds.read("file:///etc/passwd")


@pytest.mark.django_db(transaction=True)
def test_action_rss_in_a_run_outputs_the_entries(alice, site):
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {"id": "feed", "type": "action.rss", "config": {"url": f"{site.url}/rss"}},
        ],
        "edges": [{"source": "start", "target": "feed"}],
    }
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="feed").output
    assert output["count"] == 1 and output["items"][0]["title"] == "Hello & welcome"


def test_action_rss_refuses_a_url_that_is_not_http_on_its_field():
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {"id": "feed", "type": "action.rss", "config": {"url": "ftp://x"}},
        ],
        "edges": [{"source": "start", "target": "feed"}],
    }
    [issue] = validate_graph(graph)
    assert issue.field == "config.url" and "http:// or https://" in issue.message


def rss_poll(url: str) -> dict[str, Any]:
    config = trigger_poll.fill_form({"preset": "rss_entries", "url": url, "interval_seconds": 60})
    trigger = {"id": "new_post", "type": "trigger.poll", "config": config}
    note = {
        "id": "note",
        "type": "utility.transform",
        "config": {"language": "template", "expression": "{{ trigger.title }}"},
    }
    return {"nodes": [trigger, note], "edges": [{"source": "new_post", "target": "note"}]}


def test_the_rss_preset_sets_the_source_and_the_entry_id():
    filled = trigger_poll.fill_form({"preset": "rss_entries", "url": "https://x.test/rss"})
    assert filled == {
        "url": "https://x.test/rss",
        "source": "rss",
        "method": "GET",
        "id_field": "entryId",
    }
    assert trigger_poll.asks(trigger_poll.Config.model_validate(filled)) == "https://x.test/rss"


@pytest.mark.django_db(transaction=True)
def test_the_rss_poll_starts_one_run_per_new_entry(alice, site):
    workflow = active(alice, rss_poll(f"{site.url}/rss"))
    assert poll_now(workflow) == 0  # the first poll only records
    assert Poll.objects.get(workflow=workflow).last_found == 1

    site.publish(
        Entry(guid="post-2", title="Second", link="https://blog.example.com/2", published="")
    )
    assert poll_now(workflow) == 1
    assert poll_now(workflow) == 1  # seen: no second run

    run = Execution.objects.get(workflow=workflow)
    assert run.status == "succeeded", run.error
    assert run.trigger_data["guid"] == "post-2" and run.trigger_data["entryId"] == "post-2"
    assert run.steps.get(key="note").output["result"] == "Second"


@pytest.mark.django_db(transaction=True)
def test_a_poll_of_a_web_page_shows_why_on_the_poll(alice, site):
    workflow = active(alice, rss_poll(f"{site.url}/page"))
    poll_now(workflow)
    poll = Poll.objects.get(workflow=workflow)
    assert poll.last_status == "error" and "not an RSS or Atom feed" in poll.last_error


# --- the import of n8n's RSS nodes ------------------------------------------------------------

N8N = "n8n-nodes-base."


def n8n_export(*nodes: dict[str, Any], links: list[tuple[str, str]]) -> dict[str, Any]:
    connections: dict[str, Any] = {}
    for source, target in links:
        connections.setdefault(source, {"main": [[]]})["main"][0].append(
            {"node": target, "type": "main", "index": 0}
        )
    return {"nodes": list(nodes), "connections": connections}


def n8n_node(name: str, kind: str, params: dict[str, Any], version: float = 1) -> dict[str, Any]:
    return {
        "name": name,
        "type": N8N + kind,
        "typeVersion": version,
        "position": [0, 0],
        "parameters": params,
    }


def test_rss_read_imports_as_action_rss_and_the_next_node_runs_per_entry():
    data = n8n_export(
        n8n_node("Start", "manualTrigger", {}),
        n8n_node("RSS Read", "rssFeedRead", {"url": "https://blog.example.com/rss"}, 1.1),
        n8n_node(
            "Title",
            "set",
            {
                "assignments": {
                    "assignments": [{"name": "t", "value": "={{ $json.title }}", "type": "string"}]
                }
            },
            3.4,
        ),
        links=[("Start", "RSS Read"), ("RSS Read", "Title")],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    nodes = {n["label"]: n for n in graph["nodes"]}
    assert nodes["RSS Read"]["type"] == "action.rss"
    assert nodes["RSS Read"]["config"] == {"url": "https://blog.example.com/rss"}
    loop = next(n for n in graph["nodes"] if n["type"] == "logic.loop")
    assert loop["config"]["items"] == "{{ nodes.rss_read.items }}"
    assert 'item["title"]' in nodes["Title"]["config"]["expression"]


def test_rss_read_with_custom_fields_is_refused_by_name():
    data = n8n_export(
        n8n_node("Start", "manualTrigger", {}),
        n8n_node(
            "Feed",
            "rssFeedRead",
            {"url": "https://x.test/rss", "options": {"customFields": "author"}},
            1.1,
        ),
        links=[("Start", "Feed")],
    )
    with pytest.raises(ImportRefused) as refused:
        convert(data)
    assert "n8n node 'Feed' (n8n-nodes-base.rssFeedRead): reads custom fields" in str(
        refused.value.issues
    )


def test_rss_trigger_imports_as_an_rss_poll_every_minute():
    data = n8n_export(
        n8n_node(
            "RSS Feed Trigger",
            "rssFeedReadTrigger",
            {
                "feedUrl": "https://videos.example.com/feeds/videos.xml?channel_id=UC1",
                "pollTimes": {"item": [{"mode": "everyMinute"}]},
            },
        ),
        links=[],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    [trigger] = graph["nodes"]
    assert trigger["type"] == "trigger.poll"
    assert trigger["config"] == {
        "source": "rss",
        "url": "https://videos.example.com/feeds/videos.xml?channel_id=UC1",
        "id_field": "entryId",
        "interval_seconds": 60,
    }
    assert "one run per new entry" in trigger["notes"]


@pytest.mark.django_db(transaction=True)
def test_an_imported_rss_read_runs_against_the_feed(alice, site):
    data = n8n_export(
        n8n_node("Start", "manualTrigger", {}),
        n8n_node("RSS Read", "rssFeedRead", {"url": f"{site.url}/rss"}),
        links=[("Start", "RSS Read")],
    )
    execution = engine.start_execution(make_workflow(alice, convert(data)), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert execution.steps.get(key="rss_read").output["items"][0]["guid"] == "post-1"
