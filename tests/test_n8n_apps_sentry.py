"""Importing n8n's Sentry.io node (editor/n8n/apps_sentry.py) onto `app.sentry`: each release
and issue operation's config, the refusals, and the corpus's "Create a release and get all releases"
(refused as exported: its organization is left empty; with one chosen, run in the engine
against the fake)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.sentry import ORG, TOKEN, FakeSentry
from tests.test_n8n_apps import converted, refusal

REL = {"resource": "release", "organizationSlug": "acme"}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            REL
            | {
                "operation": "create",
                "version": "=1.{{ $json.n }}",
                "url": "https://git.example",
                "projects": ["web", ""],
                "additionalFields": {"dateReleased": "2026-12-06T10:00:00"},
            },
            {
                "operation": "create_release",
                "organization": "acme",
                "version": "1.{{ trigger.n | n8n_text }}",
                "projects": ["web"],
                "url": "https://git.example",
                "date_released": "2026-12-06T10:00:00",
            },
        ),
        (
            REL | {"version": "1.0"},
            {"operation": "get_release", "organization": "acme", "version": "1.0"},
        ),
        (
            REL | {"operation": "getAll", "returnAll": True},
            {"operation": "list_releases", "organization": "acme", "max_results": 5000},
        ),
        (
            REL | {"operation": "getAll", "additionalFields": {"query": "web@"}},
            {
                "operation": "list_releases",
                "organization": "acme",
                "query": "web@",
                "max_results": 100,
            },
        ),
        (
            REL
            | {"operation": "update", "version": "1.0", "updateFields": {"ref": "v1", "url": "u"}},
            {
                "operation": "update_release",
                "organization": "acme",
                "version": "1.0",
                "ref": "v1",
                "url": "u",
            },
        ),
        (
            REL | {"operation": "delete", "version": "1.0", "sentryVersion": "server"},
            {"operation": "delete_release", "organization": "acme", "version": "1.0"},
        ),
        (
            {
                "resource": "issue",
                "operation": "getAll",
                "organizationSlug": "acme",
                "projectSlug": "web",
                "limit": 10,
                "additionalFields": {
                    "query": "is:unresolved",
                    "statsPeriod": "24h",
                    "shortIdLookUp": True,
                },
            },
            {
                "operation": "list_issues",
                "organization": "acme",
                "project": "web",
                "query": "is:unresolved",
                "stats_period": "24h",
                "max_results": 10,
            },
        ),
        (
            {"resource": "issue", "issueId": "=42"},
            {"operation": "get_issue", "issue_id": "42"},
        ),
        (
            {
                "resource": "issue",
                "operation": "update",
                "issueId": "42",
                "additionalFields": {
                    "status": "resolved",
                    "assignedTo": "ada",
                    "hasSeen": True,
                    "isPublic": False,
                },
            },
            {
                "operation": "update_issue",
                "issue_id": "42",
                "status": "resolved",
                "assigned_to": "ada",
                "has_seen": True,
            },
        ),
        (
            {"resource": "issue", "operation": "delete", "issueId": "42"},
            {"operation": "delete_issue", "issue_id": "42"},
        ),
    ],
)
def test_each_operation_becomes_its_config(params, config):
    node = converted("sentryIo", params)
    assert node["type"] == "app.sentry"
    assert node["config"] == config


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "getAll"}, "does 'event / getAll'"),
        ({"resource": "project", "operation": "get"}, "does 'project / get'"),
        (
            {"resource": "issue", "operation": "getAll", "organizationSlug": "acme"},
            "names no Project Slug",
        ),
        ({"resource": "issue"}, "names no Issue ID"),
        (
            {
                "resource": "issue",
                "operation": "update",
                "issueId": "1",
                "additionalFields": {"isPublic": "={{ $json.p }}"},
            },
            "sets isPublic by an expression",
        ),
        ({"resource": "release", "version": "1"}, "names no Organization Slug"),
        (REL | {"operation": "create", "version": "1", "projects": [""]}, "names no Projects"),
        (
            REL
            | {
                "operation": "create",
                "version": "1",
                "projects": ["web"],
                "additionalFields": {"commits": {"commitProperties": [{"id": "abc"}]}},
            },
            "sends commits with the release",
        ),
        (
            REL | {"operation": "update", "version": "1", "updateFields": {"refs": {}}},
            "sends refs with the release",
        ),
    ],
)
def test_what_the_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("sentryIo", params)
    assert "'App' (n8n-nodes-base.sentryIo)" in message
    assert said in message


def node(name: str, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "type": f"n8n-nodes-base.{kind}",
        "typeVersion": 1,
        "position": [0, 0],
        "parameters": params,
    }


def link(target: str) -> dict[str, Any]:
    return {"main": [[{"node": target, "type": "main", "index": 0}]]}


# The corpus's workflow (workflows_backup__Manual__0703_Manual_Sentryio_Create_Triggered.json).
CORPUS: dict[str, Any] = {
    "nodes": [
        node("On clicking 'execute'", "manualTrigger", {}),
        node(
            "Sentry.io",
            "sentryIo",
            {
                "url": "",
                "version": "0.0.1",
                "projects": [""],
                "resource": "release",
                "operation": "create",
                "additionalFields": {},
                "organizationSlug": "",
            },
        ),
        node(
            "Sentry.io1",
            "sentryIo",
            {
                "resource": "release",
                "operation": "getAll",
                "returnAll": True,
                "additionalFields": {},
                "organizationSlug": "",
            },
        ),
    ],
    "connections": {"Sentry.io": link("Sentry.io1"), "On clicking 'execute'": link("Sentry.io")},
}


def test_the_corpus_s_export_is_refused_for_its_empty_organization():
    with pytest.raises(ImportRefused) as refused:
        convert(CORPUS)
    messages = [issue.message for issue in refused.value.issues]
    assert messages == [
        f"n8n node '{name}' (n8n-nodes-base.sentryIo): names no Organization Slug; set it in "
        "n8n and export again."
        for name in ("Sentry.io", "Sentry.io1")
    ]


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_workflow_with_an_organization_creates_then_lists(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    chosen = copy.deepcopy(CORPUS)
    for n in chosen["nodes"][1:]:
        n["parameters"]["organizationSlug"] = ORG
    chosen["nodes"][1]["parameters"]["projects"] = ["web"]
    graph = convert(chosen)
    assert validate_graph(graph) == []
    with running(FakeSentry()) as sentry:
        credential = store.create(
            alice, "Sentry", "sentry", {"token": TOKEN, "base_url": sentry.url}
        )
        for converted_node in graph["nodes"]:
            if converted_node["type"] == "app.sentry":
                converted_node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    assert sentry.requests[0].json == {"version": "0.0.1", "projects": ["web"]}
    [listed] = [s.output for s in execution.steps.all() if s.output and "releases" in s.output]
    assert [r["version"] for r in listed["releases"]] == ["0.0.1"]
