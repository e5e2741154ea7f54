"""trigger.poll's notion source against the fake Notion (tests/fakes/notion.py) and the import
of n8n's Notion Trigger (editor/n8n/apps_notion_trigger.py): the first poll records the
database's pages, each page added (or each edit, by id and last edit time) starts one run with
the page simplified as n8n's trigger simplifies it, and an imported trigger polls the fake."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import convert
from editor.nodes import trigger_poll
from editor.validation import validate_graph
from executions.models import Execution
from integrations.notion import new_pages
from tests.fakes import running
from tests.fakes.notion import DATABASE, TOKEN, FakeNotion
from tests.test_n8n_apps import BASE
from tests.test_poll_trigger import active, poll_now
from workfuse.lib.node_run import NodeError, Secret


@pytest.fixture
def notion(settings: Any) -> Iterator[FakeNotion]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeNotion()) as fake:
        fake.add_row("Old", "Done")
        yield fake


def notion_graph(credential: int, **settings: Any) -> dict[str, Any]:
    config = {
        "source": "notion",
        "credential": credential,
        "notion_database_id": DATABASE,
        "id_field": "id",
        "interval_seconds": 60,
        **settings,
    }
    trigger = {"id": "new_page", "type": "trigger.poll", "config": config}
    note = {
        "id": "note",
        "type": "utility.transform",
        "config": {"language": "template", "expression": "{{ trigger.Name }}"},
    }
    return {"nodes": [trigger, note], "edges": [{"source": "new_page", "target": "note"}]}


def credential(owner: Any, fake: FakeNotion) -> int:
    return store.create(owner, "Wiki", "notion", {"token": TOKEN, "base_url": fake.url}).pk


def test_pages_are_simplified_as_n8ns_trigger_does(notion):
    secret = Secret("notion", {"token": TOKEN}, {"base_url": notion.url}, name="Wiki")
    url = f"https://www.notion.so/acme/Tasks-{DATABASE}?v=1"
    [page] = new_pages.poll_pages(secret, {"notion_database_id": url})
    assert page == {"id": notion.pages[0]["id"], "Name": "Old", "Status": "Done"}
    [raw] = new_pages.poll_pages(secret, {"notion_database_id": DATABASE, "notion_simple": False})
    assert raw["object"] == "page" and raw["properties"]["Status"]["select"]["name"] == "Done"
    query = notion.requests[0]
    assert query.path == f"/v1/databases/{DATABASE}/query"
    assert query.json == {
        "page_size": 100,
        "sorts": [{"timestamp": "created_time", "direction": "descending"}],
    }
    with pytest.raises(NodeError, match="did not accept the credential “Wiki”"):
        new_pages.poll_pages(
            Secret("notion", {"token": "bad"}, {"base_url": notion.url}, name="Wiki"),
            {"notion_database_id": DATABASE},
        )


def test_the_settings_name_the_missing_database():
    with pytest.raises(ValidationError) as caught:
        trigger_poll.Config.model_validate({"source": "notion"})
    assert caught.value.errors()[0]["loc"] == ("notion_database_id",)
    config = trigger_poll.Config.model_validate(
        {"source": "notion", "notion_database_id": DATABASE, "notion_event": "page_updated"}
    )
    assert trigger_poll.asks(config) == f"Notion database {DATABASE} (page_updated)"
    assert "notion" in trigger_poll.NODE.credential_kinds


@pytest.mark.django_db(transaction=True)
def test_each_page_added_starts_one_run(alice, notion):
    workflow = active(alice, notion_graph(credential(alice, notion)))
    assert poll_now(workflow) == 0  # the first poll records what is there
    notion.add_row("Write the report")
    assert poll_now(workflow) == 1
    assert poll_now(workflow) == 1
    run = Execution.objects.get(workflow=workflow)
    assert run.status == "succeeded", run.error
    assert run.trigger_data == {
        "id": notion.pages[1]["id"],
        "Name": "Write the report",
        "Status": "Open",
    }
    assert run.steps.get(key="note").output["result"] == "Write the report"


@pytest.mark.django_db(transaction=True)
def test_watching_updates_starts_a_run_per_edit(alice, notion):
    graph = notion_graph(credential(alice, notion), notion_event="page_updated")
    graph["nodes"][0]["config"]["id_field"] = "change_id"
    workflow = active(alice, graph)
    assert poll_now(workflow) == 0
    page = notion.pages[0]
    page["properties"]["Status"] = {"select": {"name": "Reopened"}}
    page["last_edited_time"] = "2027-01-01T00:00:00.000Z"
    assert poll_now(workflow) == 1
    page["last_edited_time"] = "2027-01-02T00:00:00.000Z"
    assert poll_now(workflow) == 2
    runs = Execution.objects.filter(workflow=workflow)
    assert sorted(r.trigger_data["change_id"] for r in runs) == [
        f"{page['id']}@2027-01-01T00:00:00.000Z",
        f"{page['id']}@2027-01-02T00:00:00.000Z",
    ]
    assert {r.trigger_data["Status"] for r in runs} == {"Reopened"}


# --- the import ---------------------------------------------------------------------------------

TRIGGER = {
    "event": "pagedUpdatedInDatabase",
    "pollTimes": {"item": [{"mode": "everyMinute"}]},
    "databaseId": {
        "__rl": True,
        "mode": "list",
        "value": "ec6dc7b4-9ce0-47f7-8025-ef09295999fd",
        "cachedResultName": "Knowledge Base",
    },
}


def export(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "Notion watch",
        "nodes": [
            {
                "parameters": copy.deepcopy(params),
                "name": "Notion Trigger",
                "type": f"{BASE}notionTrigger",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                "parameters": {"values": {"string": [{"name": "t", "value": "={{ $json.id }}"}]}},
                "name": "Set",
                "type": f"{BASE}set",
                "typeVersion": 2,
                "position": [240, 0],
            },
        ],
        "connections": {
            "Notion Trigger": {"main": [[{"node": "Set", "type": "main", "index": 0}]]}
        },
    }


def test_the_trigger_becomes_a_notion_poll():
    graph = convert(export(TRIGGER))
    assert validate_graph(graph) == []
    trigger = next(n for n in graph["nodes"] if n["type"] == "trigger.poll")
    assert trigger["config"] == {
        "source": "notion",
        "notion_database_id": "ec6dc7b4-9ce0-47f7-8025-ef09295999fd",
        "notion_event": "page_updated",
        "notion_simple": True,
        "id_field": "change_id",
        "interval_seconds": 60,
    }
    assert "WorkFuse starts one per page" in trigger["notes"]
    added = {**TRIGGER, "simple": False}
    del added["event"]
    config = next(n for n in convert(export(added))["nodes"] if n["type"] == "trigger.poll")
    assert config["config"]["notion_event"] == "page_added"
    assert config["config"]["id_field"] == "id" and config["config"]["notion_simple"] is False


def test_a_trigger_without_a_database_is_refused():
    empty = {**TRIGGER, "databaseId": {"__rl": True, "mode": "list", "value": ""}}
    with pytest.raises(ImportRefused) as refused:
        convert(export(empty))
    [issue] = refused.value.issues
    assert "(n8n-nodes-base.notionTrigger): watches no database" in issue.message


@pytest.mark.django_db(transaction=True)
def test_an_imported_trigger_polls_the_database(alice, notion):
    params = {**TRIGGER, "event": "pageAddedToDatabase"}
    params["databaseId"] = {**TRIGGER["databaseId"], "value": DATABASE}
    graph = convert(export(params))
    graph["nodes"][0]["config"]["credential"] = credential(alice, notion)
    workflow = active(alice, graph)
    assert poll_now(workflow) == 0
    notion.add_row("Fresh")
    assert poll_now(workflow) == 1
    run = Execution.objects.get(workflow=workflow)
    assert run.status == "succeeded", run.error
    assert run.trigger_data["Name"] == "Fresh"
