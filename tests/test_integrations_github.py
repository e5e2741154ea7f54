"""app.github against a fake GitHub (tests/fakes/github.py): each operation's request (method,
path, headers, body or query) and output; GitHub's errors, primary and secondary rate limits
and bad credentials mapped to what the engine retries or not; the token's test; GitHub
Enterprise's base URL; and a run through the engine with a stored credential."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.github import rest_api
from integrations.github.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.github import TOKEN, FakeGitHub, rate_limit_headers
from workfuse.lib.node_run import NodeError, Secret

GITHUB = "app.github"
REPO = {"owner": "acme", "repo": "shop"}


@pytest.fixture
def github(settings: Any) -> Iterator[FakeGitHub]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGitHub()) as fake:
        yield fake


def token(fake: FakeGitHub, value: str = TOKEN) -> Secret:
    return Secret("github", {"token": value}, {"base_url": fake.api_url}, name="Acme GitHub")


def assert_github_headers(request: Any) -> None:
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["accept"] == "application/vnd.github+json"
    assert request.headers["x-github-api-version"] == "2022-11-28"


# --- operations ---------------------------------------------------------------------------------


def test_create_issue_posts_title_body_labels_and_assignees(github):
    output = run_app(
        GITHUB,
        {
            **REPO,
            "title": "Order 7 failed",
            "body": "Card declined",
            "labels": "bug, enhancement",
            "assignees": ["ada"],
        },
        token(github),
    )

    [request] = github.requests
    assert (request.method, request.path) == ("POST", "/repos/acme/shop/issues")
    assert_github_headers(request)
    assert request.json == {
        "title": "Order 7 failed",
        "body": "Card declined",
        "labels": ["bug", "enhancement"],
        "assignees": ["ada"],
    }
    assert output["number"] == 1 and output["title"] == "Order 7 failed"
    assert output["html_url"] == "https://github.com/acme/shop/issues/1"


def test_create_issue_sends_only_what_it_was_given(github):
    run_app(GITHUB, {**REPO, "title": "Just a title"}, token(github))
    assert github.requests[0].json == {"title": "Just a title"}


def test_comment_posts_to_the_issues_comments(github):
    github.add_issue("acme/shop", "Broken")
    output = run_app(
        GITHUB,
        {**REPO, "operation": "comment", "issue_number": 1, "body": "On it"},
        token(github),
    )

    [request] = github.requests
    assert (request.method, request.path) == ("POST", "/repos/acme/shop/issues/1/comments")
    assert_github_headers(request)
    assert request.json == {"body": "On it"}
    assert output["body"] == "On it" and github.repos["acme/shop"].comments == [output]


def test_list_issues_sends_the_filters_as_query_and_outputs_the_list(github):
    github.add_issue("acme/shop", "Old bug", labels=["bug"], updated_at="2024-01-01T00:00:00Z")
    github.add_issue("acme/shop", "New bug", labels=["bug"], updated_at="2024-06-01T00:00:00Z")
    github.add_issue("acme/shop", "Idea", labels=["enhancement"])
    github.add_issue("acme/shop", "Closed bug", labels=["bug"], state="closed")

    output = run_app(
        GITHUB,
        {
            **REPO,
            "operation": "list_issues",
            "labels": ["bug"],
            "since": "2024-03-01T00:00:00Z",
            "per_page": 50,
        },
        token(github),
    )

    [request] = github.requests
    assert (request.method, request.path) == ("GET", "/repos/acme/shop/issues")
    assert_github_headers(request)
    assert request.query == {
        "state": ["open"],
        "per_page": ["50"],
        "labels": ["bug"],
        "since": ["2024-03-01T00:00:00Z"],
    }
    assert [i["title"] for i in output["issues"]] == ["New bug"]
    assert output["count"] == 1


def test_per_page_is_at_most_githubs_hundred():
    with pytest.raises(ValidationError, match="less than or equal to 100"):
        Config.model_validate({**REPO, "operation": "list_issues", "per_page": 101})


def test_get_file_decodes_the_base64_content_and_keeps_the_sha(github):
    text = "# Changelog\n\n* Zoë fixed the cart\n" * 40  # long enough to be wrapped in lines
    github.repos["acme/shop"].files["v1.2"] = {"docs/CHANGELOG.md": text.encode()}

    output = run_app(
        GITHUB,
        {**REPO, "operation": "get_file", "path": "/docs/CHANGELOG.md", "ref": "v1.2"},
        token(github),
    )

    [request] = github.requests
    assert (request.method, request.path) == ("GET", "/repos/acme/shop/contents/docs/CHANGELOG.md")
    assert request.query == {"ref": ["v1.2"]}
    assert_github_headers(request)
    assert output["content"] == text and output["encoding"] == "utf-8"
    assert len(output["sha"]) == 40 and output["path"] == "docs/CHANGELOG.md"
    assert output["size"] == len(text.encode())


def test_a_binary_file_stays_base64(github):
    data = b"\x89PNG\r\n\x1a\n\x00\xff"
    github.repos["acme/shop"].files["main"] = {"logo.png": data}
    output = run_app(GITHUB, {**REPO, "operation": "get_file", "path": "logo.png"}, token(github))
    assert output["encoding"] == "base64" and base64.b64decode(output["content"]) == data
    assert github.requests[0].query == {}  # no ref: the default branch


# --- files2 ---
def test_as_file_outputs_the_file_as_a_file_value_instead_of_its_content(github):
    data = b"\x89PNG\r\n\x1a\n\x00\xff"
    github.repos["acme/shop"].files["main"] = {"img/logo.png": data}
    config = {**REPO, "operation": "get_file", "path": "img/logo.png", "as_file": True}
    output = run_app(GITHUB, config, token(github))
    made = output["file"]
    assert (made["filename"], made["content_type"], made["size"]) == (
        "logo.png",
        "image/png",
        len(data),
    )
    assert base64.b64decode(made["content"]) == data
    assert "content" not in output and output["sha"] and output["path"] == "img/logo.png"


def test_as_file_over_the_file_limit_names_the_path(github, settings):
    settings.WORKFUSE_FILE_MAX_BYTES = 4
    github.repos["acme/shop"].files["main"] = {"big.bin": b"12345678"}
    config = {**REPO, "operation": "get_file", "path": "big.bin", "as_file": True}
    error = app_error(GITHUB, config, token(github))
    assert error.message.startswith("big.bin is") and "WORKFUSE_FILE_MAX_BYTES" in error.message


# --- end files2 ---
# --- ops ---
@pytest.mark.parametrize(
    ("operation", "path", "said"),
    [
        ("get_repository", "/repos/acme/shop", {"stargazers_count": 12345}),
        ("get_license", "/repos/acme/shop/license", {"license": {"spdx_id": "MIT"}}),
        ("get_community_profile", "/repos/acme/shop/community/profile", {"health_percentage": 71}),
    ],
)
def test_repository_reads_get_githubs_answer_as_it_is(github, operation, path, said):
    output = run_app(GITHUB, {**REPO, "operation": operation}, token(github))
    [request] = github.requests
    assert (request.method, request.path) == ("GET", path)
    assert_github_headers(request)
    for key, value in said.items():
        got = output[key]
        assert got == value if not isinstance(value, dict) else value.items() <= got.items()


def test_an_unknown_repository_read_is_a_404_naming_the_operation(github):
    config = {"owner": "acme", "repo": "gone", "operation": "get_repository"}
    error = app_error(GITHUB, config, token(github))
    assert "get_repository" in error.message and not error.retryable


# --- end ops ---
def test_a_directory_is_not_a_file(github):
    github.repos["acme/shop"].files["main"] = {"docs/a.md": b"a"}
    error = app_error(GITHUB, {**REPO, "operation": "get_file", "path": "docs"}, token(github))
    assert error.message == "docs is a directory in acme/shop, not a file."


def test_owner_repo_and_path_are_escaped_into_the_url(github):
    app_error(GITHUB, {"owner": "ac/me", "repo": "sh op", "title": "t"}, token(github))
    assert github.requests[0].path == "/repos/ac%2Fme/sh%20op/issues"


# --- GitHub's errors --------------------------------------------------------------------------


def test_a_bad_token_names_the_credential_and_is_not_retried(github):
    error = app_error(GITHUB, {**REPO, "title": "t"}, token(github, "ghp_wrong"))
    assert not error.retryable
    assert error.message.startswith(
        "GitHub did not accept the credential “Acme GitHub” (Bad credentials)"
    )


def test_a_403_without_rate_limit_headers_is_a_missing_permission(github):
    github.script(Answer(403, {"message": "Resource not accessible by personal access token"}))
    error = app_error(GITHUB, {**REPO, "title": "t"}, token(github))
    assert not error.retryable
    assert "did not accept the credential “Acme GitHub” (Resource not accessible" in error.message


def test_a_validation_failure_quotes_githubs_errors(github):
    error = app_error(GITHUB, {**REPO, "title": "t", "labels": ["nope"]}, token(github))
    assert not error.retryable
    assert error.message == (
        "GitHub refused create_issue (HTTP 422): Validation Failed (name invalid)"
    )


def test_an_unknown_repository_is_a_404_not_retried(github):
    error = app_error(GITHUB, {"owner": "acme", "repo": "gone", "title": "t"}, token(github))
    assert error.message == "GitHub refused create_issue (HTTP 404): Not Found"
    assert not error.retryable


@pytest.mark.parametrize("status", [403, 429])
def test_the_primary_rate_limit_waits_until_its_reset(github, status):
    reset = int(time.time()) + 120
    github.script(
        Answer(
            status,
            {"message": "API rate limit exceeded for user ID 1."},
            rate_limit_headers(remaining=0, reset=reset),
        )
    )
    error = app_error(GITHUB, {**REPO, "title": "t"}, token(github))
    assert error.retryable
    assert 115 <= error.retry_after <= 121
    assert error.message.startswith("GitHub is rate limiting create_issue (API rate limit")


@pytest.mark.parametrize("status", [403, 429])
def test_a_secondary_rate_limit_waits_its_retry_after(github, status):
    github.script(
        Answer(
            status,
            {"message": "You have exceeded a secondary rate limit."},
            {**rate_limit_headers(), "retry-after": "60"},
        )
    )
    error = app_error(GITHUB, {**REPO, "title": "t"}, token(github))
    assert error.retryable and error.retry_after == 60
    assert error.detail["status"] == status


def test_a_github_outage_is_retried(github):
    github.script(Answer(502, {"message": "Server Error"}))
    error = app_error(GITHUB, {**REPO, "title": "t"}, token(github))
    assert error.retryable


# --- settings, test, enterprise -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"repo": "shop", "title": "t"}, "owner"),
        ({"owner": "acme", "title": "t"}, "repo"),
        ({**REPO}, "title"),
        ({**REPO, "operation": "comment", "body": "b"}, "issue_number"),
        ({**REPO, "operation": "comment", "issue_number": "3"}, "body"),
        ({**REPO, "operation": "get_file"}, "path"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    [error] = caught.value.errors()
    assert error["loc"] == (field,)


def test_an_issue_number_is_a_number_or_a_template():
    with pytest.raises(ValidationError, match="must be an issue number such as 42"):
        Config.model_validate({**REPO, "operation": "comment", "issue_number": "abc", "body": "b"})
    templated = Config.model_validate(
        {**REPO, "operation": "comment", "issue_number": "{{ nodes.a.number }}", "body": "b"}
    )
    assert templated.issue_number == "{{ nodes.a.number }}"
    assert (
        Config.model_validate(
            {**REPO, "operation": "comment", "issue_number": "#7", "body": "b"}
        ).issue_number
        == "7"
    )


def test_the_token_test_is_get_user(github):
    assert rest_api.check_token(token(github)) == "Connected to GitHub as octocat."
    [request] = github.requests
    assert (request.method, request.path) == ("GET", "/user")
    assert_github_headers(request)


def test_the_token_test_fails_on_a_401(github):
    with pytest.raises(NodeError, match="did not accept the credential “Acme GitHub” \\(Bad cred"):
        rest_api.check_token(token(github, "ghp_revoked"))


def test_github_enterprise_answers_under_api_v3(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGitHub(prefix="/api/v3")) as enterprise:
        assert rest_api.check_token(token(enterprise)) == "Connected to GitHub as octocat."
        run_app(GITHUB, {**REPO, "title": "t"}, token(enterprise))
    assert [r.path for r in enterprise.requests] == [
        "/api/v3/user",
        "/api/v3/repos/acme/shop/issues",
    ]


# --- through the engine -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_run_opens_an_issue_then_comments_on_it(alice, github):
    credential = store.create(
        alice, "Acme GitHub", "github", {"token": TOKEN, "base_url": github.api_url}
    )
    open_issue = {
        "id": "open_issue",
        "type": GITHUB,
        "config": {
            "credential": credential.pk,
            **REPO,
            "title": "Order {{ trigger.id }} failed",
            "labels": ["bug"],
        },
    }
    comment = {
        "id": "comment",
        "type": GITHUB,
        "config": {
            "credential": credential.pk,
            **REPO,
            "operation": "comment",
            "issue_number": "{{ nodes.open_issue.number }}",
            "body": "Looking into it",
        },
    }

    execution = engine.start_execution(make_workflow(alice, chain(open_issue, comment)), {"id": 7})

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [issue] = github.repos["acme/shop"].issues
    assert issue["title"] == "Order 7 failed"
    assert github.requests[-1].path == f"/repos/acme/shop/issues/{issue['number']}/comments"
    steps = Step.objects.filter(execution=execution)
    assert TOKEN not in json.dumps([[s.input, s.output] for s in steps])


# --- files committed through the contents API -----------------------------------------------


def test_create_then_edit_then_delete_a_file_commits_each_change(github):
    from tests.fakes.github import blob_sha

    where = {**REPO, "path": "backups/orders.json", "branch": "main"}
    made = run_app(
        GITHUB,
        {
            **where,
            "operation": "create_file",
            "content": '{"name": "Orders"}',
            "message": "Back up Orders",
            "author": {"name": "WorkFuse", "email": "bot@acme.test"},
        },
        token(github),
    )
    assert made["content"]["sha"] == blob_sha(b'{"name": "Orders"}')
    put = github.requests[-1]
    assert put.method == "PUT" and put.path == "/repos/acme/shop/contents/backups/orders.json"
    assert base64.b64decode(put.json["content"]) == b'{"name": "Orders"}'
    assert "sha" not in put.json and put.json["author"] == {
        "name": "WorkFuse",
        "email": "bot@acme.test",
    }

    edited = {**where, "operation": "edit_file", "content": "v2", "message": "Update"}
    run_app(GITHUB, edited, token(github))
    lookup, replace = github.requests[-2:]
    assert (lookup.method, lookup.query) == ("GET", {"ref": ["main"]})
    assert replace.json["sha"] == blob_sha(b'{"name": "Orders"}')
    assert github.repos["acme/shop"].files["main"]["backups/orders.json"] == b"v2"

    gone = run_app(GITHUB, {**where, "operation": "delete_file", "message": "Drop"}, token(github))
    assert gone["content"] is None
    assert "backups/orders.json" not in github.repos["acme/shop"].files["main"]
    assert [c["message"] for c in github.commits] == ["Back up Orders", "Update", "Drop"]


def test_create_file_commits_a_file_value_as_it_is(github):
    data = bytes(range(256))
    value = {
        "filename": "blob.bin",
        "content_type": "application/octet-stream",
        "size": 256,
        "content": base64.b64encode(data).decode(),
    }
    config = {
        **REPO,
        "operation": "create_file",
        "path": "blob.bin",
        "file": value,
        "message": "Add blob",
    }
    run_app(GITHUB, config, token(github))
    assert github.repos["acme/shop"].files["main"]["blob.bin"] == data


def test_editing_a_file_that_is_not_there_says_so(github):
    config = {**REPO, "operation": "edit_file", "path": "nope.md", "content": "x", "message": "m"}
    error = app_error(GITHUB, config, token(github))
    assert "nope.md does not exist in acme/shop" in error.message
    assert "create_file makes one" in error.message


def test_a_commit_needs_a_path_and_a_message():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({**REPO, "operation": "create_file", "content": "x"})
    said = str(caught.value)
    assert "path" in said and "message" in said
