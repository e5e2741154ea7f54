"""Importing n8n's Mailgun node (editor/n8n/apps_mailgun.py) onto `app.mailgun`: the corpus's
settings become the config, the refusals, and the corpus's webhook → Mailgun mail run in the
engine against the fake Mailgun."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.mailgun import DOMAIN, KEY, FakeMailgun
from tests.test_n8n_apps import converted, refusal

# From wesley/workflows_backup__Executecommand__0097_Executecommand_Mailgun_Automation_Webhook.
MAIL_STEAM = {
    "text": '=Hello,\n\nI am emailing you to let you know about a Steam phishing website: {{$node["Webhook"].data["query"]["q"]}}.\n\nThank you,\nYour Name Here',
    "ccEmail": "yourCCemail",
    "subject": '={{$node["Webhook"].data["query"]["q"]}} - Steam Phishing Website',
    "toEmail": "security@valvesoftware.com",
    "fromEmail": "yourFROMemail",
}


def test_the_corpus_s_settings_become_the_mailgun_config():
    node = converted("mailgun", MAIL_STEAM | {"text": "Hi", "subject": "S", "bccEmail": "b@x.y"})
    assert node["type"] == "app.mailgun"
    assert node["config"] == {
        "operation": "send_email",
        "from_email": "yourFROMemail",
        "to": "security@valvesoftware.com",
        "cc": "yourCCemail",
        "bcc": "b@x.y",
        "subject": "S",
        "text": "Hi",
    }
    assert "choose a Mailgun credential (an API key with the sending domain)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        (MAIL_STEAM | {"attachments": "data"}, "attaches files (Attachments)"),
        ({"toEmail": "a@b.c", "text": "x"}, "names no sender (From Email)"),
        ({"fromEmail": "a@b.c", "text": "x"}, "names no recipient (To Email)"),
    ],
)
def test_what_the_mailgun_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("mailgun", params)
    assert "'App' (n8n-nodes-base.mailgun)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_webhook_mail_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = {
        "name": "Phishing report",
        "nodes": [
            {
                "parameters": {"path": "phish", "options": {}},
                "name": "Webhook",
                "type": "n8n-nodes-base.webhook",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                # n8n's legacy `$node["X"].data` (its alias of `.json`) is not read by the
                # importer's expressions yet: the run reads `.json`, as n8n's current syntax.
                "parameters": {k: v.replace(".data[", ".json[") for k, v in MAIL_STEAM.items()}
                | {"fromEmail": f"me@{DOMAIN}", "ccEmail": ""},
                "name": "Mail Steam",
                "type": "n8n-nodes-base.mailgun",
                "typeVersion": 1,
                "position": [200, 0],
            },
        ],
        "connections": {
            "Webhook": {"main": [[{"node": "Mail Steam", "type": "main", "index": 0}]]}
        },
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeMailgun()) as mailgun:
        credential = store.create(
            alice, "Mail", "mailgun", {"api_key": KEY, "domain": DOMAIN, "base_url": mailgun.url}
        )
        mail = next(n for n in graph["nodes"] if n["type"] == "app.mailgun")
        mail["config"]["credential"] = credential.pk
        trigger = {"method": "GET", "headers": {}, "query": {"q": "steam.example"}, "body": {}}
        execution = engine.start_execution(make_workflow(alice, graph), trigger)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [sent] = mailgun.sent
    assert sent["subject"] == "steam.example - Steam Phishing Website"
    assert "phishing website: steam.example." in sent["text"]
    assert sent["to"] == "security@valvesoftware.com"
