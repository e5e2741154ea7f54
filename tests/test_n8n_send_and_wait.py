"""Importing n8n's "send and wait for response" (editor/n8n/send_and_wait.py): Gmail and Send
Email become the send with its button links, an approval wait and a Set giving n8n's output
(`data.approved`, `data.text`, `data.<label>`), read by the nodes after it as in n8n; what cannot
be exact is refused naming the construct. End to end: imported workflows run through the engine,
the email goes to the fake SMTP server (or the fake Gmail), the link in it is followed, and the
node after reads n8n's answer."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import SPECS, convert
from editor.n8n.app_tools import problem
from editor.validation import validate_graph
from executions import engine
from executions.models import Execution
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeGmail
from tests.fakes.smtp import PASSWORD, USERNAME, FakeSMTP
from tests.test_n8n_items import export, manual

BASE = "n8n-nodes-base."
HTML = {"Accept": "text/html,application/xhtml+xml"}
JSON = {"Accept": "application/json"}
LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]*)</a>')


def gmail_wait(params: dict[str, Any], name: str = "Ask") -> dict[str, Any]:
    base = {"operation": "sendAndWait", "sendTo": "boss@acme.test", "subject": "Refund?"}
    return {
        "name": name,
        "type": f"{BASE}gmail",
        "typeVersion": 2.1,
        "parameters": {"message": "Refund order 42?", **base, **params},
    }


def email_wait(params: dict[str, Any], name: str = "Ask") -> dict[str, Any]:
    base = {
        "operation": "sendAndWait",
        "fromEmail": "bot@acme.test",
        "toEmail": "boss@acme.test",
        "subject": "Refund?",
        "message": "Refund order 42?",
    }
    return {
        "name": name,
        "type": f"{BASE}emailSend",
        "typeVersion": 2.1,
        "parameters": {**base, **params},
    }


def if_true(name: str, left: str) -> dict[str, Any]:
    """n8n's If (2.2) on a boolean being true, as the corpus workflows check the answer."""
    condition = {
        "id": "1",
        "operator": {"type": "boolean", "operation": "true", "singleValue": True},
        "leftValue": left,
        "rightValue": "",
    }
    return {
        "name": name,
        "type": f"{BASE}if",
        "typeVersion": 2.2,
        "parameters": {
            "conditions": {
                "options": {"version": 2, "caseSensitive": True, "typeValidation": "strict"},
                "combinator": "and",
                "conditions": [condition],
            }
        },
    }


def set_text(name: str, field: str, value: str) -> dict[str, Any]:
    assignment = {"id": "1", "name": field, "type": "string", "value": value}
    return {
        "name": name,
        "type": f"{BASE}set",
        "typeVersion": 3.4,
        "parameters": {"assignments": {"assignments": [assignment]}},
    }


def imported(node: dict[str, Any], *after: dict[str, Any]) -> dict[str, Any]:
    """Start → node → each of `after` in a line."""
    nodes = [manual(), node, *after]
    links = [(a["name"], 0, b["name"], 0) for a, b in itertools.pairwise(nodes)]
    return convert(export(nodes, links))


def by_label(graph: dict[str, Any], label: str) -> dict[str, Any]:
    return next(n for n in graph["nodes"] if n["label"] == label)


def refusal(node: dict[str, Any]) -> str:
    with pytest.raises(ImportRefused) as refused:
        imported(node)
    return refused.value.issues[0].message


# --- what the import makes -----------------------------------------------------------------


