"""app.notion's get and update page, get database, list blocks (paged, nested) and compound
filters against the fake Notion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from integrations.notion.node import Config
from integrations.notion.simple import snake_case
from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.notion import DATABASE, PAGE, TOKEN, FakeNotion
from workfuse.lib.node_run import Secret

NOTION = "app.notion"


@pytest.fixture
def notion(settings: Any) -> Iterator[FakeNotion]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeNotion()) as fake:
        yield fake


def token(fake: FakeNotion) -> Secret:
    return Secret("notion", {"token": TOKEN}, {"base_url": fake.url}, name="Acme Notion")


def test_get_page_by_its_url(notion):
    row = notion.add_row("Write docs")
    url = "https://www.notion.so/acme/Write-docs-" + row["id"].replace("-", "")
    output = run_app(NOTION, {"operation": "get_page", "page_id": url}, token(notion))
    [request] = notion.requests
    assert (request.method, request.path) == ("GET", f"/v1/pages/{row['id'].replace('-', '')}")
    assert output["id"] == row["id"]
    assert output["properties"]["Name"]["title"][0]["plain_text"] == "Write docs"
    assert output["properties"]["Status"] == {"type": "select", "select": {"name": "Open"}}


def test_update_page_patches_only_the_given_properties(notion):
    row = notion.add_row("Write docs")
    output = run_app(
        NOTION,
        {
            "operation": "update_page",
            "page_id": row["id"],
            "properties": {"Status": {"select": {"name": "Done"}}},
        },
        token(notion),
    )
    [request] = notion.requests
    assert request.method == "PATCH"
    assert request.json == {"properties": {"Status": {"select": {"name": "Done"}}}}
    assert output["properties"]["Status"] == {"type": "select", "select": {"name": "Done"}}
    assert output["properties"]["Name"]["title"][0]["plain_text"] == "Write docs"


def test_archiving_a_page_needs_no_properties(notion):
    row = notion.add_row("Old")
    run_app(
        NOTION, {"operation": "update_page", "page_id": row["id"], "archived": True}, token(notion)
    )
    assert notion.requests[0].json == {"properties": {}, "archived": True}
    assert notion.pages[0]["archived"] is True


def test_update_page_needs_properties_or_archiving():
    with pytest.raises(ValidationError, match="unless the page is archived"):
        Config.model_validate({"operation": "update_page", "page_id": PAGE})


def test_get_database(notion):
    output = run_app(NOTION, {"operation": "get_database", "database_id": DATABASE}, token(notion))
    assert notion.requests[0].path == f"/v1/databases/{DATABASE}"
    assert output["object"] == "database" and "Status" in output["properties"]


def test_list_blocks_follows_notions_pages_and_lists_nested_blocks_after_their_parent(notion):
    for n in range(120):
        notion.add_block(PAGE, f"line {n}")
    toggle = notion.add_block(PAGE, "toggle", children=True)
    inside = notion.add_block(toggle["id"], "inside")
    notion.add_block(PAGE, "last")
    flat = run_app(NOTION, {"operation": "list_blocks", "block_id": PAGE}, token(notion))
    assert flat["count"] == 122 and flat["results"][0]["parent_id"] == PAGE
    assert [r.query.get("start_cursor") for r in notion.requests] == [None, ["100"]]
    nested = run_app(
        NOTION, {"operation": "list_blocks", "block_id": PAGE, "nested": True}, token(notion)
    )
    texts = [b["paragraph"]["rich_text"][0]["plain_text"] for b in nested["results"][-3:]]
    assert texts == ["toggle", "inside", "last"]
    assert nested["results"][-2]["id"] == inside["id"]
    assert nested["results"][-2]["parent_id"] == toggle["id"]


def test_list_blocks_limit_and_simplify_as_n8n(notion):
    toggle = notion.add_block(PAGE, "first", children=True)
    notion.add_block(toggle["id"], "inside")
    notion.add_block(PAGE, "second")
    output = run_app(
        NOTION,
        {
            "operation": "list_blocks",
            "block_id": PAGE,
            "nested": True,
            "limit": 2,
            "simplify": True,
        },
        token(notion),
    )
    assert [(b["content"], b["root_id"], "paragraph" in b) for b in output["results"]] == [
        ("first", PAGE, False),
        ("inside", PAGE, False),
    ]
    assert output["results"][1]["parent_id"] == toggle["id"]


def test_a_page_of_too_many_blocks_is_refused_not_cut(notion, monkeypatch):
    monkeypatch.setattr("integrations.notion.node.MAX_BLOCKS", 50)
    for n in range(60):
        notion.add_block(PAGE, f"line {n}")
    error = app_error(NOTION, {"operation": "list_blocks", "block_id": PAGE}, token(notion))
    assert "more than 50 blocks" in error.message


def test_a_compound_filter_is_sent_as_it_is(notion):
    notion.add_row("A", "Open")
    notion.add_row("B", "Done")
    notion.add_row("C", "Blocked")
    test = {
        "or": [
            {"property": "Status", "select": {"equals": "Open"}},
            {"property": "Status", "select": {"equals": "Blocked"}},
        ]
    }
    output = run_app(
        NOTION,
        {"operation": "query_database", "database_id": DATABASE, "filter": test},
        token(notion),
    )
    assert notion.requests[0].json["filter"] == test
    assert output["count"] == 2


def test_snake_case_is_change_cases():
    assert [
        snake_case(n)
        for n in ("Last edited time", "URL", "myProp", "Prénom", "ABCDef", "Status2", " a--b ")
    ] == ["last_edited_time", "url", "my_prop", "pr_nom", "abc_def", "status2", "a_b"]


def test_simplify_gives_pages_and_databases_as_n8n_does(notion):
    row = notion.add_row("Write docs", "Open")
    row["properties"].update(
        {
            "Tags": {"type": "multi_select", "multi_select": [{"name": "a"}, {"name": "b"}]},
            "Due date": {"type": "date", "date": {"start": "2024-05-01", "end": None}},
            "Owner": {"type": "people", "people": [{"person": {"email": "ada@example.com"}}]},
            "Unique": {"type": "unique_id", "unique_id": {"number": 3}},
        }
    )
    expected = {
        "id": row["id"],
        "name": "Write docs",
        "url": row["url"],
        "property_name": "Write docs",
        "property_status": "Open",
        "property_tags": ["a", "b"],
        "property_due_date": {"start": "2024-05-01", "end": None},
        "property_owner": ["ada@example.com"],
    }
    page = run_app(
        NOTION, {"operation": "get_page", "page_id": row["id"], "simplify": True}, token(notion)
    )
    assert page == expected
    query = run_app(
        NOTION,
        {"operation": "query_database", "database_id": DATABASE, "simplify": True},
        token(notion),
    )
    assert query["results"] == [expected] and query["count"] == 1
    database = run_app(
        NOTION,
        {"operation": "get_database", "database_id": DATABASE, "simplify": True},
        token(notion),
    )
    assert database == {"id": "01234567-89ab-cdef-0123-456789abcdef", "name": "Tasks", "url": None}
