"""Importing n8n's SSH node (editor/n8n/apps_ssh.py) onto `app.ssh`: each operation's config, the
login the report asks for, the refusals, a download's file read by the next node, and the
corpus's webhook-driven workflows (a Linux update, a docker compose controller) run in the engine
against a real SSH server on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.ssh import PASSWORD, USER, FakeSsh, Reply
from tests.test_n8n_apps import converted, refusal

BASE = "n8n-nodes-base."


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"resource": "command", "command": "df -P"},
            {"operation": "execute", "command": "df -P", "cwd": "/"},
        ),
        (
            {"command": "=cd {{ $json.service }} && docker compose up -d", "cwd": "/home/f"},
            {
                "operation": "execute",
                "command": "cd {{ trigger.service | n8n_text }} && docker compose up -d",
                "cwd": "/home/f",
            },
        ),
        (
            {"command": "uptime", "cwd": ""},
            {"operation": "execute", "command": "uptime", "cwd": ""},
        ),
        (
            {"resource": "file", "operation": "download", "path": "/var/log/syslog"},
            {"operation": "download", "path": "/var/log/syslog"},
        ),
        (
            {
                "resource": "file",
                "operation": "download",
                "path": "/srv/a.csv",
                "options": {"fileName": "b.csv"},
            },
            {"operation": "download", "path": "/srv/a.csv", "file_name": "b.csv"},
        ),
    ],
)
def test_each_operation_becomes_its_ssh_config(params, config):
    node = converted("ssh", params)
    assert node["type"] == "app.ssh"
    assert node["config"] == config
    assert "choose an SSH login credential (a host, a user and a password)" in node["notes"]


def test_a_private_key_login_asks_for_a_key_and_a_command_notes_its_timeout():
    node = converted("ssh", {"authentication": "privateKey", "command": "ls"})
    assert "(a host, a user and a private key with its passphrase)" in node["notes"]
    assert "n8n waited for the command without a limit" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "command"}, "names no Command"),
        ({"resource": "file", "operation": "download"}, "names no Path"),
        ({"resource": "file", "operation": "rename"}, "does 'file / rename'"),
    ],
)
def test_what_the_ssh_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("ssh", params)
    assert "'App' (n8n-nodes-base.ssh)" in message
    assert said in message


def _node(name: str, kind: str, params: dict[str, Any], x: int = 0) -> dict[str, Any]:
    return {
        "parameters": params,
        "name": name,
        "type": f"{BASE}{kind}",
        "typeVersion": 1,
        "position": [x, 0],
    }


def _flow(*nodes: dict[str, Any], links: list[tuple[str, str, int]]) -> dict[str, Any]:
    connections: dict[str, Any] = {}
    for source, target, output in links:
        outputs = connections.setdefault(source, {"main": [[], []]})["main"]
        outputs[output].append({"node": target, "type": "main", "index": 0})
    return {"name": "SSH", "nodes": list(nodes), "connections": connections}


def test_a_downloaded_file_is_what_the_next_upload_sends():
    data = _flow(
        _node("Start", "manualTrigger", {}),
        _node("Fetch", "ssh", {"resource": "file", "operation": "download", "path": "/a.txt"}),
        _node(
            "Put",
            "ssh",
            {
                "resource": "file",
                "operation": "upload",
                "path": "/backup",
                "binaryPropertyName": "data",
            },
        ),
        links=[("Start", "Fetch", 0), ("Fetch", "Put", 0)],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    put = next(n for n in graph["nodes"] if n["id"] == "put")
    assert put["config"] == {
        "operation": "upload",
        "file": "{{ nodes.fetch.file }}",
        "directory": "/backup",
    }


def _with_login(graph: dict[str, Any], alice: Any, fake: FakeSsh) -> None:
    credential = store.create(
        alice,
        "My Server's SSH Password",
        "ssh",
        {"password": PASSWORD, "host": "127.0.0.1", "port": fake.port, "username": USER},
    )
    for node in graph["nodes"]:
        if node["type"] == "app.ssh":
            node["config"]["credential"] = credential.pk


WEBHOOK = {"httpMethod": "POST", "path": "update", "responseMode": "responseNode", "options": {}}


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_linux_update_answers_with_the_command_s_output(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    command = "sudo apt update && sudo apt upgrade -y"
    data = _flow(
        _node("Webhook", "webhook", WEBHOOK),
        _node("Execute a command", "ssh", {"command": command}),
        _node(
            "Respond to Webhook",
            "respondToWebhook",
            {"respondWith": "text", "responseBody": "={{ $json.stdout }}", "options": {}},
        ),
        links=[("Webhook", "Execute a command", 0), ("Execute a command", "Respond to Webhook", 0)],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeSsh()) as fake:
        fake.replies[command] = Reply(stdout="0 upgraded, 0 newly installed.\n")
        _with_login(graph, alice, fake)
        execution = engine.start_execution(make_workflow(alice, graph), {"body": {}})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        assert fake.commands == [f"cd / ; {command}"]
    answer = execution.steps.get(key="respond_to_webhook").input
    assert answer["body"] == "0 upgraded, 0 newly installed."


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_docker_compose_start_reads_stderr_as_n8n_does(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    respond = {"respondWith": "text", "options": {}}
    service = "{{ $('Webhook').item.json.params.service }}"
    data = _flow(
        _node("Webhook", "webhook", WEBHOOK | {"path": "docker/:action/:service"}),
        _node(
            "Start",
            "ssh",
            {
                "command": "=cd {{ $json.params.service }} && docker compose up -d",
                "cwd": "/home/ferristhiel",
            },
        ),
        _node(
            "Started?",
            "if",
            {
                "conditions": {
                    "options": {"caseSensitive": True, "typeValidation": "strict", "version": 2},
                    "conditions": [
                        {
                            "leftValue": "={{ $('Start').item.json.stderr }}",
                            "rightValue": "=Started",
                            "operator": {"type": "string", "operation": "contains"},
                        }
                    ],
                    "combinator": "and",
                },
                "options": {},
            },
        )
        | {"typeVersion": 2.2},
        _node(
            "Respond - Started",
            "respondToWebhook",
            respond | {"responseBody": f'=Docker Service "{service}" was found and started!'},
        ),
        _node(
            "Respond - Started Already",
            "respondToWebhook",
            respond | {"responseBody": f'=Docker Service "{service}" was started already!'},
        ),
        links=[
            ("Webhook", "Start", 0),
            ("Start", "Started?", 0),
            ("Started?", "Respond - Started", 0),
            ("Started?", "Respond - Started Already", 1),
        ],
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeSsh()) as fake:
        # docker compose reports its progress on stderr, with exit code 0.
        fake.replies["cd nextcloud && docker compose up -d"] = Reply(
            stderr=" Container nextcloud-app-1  Started\n"
        )
        _with_login(graph, alice, fake)
        payload = {"params": {"action": "start", "service": "nextcloud"}, "body": {}}
        execution = engine.start_execution(make_workflow(alice, graph), payload)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        assert fake.cwds == ["/home/ferristhiel"]
    steps = {s.key: s for s in execution.steps.all()}
    assert steps["respond_started"].status == "succeeded"
    assert steps["respond_started"].input["body"] == (
        'Docker Service "nextcloud" was found and started!'
    )
    assert steps["respond_started_already"].status == "skipped"