def test_a_double_approval_is_a_send_with_both_buttons_an_approval_wait_and_a_set():
    node = gmail_wait(
        {"approvalOptions": {"values": {"approvalType": "double", "approveLabel": "Confirm"}}}
    )
    graph = imported(node, if_true("Approved?", "={{ $json.data.approved }}"))

    assert validate_graph(graph) == []
    send, wait, answer = (by_label(graph, f"Ask{s}") for s in (" (send)", " (wait)", ""))
    assert send["type"] == "app.gmail"
    assert send["config"]["operation"] == "send"
    assert send["config"]["to"] == ["boss@acme.test"]
    assert send["config"]["subject"] == "Refund?"
    # n8n's order: the disapprove button first, both linking to the waiting execution.
    assert LINK.findall(send["config"]["html"]) == [
        ("{{ execution.resume_url }}", "Decline"),
        ("{{ execution.resume_url }}", "Confirm"),
    ]
    assert "Refund order 42?" in send["config"]["html"]
    assert wait["type"] == "utility.wait"
    assert wait["config"] == {"mode": "approval", "title": "Refund?"}
    assert answer["type"] == "utility.set"
    assert answer["config"] == {
        "fields": [
            {"name": "data.approved", "value": "{{ nodes.ask_wait.approved }}", "type": "boolean"}
        ],
        "keep": "none",
    }
    edges = {(e["source"], e.get("source_handle", "main"), e["target"]) for e in graph["edges"]}
    assert {
        ("start", "main", "ask_send"),
        ("ask_send", "main", "ask_wait"),
        ("ask_wait", "main", "ask"),
        ("ask", "main", "approved"),
    } <= edges
    rule = by_label(graph, "Approved?")["config"]["rules"][0]
    assert rule["left"] == "{{ nodes.ask.data.approved }}"
    assert "opens WorkFuse's approval form" in answer["notes"]
    assert "Ask (send): Credentials are not imported: choose a Gmail" in answer["notes"]


def test_a_single_approval_has_one_button_and_says_the_form_also_rejects():
    graph = imported(email_wait({}))

    send = by_label(graph, "Ask (send)")
    assert send["type"] == "app.email"
    assert send["config"]["to"] == ["boss@acme.test"]
    assert LINK.findall(send["config"]["html"]) == [("{{ execution.resume_url }}", "Approve")]
    notes = by_label(graph, "Ask")["notes"]
    assert "offered only Approve" in notes
    assert "n8n sent from bot@acme.test" in notes


def test_an_outlook_send_and_wait_sends_its_html_body_through_outlook():
    node = {
        "name": "Ask",
        "type": f"{BASE}microsoftOutlook",
        "typeVersion": 2,
        "parameters": {
            "operation": "sendAndWait",
            "toRecipients": "boss@acme.test",
            "subject": "Refund?",
            "message": "Refund order 42?",
            "confirmationPage": True,
            "options": {"appendAttribution": False},
        },
    }
    graph = imported(node, if_true("Approved?", "={{ $json.data.approved }}"))

    assert validate_graph(graph) == []
    send = by_label(graph, "Ask (send)")
    assert send["type"] == "app.outlook"
    assert send["config"]["to"] == ["boss@acme.test"]
    assert LINK.findall(send["config"]["body"]) == [("{{ execution.resume_url }}", "Approve")]
    notes = by_label(graph, "Ask")["notes"]
    assert "one click" not in notes  # n8n's confirmation page asked, as WorkFuse's form does
    assert "Automated with n8n" not in notes  # the attribution was off


def test_the_message_keeps_its_expressions_and_written_line_breaks():
    node = gmail_wait({"message": "Line one\\nLine two"})
    html = by_label(imported(node), "Ask (send)")["config"]["html"]
    assert html.startswith('<p style="white-space: pre-line;">Line one\nLine two</p>')

    node = gmail_wait(
        {"message": "=Order {{ $json.order }}", "subject": "=Refund {{ $json.order }}?"}
    )
    graph = imported(node)
    send = by_label(graph, "Ask (send)")
    assert "Order {{ trigger.order" in send["config"]["html"]
    assert send["config"]["subject"].startswith("Refund {{ trigger.order")
    assert by_label(graph, "Ask (wait)")["config"]["title"] == send["config"]["subject"]


def test_free_text_waits_for_a_required_response_and_outputs_data_text():
    node = gmail_wait(
        {
            "responseType": "freeText",
            "options": {"messageButtonLabel": "Answer", "responseFormTitle": "Your answer"},
        }
    )
    graph = imported(node, set_text("Reply", "reply", "={{ $json.data.text }}"))

    assert validate_graph(graph) == []
    send = by_label(graph, "Ask (send)")
    assert LINK.findall(send["config"]["html"]) == [("{{ execution.resume_url }}", "Answer")]
    assert by_label(graph, "Ask (wait)")["config"] == {
        "mode": "approval",
        "title": "Your answer",
        "description": "Refund order 42?",
        "fields": [{"name": "response", "type": "text", "required": True}],
    }
    assert "one click" not in by_label(graph, "Ask")["notes"]  # n8n's Respond opened a form too
    assert by_label(graph, "Ask")["config"]["fields"] == [
        {"name": "data.text", "value": "{{ nodes.ask_wait.fields.response }}", "type": "auto"}
    ]
    assert "nodes.ask.data.text" in json.dumps(by_label(graph, "Reply")["config"])


