"""app.email against a real SMTP server on 127.0.0.1 (aiosmtpd, tests/fakes/smtp.py): the SMTP
session (login, envelope, the message with its parts and attachments), replies mapped to what
the engine retries or not, the private-network guard, the credential's fields and test, and a
run through the engine."""

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
from integrations.email import smtp
from integrations.email.credentials import SmtpServer
from integrations.email.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, FakeService, Received, running
from tests.fakes.smtp import PASSWORD, USERNAME, FakeSMTP
from workfuse.lib.node_run import NodeError, Secret

EMAIL = "app.email"
PDF = b"%PDF-1.4 fake invoice\n"  # the fake sends text (UTF-8)
CHART = b"\x89PNG\r\n\x1a\n" + bytes(range(256))  # every byte value, none of it UTF-8 text


@pytest.fixture
def server(settings: Any) -> Iterator[FakeSMTP]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    fake = FakeSMTP()
    yield fake
    fake.close()


class Files(FakeService):
    """Serves an invoice, a redirect to it and a file too large to attach."""

    def respond(self, request: Received) -> Answer:
        if request.path == "/invoice.pdf":
            return Answer(200, PDF.decode("latin-1"), {"Content-Type": "application/pdf"})
        if request.path == "/latest":
            return Answer(302, "", {"Location": "/invoice.pdf"})
        if request.path == "/huge.bin":
            return Answer(200, "x" * (11 * 1024 * 1024))
        if request.path == "/charts/sales.png":
            return Answer(200, CHART, {"Content-Type": "image/png"})
        return Answer(404, "not found")


@pytest.fixture
def files(settings: Any) -> Iterator[Files]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(Files()) as fake:
        yield fake


def smtp_secret(fake: FakeSMTP, password: str = PASSWORD, **settings: Any) -> Secret:
    fields = {
        "host": "127.0.0.1",
        "port": fake.port,
        "security": "none",
        "username": USERNAME,
        "from_address": "Acme Orders <orders@acme.test>",
        **settings,
    }
    return Secret("email", {"password": password}, fields, name="Acme mail")


def mail(**config: Any) -> dict[str, Any]:
    return {"to": ["ada@example.com"], "subject": "Order 42", "text": "Thanks!", **config}


def file_value(data: bytes, filename: str, content_type: str) -> dict[str, Any]:
    """A file value as a step outputs it (workfuse/lib/files.py)."""
    content = base64.b64encode(data).decode()
    return {
        "filename": filename,
        "content_type": content_type,
        "size": len(data),
        "content": content,
    }


def stored_credential(owner: Any, fake: FakeSMTP) -> int:
    value = {
        "host": "127.0.0.1",
        "port": fake.port,
        "security": "none",
        "username": USERNAME,
        "password": PASSWORD,
        "from_address": "orders@acme.test",
    }
    return store.create(owner, "Acme mail", "email", value).pk


# --- the session and the message ------------------------------------------------------------------


def test_send_logs_in_and_delivers_text_and_html_to_to_cc_and_bcc(server):
    output = run_app(
        EMAIL,
        mail(
            to="Ada Lovelace <ada@example.com>, bob@example.com",
            cc=["ops@example.com"],
            bcc=["audit@example.com"],
            html="<p>Thanks!</p>",
        ),
        smtp_secret(server),
    )

    assert server.logins == [(USERNAME, PASSWORD)]
    [received] = server.messages
    assert received.sender == "orders@acme.test"
    everyone = ["ada@example.com", "bob@example.com", "ops@example.com", "audit@example.com"]
    assert received.recipients == everyone
    message = received.message
    assert message["From"] == "Acme Orders <orders@acme.test>"
    assert message["To"] == "Ada Lovelace <ada@example.com>, bob@example.com"
    assert message["Cc"] == "ops@example.com" and message["Bcc"] is None  # hidden
    assert message["Subject"] == "Order 42"
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.get_payload()
    assert (text.get_content_type(), text.get_payload().strip()) == ("text/plain", "Thanks!")
    assert (html.get_content_type(), html.get_payload().strip()) == ("text/html", "<p>Thanks!</p>")
    assert output == {"message_id": message["Message-ID"], "accepted": everyone, "refused": {}}


def test_the_message_id_is_the_same_on_every_attempt_of_a_step(server):
    run_app(EMAIL, mail(), smtp_secret(server))
    run_app(EMAIL, mail(), smtp_secret(server))
    first, again = (m.message["Message-ID"] for m in server.messages)
    assert first == again and first.endswith("@acme.test>")


