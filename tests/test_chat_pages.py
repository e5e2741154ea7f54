"""The chat pages: the owner's, the public link's, their send URLs and the Chat button."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from chat.links import COOKIE
from chat.models import ChatLink, ChatMessage, ChatSession
from editor.models import Workflow
from executions.models import Execution
from tests.test_chat_api import CHAT, chat_workflow, echo_graph

pytestmark = pytest.mark.django_db(transaction=True)


def public_workflow(owner: Any, *, active: bool = True, public: bool = True) -> Workflow:
    graph = echo_graph("Hi {{ trigger.message }}")
    graph["nodes"][0] = {**CHAT, "config": {"public": public, "welcome": "Welcome, visitor"}}
    workflow = chat_workflow(owner, graph)
    workflow.is_active = active
    workflow.save()
    return workflow


def public_url(client: Client, workflow: Workflow) -> str:
    """The public link, as its owner's chat page shows it."""
    page = client.get(f"/chat/{workflow.pk}/").content.decode()
    found = re.search(r'id="chat-public-url" aria-label="Public chat link"', page)
    assert found, "the owner's page shows no public link"
    return "/chat/p/" + ChatLink.objects.get(workflow=workflow).token + "/"


# --- the owner's page ------------------------------------------------------------------------


def test_the_owner_sees_the_welcome_then_the_conversation_it_chose(alice, alice_client):
    workflow = chat_workflow(alice)
    sent = alice_client.post(
        f"/chat/{workflow.pk}/send", {"message": "Hello <b>bot</b>", "session_id": "mine"}
    )
    assert sent.status_code == 200
    assert sent.json()["reply"] == "You said: Hello <b>bot</b> (mine)"
    page = alice_client.get(f"/chat/{workflow.pk}/?session=mine")
    text = page.content.decode()
    assert page.status_code == 200
    welcome = text.index("Hello there")
    asked = text.index("Hello &lt;b&gt;bot&lt;/b&gt;")
    answered = text.index("You said: Hello &lt;b&gt;bot&lt;/b&gt; (mine)")
    assert welcome < asked < answered
    assert f'data-ws-path="/ws/chat/{workflow.pk}/mine/"' in text
    assert "?session=mine" in text  # listed among the conversations


def test_without_a_session_the_page_starts_a_new_conversation(alice, alice_client):
    workflow = chat_workflow(alice)
    text = alice_client.get(f"/chat/{workflow.pk}/").content.decode()
    session_id = re.search(r'data-session-id="([^"]+)"', text).group(1)
    assert len(session_id) >= 20
    assert not ChatSession.objects.exists()  # made by the first message only


def test_the_page_checks_ownership_and_sign_in(alice, charlie_client, client):
    workflow = chat_workflow(alice)
    assert charlie_client.get(f"/chat/{workflow.pk}/").status_code == 404
    sent = charlie_client.post(f"/chat/{workflow.pk}/send", {"message": "hi"})
    assert sent.status_code == 404
    assert client.get(f"/chat/{workflow.pk}/").status_code == 302
    assert client.post(f"/chat/{workflow.pk}/send", {"message": "hi"}).status_code == 302
    assert not Execution.objects.exists()


def test_a_workflow_without_a_chat_trigger_says_how_to_add_one(alice, alice_client):
    graph = {"nodes": [{"id": "start", "type": "trigger.manual", "config": {}}], "edges": []}
    workflow = chat_workflow(alice, graph)
    text = alice_client.get(f"/chat/{workflow.pk}/").content.decode()
    assert "does not start with a chat trigger" in text and "chat-form" not in text
    sent = alice_client.post(f"/chat/{workflow.pk}/send", {"message": "hi"})
    assert sent.status_code == 400 and sent.json()["code"] == "no_chat_trigger"


def test_a_too_long_message_is_400_naming_it(alice, alice_client):
    workflow = chat_workflow(alice)
    sent = alice_client.post(f"/chat/{workflow.pk}/send", {"message": "x" * 8001})
    assert sent.status_code == 400
    assert sent.json()["details"][0]["field"] == "message"


def test_clear_conversation_deletes_it(alice, alice_client):
    workflow = chat_workflow(alice)
    alice_client.post(f"/chat/{workflow.pk}/send", {"message": "a", "session_id": "gone"})
    alice_client.post(f"/chat/{workflow.pk}/send", {"message": "b", "session_id": "kept"})
    cleared = alice_client.post(
        f"/chat/{workflow.pk}/", {"action": "clear", "session_id": "gone"}, follow=True
    )
    assert "Conversation deleted." in cleared.content.decode()
    assert list(ChatSession.objects.values_list("session_id", flat=True)) == ["kept"]
    assert ChatMessage.objects.count() == 2


def test_the_workflow_page_has_a_chat_button_only_with_a_chat_trigger(alice, alice_client):
    chatty = chat_workflow(alice)
    assert (
        f'href="/chat/{chatty.pk}/"'
        in alice_client.get(f"/workflows/{chatty.pk}/").content.decode()
    )
    graph = {"nodes": [{"id": "start", "type": "trigger.manual", "config": {}}], "edges": []}
    quiet = chat_workflow(alice, graph)
    assert "/chat/" not in alice_client.get(f"/workflows/{quiet.pk}/").content.decode()


# --- the public link -------------------------------------------------------------------------


