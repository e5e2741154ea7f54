"""GitHub sign-in end to end: allauth and `requests` talk over real HTTP to a fake GitHub
(Enterprise-style, under `GITHUB_URL`) running in a thread; nothing is mocked.

allauth computes the GitHub endpoints from `SOCIALACCOUNT_PROVIDERS["github"]["GITHUB_URL"]`
once, when `allauth.socialaccount.providers.github.views` is imported (at `django.setup()`),
so overriding the setting in a test does not move them. The `github` fixture therefore
re-runs that module's own class body under the overridden setting and points the live
adapter at the endpoints it computes; `test_github_url_env_var_...` checks the production
path (environment -> settings -> allauth at process start) in a fresh process.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter
from django.contrib.auth import get_user_model
from django.test import Client

User = get_user_model()

CLIENT_ID = "wf-test-client-id"
CLIENT_SECRET = "wf-test-client-secret"
GITHUB_ENDPOINTS = ("access_token_url", "authorize_url", "profile_url", "emails_url")
CALLBACK_URL = "http://testserver/accounts/github/login/callback/"


@dataclass
class GitHubUser:
    id: int
    login: str
    name: str
    email: str
    code: str
    token: str


OCTOCAT = GitHubUser(
    id=583231,
    login="octocat",
    name="The Octocat",
    email="octocat@example.com",
    code="code-for-octocat",
    token="gho_token_for_octocat",
)


@dataclass
class FakeGitHub:
    """GitHub's OAuth and REST endpoints, as GitHub Enterprise serves them under one base URL."""

    users: dict[str, GitHubUser] = field(default_factory=dict)  # by authorization code
    requests: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""

    def add_user(self, user: GitHubUser) -> None:
        self.users[user.code] = user

    def user_for_token(self, authorization: str | None) -> GitHubUser | None:
        for user in self.users.values():
            if authorization == f"token {user.token}":
                return user
        return None

    def paths(self) -> list[tuple[str, str]]:
        return [(r["method"], r["path"]) for r in self.requests]


