"""API tokens (settings page and CLI), admin access and production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import ApiToken, SecurityEvent, hash_token
from executions import step_sql

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_token_created_on_settings_page_is_shown_once_and_works(alice_client, alice):
    response = alice_client.post("/settings/", {"action": "create_token", "name": "deploy"})
    token = ApiToken.objects.get(user=alice)
    raw = response.context["new_token"]
    assert raw.encode() in response.content
    assert token.token_hash == hash_token(raw)
    assert raw not in str(ApiToken.objects.values_list())  # only the hash is stored
    assert raw.encode() not in alice_client.get("/settings/").content  # never shown again
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/workflows").status_code == 200
    assert SecurityEvent.objects.filter(kind="api_token_created", user=alice).exists()


def test_revoked_token_stops_working(alice_client, alice):
    token, raw = ApiToken.issue(alice, "old")
    alice_client.post("/settings/", {"action": "revoke_token", "id": token.pk})
    assert not ApiToken.objects.exists()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/workflows").status_code == 401


def test_cannot_revoke_someone_elses_token(charlie_client, alice):
    token, _ = ApiToken.issue(alice, "alice's")
    assert (
        charlie_client.post("/settings/", {"action": "revoke_token", "id": token.pk}).status_code
        == 404
    )
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_token_of_an_inactive_user_is_refused(alice):
    _, raw = ApiToken.issue(alice, "t")
    alice.is_active = False
    alice.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/workflows").status_code == 401


def test_authenticate_gives_the_token_as_stored_with_its_user(alice):
    # The API's statement written once (executions/step_sql.py, api_token): the values must be
    # what the ORM gives on every backend (SQLite's datetimes arrive as text).
    token, raw = ApiToken.issue(alice, "t")
    assert step_sql.api_token(hash_token(raw + "x")) is None
    first = ApiToken.accepted(step_sql.api_token(hash_token(raw)))
    assert first is not None and first.user == alice
    found = step_sql.api_token(hash_token(raw))  # the first call stored last_used_at
    stored = ApiToken.objects.select_related("user").get(pk=token.pk)
    assert found is not None and stored.last_used_at is not None
    fields = [f.attname for f in ApiToken._meta.concrete_fields]
    assert [getattr(found, f) for f in fields] == [getattr(stored, f) for f in fields]
    user_fields = [f.attname for f in type(alice)._meta.concrete_fields]
    assert [getattr(found.user, f) for f in user_fields] == [
        getattr(stored.user, f) for f in user_fields
    ]


def test_create_api_token_command_prints_a_working_token(alice):
    out = StringIO()
    call_command("create_api_token", "alice", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("wf_")
    assert ApiToken.objects.get(user=alice).token_hash == hash_token(raw)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/workflows").status_code == 200
    call_command("create_api_token", "alice@example.com", stdout=StringIO())  # email works too
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "nobody")


def test_admin_is_for_staff_only(alice_client, alice):
    assert alice_client.get("/admin/").status_code == 302
    alice.is_staff = alice.is_superuser = True
    alice.save()
    for url in (
        "/admin/editor/workflow/",
        "/admin/editor/workflowversion/",
        "/admin/accounts/apitoken/",
        "/admin/accounts/securityevent/",
    ):
        assert alice_client.get(url).status_code == 200, url


def _run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="workfuse.example.com",
        WORKFUSE_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_embedded_install_keeps_a_private_secret_key(tmp_path):
    result = _run_manage("check", WORKFUSE_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "secret_key"
    assert len(key_file.read_text()) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_security_log_reads_the_client_ip_through_trusted_proxies(rf, settings):
    from accounts.models import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.2", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "10.0.0.1"  # no trusted proxy: a forged header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.9"
