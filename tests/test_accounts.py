"""Accounts through the browser-facing views: sign-up, login/logout, password reset, the
login-required default, the sign-in buttons and the security log in the admin."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import SecurityEvent
from tests.conftest import PASSWORD

User = get_user_model()

NEW_PASSWORD = "tangerine-lighthouse-42"


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def login(client: Client, email: str, password: str) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password})


# --- Sign-up -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_with_email_and_password_creates_the_user_and_signs_them_in(client: Client):
    response = client.post(
        "/accounts/signup/",
        {"email": "dora@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/workflows/"
    user = User.objects.get(email="dora@example.com")
    assert user.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/workflows/").status_code == 200


@pytest.mark.django_db
def test_signup_with_mismatched_passwords_shows_a_form_error_and_creates_no_user(
    client: Client,
):
    response = client.post(
        "/accounts/signup/",
        {"email": "dora@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )

    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.filter(email="dora@example.com").exists()
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_signup_with_a_too_short_password_shows_a_form_error_and_creates_no_user(
    client: Client,
):
    response = client.post(
        "/accounts/signup/",
        {"email": "dora@example.com", "password1": "x7#q", "password2": "x7#q"},
    )

    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    assert not User.objects.filter(email="dora@example.com").exists()
    assert not is_signed_in(client)


def test_signup_with_an_email_already_in_use_creates_no_second_user(client: Client, alice):
    response = client.post(
        "/accounts/signup/",
        {"email": "alice@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert not is_signed_in(client)


# --- Login, logout and the security log ----------------------------------------------------


def test_login_with_the_right_password_signs_in_and_records_a_login_event(client: Client, alice):
    response = login(client, "alice@example.com", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/workflows/"
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert client.get("/workflows/").status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN)
    assert event.user == alice
    assert event.ip == "127.0.0.1"


def test_login_with_a_wrong_password_fails_and_records_the_attempted_email_but_not_the_password(
    client: Client, alice
):
    wrong_password = "not-the-password-31337"

    response = login(client, "alice@example.com", wrong_password)

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert not is_signed_in(client)
    assert client.get("/workflows/").status_code == 302
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert event.detail["attempted"] == "alice@example.com"
    assert event.user is None
    assert event.ip == "127.0.0.1"
    stored = repr(event.detail) + repr(event.__dict__)
    assert wrong_password not in stored
    assert PASSWORD not in stored


@pytest.mark.django_db
def test_login_for_an_unknown_email_fails_and_records_the_attempt(client: Client):
    response = login(client, "nobody@example.com", PASSWORD)

    assert response.status_code == 200
    assert not is_signed_in(client)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert event.detail == {"attempted": "nobody@example.com"}


def test_logout_by_post_signs_out_and_records_a_logout_event(client: Client, alice):
    login(client, "alice@example.com", PASSWORD)
    assert is_signed_in(client)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not is_signed_in(client)
    assert client.get("/workflows/").status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGOUT)
    assert event.user == alice


def test_logout_by_get_does_not_sign_out(client: Client, alice):
    login(client, "alice@example.com", PASSWORD)

    response = client.get("/accounts/logout/")

    assert response.status_code == 200  # a confirmation page with a POST form
    assert is_signed_in(client)
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGOUT).exists()


# --- Password reset ------------------------------------------------------------------------


def test_password_reset_email_link_lets_the_user_set_a_new_password_and_log_in_with_it(
    client: Client, alice, mailoutbox
):
    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["alice@example.com"]
    links = re.findall(r"https?://\S+/accounts/password/reset/key/\S+/", message.body)
    assert len(links) == 1
    reset_path = urlsplit(links[0]).path

    # The key moves from the URL into the session, then the form is shown.
    response = client.get(reset_path)
    assert response.status_code == 302
    set_password_path = response["Location"]
    assert set_password_path.endswith("-set-password/")
    response = client.get(set_password_path)
    assert response.status_code == 200
    assert 'name="password1"' in response.content.decode()

    response = client.post(
        set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)

    fresh = Client()
    assert login(fresh, "alice@example.com", PASSWORD).status_code == 200  # old one is gone
    assert not is_signed_in(fresh)
    assert login(fresh, "alice@example.com", NEW_PASSWORD).status_code == 302
    assert fresh.session["_auth_user_id"] == str(alice.pk)

    # The link works once only.
    response = Client().get(reset_path, follow=True)
    assert "The password reset link was invalid" in response.content.decode()


def test_password_reset_for_an_unknown_email_sends_no_reset_link(client: Client, alice, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302  # the same answer as for a known email
    assert all("/accounts/password/reset/key/" not in m.body for m in mailoutbox)


# --- Login required ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/workflows/", "/settings/", "/workflows/1/"])
def test_app_pages_redirect_anonymous_users_to_login_with_next(client: Client, path: str):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/"])
def test_landing_login_and_signup_pages_are_public(client: Client, path: str):
    response = client.get(path)

    assert response.status_code == 200


@pytest.mark.django_db
def test_api_answers_anonymous_requests_with_401_json_not_a_redirect(client: Client):
    response = client.get("/api/workflows")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "unauthorized"
    assert body["message"]


def test_app_pages_answer_signed_in_users(alice_client: Client):
    assert alice_client.get("/workflows/").status_code == 200
    assert alice_client.get("/settings/").status_code == 200
    assert alice_client.get("/api/workflows").status_code == 200


# --- Sign in with GitHub / Google buttons --------------------------------------------------


def oauth_providers(*names: str) -> dict[str, dict]:
    """The shape `workfuse.settings._oauth_providers()` builds from the environment."""
    providers: dict[str, dict] = {}
    if "github" in names:
        providers["github"] = {
            "APP": {"client_id": "gh-client-id", "secret": "gh-secret"},
            "SCOPE": ["user:email"],
        }
    if "google" in names:
        providers["google"] = {
            "APP": {"client_id": "google-client-id", "secret": "google-secret"},
            "SCOPE": ["profile", "email"],
        }
    return providers


@pytest.mark.django_db
def test_login_page_shows_no_provider_buttons_when_no_provider_is_configured(
    client: Client, settings: Any
):
    settings.SOCIALACCOUNT_PROVIDERS = oauth_providers()

    html = client.get("/accounts/login/").content.decode()

    assert "Continue with GitHub" not in html
    assert "Continue with Google" not in html


@pytest.mark.django_db
def test_login_page_shows_only_the_github_button_when_only_github_is_configured(
    client: Client, settings: Any
):
    settings.SOCIALACCOUNT_PROVIDERS = oauth_providers("github")

    html = client.get("/accounts/login/").content.decode()

    assert "Continue with GitHub" in html
    assert "Continue with Google" not in html
    # The button is a POST form (SOCIALACCOUNT_LOGIN_ON_GET is off).
    assert re.search(r'<form method="post" action="/accounts/github/login/[^"]*">', html)


@pytest.mark.django_db
def test_login_page_shows_both_buttons_when_github_and_google_are_configured(
    client: Client, settings: Any
):
    settings.SOCIALACCOUNT_PROVIDERS = oauth_providers("github", "google")

    html = client.get("/accounts/login/").content.decode()

    assert "Continue with GitHub" in html
    assert "Continue with Google" in html
    assert re.search(r'<form method="post" action="/accounts/google/login/[^"]*">', html)


# --- Security events in the admin ----------------------------------------------------------


def test_security_events_are_listed_in_the_admin_for_a_staff_superuser(client: Client, alice):
    login(client, "alice@example.com", "wrong-password-123")
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILED)
    admin = User.objects.create_superuser(
        username="root", email="root@example.com", password=PASSWORD
    )
    admin_client = Client()
    admin_client.force_login(admin)

    response = admin_client.get("/admin/accounts/securityevent/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Failed login" in html
    assert f"/admin/accounts/securityevent/{event.pk}/change/" in html

    detail = admin_client.get(f"/admin/accounts/securityevent/{event.pk}/change/")
    assert detail.status_code == 200
    assert "alice@example.com" in detail.content.decode()

    # The log is written by the app only: no "add" in the admin.
    assert admin_client.get("/admin/accounts/securityevent/add/").status_code == 403


def test_security_events_are_not_shown_in_the_admin_to_a_normal_user(charlie_client: Client, alice):
    SecurityEvent.record(SecurityEvent.Kind.LOGIN_FAILED, attempted="alice@example.com")

    response = charlie_client.get("/admin/accounts/securityevent/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "alice@example.com" not in response.content.decode()
    followed = charlie_client.get(response["Location"])
    assert "Failed login" not in followed.content.decode()
    assert "alice@example.com" not in followed.content.decode()


# --- Lockout (DESIGN §10: 429 with Retry-After) ----------------------------------------------


def test_too_many_failed_logins_answer_429_with_retry_after_and_keep_the_page(
    client: Client, alice
):
    answers = [login(client, "alice@example.com", "wrong-password-1").status_code for _ in range(5)]
    assert answers == [200] * 5

    locked = login(client, "alice@example.com", "wrong-password-1")

    assert locked.status_code == 429
    assert locked["Retry-After"] == "300"  # allauth's login_failed window: 5 per 300 s per email
    content = locked.content.decode()
    assert "Too many failed login attempts. Try again later." in content
    assert 'name="password"' in content  # still the sign-in page
    # Even the right password is refused while locked out.
    assert login(client, "alice@example.com", PASSWORD).status_code == 429
    assert not is_signed_in(client)


def test_the_lockout_window_follows_the_rate_setting(client: Client, alice, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/90s/key"}
    for _ in range(2):
        login(client, "alice@example.com", "wrong-password-1")
    locked = login(client, "alice@example.com", "wrong-password-1")
    assert (locked.status_code, locked["Retry-After"]) == (429, "90")


def test_other_rate_limits_answer_a_429_page_with_retry_after(client: Client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "1/m/ip"}
    signup = {"email": "dora@example.com", "password1": NEW_PASSWORD, "password2": "x"}
    client.post("/accounts/signup/", signup)
    limited = client.post("/accounts/signup/", signup)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "Too many requests" in limited.content.decode()