def test_a_custom_form_gives_each_answer_under_its_label():
    fields = {
        "values": [
            {"fieldLabel": "Amount", "fieldType": "number", "requiredField": True},
            {"fieldLabel": "Why not", "fieldType": "textarea"},
            {"fieldLabel": "Team", "fieldType": "dropdown"},
        ]
    }
    node = gmail_wait({"responseType": "customForm", "formFields": fields})
    graph = imported(node, set_text("Why", "why", "={{ $('Ask').item.json.data['Why not'] }}"))

    assert validate_graph(graph) == []
    assert by_label(graph, "Ask (wait)")["config"]["fields"] == [
        {"name": "amount", "type": "number", "required": True},
        {"name": "why_not", "type": "text", "required": False},
        {"name": "team", "type": "string", "required": False},
    ]
    assert by_label(graph, "Ask")["config"]["fields"] == [
        {"name": "data.Amount", "value": "{{ nodes.ask_wait.fields.amount }}", "type": "auto"},
        {"name": "data.Why not", "value": "{{ nodes.ask_wait.fields.why_not }}", "type": "auto"},
        {"name": "data.Team", "value": "{{ nodes.ask_wait.fields.team }}", "type": "auto"},
    ]
    assert "Choice fields are text fields here" in by_label(graph, "Ask")["notes"]
    assert "nodes.ask.data" in json.dumps(by_label(graph, "Why")["config"])


@pytest.mark.parametrize(
    ("params", "said"),
    [
        (
            {"options": {"limitWaitTime": {"values": {"resumeAmount": 2, "resumeUnit": "hours"}}}},
            "limits the wait time",
        ),
        ({"responseType": "customForm", "defineForm": "json"}, "defines its form with JSON"),
        (
            {
                "responseType": "customForm",
                "formFields": {"values": [{"fieldLabel": "Scan", "fieldType": "file"}]},
            },
            "asks for a file ('Scan')",
        ),
        (
            {
                "responseType": "customForm",
                "formFields": {"values": [{"fieldLabel": "a.b", "fieldType": "text"}]},
            },
            "labelled 'a.b'",
        ),
        ({"options": {"replyTo": "a@b.co"}}, "sets the option(s) replyTo"),
        ({"responseType": "poll"}, "response of type 'poll'"),
    ],
)
def test_what_cannot_be_exact_is_refused_naming_the_node_and_the_construct(params, said):
    message = refusal(gmail_wait(params))
    assert message.startswith("n8n node 'Ask' (n8n-nodes-base.gmail): ")
    assert said in message


def test_a_send_and_wait_that_goes_on_when_it_fails_is_refused():
    node = {**gmail_wait({}), "onError": "continueErrorOutput"}
    assert "goes on when it fails (On Error)" in refusal(node)


def test_button_labels_are_escaped_as_n8n_escapes_them():
    values = {"approvalType": "single", "approveLabel": "Yes <b>now</b>"}
    send = by_label(imported(gmail_wait({"approvalOptions": {"values": values}})), "Ask (send)")
    assert ">Yes &lt;b&gt;now&lt;/b&gt;</a>" in send["config"]["html"]


def test_send_and_wait_as_an_agent_tool_is_refused_saying_why():
    tool = {**gmail_wait({"responseType": "freeText"}), "type": f"{BASE}gmailTool"}
    said = problem(tool, SPECS)
    assert said is not None
    assert "waits for a person's answer (sendAndWait)" in said


# --- run end to end --------------------------------------------------------------------------


@pytest.fixture
def smtp(settings: Any) -> Iterator[FakeSMTP]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    fake = FakeSMTP()
    yield fake
    fake.close()


def smtp_credential(owner: Any, fake: FakeSMTP) -> int:
    value = {
        "host": "127.0.0.1",
        "port": fake.port,
        "security": "none",
        "username": USERNAME,
        "password": PASSWORD,
        "from_address": "bot@acme.test",
    }
    return store.create(owner, "Acme mail", "email", value).pk


def choose(graph: dict[str, Any], credential: int) -> dict[str, Any]:
    """The user's one choice after importing: the credential of the send."""
    for node in graph["nodes"]:
        if node["type"] in ("app.email", "app.gmail"):
            node["config"]["credential"] = credential
    return graph


