"""app.sentry against a fake Sentry web API (tests/fakes/sentry.py): releases created as
Sentry's JSON, read, listed page by page through the Link header's cursor, updated and
deleted, Sentry's errors, the token's test, and a run through the engine with a stored
credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.sentry import rest_api
from integrations.sentry.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.sentry import ORG, TOKEN, FakeSentry
from workfuse.lib.node_run import NodeError, Secret

SE = "app.sentry"
CREATE = {"operation": "create_release", "organization": ORG, "projects": ["web"]}


@pytest.fixture
def sentry(settings: Any) -> Iterator[FakeSentry]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSentry()) as fake:
        yield fake


def token(fake: FakeSentry, value: str = TOKEN) -> Secret:
    return Secret("sentry", {"token": value}, {"base_url": fake.url}, name="Sentry")


def test_a_release_is_created_as_sentry_s_json(sentry):
    config = CREATE | {"version": "1.4.0", "url": "https://git.example/r/1.4.0"}
    made = run_app(SE, config | {"date_released": "2026-12-06T10:00:00Z"}, token(sentry))
    assert made["version"] == "1.4.0" and made["projects"] == ["web"]
    [request] = sentry.requests
    assert request.path == "/api/0/organizations/acme/releases/"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.json == {
        "version": "1.4.0",
        "projects": ["web"],
        "url": "https://git.example/r/1.4.0",
        "dateReleased": "2026-12-06T10:00:00Z",
    }


def test_a_release_is_read_updated_and_deleted_by_its_version(sentry):
    run_app(SE, CREATE | {"version": "web@1.0 beta"}, token(sentry))
    by_version = {"organization": ORG, "version": "web@1.0 beta"}
    updated = run_app(SE, by_version | {"operation": "update_release", "ref": "v1"}, token(sentry))
    assert updated["ref"] == "v1"
    assert sentry.requests[-1].json == {"ref": "v1"}
    assert sentry.requests[-1].path == "/api/0/organizations/acme/releases/web%401.0%20beta/"
    assert run_app(SE, by_version, token(sentry))["ref"] == "v1"
    deleted = run_app(SE, by_version | {"operation": "delete_release"}, token(sentry))
    assert deleted == {"success": True} and sentry.releases == []


def test_releases_are_listed_through_the_next_cursor_while_it_has_results(sentry):
    for n in range(5):
        run_app(SE, CREATE | {"version": f"1.{n}"}, token(sentry))
    run_app(SE, CREATE | {"version": "2.0"}, token(sentry))
    sentry.requests.clear()
    config = {"operation": "list_releases", "organization": ORG, "query": "1.", "max_results": 5000}
    listed = run_app(SE, config, token(sentry))
    assert [r["version"] for r in listed["releases"]] == [f"1.{n}" for n in range(5)]
    assert listed["count"] == 5
    assert [r.query.get("cursor") for r in sentry.requests] == [None, ["0:2:0"], ["0:4:0"]]
    assert all(r.query["query"] == ["1."] for r in sentry.requests)
    assert run_app(SE, config | {"max_results": 3}, token(sentry))["count"] == 3


def test_the_link_header_s_next_cursor_is_read_only_when_it_has_results():
    more = '<u>; rel="previous"; results="false"; cursor="0:0:1", <u>; rel="next"; results="true"; cursor="0:100:0"'
    assert rest_api.next_cursor(more) == "0:100:0"
    assert rest_api.next_cursor(more.replace('results="true"', 'results="false"')) is None
    assert rest_api.next_cursor("") is None


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create_release", "version": "1", "projects": ["web"]}, "organization"),
        ({"operation": "create_release", "organization": ORG, "version": "1"}, "projects"),
        ({"organization": ORG}, "version"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_sentry_s_errors_are_quoted_and_a_wrong_token_names_the_credential(sentry):
    bad = app_error(SE, CREATE | {"version": "1", "projects": ["nope"]}, token(sentry))
    assert (
        bad.message
        == "Sentry refused create_release (HTTP 400): projects: Invalid project ids or slugs"
    )
    missing = app_error(SE, {"organization": ORG, "version": "9"}, token(sentry))
    assert missing.message.endswith("(HTTP 404): The requested resource does not exist")
    wrong = app_error(SE, {"organization": ORG, "version": "9"}, token(sentry, "old"))
    assert not wrong.retryable and wrong.message.startswith(
        "Sentry did not accept the credential “Sentry” (Invalid token)"
    )


def test_the_token_test_lists_the_organizations(sentry):
    assert rest_api.check_token(token(sentry)) == "Connected to Sentry (1 organization visible)."
    with pytest.raises(NodeError, match="did not accept the credential “Sentry”"):
        rest_api.check_token(token(sentry, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_the_release_the_trigger_names(alice, sentry):
    credential = store.create(alice, "Sentry", "sentry", {"token": TOKEN, "base_url": sentry.url})
    config = CREATE | {"credential": credential.pk, "version": "{{ trigger.version }}"}
    nodes = ({"id": "release", "type": SE, "config": config},)
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"version": "3.1"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert [r["version"] for r in sentry.releases] == ["3.1"]
    assert TOKEN not in json.dumps([s.input for s in execution.steps.all()])


def test_a_project_s_issues_are_listed_by_search_and_period_through_the_cursor(sentry):
    for title in ("TypeError in checkout", "KeyError in cart", "TypeError in login"):
        sentry.add_issue(title)
    sentry.add_issue("TypeError elsewhere", project="api")
    config = {
        "operation": "list_issues",
        "organization": ORG,
        "project": "web",
        "query": "TypeError",
        "stats_period": "14d",
    }
    listed = run_app(SE, config, token(sentry))
    assert [i["title"] for i in listed["issues"]] == ["TypeError in checkout", "TypeError in login"]
    assert listed["issues"][0]["stats"] == {"14d": []}
    assert sentry.requests[0].path == "/api/0/projects/acme/web/issues/"
    assert sentry.requests[0].query == {"statsPeriod": ["14d"], "query": ["TypeError"]}


def test_an_issue_is_resolved_and_assigned_read_and_deleted(sentry):
    issue = sentry.add_issue("TypeError in checkout")
    config = {
        "operation": "update_issue",
        "issue_id": issue["id"],
        "status": "resolved",
        "assigned_to": "ada",
        "is_bookmarked": True,
    }
    updated = run_app(SE, config, token(sentry))
    assert sentry.requests[-1].path == f"/api/0/issues/{issue['id']}/"
    assert sentry.requests[-1].json == {
        "status": "resolved",
        "assignedTo": "ada",
        "isBookmarked": True,
    }
    assert updated["status"] == "resolved"
    got = run_app(SE, {"operation": "get_issue", "issue_id": issue["id"]}, token(sentry))
    assert got["assignedTo"] == "ada"
    deleted = run_app(SE, {"operation": "delete_issue", "issue_id": issue["id"]}, token(sentry))
    assert deleted == {"success": True} and sentry.issues == []
    missing = app_error(SE, {"operation": "get_issue", "issue_id": "999"}, token(sentry))
    assert (
        missing.message
        == "Sentry refused get_issue (HTTP 404): The requested resource does not exist"
    )
