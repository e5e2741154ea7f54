"""The chat pages' WebSockets against the real ASGI app: a streaming action.ai run's tokens
reach the conversation's socket, and only that conversation's."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from chat import conversation
from chat.links import COOKIE
from chat.models import ChatLink, ChatSession
from executions.consumers import FORBIDDEN
from tests.fake_ai_server import Reply, fake_ai_server
from tests.test_chat_api import CHAT, ai_graph, chat_workflow
from tests.test_live_updates import connect, receive_until, session_headers

pytestmark = pytest.mark.django_db(transaction=True)

CHUNKS = ["Your ", "parcel ", "left ", "today."]


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.OPENAI_API_KEY = "sk-chat-tests-0123456789abcdef"
        yield server


def in_thread(scenario: Any) -> Any:
    # In a thread of its own: a session-wide Playwright loop may be running on this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario).result(timeout=30)


def finished(message: dict) -> bool:
    return message["type"] == "execution" and message["status"] == "succeeded"


def test_the_owners_socket_streams_the_tokens_of_its_conversations_run(ai, alice):
    ai.script("openai", Reply(text="".join(CHUNKS), chunks=CHUNKS))
    workflow = chat_workflow(alice, ai_graph(stream=True))
    headers = session_headers(alice)

    async def scenario() -> list[dict]:
        ws = connect(f"/ws/chat/{workflow.pk}/conv-1/", headers)
        assert (await ws.connect())[0]
        assert await ws.receive_json_from() == {"type": "ready", "session_id": "conv-1"}
        await database_sync_to_async(conversation.begin)(workflow, "Where is it?", "conv-1")
        messages = await receive_until(ws, finished)
        await ws.disconnect()
        return messages

    messages = in_thread(scenario())
    tokens = [m for m in messages if m["type"] == "token"]
    assert [m["text"] for m in tokens] == CHUNKS
    assert {m["node_id"] for m in tokens} == {"ask"}
    assert {m["type"] for m in messages} == {"token", "execution"}  # no step messages
    assert messages.index(tokens[-1]) < len(messages) - 1  # the end comes after the tokens


def test_another_conversations_socket_gets_nothing_of_it(ai, alice):
    ai.script("openai", Reply(text="".join(CHUNKS), chunks=CHUNKS), Reply(text="Second"))
    workflow = chat_workflow(alice, ai_graph(stream=True))
    headers = session_headers(alice)

    async def scenario() -> list[dict]:
        other = connect(f"/ws/chat/{workflow.pk}/conv-2/", headers)
        assert (await other.connect())[0]
        await other.receive_json_from()
        await database_sync_to_async(conversation.begin)(workflow, "Not yours", "conv-1")
        await database_sync_to_async(conversation.begin)(workflow, "Yours", "conv-2")
        messages = await receive_until(other, finished)
        await other.disconnect()
        return messages

    messages = in_thread(scenario())
    asked = ChatSession.objects.get(session_id="conv-2").messages.get(role="user")
    assert {m["execution_id"] for m in messages} == {str(asked.execution_id)}
    assert [m["text"] for m in messages if m["type"] == "token"] == ["Second"]


def test_the_public_socket_streams_to_the_visitors_cookie_conversation_only(ai, alice):
    ai.script("openai", Reply(text="".join(CHUNKS), chunks=CHUNKS))
    graph = ai_graph(stream=True)
    graph["nodes"][0] = {**CHAT, "config": {"public": True}}
    workflow = chat_workflow(alice, graph)
    workflow.is_active = True
    workflow.save()
    token = ChatLink.objects.create(workflow=workflow).token
    visitor = Client()
    visitor.get(f"/chat/p/{token}/")
    session_id = visitor.cookies[COOKIE.format(pk=workflow.pk)].value
    cookie = f"{COOKIE.format(pk=workflow.pk)}={session_id}"
    headers = [(b"cookie", cookie.encode()), (b"origin", b"http://localhost")]

    async def scenario() -> list[dict]:
        ws = connect(f"/ws/chat/p/{token}/", headers)
        assert (await ws.connect())[0]
        assert (await ws.receive_json_from())["session_id"] == session_id
        await database_sync_to_async(conversation.begin)(
            workflow, "Where?", session_id, via=ChatSession.Via.PUBLIC
        )
        messages = await receive_until(ws, finished)
        await ws.disconnect()
        return messages

    messages = in_thread(scenario())
    assert [m["text"] for m in messages if m["type"] == "token"] == CHUNKS
    execution = next(m for m in messages if m["type"] == "execution")
    assert "error" not in execution and "workflow_id" not in execution


@pytest.mark.parametrize("who", ["outsider", "anonymous", "no cookie", "wrong token"])
def test_sockets_that_may_not_follow_are_closed_with_4403(alice, charlie, who):
    graph = ai_graph()
    graph["nodes"][0] = {**CHAT, "config": {"public": True}}
    workflow = chat_workflow(alice, graph)
    workflow.is_active = True
    workflow.save()
    token = ChatLink.objects.create(workflow=workflow).token
    origin = [(b"origin", b"http://localhost")]
    path, headers = {
        "outsider": (f"/ws/chat/{workflow.pk}/s/", session_headers(charlie)),
        "anonymous": (f"/ws/chat/{workflow.pk}/s/", origin),
        "no cookie": (f"/ws/chat/p/{token}/", origin),
        "wrong token": (f"/ws/chat/p/{token}x/", origin),
    }[who]

    async def scenario() -> dict:
        ws = connect(path, headers)
        assert (await ws.connect())[0]
        closed = await ws.receive_output()
        await ws.disconnect()
        return closed

    assert in_thread(scenario()) == {"type": "websocket.close", "code": FORBIDDEN}