def test_attachments_come_from_urls_and_base64(server, files):
    csv = "name,total\nZoë,12.50\n".encode()
    run_app(
        EMAIL,
        mail(
            attachments=[
                {"url": f"{files.url}/latest"},  # redirected to /invoice.pdf
                {"content": base64.b64encode(csv).decode(), "filename": "report.csv"},
            ]
        ),
        smtp_secret(server),
    )

    parts = list(server.messages[0].message.iter_attachments())
    assert [(p.get_filename(), p.get_content_type()) for p in parts] == [
        ("invoice.pdf", "application/pdf"),
        ("report.csv", "text/csv"),
    ]
    assert parts[0].get_payload(decode=True) == PDF
    assert parts[1].get_payload(decode=True) == csv
    assert [r.path for r in files.requests] == ["/latest", "/invoice.pdf"]


def test_file_values_are_attached_beside_urls_with_their_name_type_and_bytes(server, files):
    chart = file_value(CHART, "sales.png", "image/png")
    run_app(
        EMAIL,
        mail(attachments=[chart, {"url": f"{files.url}/invoice.pdf"}]),
        smtp_secret(server),
    )

    parts = list(server.messages[0].message.iter_attachments())
    assert [(p.get_filename(), p.get_content_type()) for p in parts] == [
        ("sales.png", "image/png"),
        ("invoice.pdf", "application/pdf"),
    ]
    assert [p.get_payload(decode=True) for p in parts] == [CHART, PDF]


def test_one_file_value_is_a_list_of_one():
    config = Config.model_validate(mail(attachments=file_value(b"x,y\n", "a.csv", "text/csv")))
    assert config.attachments == [file_value(b"x,y\n", "a.csv", "text/csv")]


@pytest.mark.parametrize(
    ("attachment", "message"),
    [
        ({"url": "/missing.pdf"}, "refused attachments[0].url (HTTP 404)"),
        ({"url": "/huge.bin"}, "attachments[0] is over 10 MB; stopped reading."),
        (
            {"content": "not base64!", "filename": "a.txt"},
            "attachments[0].content is not valid base64.",
        ),
        (
            {**file_value(b"", "big.bin", "application/octet-stream"), "content": "A" * 14_500_000},
            "attachments[0] is over 10 MB.",
        ),
    ],
)
def test_an_attachment_that_cannot_be_read_fails_the_step_before_sending(
    server, files, attachment, message
):
    if "url" in attachment:
        attachment = {"url": files.url + attachment["url"]}
    error = app_error(EMAIL, mail(attachments=[attachment]), smtp_secret(server))
    assert message in error.message and not error.retryable
    assert server.messages == []