def test_the_public_link_works_without_sign_in_in_the_visitors_own_conversation(
    alice, alice_client
):
    workflow = public_workflow(alice)
    link = public_url(alice_client, workflow)
    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Welcome, visitor" in page.content.decode()
    session_id = visitor.cookies[COOKIE.format(pk=workflow.pk)].value
    sent = visitor.post(link + "send", {"message": "hey", "session_id": "someone-else"})
    assert sent.status_code == 200
    assert sent.json() | {"execution_id": None} == {
        "session_id": session_id,
        "reply": "Hi hey",
        "execution_id": None,
        "status": "succeeded",
        "error": None,
    }
    session = ChatSession.objects.get()
    assert (session.session_id, session.via) == (session_id, "public")
    again = visitor.get(link).content.decode()
    assert "Hi hey" in again


def test_visitors_never_see_each_others_conversations(alice, alice_client):
    workflow = public_workflow(alice)
    link = public_url(alice_client, workflow)
    first, second = Client(), Client()
    first.get(link)
    first.post(link + "send", {"message": "my secret order 1234"})
    second.get(link)
    assert "1234" not in second.get(link).content.decode()
    # Naming the owner's conversation (API ids may be guessable) in the cookie opens nothing.
    alice_client.post(
        f"/chat/{workflow.pk}/send", {"message": "owner note", "session_id": "notes-of-the-owner"}
    )
    second.cookies[COOKIE.format(pk=workflow.pk)] = "notes-of-the-owner"
    text = second.get(link).content.decode()
    assert "owner note" not in text
    assert second.cookies[COOKIE.format(pk=workflow.pk)].value != "notes-of-the-owner"


@pytest.mark.parametrize("state", ["private", "inactive", "no trigger"])
def test_the_public_link_is_404_unless_public_and_active(alice, alice_client, state):
    workflow = public_workflow(alice)
    link = public_url(alice_client, workflow)
    if state == "private":
        graph = public_workflow(alice, public=False).graph
        workflow.save_graph(graph, user=alice)
    elif state == "inactive":
        workflow.is_active = False
        workflow.save()
    else:
        workflow.save_graph(
            {"nodes": [{"id": "start", "type": "trigger.manual", "config": {}}], "edges": []},
            user=alice,
        )
    visitor = Client()
    assert visitor.get(link).status_code == 404
    assert visitor.post(link + "send", {"message": "hi"}).status_code == 404
    assert not Execution.objects.exists()


def test_a_wrong_token_is_404_and_a_new_link_retires_the_old_one(alice, alice_client):
    workflow = public_workflow(alice)
    link = public_url(alice_client, workflow)
    visitor = Client()
    assert visitor.get("/chat/p/not-the-token/").status_code == 404
    alice_client.post(f"/chat/{workflow.pk}/", {"action": "new_link"})
    new_link = "/chat/p/" + ChatLink.objects.get(workflow=workflow).token + "/"
    assert new_link != link
    assert visitor.get(link).status_code == 404
    assert visitor.get(new_link).status_code == 200
    assert new_link in alice_client.get(f"/chat/{workflow.pk}/").content.decode()


def test_the_owner_page_shows_no_public_link_while_the_trigger_is_private(alice, alice_client):
    workflow = public_workflow(alice, public=False)
    text = alice_client.get(f"/chat/{workflow.pk}/").content.decode()
    assert "chat-public-url" not in text and not ChatLink.objects.exists()


def test_public_sends_are_rate_limited_with_retry_after(alice, alice_client, settings):
    settings.WORKFUSE_CHAT_PUBLIC_RATE = "2/m"
    workflow = public_workflow(alice)
    link = public_url(alice_client, workflow)
    visitor = Client()
    visitor.get(link)
    assert visitor.post(link + "send", {"message": "1"}).status_code == 200
    assert visitor.post(link + "send", {"message": "2"}).status_code == 200
    refused = visitor.post(link + "send", {"message": "3"})
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert Execution.objects.count() == 2


def test_a_public_visitor_is_not_told_why_a_run_failed(alice, alice_client):
    workflow = public_workflow(alice)
    stop = {"id": "answer", "type": "logic.stop", "config": {"message": "DB password wrong"}}
    graph = {**workflow.graph, "nodes": [workflow.graph["nodes"][0], stop]}
    workflow.save_graph(graph, user=alice)
    link = public_url(alice_client, workflow)
    visitor = Client()
    visitor.get(link)
    sent = visitor.post(link + "send", {"message": "hi"}).json()
    assert sent["reply"] is None and "something went wrong" in sent["error"]
    assert "password" not in visitor.get(link).content.decode()
    session_id = sent["session_id"]
    owner_view = alice_client.get(f"/chat/{workflow.pk}/?session={session_id}").content.decode()
    assert "DB password wrong" in owner_view


def test_a_visitor_clears_their_conversation_and_gets_a_new_one(alice, alice_client):
    workflow = public_workflow(alice)
    link = public_url(alice_client, workflow)
    visitor = Client()
    visitor.get(link)
    visitor.post(link + "send", {"message": "forget me"})
    before = visitor.cookies[COOKIE.format(pk=workflow.pk)].value
    visitor.post(link, {"action": "clear"})
    assert not ChatSession.objects.exists()
    assert visitor.cookies[COOKIE.format(pk=workflow.pk)].value != before
    assert "forget me" not in visitor.get(link).content.decode()