def links_in(mail: EmailMessage) -> list[tuple[str, str]]:
    """(path, label) of each button in the email's HTML (the test client has no host)."""
    body = mail.get_body(("html",))
    assert body is not None
    return [(urlsplit(href).path, label) for href, label in LINK.findall(body.get_content())]


def approval_workflow(node: dict[str, Any]) -> dict[str, Any]:
    """Start → the send and wait → If data.approved → Set 'Done' on true."""
    graph = imported(
        node,
        if_true("Approved?", "={{ $json.data.approved }}"),
        set_text("Done", "result", "=approved: {{ $('Ask').item.json.data.approved }}"),
    )
    assert validate_graph(graph) == []
    return graph


def output(execution: Execution, key: str) -> Any:
    return execution.steps.get(key=key).output


def finished(execution: Execution) -> Execution:
    execution.refresh_from_db()
    return execution


@pytest.mark.django_db(transaction=True)
def test_an_imported_email_approval_runs_and_the_approve_link_lets_the_next_node_see_true(
    alice, smtp
):
    node = email_wait({"approvalOptions": {"values": {"approvalType": "double"}}})
    graph = choose(approval_workflow(node), smtp_credential(alice, smtp))
    execution = engine.start_execution(make_workflow(alice, graph), {})

    assert finished(execution).status == "running"
    assert execution.steps.get(key="ask_wait").status == "waiting"
    [received] = smtp.messages
    assert received.recipients == ["boss@acme.test"]
    assert received.message["Subject"] == "Refund?"
    (decline, decline_label), (approve, approve_label) = links_in(received.message)
    assert (decline_label, approve_label) == ("Decline", "Approve")
    assert decline == approve  # one resume URL; the form asks which

    page = Client().get(approve, headers=HTML)
    assert page.status_code == 200
    assert b'value="approve"' in page.content
    done = Client().post(approve, {"decision": "approve", "name": "Boss"}, headers=HTML)
    assert done.status_code == 200

    execution = finished(execution)
    assert execution.status == "succeeded", execution.error
    assert output(execution, "ask") == {"data": {"approved": True}}
    assert output(execution, "approved")["result"] is True
    assert output(execution, "done")["result"]["result"] == "approved: true"


@pytest.mark.django_db(transaction=True)
def test_declining_goes_on_with_approved_false_and_the_if_takes_its_false_branch(alice, smtp):
    node = email_wait({"approvalOptions": {"values": {"approvalType": "double"}}})
    graph = choose(approval_workflow(node), smtp_credential(alice, smtp))
    execution = engine.start_execution(make_workflow(alice, graph), {})
    [received] = smtp.messages
    (decline, _), _ = links_in(received.message)

    Client().post(decline, {"decision": "reject"}, headers=HTML)

    execution = finished(execution)
    assert execution.status == "succeeded", execution.error
    assert output(execution, "ask") == {"data": {"approved": False}}
    assert execution.steps.get(key="done").status == "skipped"


@pytest.fixture
def gmail(settings: Any) -> Iterator[FakeGmail]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGmail()) as fake:
        yield fake


def gmail_credential(owner: Any, fake: FakeGmail) -> int:
    value = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        "base_url": fake.url,
        "token_url": fake.token_url,
    }
    return store.create(owner, "Ada's Gmail", "gmail", value).pk


@pytest.mark.django_db(transaction=True)
def test_an_imported_gmail_free_text_answer_reaches_the_next_node_as_data_text(alice, gmail):
    node = gmail_wait({"responseType": "freeText"})
    graph = imported(node, set_text("Reply", "reply", "=Boss said: {{ $json.data.text }}"))
    graph = choose(graph, gmail_credential(alice, gmail))
    execution = engine.start_execution(make_workflow(alice, graph), {})

    [sent] = gmail.sent
    mail = message_from_bytes(sent.raw, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    assert mail["To"] == "boss@acme.test"
    [(link, label)] = links_in(mail)
    assert label == "Respond"
    answer = {"approved": True, "fields": {"response": "Yes, refund it."}}
    response = Client().post(link, answer, content_type="application/json", headers=JSON)
    assert response.status_code == 200, response.content

    execution = finished(execution)
    assert execution.status == "succeeded", execution.error
    assert output(execution, "ask") == {"data": {"text": "Yes, refund it."}}
    assert output(execution, "reply")["result"]["reply"] == "Boss said: Yes, refund it."
