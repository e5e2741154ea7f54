"""n8n's Send Email attachments imported (editor/n8n/apps_email.py): the binary properties named
in version 1's `attachments` and later versions' `options.attachments` become `app.email`'s
attachments as the file values of the nodes that made them; a property no node before makes,
or one named by an expression, is refused naming the node; and an imported download mailed as
an attachment runs against a 127.0.0.1 file server and the fake SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.n8n.apps_email import CID_NOTE
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import Answer, FakeService, Received, running
from tests.fakes.smtp import PASSWORD, USERNAME, FakeSMTP
from tests.test_n8n_files import chain, download_as_file, node_of, refused
from tests.test_n8n_flow import manual, n8n_node

CHART = b"\x89PNG\r\n\x1a\n" + bytes(range(256))  # every byte value: a real binary file


def send_email(version: float, attachments: str, **params: Any) -> dict:
    """A Send Email node attaching `attachments` where its version keeps them."""
    base: dict[str, Any] = {
        "fromEmail": "ops@acme.test",
        "toEmail": "ada@example.com",
        "subject": "Sales",
    }
    if version < 2:
        base |= {"text": "The chart is attached.", "attachments": attachments}
    else:
        base |= {"emailFormat": "text", "text": "The chart is attached."}
        base["options"] = {"attachments": attachments}
    return n8n_node("Send Email", "emailSend", base | params, version)


def old_download(url: str) -> dict:
    """HTTP Request version 1 saving its response as a file (binary property `data`)."""
    params = {"url": url, "responseFormat": "file", "options": {}}
    return n8n_node("Download", "httpRequest", params, 1)


# --- the conversion -------------------------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2, 2.1])
def test_the_attached_binary_properties_are_the_downloads_file(version):
    download = download_as_file("https://example.com/sales.png", "chart")
    graph = convert(chain(manual(), download, send_email(version, "chart")))
    assert validate_graph(graph) == []
    sender = node_of(graph, "Send Email")
    assert sender["type"] == "app.email"
    assert sender["config"]["attachments"] == "{{ [nodes.download.file] }}"
    assert sender["config"]["text"] == "The chart is attached."


def test_an_unknown_binary_property_is_refused_naming_the_node_and_the_property():
    download = download_as_file("https://example.com/sales.png")
    said = refused(chain(manual(), download, send_email(2.1, "data, logo")))
    assert said.startswith("n8n node 'Send Email' (n8n-nodes-base.emailSend)")
    assert "reads the file in binary property 'logo' of its input item" in said
    assert "'Download' outputs no such file" in said


def test_attachments_with_no_file_before_are_refused_naming_the_node():
    said = refused(chain(manual(), send_email(1, "data")))
    assert said.startswith("n8n node 'Send Email' (n8n-nodes-base.emailSend)")
    assert "binary property 'data'" in said and "'Start' outputs no such file" in said


def test_a_property_named_by_an_expression_is_refused():
    download = download_as_file("https://example.com/sales.png")
    said = refused(chain(manual(), download, send_email(2.1, "={{ $json.which }}")))
    assert said.startswith("n8n node 'Send Email' (n8n-nodes-base.emailSend)")
    assert "names the binary property of its input file with an expression" in said


def test_html_showing_an_attachment_by_content_id_is_noted():
    download = download_as_file("https://example.com/sales.png")
    html = {"emailFormat": "html", "html": '<img src="cid:data">'}
    graph = convert(chain(manual(), download, send_email(2.1, "data", **html)))
    assert CID_NOTE in node_of(graph, "Send Email")["notes"]
    plain = convert(chain(manual(), download, send_email(2.1, "data")))
    assert CID_NOTE not in node_of(plain, "Send Email")["notes"]


# --- run through the engine -----------------------------------------------------------------


class Charts(FakeService):
    def respond(self, request: Received) -> Answer:
        if request.path == "/charts/sales.png":
            return Answer(200, CHART, {"Content-Type": "image/png"})
        return Answer(404, "not found")


@pytest.fixture
def charts(settings: Any) -> Iterator[Charts]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(Charts()) as fake:
        yield fake


@pytest.fixture
def smtp(settings: Any) -> Iterator[FakeSMTP]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    fake = FakeSMTP()
    yield fake
    fake.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("version", [1, 2.1])
def test_an_imported_download_is_emailed_as_an_attachment(alice, charts, smtp, version):
    url = f"{charts.url}/charts/sales.png"
    download = old_download(url) if version < 2 else download_as_file(url)
    graph = convert(chain(manual(), download, send_email(version, "data")))
    mailer = store.create(
        alice,
        "Acme mail",
        "email",
        {
            "host": "127.0.0.1",
            "port": smtp.port,
            "security": "none",
            "username": USERNAME,
            "password": PASSWORD,
            "from_address": "ops@acme.test",
        },
    )
    node_of(graph, "Send Email")["config"]["credential"] = mailer.pk
    assert validate_graph(graph) == []

    execution = engine.start_execution(make_workflow(alice, graph), None)

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [received] = smtp.messages
    assert received.recipients == ["ada@example.com"]
    assert received.message["Subject"] == "Sales"
    [chart] = received.message.iter_attachments()
    assert (chart.get_filename(), chart.get_content_type()) == ("sales.png", "image/png")
    assert chart.get_payload(decode=True) == CHART
    assert [r.path for r in charts.requests] == ["/charts/sales.png"]
