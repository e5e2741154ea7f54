"""Importing n8n's Humantic AI node (editor/n8n/apps_humantic_ai.py) onto `app.humantic_ai`: the
profile operations' configs, the refusals, and the corpus's create → download a resume → update
with it → get the hiring persona, run in the engine against the fake Humantic AI."""

from __future__ import annotations

import itertools

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import Answer, FakeService, Received, running
from tests.fakes.humantic_ai import KEY, FakeHumantic
from tests.test_n8n_apps import converted, refusal

ADA = "https://www.linkedin.com/in/harshil1712/"
FROM_CREATE = '={{$node["Humantic AI"].json["results"]["userid"]}}'


@pytest.mark.parametrize(
    ("params", "config"),
    [
        ({"userId": ADA}, {"operation": "create_profile", "user_id": ADA}),
        (
            {"userId": "a@b.c", "operation": "get", "options": {"persona": ["sales", "hiring"]}},
            {"operation": "get_profile", "user_id": "a@b.c", "persona": ["sales", "hiring"]},
        ),
        (
            {"userId": "a@b.c", "operation": "update", "text": "=Hi {{ $json.bio }}"},
            {
                "operation": "update_profile",
                "user_id": "a@b.c",
                "text": "Hi {{ trigger.bio | n8n_text }}",
            },
        ),
    ],
)
def test_each_profile_operation_becomes_its_humantic_config(params, config):
    node = converted("humanticAi", params)
    assert node["type"] == "app.humantic_ai" and node["config"] == config
    assert "choose a Humantic AI credential (an API key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"userId": "a", "operation": "delete"}, "does 'profile / delete'"),
        ({"operation": "get"}, "names no User ID"),
        ({"userId": "a", "operation": "update", "sendResume": True}, "binary"),
    ],
)
def test_what_the_humantic_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("humanticAi", params)
    assert "'App' (n8n-nodes-base.humanticAi)" in message and said in message


class ResumeHost(FakeService):
    def respond(self, request: Received) -> Answer:
        return Answer(200, b"%PDF-1.4 the resume", {"Content-Type": "application/pdf"})


def _node(name: str, kind: str, params: dict, x: int) -> dict:
    return {"name": name, "type": kind, "typeVersion": 1, "position": [x, 0], "parameters": params}


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_profile_is_created_updated_with_a_resume_and_read(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeHumantic()) as humantic, running(ResumeHost()) as host:
        nodes = [
            _node("On clicking 'execute'", "n8n-nodes-base.manualTrigger", {}, 0),
            _node("Humantic AI", "n8n-nodes-base.humanticAi", {"userId": ADA}, 100),
            _node(
                "HTTP Request",
                "n8n-nodes-base.httpRequest",
                {"url": f"{host.url}/ada.pdf", "options": {}, "responseFormat": "file"},
                200,
            ),
            _node(
                "Humantic AI1",
                "n8n-nodes-base.humanticAi",
                {"userId": FROM_CREATE, "operation": "update", "sendResume": True},
                300,
            ),
            _node(
                "Humantic AI2",
                "n8n-nodes-base.humanticAi",
                {"userId": FROM_CREATE, "options": {"persona": ["hiring"]}, "operation": "get"},
                400,
            ),
        ]
        names = [n["name"] for n in nodes]
        data = {
            "name": "Create, update, and get a profile in Humantic AI",
            "nodes": nodes,
            "connections": {
                a: {"main": [[{"node": b, "type": "main", "index": 0}]]}
                for a, b in itertools.pairwise(names)
            },
        }
        graph = convert(data)
        assert validate_graph(graph) == []
        credential = store.create(
            alice, "People", "humantic_ai", {"api_key": KEY, "base_url": humantic.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.humantic_ai":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    got = execution.steps.get(key="humantic_ai2").output
    assert got["userid"] == ADA and got["sources"] == ["linkedin", "resume"]
    assert got["persona"] == {"hiring": {"score": 7}}
    assert b"%PDF-1.4 the resume" in humantic.requests[1].body
