"""Importing n8n's Mailchimp node (editor/n8n/apps_mailchimp.py) onto `app.mailchimp`: the
config each supported operation becomes (from the corpus's own settings), the refusals, where
lists put their items, and an imported workflow run in the engine against the fake
Mailchimp."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.mailchimp import API_KEY, LIST_ID, FakeMailchimp, md5
from tests.test_n8n_apps import converted, refusal, single, spec_items

MERGE = {"mergeFieldsValues": [{"name": "FNAME", "value": "={{ $json.first }}"}]}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "list": "777b2643d4",
                "email": "={{ $json.email }}",
                "status": "subscribed",
                "options": {"tags": "Interest, VIP"},
                "mergeFieldsUi": MERGE,
            },
            {
                "operation": "create_member",
                "list_id": "777b2643d4",
                "email": "{{ trigger.email }}",
                "status": "subscribed",
                "merge_fields": {"FNAME": "{{ trigger.first }}"},
                "tags": ["Interest", "VIP"],
            },
        ),
        (
            {
                "list": "l1",
                "email": "a@b.c",
                "operation": "update",
                "jsonParameters": True,
                "mergeFieldsJson": '{"LNAME": "L"}',
                "updateFields": {"status": "unsubscribed", "vip": True},
            },
            {
                "operation": "update_member",
                "list_id": "l1",
                "email": "a@b.c",
                "status": "unsubscribed",
                "merge_fields": {"LNAME": "L"},
                "vip": True,
            },
        ),
        (
            {"list": "l1", "email": "a@b.c", "operation": "get", "options": {}},
            {"operation": "get_member", "list_id": "l1", "email": "a@b.c"},
        ),
        (
            {
                "list": "bcfb6ff8f1",
                "options": {"sinceLastChanged": "={{ $json.last }}"},
                "operation": "getAll",
            },
            {
                "operation": "list_members",
                "list_id": "bcfb6ff8f1",
                "since_last_changed": "{{ trigger.last }}",
                "max_results": 500,
            },
        ),
        (
            {
                "list": "qwertz",
                "tags": ["high-order"],
                "email": "a@b.c",
                "options": {},
                "resource": "memberTag",
            },
            {
                "operation": "add_tags",
                "list_id": "qwertz",
                "email": "a@b.c",
                "tags": ["high-order"],
            },
        ),
        (
            {
                "list": "q",
                "tags": ["x"],
                "email": "a@b.c",
                "resource": "memberTag",
                "operation": "delete",
            },
            {"operation": "remove_tags", "list_id": "q", "email": "a@b.c", "tags": ["x"]},
        ),
    ],
)
def test_each_operation_becomes_its_mailchimp_config(params, config):
    node = converted("mailchimp", params)
    assert node["type"] == "app.mailchimp"
    assert node["config"] == config
    assert "choose a Mailchimp credential" in node["notes"]


def test_return_all_reads_up_to_ten_thousand_and_says_so():
    node = converted("mailchimp", {"list": "l", "operation": "getAll", "returnAll": True})
    assert node["config"]["max_results"] == 10000
    assert "n8n read every member; WorkFuse reads at most 10000." in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "campaign"}, "does 'campaign / getAll', which WorkFuse's Mailchimp"),
        ({"list": "l", "email": "a@b.c", "operation": "delete"}, "does 'member / delete'"),
        (
            {
                "list": "l",
                "email": "a@b.c",
                "status": "subscribed",
                "options": {"ipSignup": "1.2.3.4"},
            },
            "sets the member option(s) ipSignup, which WorkFuse's Mailchimp node does not send",
        ),
        (
            {
                "list": "l",
                "email": "a@b.c",
                "status": "subscribed",
                "groupsUi": {"groupsValues": [{}]},
            },
            "sets groupsUi; WorkFuse's Mailchimp node sends no location or interest groups",
        ),
        ({"email": "a@b.c", "status": "subscribed"}, "names no audience (list)"),
    ],
)
def test_what_the_mailchimp_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("mailchimp", params)
    assert "'App' (n8n-nodes-base.mailchimp)" in message
    assert said in message


def test_member_lists_say_where_their_items_lie():
    assert spec_items("mailchimp", {"list": "l", "operation": "getAll"}, 1) == "members"
    assert spec_items("mailchimp", {"list": "l", "email": "a@b.c"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_tags_each_listed_member(alice, settings):
    """Corpus workflow 0244's first half (list the changed members) followed by a tag for each,
    as workflow 0086 tags its customer."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("mailchimp", {"list": LIST_ID, "operation": "getAll", "options": {}})
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Tag",
            "parameters": {
                "list": LIST_ID,
                "tags": ["synced"],
                "email": "={{ $json.email_address }}",
                "resource": "memberTag",
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Tag", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeMailchimp()) as mailchimp:
        mailchimp.add("ada@example.com")
        mailchimp.add("bob@example.com")
        credential = store.create(
            alice, "News", "mailchimp", {"api_key": API_KEY, "base_url": mailchimp.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.mailchimp":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        tags = {
            e: [t["name"] for t in mailchimp.members[md5(e)]["tags"]]
            for e in ("ada@example.com", "bob@example.com")
        }
    assert tags == {"ada@example.com": ["synced"], "bob@example.com": ["synced"]}
