"""app.ssh against a real SSH server on 127.0.0.1 (asyncssh, tests/fakes/ssh.py): commands with
n8n's output and working folder, password and key logins, SFTP upload and download, the host key
pin, the private-network guard, clear failures, "Test connection" and a run through the engine."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import asyncssh
import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.ssh import remote
from integrations.ssh.credentials import Login
from integrations.ssh.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.ssh import PASSWORD, USER, FakeSsh, Reply, encrypted_key
from workfuse.lib.node_run import Secret

SSH = "app.ssh"
PASSPHRASE = "key-passphrase"


@pytest.fixture
def server(settings: Any) -> Iterator[FakeSsh]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSsh()) as fake:
        yield fake


def login(fake: FakeSsh, **fields: Any) -> Secret:
    secrets = {k: v for k, v in fields.items() if k in ("password", "private_key", "passphrase")}
    settings = {"host": "127.0.0.1", "port": fake.port, "username": USER}
    settings |= {k: v for k, v in fields.items() if k not in secrets}
    return Secret("ssh", secrets or {"password": PASSWORD}, settings, name="Box")


def a_file(data: bytes, name: str = "report.txt") -> dict[str, Any]:
    return {"filename": name, "content": base64.b64encode(data).decode()}


def test_a_command_answers_as_n8n_s_ssh_node_in_the_root_folder(server):
    server.replies["df -P"] = Reply(stdout="Filesystem 1024-blocks\n/dev/sda1 100\n\n")
    output = run_app(SSH, {"command": "df -P"}, login(server))
    assert output == {
        "code": 0,
        "signal": None,
        "stdout": "Filesystem 1024-blocks\n/dev/sda1 100",
        "stderr": "",
    }
    assert server.commands == ["cd / ; df -P"]


def test_a_failing_command_returns_its_code_and_stderr_without_failing(server):
    server.replies["docker compose down"] = Reply(stderr=" Stopping web ... done\n", code=3)
    output = run_app(
        SSH, {"command": "docker compose down", "cwd": "/home/ada/my app"}, login(server)
    )
    assert output["code"] == 3 and output["stderr"] == "Stopping web ... done"
    assert server.commands == ["cd '/home/ada/my app' ; docker compose down"]


def test_a_home_folder_is_found_with_echo_home_and_a_bare_tilde_is_refused(server):
    server.replies["ls"] = Reply(stdout="a\n")
    run_app(SSH, {"command": "ls", "cwd": "~/apps"}, login(server))
    assert server.commands == ["echo $HOME", "cd /home/ada/apps ; ls"]
    refused = app_error(SSH, {"command": "ls", "cwd": "~ada"}, login(server))
    assert 'replace "~" with the home directory or "~/"' in refused.message


def test_an_empty_cwd_runs_the_command_as_it_is(server):
    server.replies["uptime"] = Reply(stdout="up 3 days")
    assert run_app(SSH, {"command": "uptime", "cwd": ""}, login(server))["stdout"] == "up 3 days"
    assert server.commands == ["uptime"]


def test_a_long_output_is_cut_and_says_so(server, monkeypatch):
    monkeypatch.setattr(remote, "MAX_OUTPUT_CHARS", 10)
    server.replies["yes"] = Reply(stdout="y\n" * 100)
    output = run_app(SSH, {"command": "yes"}, login(server))
    assert output["stdout"] == "y\ny\ny\ny\ny" and output["truncated"] is True


def test_a_private_key_with_its_passphrase_logs_in(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    key = asyncssh.generate_private_key("ssh-ed25519")
    pem = encrypted_key(key, PASSPHRASE)
    with running(FakeSsh(authorized_key=key)) as fake:
        fake.replies["whoami"] = Reply(stdout="ada\n")
        secret = login(fake, private_key=pem, passphrase=PASSPHRASE)
        assert run_app(SSH, {"command": "whoami"}, secret)["stdout"] == "ada"
        assert set(fake.logins) == {(USER, "publickey")}
        wrong = app_error(SSH, {"command": "whoami"}, login(fake, private_key=pem))
    assert wrong.message.startswith("The credential “Box” holds a private key asyncssh cannot read")
    assert not wrong.retryable and pem not in wrong.message


def test_a_refused_password_names_the_credential_and_is_not_retried(server):
    refused = app_error(SSH, {"command": "ls"}, login(server, password="wrong"))
    assert refused.message.startswith("The SSH server did not accept the credential “Box”")
    assert not refused.retryable and "wrong" not in refused.message


def test_an_unreachable_server_is_retryable(server):
    port = server.port
    server.close()
    unreachable = app_error(SSH, {"command": "ls"}, login(server, port=port))
    assert unreachable.retryable
    assert unreachable.message.startswith(f"Could not reach the SSH server 127.0.0.1:{port}")


def test_the_workfuse_host_s_own_sshd_is_refused_without_private_targets(server, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    refused = app_error(SSH, {"command": "ls"}, login(server))
    assert "loopback address" in refused.message and not refused.retryable
    assert server.logins == [] and server.commands == []


def test_a_pinned_host_key_is_checked(server):
    server.replies["ls"] = Reply(stdout="ok")
    pinned = login(server, host_key=f"127.0.0.1 {server.public_host_key}")
    assert run_app(SSH, {"command": "ls"}, pinned)["stdout"] == "ok"
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    refused = app_error(SSH, {"command": "ls"}, login(server, host_key=other))
    assert "offered a host key other than the credential's host_key" in refused.message
    assert server.commands == ["cd / ; ls"]


def test_a_slow_command_fails_at_its_timeout_and_is_not_run_again(server):
    server.replies["sleep 5"] = Reply(delay=5)
    slow = app_error(SSH, {"command": "sleep 5", "timeout_seconds": 1}, login(server))
    assert "did not finish within timeout_seconds (1 s)" in slow.message
    assert not slow.retryable


def test_upload_creates_the_folder_and_download_reads_the_file_back(server):
    secret = login(server)
    uploaded = run_app(
        SSH,
        {"operation": "upload", "file": a_file(b"disk ok\n"), "directory": "/srv/reports"},
        secret,
    )
    assert uploaded == {"success": True, "path": "/srv/reports/report.txt"}
    assert server.file("/srv/reports/report.txt").read_bytes() == b"disk ok\n"
    renamed = {
        "operation": "upload",
        "file": a_file(b"x"),
        "directory": "~/in/",
        "file_name": "2026/b.csv",
    }
    assert run_app(SSH, renamed, secret)["path"] == "/home/ada/in/2026/b.csv"
    assert server.file("/home/ada/in/2026/b.csv").read_bytes() == b"x"
    got = run_app(SSH, {"operation": "download", "path": "/srv/reports/report.txt"}, secret)
    assert got["path"] == "/srv/reports/report.txt"
    assert got["file"]["filename"] == "report.txt" and got["file"]["content_type"] == "text/plain"
    assert base64.b64decode(got["file"]["content"]) == b"disk ok\n"


def test_a_missing_file_and_a_file_over_the_limit_fail_clearly(server, settings):
    missing = app_error(SSH, {"operation": "download", "path": "/nope.txt"}, login(server))
    assert missing.message.startswith(f"The SSH server 127.0.0.1:{server.port} has no such file")
    server.file("/big.bin").write_bytes(b"0" * 8192)
    settings.WORKFUSE_FILE_MAX_BYTES = 4096
    big = app_error(SSH, {"operation": "download", "path": "/big.bin"}, login(server))
    assert big.message.startswith("The file /big.bin is over 4 KB, the limit for files on this")


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "execute"}, "command"),
        ({"operation": "upload", "directory": "/srv"}, "file"),
        ({"operation": "upload", "file": a_file(b"x")}, "directory"),
        ({"operation": "download"}, "path"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_the_credential_needs_a_password_or_a_key_and_a_host_key_line():
    with pytest.raises(ValidationError, match="give a password or a private key"):
        Login.model_validate({"host": "example.com", "username": "ada"})
    with pytest.raises(ValidationError, match="must be a public key line"):
        Login.model_validate({"host": "h", "username": "a", "password": "p", "host_key": "abc"})


def test_test_connection_logs_in_and_shows_the_host_key_to_pin(server):
    said = remote.check_login(login(server))
    assert said.startswith(f"Logged in to ada@127.0.0.1:{server.port} (SSH-2.0-AsyncSSH")
    assert server.public_host_key.split()[1] in said and "set it as host_key" in said
    assert server.commands == []


@pytest.mark.django_db(transaction=True)
def test_a_run_sends_the_rendered_command_and_keeps_the_password_out(alice, server):
    server.replies["systemctl restart web"] = Reply(stdout="restarted")
    credential = store.create(
        alice,
        "Box",
        "ssh",
        {"password": PASSWORD, "host": "127.0.0.1", "port": server.port, "username": USER},
    )
    nodes = (
        {
            "id": "restart",
            "type": SSH,
            "config": {
                "credential": credential.pk,
                "command": "systemctl restart {{ trigger.unit }}",
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"unit": "web"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert execution.steps.get(key="restart").output["stdout"] == "restarted"
    stored = json.dumps([(s.input, s.output) for s in execution.steps.all()])
    assert PASSWORD not in stored
