"""Chat in queue mode for real: a uvicorn web process answers POST /api/workflows/{id}/chat
while a `celery worker` runs the streaming AI step; its tokens reach the chat socket through
the Redis channel layer and the run's end reaches the waiting request through Redis pub/sub."""

from __future__ import annotations

import http.client
import json
import time

import pytest

from accounts.models import ApiToken
from chat.models import ChatMessage
from tests.fake_ai_server import Reply, fake_ai_server
from tests.integration.conftest import queue_mode  # noqa: F401  (the fixture)
from tests.integration.test_live_queue_mode import open_socket, receive, session_cookie
from tests.test_chat_api import ai_graph, chat_workflow

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]

CHUNKS = ["Queued ", "workers ", "stream ", "too."]


def test_a_worker_streams_the_reply_to_the_socket_and_the_api_answers_it(queue_mode, alice):  # noqa: F811
    with fake_ai_server() as ai:
        ai.script("openai", Reply(text="".join(CHUNKS), chunks=CHUNKS))
        queue_mode.env |= {
            "OPENAI_BASE_URL": ai.openai_url,
            "OPENAI_API_KEY": "sk-queue-0123456789",
        }
        queue_mode.worker(concurrency=2)
        queue_mode.web()
        workflow = chat_workflow(alice, ai_graph(stream=True))
        _, token = ApiToken.issue(alice, "chat test")
        path = f"/ws/chat/{workflow.pk}/conv-q/"
        with open_socket(queue_mode, path, session_cookie(alice)) as ws:
            assert receive(ws) == {"type": "ready", "session_id": "conv-q"}
            conn = http.client.HTTPConnection("127.0.0.1", queue_mode.port, timeout=60)
            conn.request(
                "POST",
                f"/api/workflows/{workflow.pk}/chat",
                body=json.dumps({"session_id": "conv-q", "message": "And in queue mode?"}),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            answer = json.loads(response.read())
            conn.close()
            assert response.status == 200, answer
            messages = []
            deadline = time.monotonic() + 30
            while not any(
                m["type"] == "execution" and m["status"] == "succeeded" for m in messages
            ):
                messages.append(receive(ws, timeout=deadline - time.monotonic()))

    assert answer["reply"] == "Queued workers stream too."
    assert answer["status"] == "succeeded" and answer["session_id"] == "conv-q"
    tokens = [m for m in messages if m["type"] == "token"]
    assert [m["text"] for m in tokens] == CHUNKS
    assert {m["execution_id"] for m in messages} == {answer["execution_id"]}
    stored = ChatMessage.objects.filter(session__session_id="conv-q")
    assert list(stored.values_list("role", "text")) == [
        ("user", "And in queue mode?"),
        ("assistant", "Queued workers stream too."),
    ]
