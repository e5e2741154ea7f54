"""Importing n8n's NocoDB node (editor/n8n/apps_nocodb.py) onto `app.nocodb`: the config each
operation becomes (from the corpus's own settings), the refusals, and the corpus's news row
stored by a run in the engine against the fake NocoDB."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.nocodb import TABLE, TOKEN, FakeNocoDB
from tests.test_n8n_apps import converted, refusal, single, spec_items

# From awesome/"Scrape and summarize posts of a news site without RSS feed using AI and save
# them to a NocoDB" (typeVersion 2).
NEWS_ROW = {
    "table": TABLE,
    "fieldsUi": {
        "fieldValues": [
            {"fieldName": "=News_Source", "fieldValue": "=Colt"},
            {"fieldName": "Title", "fieldValue": '={{ $json["title"] }}'},
            {"fieldName": "Link", "fieldValue": '={{ $json["Link"] }}'},
            {"fieldName": "Summary", "fieldValue": '={{ $json["summary"] }}'},
        ]
    },
    "operation": "create",
    "projectId": "prqu4e8bjj4bv1j",
    "authentication": "nocoDbApiToken",
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            NEWS_ROW,
            {
                "operation": "create_row",
                "table_id": TABLE,
                "fields": {
                    "News_Source": "Colt",
                    "Title": '{{ trigger["title"] }}',
                    "Link": "{{ trigger.Link }}",
                    "Summary": "{{ trigger.summary }}",
                },
            },
        ),
        (
            {
                "table": TABLE,
                "id": "3",
                "operation": "update",
                "fieldsUi": {"fieldValues": [{"fieldName": "Status", "fieldValue": "Done"}]},
            },
            {
                "operation": "update_row",
                "table_id": TABLE,
                "row_id": "3",
                "fields": {"Status": "Done"},
            },
        ),
        (
            {"table": TABLE, "id": "3"},
            {"operation": "get_row", "table_id": TABLE, "row_id": "3"},
        ),
        (
            {
                "table": TABLE,
                "operation": "getAll",
                "limit": 10,
                "options": {
                    "where": "(Status,eq,Open)",
                    "sort": {"property": [{"field": "Date", "direction": "desc"}]},
                },
            },
            {
                "operation": "list_rows",
                "table_id": TABLE,
                "where": "(Status,eq,Open)",
                "sort": "-Date",
                "max_results": 10,
            },
        ),
        (
            {"table": TABLE, "id": "3", "operation": "delete"},
            {"operation": "delete_row", "table_id": TABLE, "row_id": "3"},
        ),
    ],
)
def test_each_operation_becomes_its_nocodb_config(params, config):
    node = converted("nocoDb", params, version=2)
    assert node["type"] == "app.nocodb"
    assert node["config"] == config
    assert "choose a NocoDB credential (an API token and the server's address)" in node["notes"]


def test_a_list_emits_one_item_per_row():
    assert spec_items("nocoDb", {"table": TABLE, "operation": "getAll"}, 2) == "rows"


@pytest.mark.parametrize(
    ("params", "version", "said"),
    [
        (NEWS_ROW, 1, "the API of NocoDB before 0.90"),
        (NEWS_ROW | {"dataToSend": "autoMapInputData"}, 2, "Auto-Map Input Data"),
        (
            {"table": TABLE, "operation": "getAll", "options": {"fields": ["a"]}},
            2,
            "sets fields in Options",
        ),
        (
            {"table": TABLE, "operation": "getAll", "options": {"downloadAttachments": True}},
            2,
            "attachments",
        ),
        ({"table": TABLE}, 2, "names no row (Row ID)"),
    ],
)
def test_what_the_nocodb_node_lacks_is_refused_naming_node_and_construct(params, version, said):
    message = refusal("nocoDb", params, version=version)
    assert "'App' (n8n-nodes-base.nocoDb)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_news_row_is_stored(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(single("nocoDb", NEWS_ROW, version=2, name="NocoDB news database"))
    assert validate_graph(graph) == []
    with running(FakeNocoDB()) as nocodb:
        credential = store.create(
            alice, "News", "nocodb", {"api_token": TOKEN, "base_url": nocodb.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.nocodb":
                node["config"]["credential"] = credential.pk
        post = {"title": "Launch", "Link": "https://colt.example/launch", "summary": "New."}
        execution = engine.start_execution(make_workflow(alice, graph), post)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        rows = dict(nocodb.rows)
    assert rows == {
        1: {
            "Id": 1,
            "News_Source": "Colt",
            "Title": "Launch",
            "Link": "https://colt.example/launch",
            "Summary": "New.",
        }
    }