def test_an_attachment_url_on_a_private_address_is_refused(server, files, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    # The SMTP server is refused first, so the attachment is fetched before connecting.
    error = app_error(
        EMAIL, mail(attachments=[{"url": f"{files.url}/invoice.pdf"}]), smtp_secret(server)
    )
    assert "attachments[0].url: Refused to connect to 127.0.0.1 (loopback address)" in error.message
    assert files.requests == []


def test_a_server_without_login_takes_mail_when_no_user_is_set(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    relay = FakeSMTP(auth=False)
    try:
        secret = Secret(
            "email",
            {},
            {
                "host": "127.0.0.1",
                "port": relay.port,
                "security": "none",
                "from_address": "a@acme.test",
            },
            name="Relay",
        )
        output = run_app(EMAIL, mail(), secret)
    finally:
        relay.close()
    assert output["accepted"] == ["ada@example.com"] and relay.logins == []


# --- SMTP replies ---------------------------------------------------------------------------------


def test_a_wrong_password_is_535_not_retried_and_names_the_credential(server):
    error = app_error(EMAIL, mail(), smtp_secret(server, password="wrong"))
    assert not error.retryable
    assert error.message.startswith(
        "The SMTP server did not accept the credential “Acme mail” (535 5.7.8 Authentication "
        "credentials invalid)"
    )
    assert server.messages == []


def test_a_4xx_reply_is_retried(server):
    server.script(mail="451 4.3.0 Try again later")
    error = app_error(EMAIL, mail(), smtp_secret(server))
    assert error.retryable
    assert error.message == (
        f"The SMTP server 127.0.0.1:{server.port} asked to try again later: 451 4.3.0 Try again "
        "later"
    )


def test_a_5xx_reply_is_not_retried(server):
    server.script(data="554 5.7.1 Message rejected as spam")
    error = app_error(EMAIL, mail(), smtp_secret(server))
    assert not error.retryable
    assert "refused the email: 554 5.7.1 Message rejected as spam" in error.message


def test_some_refused_recipients_are_in_the_output_all_refused_fail(server):
    server.refuse("gone@example.com")
    output = run_app(EMAIL, mail(to=["ada@example.com", "gone@example.com"]), smtp_secret(server))
    assert output["accepted"] == ["ada@example.com"]
    assert output["refused"] == {"gone@example.com": "550 5.1.1 No such user here"}
    assert server.messages[0].recipients == ["ada@example.com"]

    error = app_error(EMAIL, mail(to=["gone@example.com"]), smtp_secret(server))
    assert not error.retryable
    assert "refused every recipient: gone@example.com: 550 5.1.1 No such user here" in error.message


def test_starttls_against_a_server_without_it_says_what_to_change(server):
    error = app_error(EMAIL, mail(), smtp_secret(server, security="starttls"))
    assert not error.retryable
    assert f"The SMTP server 127.0.0.1:{server.port} does not offer STARTTLS" in error.message


def test_ssl_against_a_plain_server_fails_clearly(server):
    error = app_error(EMAIL, mail(), smtp_secret(server, security="ssl"))
    assert error.message.startswith(f"TLS with the SMTP server 127.0.0.1:{server.port} failed")


def test_nothing_listening_is_retried(server):
    port = server.port
    server.close()
    error = app_error(EMAIL, mail(), smtp_secret(server, port=port))
    assert error.retryable and error.message.startswith("Could not reach the SMTP server")


def test_a_loopback_smtp_host_is_refused_unless_allowed(server, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    error = app_error(EMAIL, mail(), smtp_secret(server, host="localhost"))
    assert "Refused to connect to" in error.message and "for host localhost" in error.message
    assert not error.retryable and server.logins == []


# --- the settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "field", "message"),
    [
        ({"subject": "s", "text": "t"}, "to", "Needed for the send operation."),
        (mail(text=""), "text", "Give text, html or both."),
        (mail(cc="nobody"), "cc", "“nobody” is not an email address"),
        (mail(attachments=[{"filename": "a.txt"}]), "attachments", "needs either a url or base64"),
        (mail(attachments=[{"content": "aGk="}]), "attachments", "needs a filename"),
        (mail(attachments="{not json"), "attachments", "must be a JSON list of attachments"),
        (mail(to=[f"u{i}@example.com" for i in range(101)]), "to", "At most 100 recipients"),
    ],
)
def test_the_settings_are_checked_on_their_fields(config, field, message):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    [error] = caught.value.errors()
    assert error["loc"] == (field,) and message in error["msg"]


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ({"host": "smtp://mail.acme.test"}, "host", "without smtp:// or a port"),
        ({"from_address": "orders"}, "from_address", "is not an email address"),
        ({"password": ""}, "password", "Needed with a user name."),
        ({"username": "", "password": "pw"}, "username", "Needed with a password."),
        ({"security": "tls"}, "security", "starttls"),
        ({"port": 70000}, "port", "less than or equal to 65535"),
    ],
)
def test_the_credential_is_checked_on_its_fields(value, field, message):
    good = {
        "host": "smtp.acme.test",
        "username": "u",
        "password": "p",
        "from_address": "a@acme.test",
    }
    with pytest.raises(ValidationError) as caught:
        SmtpServer.model_validate({**good, **value})
    [error] = caught.value.errors()
    assert error["loc"] == (field,) and message in error["msg"]


def test_the_port_follows_the_security_unless_given():
    base = {"host": "smtp.acme.test", "from_address": "a@acme.test"}
    assert SmtpServer.model_validate(base).port_number == 587
    assert SmtpServer.model_validate({**base, "security": "ssl"}).port_number == 465
    assert SmtpServer.model_validate({**base, "port": "2525"}).port_number == 2525


# --- Test connection -------------------------------------------------------------------------------


def test_the_test_connects_greets_logs_in_and_sends_nothing(server):
    assert smtp.check(smtp_secret(server)) == (
        f"Connected to the SMTP server 127.0.0.1:{server.port} (fake-smtp.test) with no "
        f"encryption, logged in as {USERNAME}."
    )
    assert server.logins == [(USERNAME, PASSWORD)] and server.messages == []


def test_the_test_fails_on_a_wrong_password(server):
    with pytest.raises(NodeError, match="did not accept the credential “Acme mail” \\(535"):
        smtp.check(smtp_secret(server, password="wrong"))


