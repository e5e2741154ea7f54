"""app.jira against a fake Jira Cloud (tests/fakes/jira.py): each operation's request (method,
REST version, path, basic auth, body or query) and output, paging of searches and comments,
Jira's errors and 429, the token's test, and a run through the engine with a stored
credential."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.jira import rest_api
from integrations.jira.credentials import ApiToken
from integrations.jira.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.jira import API_TOKEN, EMAIL, FakeJira
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, Secret

JIRA = "app.jira"


@pytest.fixture
def jira(settings: Any) -> Iterator[FakeJira]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeJira()) as fake:
        yield fake


def token(fake: FakeJira, value: str = API_TOKEN) -> Secret:
    return Secret(
        "jira", {"api_token": value}, {"email": EMAIL, "base_url": fake.url}, name="Acme Jira"
    )


def test_create_issue_posts_the_fields_to_rest_v2_with_basic_auth(jira):
    output = run_app(
        JIRA,
        {
            "project": "10001",
            "issue_type": "10008",
            "summary": "Phishing reported",
            "description": "h2. Analysis\nLooks bad",
            "labels": ["phishing"],
            "priority": "High",
            "assignee": "5b10a2",
            "parent_key": "sup-1",
            "extra_fields": '{"customfield_10010": "Gold"}',
        },
        token(jira),
    )

    [request] = jira.requests
    assert (request.method, request.path) == ("POST", "/rest/api/2/issue")
    pair = base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {pair}"
    assert request.json == {
        "fields": {
            "project": {"id": "10001"},
            "summary": "Phishing reported",
            "issuetype": {"id": "10008"},
            "description": "h2. Analysis\nLooks bad",
            "labels": ["phishing"],
            "priority": {"name": "High"},
            "assignee": {"accountId": "5b10a2"},
            "parent": {"key": "SUP-1"},
            "customfield_10010": "Gold",
        }
    }
    assert output == {"id": "10001", "key": "SUP-1", "self": f"{jira.url}/rest/api/2/issue/10001"}


def test_update_issue_transitions_first_then_puts_the_fields(jira):
    jira.add("SUP", "Printer on fire")
    output = run_app(
        JIRA,
        {
            "operation": "update_issue",
            "issue_key": "SUP-1",
            "transition_id": "31",
            "summary": "Printer fire out",
        },
        token(jira),
    )
    assert [(r.method, r.path) for r in jira.requests] == [
        ("POST", "/rest/api/2/issue/SUP-1/transitions"),
        ("PUT", "/rest/api/2/issue/SUP-1"),
    ]
    assert jira.requests[0].json == {"transition": {"id": "31"}}
    assert jira.requests[1].json == {"fields": {"summary": "Printer fire out"}}
    assert output == {"success": True}
    assert jira.issues["SUP-1"]["fields"]["status"] == {"name": "Done"}


def test_a_transition_alone_changes_no_field(jira):
    jira.add("SUP", "Stale")
    run_app(
        JIRA,
        {"operation": "update_issue", "issue_key": "SUP-1", "transition_id": "21"},
        token(jira),
    )
    assert [r.method for r in jira.requests] == ["POST"]
    assert jira.issues["SUP-1"]["fields"]["status"] == {"name": "In Progress"}


def test_get_issue_asks_for_the_fields_named(jira):
    jira.add("SUP", "Printer on fire")
    output = run_app(
        JIRA,
        {"operation": "get_issue", "issue_key": "SUP-1", "return_fields": ["summary", "status"]},
        token(jira),
    )
    assert jira.requests[0].query == {"fields": ["summary,status"]}
    assert output["key"] == "SUP-1"
    assert output["fields"] == {"summary": "Printer on fire", "status": {"name": "To Do"}}


def test_search_issues_follows_next_page_token_up_to_max_results(jira):
    for n in range(130):
        jira.add("SUP", f"Issue {n}", status="Done" if n % 2 else "To Do")
    jira.add("OPS", "Elsewhere")
    output = run_app(
        JIRA,
        {
            "operation": "search_issues",
            "jql": 'project = SUP AND status = "To Do"',
            "max_results": 60,
        },
        token(jira),
    )
    assert output["count"] == 60
    assert output["issues"][0]["fields"]["summary"] == "Issue 0"
    [request] = jira.requests
    assert request.path == "/rest/api/2/search/jql"
    assert request.json["fields"] == ["*navigable"] and request.json["maxResults"] == 60

    jira.requests.clear()
    everything = run_app(
        JIRA,
        {"operation": "search_issues", "jql": "project = SUP", "max_results": 1000},
        token(jira),
    )
    assert everything["count"] == 130
    assert [r.json.get("nextPageToken") for r in jira.requests] == [None, "100"]


def test_add_comment_sends_the_text_as_one_adf_paragraph_through_v3(jira):
    jira.add("SUP", "Printer on fire")
    output = run_app(
        JIRA,
        {"operation": "add_comment", "issue_key": "SUP-1", "comment": "On it\n(automated)"},
        token(jira),
    )
    [request] = jira.requests
    assert (request.method, request.path) == ("POST", "/rest/api/3/issue/SUP-1/comment")
    assert request.json == {
        "body": {
            "type": "doc",
            "version": 1,
            "content": [
                {"type": "paragraph", "content": [{"type": "text", "text": "On it\n(automated)"}]}
            ],
        }
    }
    assert output["id"] == "20000" and output["author"]["displayName"] == "Ada Lovelace"


def test_list_comments_pages_with_start_at(jira):
    jira.add("SUP", "Busy")
    jira.comments["SUP-1"] = [{"id": str(n), "body": {}} for n in range(150)]
    output = run_app(
        JIRA, {"operation": "list_comments", "issue_key": "SUP-1", "max_results": 120}, token(jira)
    )
    assert output["count"] == 120
    assert [r.query["startAt"] for r in jira.requests] == [["0"], ["100"]]
    assert [r.query["maxResults"] for r in jira.requests] == [["100"], ["20"]]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"summary": "x", "issue_type": "Bug"}, "project"),
        ({"project": "SUP", "issue_type": "Bug"}, "summary"),
        ({"operation": "update_issue"}, "issue_key"),
        ({"operation": "search_issues"}, "jql"),
        ({"operation": "add_comment", "issue_key": "SUP-1"}, "comment"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


# --- Jira's errors ------------------------------------------------------------------------------


def test_a_wrong_token_names_the_credential(jira):
    error = app_error(JIRA, {"operation": "get_issue", "issue_key": "SUP-1"}, token(jira, "x"))
    assert not error.retryable
    assert error.message.startswith("Jira did not accept the credential “Acme Jira” (")


def test_a_missing_issue_quotes_jira(jira):
    error = app_error(JIRA, {"operation": "get_issue", "issue_key": "SUP-9"}, token(jira))
    assert error.message == (
        "Jira refused get_issue (HTTP 404): Issue does not exist or you do not have "
        "permission to see it."
    )
    assert not error.retryable


def test_a_field_error_names_the_field(jira):
    jira.add("SUP", "x")
    error = app_error(
        JIRA,
        {"operation": "update_issue", "issue_key": "SUP-1", "extra_fields": {"summary": ""}},
        token(jira),
    )
    assert error.message.endswith("(HTTP 400): summary: You must specify a summary of the issue.")


def test_429_waits_what_jira_asks(jira):
    jira.script(Answer(429, {"errorMessages": ["Rate limit exceeded."]}, {"Retry-After": "7"}))
    error = app_error(JIRA, {"operation": "get_issue", "issue_key": "SUP-1"}, token(jira))
    assert error.retryable and error.retry_after == 7


def test_the_site_address_is_required():
    with pytest.raises(ValidationError):
        ApiToken.model_validate({"api_token": "t", "email": EMAIL})


# --- test connection, engine ----------------------------------------------------------------


def test_the_token_test_is_myself(jira):
    assert rest_api.check_token(token(jira)) == "Connected to Jira as Ada Lovelace."
    assert [(r.method, r.path) for r in jira.requests] == [("GET", "/rest/api/2/myself")]


def test_the_token_test_fails_on_a_401(jira):
    with pytest.raises(NodeError, match="did not accept the credential “Acme Jira”"):
        rest_api.check_token(token(jira, "revoked"))


@pytest.mark.django_db(transaction=True)
def test_a_run_opens_the_rendered_issue_with_the_stored_credential(alice, jira):
    credential = store.create(
        alice,
        "Acme Jira",
        "jira",
        {"api_token": API_TOKEN, "email": EMAIL, "base_url": jira.url},
    )
    node = {
        "id": "open",
        "type": JIRA,
        "config": {
            "credential": credential.pk,
            "project": "SUP",
            "issue_type": "Task",
            "summary": "Phishing: {{ trigger.subject }}",
        },
    }

    execution = engine.start_execution(make_workflow(alice, chain(node)), {"subject": "Invoice"})

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert jira.issues["SUP-1"]["fields"]["summary"] == "Phishing: Invoice"
    step = Step.objects.get(execution=execution, key="open")
    assert step.output["key"] == "SUP-1"
    assert API_TOKEN not in json.dumps([step.input, step.output])


# --- fileops ---
def test_add_attachment_uploads_the_file_as_multipart_with_the_xsrf_header(jira):
    jira.add("SUP", "Printer")
    report = files.make(b"%PDF-1.4 report", "report.pdf").value()
    output = run_app(
        JIRA, {"operation": "add_attachment", "issue_key": "SUP-1", "file": report}, token(jira)
    )
    assert output["count"] == 1
    assert output["attachments"][0]["filename"] == "report.pdf"
    [kept] = jira.attachments["SUP-1"]
    assert kept["data"] == b"%PDF-1.4 report" and kept["mimeType"] == "application/pdf"
    [request] = [r for r in jira.requests if r.path.endswith("/attachments")]
    assert request.path == "/rest/api/3/issue/SUP-1/attachments"
    assert request.headers["x-atlassian-token"] == "no-check"
    with pytest.raises(NodeError, match="file"):
        run_app(
            JIRA,
            {"operation": "add_attachment", "issue_key": "SUP-1", "file": {"filename": "x"}},
            token(jira),
        )
    with pytest.raises(NodeError, match="Issue does not exist"):
        run_app(
            JIRA,
            {"operation": "add_attachment", "issue_key": "NOPE-9", "file": report},
            token(jira),
        )


# --- end fileops ---
