"""POST /api/workflows/{id}/chat and the conversations' history, with real runs (eager tasks)."""

from __future__ import annotations

from typing import Any

import pytest

from chat.models import ChatMessage, ChatSession
from editor.models import Workflow
from executions.models import Execution
from tests.fake_ai_server import Reply, fake_ai_server

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = {"id": "chat", "type": "trigger.chat", "config": {"welcome": "Hello there"}}


def echo_graph(text: str = "You said: {{ trigger.message }} ({{ trigger.session_id }})") -> dict:
    """trigger.chat → utility.set answering with a `reply` field."""
    answer = {
        "id": "answer",
        "type": "utility.set",
        "config": {"keep": "none", "fields": [{"name": "reply", "value": text}]},
    }
    return {"nodes": [CHAT, answer], "edges": [{"source": "chat", "target": "answer"}]}


def chat_workflow(owner: Any, graph: dict | None = None) -> Workflow:
    return Workflow.create(owner, "Echo chat", graph=graph or echo_graph())


def url(workflow: Workflow) -> str:
    return f"/api/workflows/{workflow.pk}/chat"


def test_a_message_starts_a_run_and_answers_its_reply_in_a_new_session(alice, alice_api):
    workflow = chat_workflow(alice)
    response = alice_api.post(url(workflow), {"message": "hi"})
    assert response.status_code == 200, response.content
    data = response.json()
    session_id = data["session_id"]
    assert len(session_id) >= 20
    assert data["reply"] == f"You said: hi ({session_id})"
    assert data["status"] == "succeeded" and data["error"] is None
    execution = Execution.objects.get(pk=data["execution_id"])
    assert execution.trigger_kind == "chat"
    assert execution.trigger_data == {"session_id": session_id, "message": "hi"}
    session = ChatSession.objects.get(workflow=workflow)
    assert session.session_id == session_id and session.via == "owner"
    messages = list(session.messages.values_list("role", "text", "execution_id"))
    assert messages == [
        ("user", "hi", execution.pk),
        ("assistant", f"You said: hi ({session_id})", execution.pk),
    ]


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-chat-tests-0123456789abcdef"
        yield server


def ai_graph(stream: bool = True) -> dict:
    ask = {
        "id": "ask",
        "type": "action.ai",
        "config": {
            "provider": "openai",
            "model": "gpt-4o-mini",
            "system_prompt": "You are a helpful shop assistant.",
            "prompt": "{{ trigger.message }}",
            "stream": stream,
        },
    }
    return {"nodes": [CHAT, ask], "edges": [{"source": "chat", "target": "ask"}]}


def test_an_ai_nodes_response_is_the_reply_and_the_session_goes_on(alice, alice_api, ai):
    ai.script(
        "openai",
        Reply(text="It ships tomorrow.", chunks=["It ", "ships ", "tomorrow."]),
        Reply(text="You are welcome."),
    )
    workflow = chat_workflow(alice, ai_graph())
    first = alice_api.post(url(workflow), {"message": "Where is my order?"}).json()
    assert first["reply"] == "It ships tomorrow."
    second = alice_api.post(
        url(workflow), {"session_id": first["session_id"], "message": "Thanks!"}
    ).json()
    assert second["session_id"] == first["session_id"]
    assert second["reply"] == "You are welcome."
    assert [r.body["messages"][-1]["content"] for r in ai.requests] == [
        "Where is my order?",
        "Thanks!",
    ]
    session = ChatSession.objects.get(workflow=workflow)
    assert list(session.messages.values_list("role", "text")) == [
        ("user", "Where is my order?"),
        ("assistant", "It ships tomorrow."),
        ("user", "Thanks!"),
        ("assistant", "You are welcome."),
    ]


def test_a_session_id_of_the_callers_choice_is_kept(alice, alice_api):
    workflow = chat_workflow(alice)
    data = alice_api.post(url(workflow), {"session_id": "user-42", "message": "yo"}).json()
    assert data["session_id"] == "user-42"
    assert data["reply"] == "You said: yo (user-42)"


def test_a_failed_run_answers_200_with_no_reply_and_its_error(alice, alice_api):
    stop = {
        "id": "stop",
        "type": "logic.stop",
        "config": {"message": "No stock for {{ trigger.message }}"},
    }
    graph = {"nodes": [CHAT, stop], "edges": [{"source": "chat", "target": "stop"}]}
    workflow = chat_workflow(alice, graph)
    response = alice_api.post(url(workflow), {"message": "socks"})
    assert response.status_code == 200
    data = response.json()
    assert data["reply"] is None and data["status"] == "failed"
    assert "No stock for socks" in data["error"]
    answer = ChatMessage.objects.get(role="assistant")
    assert answer.text == "" and "No stock for socks" in answer.error