def _handler_for(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _record(self, body: dict[str, list[str]] | None = None) -> None:
            fake.requests.append(
                {
                    "method": self.command,
                    "path": urlsplit(self.path).path,
                    "authorization": self.headers.get("Authorization"),
                    "form": body or {},
                }
            )

        def _json(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            self._record(form)
            if urlsplit(self.path).path != "/login/oauth/access_token":
                self._json(404, {"message": "Not Found"})
                return
            user = fake.users.get(form.get("code", [""])[0])
            if (
                user is None
                or form.get("client_id") != [CLIENT_ID]
                or form.get("client_secret") != [CLIENT_SECRET]
                or form.get("grant_type") != ["authorization_code"]
                or form.get("redirect_uri") != [CALLBACK_URL]
            ):
                # What GitHub answers for a bad or reused code: 200 with an error body.
                self._json(200, {"error": "bad_verification_code"})
                return
            self._json(
                200, {"access_token": user.token, "token_type": "bearer", "scope": "user:email"}
            )

        def do_GET(self) -> None:
            self._record()
            path = urlsplit(self.path).path
            user = fake.user_for_token(self.headers.get("Authorization"))
            if path not in ("/api/v3/user", "/api/v3/user/emails"):
                self._json(404, {"message": "Not Found"})
            elif user is None:
                self._json(401, {"message": "Bad credentials"})
            elif path == "/api/v3/user":
                self._json(
                    200,
                    {
                        "id": user.id,
                        "login": user.login,
                        "name": user.name,
                        "email": user.email,
                        "html_url": f"{fake.base_url}/{user.login}",
                    },
                )
            else:
                self._json(
                    200,
                    [{"email": user.email, "primary": True, "verified": True, "visibility": None}],
                )

    return Handler


@pytest.fixture
def fake_github() -> Any:
    fake = FakeGitHub()
    fake.add_user(OCTOCAT)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _github_endpoints_from_settings() -> dict[str, str]:
    """Run allauth's GitHub views module afresh (outside sys.modules), so its adapter class
    body derives the endpoints from the *current* settings, exactly as at start-up."""
    spec = importlib.util.find_spec("allauth.socialaccount.providers.github.views")
    assert spec is not None and spec.loader is not None
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    return {name: getattr(fresh.GitHubOAuth2Adapter, name) for name in GITHUB_ENDPOINTS}


@pytest.fixture
def github(fake_github: FakeGitHub, settings: Any, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    """GitHub sign-in configured as `_oauth_providers()` does with GITHUB_URL set."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "github": {
            "APP": {"client_id": CLIENT_ID, "secret": CLIENT_SECRET},
            "SCOPE": ["user:email"],
            "GITHUB_URL": fake_github.base_url + "/",
        }
    }
    endpoints = _github_endpoints_from_settings()
    assert endpoints["access_token_url"] == f"{fake_github.base_url}/login/oauth/access_token"
    for name, url in endpoints.items():
        monkeypatch.setattr(GitHubOAuth2Adapter, name, url)
    return fake_github


def start_github_login(client: Client, fake: FakeGitHub) -> dict[str, str]:
    """Press "Continue with GitHub"; returns the query of the authorize redirect."""
    response = client.post("/accounts/github/login/?process=login")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}" == fake.base_url
    assert location.path == "/login/oauth/authorize"
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    return query


def github_callback(client: Client, code: str, state: str) -> Any:
    return client.get("/accounts/github/login/callback/", {"code": code, "state": state})


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_github_login_redirects_to_the_servers_authorize_url_with_client_id_scope_and_state(
    client: Client, github: FakeGitHub
):
    query = start_github_login(client, github)

    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == CALLBACK_URL
    assert query["response_type"] == "code"
    assert query["scope"] == "user:email"
    assert len(query["state"]) >= 12
    assert github.requests == []  # the browser, not the server, goes to GitHub next


@pytest.mark.django_db
def test_github_login_by_get_only_shows_a_confirmation_page(client: Client, github: FakeGitHub):
    response = client.get("/accounts/github/login/?process=login")

    assert response.status_code == 200
    assert '<form method="post"' in response.content.decode()
    assert "socialaccount_states" not in client.session


@pytest.mark.django_db
def test_github_callback_creates_the_user_links_the_github_account_and_signs_in(
    client: Client, github: FakeGitHub
):
    query = start_github_login(client, github)

    response = github_callback(client, OCTOCAT.code, query["state"])

    assert response.status_code == 302
    assert response["Location"] == "/workflows/"
    user = User.objects.get(email=OCTOCAT.email)
    assert not user.has_usable_password()
    account = SocialAccount.objects.get(provider="github")
    assert account.uid == str(OCTOCAT.id)
    assert account.user == user
    assert account.extra_data["login"] == OCTOCAT.login
    assert user.emailaddress_set.get().verified
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get("/workflows/").status_code == 200

    # The code really was exchanged for a token, and the token used for the profile.
    assert github.paths() == [
        ("POST", "/login/oauth/access_token"),
        ("GET", "/api/v3/user"),
        ("GET", "/api/v3/user/emails"),
    ]
    exchange = github.requests[0]["form"]
    assert exchange["code"] == [OCTOCAT.code]
    assert exchange["client_id"] == [CLIENT_ID]
    assert exchange["redirect_uri"] == [query["redirect_uri"]]
    assert all(r["authorization"] == f"token {OCTOCAT.token}" for r in github.requests[1:])


@pytest.mark.django_db
def test_second_github_sign_in_logs_into_the_same_user_without_a_duplicate(
    client: Client, github: FakeGitHub
):
    first = start_github_login(client, github)
    assert github_callback(client, OCTOCAT.code, first["state"]).status_code == 302
    user = User.objects.get(email=OCTOCAT.email)
    client.post("/accounts/logout/")
    assert signed_in_user_id(client) is None

    other_browser = Client()
    second = start_github_login(other_browser, github)
    assert second["state"] != first["state"]
    response = github_callback(other_browser, OCTOCAT.code, second["state"])

    assert response.status_code == 302
    assert response["Location"] == "/workflows/"
    assert signed_in_user_id(other_browser) == str(user.pk)
    assert User.objects.count() == 1
    assert SocialAccount.objects.filter(provider="github", uid=str(OCTOCAT.id)).count() == 1
    assert [p for p in github.paths() if p[1] == "/login/oauth/access_token"] == [
        ("POST", "/login/oauth/access_token")
    ] * 2


@pytest.mark.django_db
def test_github_callback_with_a_wrong_state_signs_nobody_in_and_never_exchanges_the_code(
    client: Client, github: FakeGitHub
):
    start_github_login(client, github)

    response = github_callback(client, OCTOCAT.code, "not-the-state-we-issued")

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert client.get("/workflows/").status_code == 302
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
    assert github.requests == []


@pytest.mark.django_db
def test_github_callback_replayed_with_a_used_state_signs_nobody_in(
    client: Client, github: FakeGitHub
):
    query = start_github_login(client, github)
    assert github_callback(client, OCTOCAT.code, query["state"]).status_code == 302
    client.post("/accounts/logout/")
    exchanges = len(github.requests)

    response = github_callback(client, OCTOCAT.code, query["state"])

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert len(github.requests) == exchanges


@pytest.mark.django_db
def test_github_callback_with_a_code_github_rejects_signs_nobody_in(
    client: Client, github: FakeGitHub
):
    query = start_github_login(client, github)

    response = github_callback(client, "a-forged-code", query["state"])

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert not User.objects.exists()
    assert github.paths() == [("POST", "/login/oauth/access_token")]  # and no profile fetch


def test_github_sign_in_with_the_email_of_an_existing_local_account_does_not_sign_into_it(
    client: Client, github: FakeGitHub, alice: Any
):
    github.add_user(
        GitHubUser(
            id=9001,
            login="not-alice",
            name="Not Alice",
            email=alice.email,
            code="code-for-not-alice",
            token="gho_token_for_not_alice",
        )
    )
    query = start_github_login(client, github)

    response = github_callback(client, "code-for-not-alice", query["state"])

    assert signed_in_user_id(client) is None
    assert response.status_code == 302
    assert response["Location"] == "/accounts/3rdparty/signup/"  # asks instead of auto-linking
    assert not SocialAccount.objects.filter(user=alice).exists()
    assert User.objects.filter(email__iexact=alice.email).count() == 1


def test_github_url_env_var_points_allauth_at_the_enterprise_server(tmp_path: Path):
    """The production path: env vars read by settings at start-up configure allauth."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITHUB_", "GOOGLE_", "DJANGO_SETTINGS_MODULE"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="workfuse.settings",
        SECRET_KEY="test-only-secret",
        WORKFUSE_DATA_DIR=str(tmp_path),
        GITHUB_CLIENT_ID=CLIENT_ID,
        GITHUB_CLIENT_SECRET=CLIENT_SECRET,
        GITHUB_URL="https://github.example.test/",
    )
    script = (
        "import json, django; django.setup()\n"
        "from django.conf import settings\n"
        "from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter as A\n"
        f"print(json.dumps({{'providers': settings.SOCIALACCOUNT_PROVIDERS, "
        f"**{{n: getattr(A, n) for n in {GITHUB_ENDPOINTS!r}}}}}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["providers"] == {
        "github": {
            "APP": {"client_id": CLIENT_ID, "secret": CLIENT_SECRET},
            "SCOPE": ["user:email"],
            "GITHUB_URL": "https://github.example.test/",
        }
    }
    assert seen["access_token_url"] == "https://github.example.test/login/oauth/access_token"
    assert seen["authorize_url"] == "https://github.example.test/login/oauth/authorize"
    assert seen["profile_url"] == "https://github.example.test/api/v3/user"
    assert seen["emails_url"] == "https://github.example.test/api/v3/user/emails"
