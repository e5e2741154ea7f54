"""app.aws_ses through boto3 against a real moto_server checking signatures (tests/fakes/
aws_moto.py), with S3's access key credential: the email as SES receives it, SES's refusal of an
unverified sender, a wrong key, and a run through the engine with a stored credential."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.aws_ses.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes.aws_moto import client, moto_account
from tests.fakes.s3 import MotoS3
from tests.moto import REGION
from workfuse.lib.node_run import Secret

SES = "app.aws_ses"
MAIL = {
    "from_email": "hello@acme.com",
    "to_addresses": ["ada@example.com"],
    "subject": "Welcome & thanks",
    "body": "<b>Hi Ada</b>",
    "is_html": True,
}


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoS3]:
    with moto_account(Path(tmp_path_factory.mktemp("ses")) / "moto.log") as found:
        client(found, "ses").verify_email_identity(EmailAddress="hello@acme.com")  # type: ignore[attr-defined]
        yield found


@pytest.fixture(autouse=True)
def private(settings: Any) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True


def key(account: MotoS3, secret: str | None = None) -> Secret:
    settings = {"access_key_id": account.access_key_id, "region": REGION, "base_url": account.url}
    value = {"secret_access_key": secret or account.secret_access_key}
    return Secret("s3", value, settings, name="AWS")


def test_an_html_email_is_sent_and_answered_as_n8n_outputs_it(account):
    output = run_app(SES, MAIL | {"cc_addresses": "bob@example.com"}, key(account))
    message_id = output["MessageId"]
    assert message_id
    assert output["SendEmailResponse"]["SendEmailResult"] == {"MessageId": message_id}
    quota = client(account, "ses").get_send_statistics()  # type: ignore[attr-defined]
    assert sum(p["DeliveryAttempts"] for p in quota["SendDataPoints"]) >= 2


def test_an_unverified_sender_is_refused_with_ses_s_words(account):
    refused = app_error(SES, MAIL | {"from_email": "nobody@else.com"}, key(account))
    assert refused.message.startswith("AWS SES refused SendEmail: MessageRejected")
    assert not refused.retryable


def test_a_wrong_secret_key_names_the_credential(account):
    wrong = app_error(SES, MAIL, key(account, "not-the-secret"))
    assert "did not accept the credential “AWS”" in wrong.message


def test_recipients_are_needed():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"from_email": "a@b.c"})
    assert caught.value.errors()[0]["loc"] == ("to_addresses",)


@pytest.mark.django_db(transaction=True)
def test_a_run_emails_the_rendered_recipient(alice, account):
    value = {
        "access_key_id": account.access_key_id,
        "secret_access_key": account.secret_access_key,
        "region": REGION,
        "base_url": account.url,
    }
    credential = store.create(alice, "AWS", "s3", value)
    config = MAIL | {"credential": credential.pk, "to_addresses": ["{{ trigger.email }}"]}
    nodes = ({"id": "mail", "type": SES, "config": config},)
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"email": "x@y.z"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="mail").output
    assert output is not None and output["MessageId"]