def test_a_run_still_going_answers_202_and_its_reply_joins_the_history_when_it_ends(
    alice, alice_api, settings
):
    from executions import engine
    from executions.models import Step

    settings.WORKFUSE_CHAT_WAIT_SECONDS = 1
    nap = {"id": "nap", "type": "utility.delay", "config": {"seconds": 60}}
    answer = {
        "id": "answer",
        "type": "utility.set",
        "config": {
            "keep": "none",
            "fields": [{"name": "text", "value": "Done: {{ trigger.message }}"}],
        },
    }
    graph = {
        "nodes": [CHAT, nap, answer],
        "edges": [{"source": "chat", "target": "nap"}, {"source": "nap", "target": "answer"}],
    }
    workflow = chat_workflow(alice, graph)
    response = alice_api.post(url(workflow), {"message": "slowly"})
    assert response.status_code == 202
    data = response.json()
    assert (data["reply"], data["status"], data["error"]) == (None, "running", None)
    path = f"/api/workflows/{workflow.pk}/chat/sessions/{data['session_id']}"
    assert [m["role"] for m in alice_api.get(path).json()["messages"]] == ["user"]
    step = Step.objects.get(execution_id=data["execution_id"], key="nap")
    engine.sweep(now=step.wake_at)
    messages = alice_api.get(path).json()["messages"]
    assert [(m["role"], m["text"]) for m in messages] == [
        ("user", "slowly"),
        ("assistant", "Done: slowly"),
    ]
    assert messages[1]["execution_id"] == data["execution_id"]


def test_an_inactive_workflow_chats_with_its_owner(alice, alice_api):
    workflow = chat_workflow(alice)
    assert not workflow.is_active
    assert alice_api.post(url(workflow), {"message": "test"}).status_code == 200


def test_it_checks_ownership(alice, charlie_api):
    workflow = chat_workflow(alice)
    response = charlie_api.post(url(workflow), {"message": "hi"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert charlie_api.get(f"/api/workflows/{workflow.pk}/chat/sessions").status_code == 404
    assert not ChatSession.objects.exists() and not Execution.objects.exists()


def test_without_a_token_or_session_it_is_401(alice, client):
    workflow = chat_workflow(alice)
    response = client.post(url(workflow), {"message": "hi"}, content_type="application/json")
    assert response.status_code == 401


def test_a_workflow_without_a_chat_trigger_is_400(alice, alice_api):
    graph = {"nodes": [{"id": "start", "type": "trigger.manual", "config": {}}], "edges": []}
    workflow = chat_workflow(alice, graph)
    response = alice_api.post(url(workflow), {"message": "hi"})
    assert response.status_code == 400
    assert response.json()["code"] == "no_chat_trigger"
    assert "trigger.chat" in response.json()["message"]
    assert not Execution.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"message": "x" * 8001}, "message", "8001 characters long; the limit is 8000"),
        ({"message": "   "}, "message", "Write a message"),
        ({}, "message", "required"),
        ({"message": 5}, "message", "string"),
        ({"message": "hi", "session_id": "has spaces"}, "session_id", "1 to 100"),
        ({"message": "hi", "session_id": "x" * 101}, "session_id", "1 to 100"),
    ],
)
def test_user_mistakes_are_400_naming_the_field(alice, alice_api, body, field, words):
    workflow = chat_workflow(alice)
    response = alice_api.post(url(workflow), body)
    assert response.status_code == 400, response.content
    [detail] = response.json()["details"]
    assert detail["field"] == field and words in detail["message"]
    assert not ChatSession.objects.exists() and not Execution.objects.exists()


def test_sessions_are_listed_newest_first_and_deleted_with_their_messages(alice, alice_api):
    workflow = chat_workflow(alice)
    for name in ("first", "second", "third"):
        alice_api.post(url(workflow), {"session_id": name, "message": "hi"})
    alice_api.post(url(workflow), {"session_id": "first", "message": "again"})
    listed = alice_api.get(f"/api/workflows/{workflow.pk}/chat/sessions").json()
    assert [s["session_id"] for s in listed["items"]] == ["first", "third", "second"]
    assert listed["count"] == 3
    one = alice_api.get(f"/api/workflows/{workflow.pk}/chat/sessions/first").json()
    assert [m["text"] for m in one["messages"]] == [
        "hi",
        "You said: hi (first)",
        "again",
        "You said: again (first)",
    ]
    deleted = alice_api.delete(f"/api/workflows/{workflow.pk}/chat/sessions/first")
    assert deleted.status_code == 204
    assert not ChatMessage.objects.filter(session__session_id="first").exists()
    assert Execution.objects.count() == 4  # the runs stay in the history
    missing = alice_api.get(f"/api/workflows/{workflow.pk}/chat/sessions/first")
    assert missing.status_code == 404
