"""Importing n8n's Mailcheck node (editor/n8n/apps_mailcheck.py) onto `app.mailcheck`: the
corpus's check of each record's email, the refusals, and a check run in the engine against the
fake Mailcheck."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.mailcheck import KEY, FakeMailcheck
from tests.test_n8n_apps import converted, refusal, single

CORPUS = {"email": '={{$json["fields"]["Email"]}}'}


def test_the_corpus_s_check_becomes_its_mailcheck_config():
    node = converted("mailcheck", CORPUS)
    assert node["type"] == "app.mailcheck"
    assert node["config"] == {"operation": "check_email", "email": "{{ trigger.fields.Email }}"}
    assert "choose a Mailcheck credential (an API key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [({}, "names no Email"), ({"resource": "domain", "operation": "check"}, "domain / check")],
)
def test_what_the_mailcheck_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("mailcheck", params)
    assert "'App' (n8n-nodes-base.mailcheck)" in message and said in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_check_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(single("mailcheck", CORPUS))
    with running(FakeMailcheck()) as mailcheck:
        credential = store.create(
            alice, "Mail", "mailcheck", {"api_key": KEY, "base_url": mailcheck.url}
        )
        node = next(n for n in graph["nodes"] if n["type"] == "app.mailcheck")
        node["config"]["credential"] = credential.pk
        execution = engine.start_execution(
            make_workflow(alice, graph), {"fields": {"Email": "ada@example.com"}}
        )
        execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert execution.steps.get(key=node["id"]).output["trustRate"] == 92
