"""Importing n8n's AWS SES node (editor/n8n/apps_aws_ses.py) onto `app.aws_ses`: the config its
settings become (the corpus's screenshot email), the refusals, and an imported workflow that
emails the address a Function Item set, run against a moto_server."""

from __future__ import annotations

from pathlib import Path

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes.aws_moto import client, moto_account
from tests.moto import REGION
from tests.test_n8n_apps import converted, refusal

CORPUS = {
    "body": '=Hi,\n<br>These are your screenshots: <img src="{{$json["url"]}}">',
    "subject": "Your screenshots!",
    "fromEmail": "miquel@uproc.io",
    "isBodyHtml": True,
    "toAddresses": ['={{$json["email"]}}'],
    "additionalFields": {},
}


def test_the_email_and_its_additional_fields_become_the_ses_config():
    params = CORPUS | {
        "body": "Hi",
        "toAddresses": ["a@b.c"],
        "additionalFields": {"ccAddresses": ["c@d.e"], "configurationSetName": "tracked"},
    }
    node = converted("awsSes", params)
    assert node["type"] == "app.aws_ses"
    assert node["config"] == {
        "operation": "send_email",
        "from_email": "miquel@uproc.io",
        "to_addresses": ["a@b.c"],
        "subject": "Your screenshots!",
        "body": "Hi",
        "is_html": True,
        "cc_addresses": ["c@d.e"],
        "configuration_set": "tracked",
    }
    assert "choose a AWS access key credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        (CORPUS | {"toAddresses": []}, "has no To Addresses"),
        (CORPUS | {"fromEmail": ""}, "names no From Email"),
        (CORPUS | {"additionalFields": {"sourceArn": "arn:x"}}, "sets sourceArn"),
        ({"resource": "template", "operation": "create"}, "does 'template / create'"),
    ],
)
def test_what_the_ses_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("awsSes", params)
    assert "'App' (n8n-nodes-base.awsSes)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_emails_the_address_a_function_item_set(alice, settings, tmp_path):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    code = 'item.email = "ada@example.com";\nitem.url = "https://x.io/a.png";\nreturn item;'
    data = {
        "name": "Screenshots",
        "nodes": [
            {
                "name": "Start",
                "type": "n8n-nodes-base.manualTrigger",
                "typeVersion": 1,
                "position": [0, 0],
                "parameters": {},
            },
            {
                "name": "Item",
                "type": "n8n-nodes-base.functionItem",
                "typeVersion": 1,
                "position": [200, 0],
                "parameters": {"functionCode": code},
            },
            {
                "name": "Send Email",
                "type": "n8n-nodes-base.awsSes",
                "typeVersion": 1,
                "position": [400, 0],
                "parameters": CORPUS,
            },
        ],
        "connections": {
            "Start": {"main": [[{"node": "Item", "type": "main", "index": 0}]]},
            "Item": {"main": [[{"node": "Send Email", "type": "main", "index": 0}]]},
        },
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with moto_account(Path(tmp_path) / "moto.log") as account:
        client(account, "ses").verify_email_identity(EmailAddress="miquel@uproc.io")  # type: ignore[attr-defined]
        value = {
            "access_key_id": account.access_key_id,
            "secret_access_key": account.secret_access_key,
            "region": REGION,
            "base_url": account.url,
        }
        credential = store.create(alice, "AWS", "s3", value)
        for node in graph["nodes"]:
            if node["type"] == "app.aws_ses":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        stats = client(account, "ses").get_send_statistics()  # type: ignore[attr-defined]
    assert sum(p["DeliveryAttempts"] for p in stats["SendDataPoints"]) == 1
    step = next(s for s in execution.steps.all() if s.key.startswith("send_email"))
    assert step.input is not None
    assert step.input["to_addresses"] == ["ada@example.com"]
    assert 'img src="https://x.io/a.png"' in step.input["body"]