# --- through the engine ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_run_sends_the_rendered_email_with_the_stored_credential(alice, server):
    credential = stored_credential(alice, server)
    config = mail(to=["{{ trigger.email }}"], subject="Welcome, {{ trigger.name }}")
    node = {"id": "welcome", "type": EMAIL, "config": {"credential": credential, **config}}

    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"email": "ada@example.com", "name": "Ada"}
    )

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="welcome")
    [received] = server.messages
    assert received.message["Subject"] == "Welcome, Ada"
    assert step.output["accepted"] == ["ada@example.com"]
    assert PASSWORD not in json.dumps(step.output) + json.dumps(step.input)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "attachments", ["{{ nodes.download.file }}", "{{ [nodes.download.file] }}"]
)
def test_a_run_attaches_the_file_an_earlier_step_downloaded(alice, server, files, attachments):
    download = {
        "id": "download",
        "type": "action.http",
        "config": {"url": f"{files.url}/charts/sales.png", "response_format": "file"},
    }
    config = {"credential": stored_credential(alice, server), **mail(attachments=attachments)}
    send = {"id": "send", "type": EMAIL, "config": config}

    execution = engine.start_execution(make_workflow(alice, chain(download, send)), {})

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [received] = server.messages
    [chart] = received.message.iter_attachments()
    assert (chart.get_filename(), chart.get_content_type()) == ("sales.png", "image/png")
    assert chart.get_payload(decode=True) == CHART


@pytest.mark.django_db(transaction=True)
def test_a_4xx_run_is_retried_by_the_engine_and_sends_once(alice, server):
    credential = stored_credential(alice, server)
    node = {"id": "send", "type": EMAIL, "config": {"credential": credential, **mail()}}
    node["retry"] = {"max_attempts": 3, "initial_delay_ms": 1000}
    server.script(mail="421 4.7.0 Too many connections, slow down")

    execution = engine.start_execution(make_workflow(alice, chain(node)), {})

    step = Step.objects.get(execution=execution, key="send")
    assert step.status == "waiting"
    engine.sweep(now=step.wake_at)
    step.refresh_from_db()
    assert (step.status, step.attempt) == ("succeeded", 2)
    assert len(server.messages) == 1


# --- the gallery starter ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_order_confirmation_starter_emails_the_receipt_and_texts_when_there_is_a_phone(
    alice, server, files
):
    from editor.gallery import TEMPLATES
    from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, NUMBER, FakeTwilio

    mailer = store.create(
        alice,
        "Acme mail",
        "email",
        {
            "host": "127.0.0.1",
            "port": server.port,
            "security": "none",
            "username": USERNAME,
            "password": PASSWORD,
            "from_address": "Acme <orders@acme.test>",
        },
    )
    with running(FakeTwilio()) as twilio:
        texter = store.create(
            alice,
            "Acme Twilio",
            "twilio",
            {
                "auth_token": AUTH_TOKEN,
                "account_sid": ACCOUNT_SID,
                "default_from": NUMBER,
                "base_url": twilio.url,
            },
        )
        graph = TEMPLATES["order-confirmation-email-and-sms"].new_graph()
        for node in graph["nodes"]:
            if node["type"] == "app.email":
                node["config"]["credential"] = mailer.pk
            if node["type"] == "app.twilio":
                node["config"]["credential"] = texter.pk
        workflow = make_workflow(alice, graph)
        order = {
            "id": 7,
            "total": "42.00",
            "receipt_url": f"{files.url}/invoice.pdf",
            "customer": {"email": "ada@example.com", "phone": "+14155550100"},
        }

        with_phone = engine.start_execution(workflow, {"body": order})
        no_phone = engine.start_execution(
            workflow, {"body": {**order, "id": 8, "customer": {"email": "bob@example.com"}}}
        )

        with_phone.refresh_from_db()
        no_phone.refresh_from_db()
        assert (with_phone.status, no_phone.status) == ("succeeded", "succeeded"), (
            with_phone.error,
            no_phone.error,
        )
        assert [m["to"] for m in twilio.messages] == ["+14155550100"]
        assert twilio.messages[0]["body"] == "Order 7 confirmed. Thank you!"
    first, second = server.messages
    assert (first.recipients, second.recipients) == (["ada@example.com"], ["bob@example.com"])
    assert first.message["Subject"] == "Order 7 confirmed"
    [receipt] = first.message.iter_attachments()
    assert (receipt.get_filename(), receipt.get_payload(decode=True)) == ("receipt.pdf", PDF)
