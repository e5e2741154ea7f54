"""The credentials pages (list, add, rotate, rename, delete) and the store behind them: the
database keeps a reference only, the vault and the database stay consistent when either
write fails, and every create/rotate/delete/resolve is a security event operators can see."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse

from accounts.models import SecurityEvent
from credentials import runtime, store
from credentials.models import Credential
from credentials.vault import VaultError, get_vault
from editor.models import Workflow
from executions import engine
from tests import moto
from tests.conftest import ApiClient
from tests.engine_helpers import chain, make_workflow, recorder

moto_endpoint, aws, sm = moto.moto_endpoint, moto.aws, moto.sm

PAGE = "/credentials/"
KINDS = [k for k in Credential.Kind.values if k != "basic"]


def http_node(node_id: str, url: str, credential: int, **config: Any) -> dict:
    return {
        "id": node_id,
        "type": "action.http",
        "config": {"method": "GET", "url": url, "credential": credential, **config},
    }


def workflow_using(owner: Any, credential: Credential, name: str) -> Workflow:
    return make_workflow(
        owner, chain(http_node("call", "https://api.example.com/", credential.pk)), name=name
    )


def row(html: str, credential: Credential) -> str:
    """The credential's table row on the page."""
    match = re.search(rf'<tr id="credential-{credential.pk}">(.*?)</tr>', html, re.S)
    assert match, f"no row for credential {credential.pk}"
    return match.group(1)


def vault_value(credential: Credential) -> str:
    return get_vault().get(Credential.objects.get(pk=credential.pk).secret_ref)


def secret_files(settings: Any) -> list[str]:
    directory = Path(settings.WORKFUSE_VAULT_DIR)
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


class Elements(HTMLParser):
    """Every element of a page with its attributes and the text directly inside it, plus the
    attributes of its ancestors (to tell whether a message sits in a hidden part)."""

    VOID = {"input", "br", "hr", "img", "meta", "link", "source", "wbr", "area", "col"}

    def __init__(self, html: str):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.found: list[tuple[str, dict, list[dict], str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        self.found.append((tag, attributes, [a for _, a in self.stack], ""))
        if tag not in self.VOID:
            self.stack.append((tag, attributes))

    def handle_startendtag(self, tag: str, attrs: list) -> None:  # <x/>: nothing inside
        self.found.append((tag, dict(attrs), [a for _, a in self.stack], ""))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.stack and data.strip():
            tag, attributes = self.stack[-1]
            self.found.append((tag, attributes, [a for _, a in self.stack], data.strip()))

    def inputs(self, name: str) -> list[dict]:
        return [a for tag, a, _, _ in self.found if tag == "input" and a.get("name") == name]

    def containers_of_text(self, text: str) -> list[list[dict]]:
        """For each place the text appears: the attributes of every element around it."""
        return [around for _, _, around, data in self.found if text in data]


# --- the page: listing -----------------------------------------------------------------------


def test_page_needs_a_signed_in_user(db: Any) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_empty_page_invites_adding_a_first_credential(alice_client: Client) -> None:
    response = alice_client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "No credentials yet" in html
    assert "Add a credential" in html
    assert "<table" not in html


def test_list_shows_name_kind_used_by_count_and_last_used(alice: Any, alice_client: Client) -> None:
    used = store.create(alice, "Stripe live", "bearer", "sk-stripe-9f8e7d6c5b")
    idle = store.create(alice, "Ops login", "basic", {"username": "ops", "password": "pw-ops-4411"})
    workflow_using(alice, used, "Orders sync")
    workflow_using(alice, used, "Refunds nightly")
    make_workflow(alice, chain(), name="Unrelated")
    runtime.resolve(alice.pk, used.pk, ("bearer",))  # what a running step does: marks it used

    html = alice_client.get(PAGE).content.decode()

    used_row, idle_row = row(html, used), row(html, idle)
    assert "Stripe live" in used_row and "Bearer token" in used_row
    assert "2 workflows" in used_row
    assert "Orders sync" in used_row and "Refunds nightly" in used_row
    assert "Unrelated" not in used_row
    assert re.search(r"\d+\s+minutes? ago", used_row)
    assert "Ops login" in idle_row and "Username and password" in idle_row
    assert "none" in idle_row and "never" in idle_row
    assert html.index("Ops login") < html.index("Stripe live")  # sorted by name


def test_the_page_lists_only_my_credentials(
    alice: Any, charlie: Any, charlie_client: Client
) -> None:
    store.create(alice, "Alice's token", "bearer", "alice-token-5e4d3c2b1a")
    mine = store.create(charlie, "Charlie's token", "bearer", "charlie-token-1a2b3c4d5e")

    html = charlie_client.get(PAGE).content.decode()

    assert re.findall(r'id="credential-(\d+)"', html) == [str(mine.pk)]
    assert "Charlie&#x27;s token" in html
    assert "Alice" not in html


# --- the page: adding ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_adding_a_credential_of_each_kind_stores_the_value_in_the_vault(
    alice: Any, alice_client: Client, kind: str
) -> None:
    value = f"value-for-{kind}-7c1d9e"
    response = alice_client.post(
        PAGE, {"action": "create", "name": f"My {kind}", "kind": kind, "value": value}, follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain == [(PAGE, 302)]
    credential = Credential.objects.get(owner=alice, name=f"My {kind}")
    assert credential.kind == kind
    assert credential.secret_ref.startswith("local:")
    assert vault_value(credential) == value
    assert f"Saved “My {kind}”" in html
    assert value not in html


def test_adding_a_basic_credential_stores_username_and_password(
    alice: Any, alice_client: Client
) -> None:
    response = alice_client.post(
        PAGE,
        {
            "action": "create",
            "name": "Jira",
            "kind": "basic",
            "username": "bot@example.com",
            "password": "jira-pw-83hd92",
            "value": "",
        },
        follow=True,
    )

    credential = Credential.objects.get(owner=alice, name="Jira")
    assert credential.kind == "basic"
    assert json.loads(vault_value(credential)) == {
        "username": "bot@example.com",
        "password": "jira-pw-83hd92",
    }
    assert "jira-pw-83hd92" not in response.content.decode()
    assert "Username and password" in row(response.content.decode(), credential)


def test_a_basic_credential_without_a_password_is_refused_with_a_visible_message(
    alice: Any, alice_client: Client, settings: Any
) -> None:
    response = alice_client.post(
        PAGE, {"action": "create", "name": "Jira", "kind": "basic", "username": "bot", "value": ""}
    )

    assert response.status_code == 400
    assert not Credential.objects.exists()
    assert secret_files(settings) == []
    page = Elements(response.content.decode())
    message = "Basic credentials need a username and a password."
    places = page.containers_of_text(message)
    assert places, "the refusal is not on the page"
    # The page's script hides the single-value part for "basic": the message must not be in it.
    for around in places:
        assert not any("data-secret" in a or "hidden" in a for a in around)
    dialogs = [a for _, a, _, _ in page.found if a.get("id") == "add-dialog"]
    assert len(dialogs) == 1 and "open" in dialogs[0]  # the form stays open to be corrected


def test_adding_a_second_credential_with_the_same_name_is_refused(
    alice: Any, alice_client: Client, settings: Any
) -> None:
    store.create(alice, "GitHub", "bearer", "ghp-first-value-1234")
    files = secret_files(settings)

    response = alice_client.post(
        PAGE, {"action": "create", "name": " GitHub ", "kind": "bearer", "value": "ghp-second-5678"}
    )

    assert response.status_code == 400
    assert "You already have a credential named “GitHub”." in response.content.decode()
    assert Credential.objects.filter(owner=alice).count() == 1
    assert secret_files(settings) == files  # the refused value never reached the vault


def test_another_user_may_use_a_name_i_use(alice: Any, charlie: Any) -> None:
    store.create(alice, "GitHub", "bearer", "ghp-alice-value-1234")
    store.create(charlie, "GitHub", "bearer", "ghp-charlie-value-5678")
    assert Credential.objects.filter(name="GitHub").count() == 2


def test_value_fields_are_password_inputs_that_never_render_a_value(
    alice: Any, alice_client: Client
) -> None:
    store.create(alice, "Token", "bearer", "existing-token-6d5c4b")
    store.create(alice, "Login", "basic", {"username": "me", "password": "existing-pw-9a8b"})

    # A refused form comes back with what was typed, except the secrets.
    response = alice_client.post(
        PAGE,
        {
            "action": "create",
            "name": "",
            "kind": "bearer",
            "value": "typed-secret-3e2f1a",
            "password": "typed-password-7b6c",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "typed-secret-3e2f1a" not in html and "typed-password-7b6c" not in html
    assert "existing-token-6d5c4b" not in html and "existing-pw-9a8b" not in html
    page = Elements(html)
    for name in ("value", "password"):
        fields = page.inputs(name)
        assert fields, f"no {name} input"
        for field in fields:
            assert field["type"] == "password"
            assert "value" not in field
            assert field.get("autocomplete") == "off"


# --- the page: rotating, renaming, deleting ------------------------------------------------


def test_rotating_replaces_the_value_behind_the_same_reference(
    alice: Any, alice_client: Client
) -> None:
    credential = store.create(alice, "Token", "bearer", "old-token-1f2e3d")
    ref = credential.secret_ref

    response = alice_client.post(
        PAGE, {"action": "rotate", "id": credential.pk, "value": "new-token-4c5b6a"}, follow=True
    )

    credential.refresh_from_db()
    assert credential.secret_ref == ref
    assert credential.rotated_at is not None
    assert vault_value(credential) == "new-token-4c5b6a"
    html = response.content.decode()
    assert "Rotated “Token”: the next runs use the new value." in html
    assert "new-token-4c5b6a" not in html


def test_rotating_a_basic_credential_takes_a_username_and_password(
    alice: Any, alice_client: Client
) -> None:
    credential = store.create(alice, "Login", "basic", {"username": "a", "password": "old-pw-11"})

    refused = alice_client.post(PAGE, {"action": "rotate", "id": credential.pk, "username": "b"})
    assert refused.status_code == 400
    assert "Basic credentials need a username and a password." in refused.content.decode()
    assert json.loads(vault_value(credential))["password"] == "old-pw-11"

    alice_client.post(
        PAGE, {"action": "rotate", "id": credential.pk, "username": "b", "password": "new-pw-22"}
    )
    assert json.loads(vault_value(credential)) == {"username": "b", "password": "new-pw-22"}


def test_renaming_keeps_the_value(alice: Any, alice_client: Client) -> None:
    credential = store.create(alice, "Token", "bearer", "token-value-0a9b8c")

    response = alice_client.post(
        PAGE, {"action": "rename", "id": credential.pk, "name": "Deploy token"}, follow=True
    )

    credential.refresh_from_db()
    assert credential.name == "Deploy token"
    assert vault_value(credential) == "token-value-0a9b8c"
    assert "Renamed to “Deploy token”." in response.content.decode()


def test_renaming_to_a_name_already_taken_is_refused_with_a_message(
    alice: Any, alice_client: Client
) -> None:
    store.create(alice, "Prod", "bearer", "prod-token-5555")
    credential = store.create(alice, "Staging", "bearer", "staging-token-6666")

    response = alice_client.post(PAGE, {"action": "rename", "id": credential.pk, "name": "Prod"})

    assert response.status_code == 400
    assert "You already have a credential named “Prod”." in response.content.decode()
    credential.refresh_from_db()
    assert credential.name == "Staging"


def test_deleting_asks_for_confirmation_first(alice: Any, alice_client: Client) -> None:
    credential = store.create(alice, "Token", "bearer", "token-value-1b2c3d")

    forms = re.findall(
        r"<form[^>]*>.*?</form>", row(alice_client.get(PAGE).content.decode(), credential), re.S
    )
    delete = [f for f in forms if 'name="action" value="delete"' in f]

    assert len(delete) == 1
    assert re.search(r"""onsubmit="return confirm\('Delete “Token”\?""", delete[0])


def test_deleting_a_credential_in_use_is_refused_naming_the_workflows(
    alice: Any, alice_client: Client
) -> None:
    credential = store.create(alice, "Token", "bearer", "token-value-2c3d4e")
    workflow_using(alice, credential, "Orders sync")
    workflow_using(alice, credential, "Refunds nightly")

    response = alice_client.post(PAGE, {"action": "delete", "id": credential.pk})

    html = response.content.decode()
    assert response.status_code == 409
    assert "Used by 2 workflow(s)" in html
    assert "Orders sync" in html and "Refunds nightly" in html
    assert Credential.objects.filter(pk=credential.pk).exists()
    assert vault_value(credential) == "token-value-2c3d4e"


def test_deleting_an_unused_credential_removes_the_row_and_the_secret(
    alice: Any, alice_client: Client, settings: Any
) -> None:
    credential = store.create(alice, "Token", "bearer", "token-value-3d4e5f")
    assert secret_files(settings) == [credential.secret_ref.removeprefix("local:")]

    response = alice_client.post(PAGE, {"action": "delete", "id": credential.pk}, follow=True)

    assert "Deleted “Token”." in response.content.decode()
    assert not Credential.objects.exists()
    assert secret_files(settings) == []
    assert not get_vault().exists(credential.secret_ref)


def test_a_credential_is_deletable_once_no_workflow_uses_it(
    alice: Any, alice_client: Client
) -> None:
    credential = store.create(alice, "Token", "bearer", "token-value-4e5f6a")
    workflow = workflow_using(alice, credential, "Orders sync")
    workflow.save_graph(chain(), user=alice)  # the credential is gone from the current graph

    response = alice_client.post(PAGE, {"action": "delete", "id": credential.pk})

    assert response.status_code == 302
    assert not Credential.objects.exists()


@pytest.mark.parametrize(
    "form",
    [
        {"action": "rotate", "value": "charlie-was-here-0000"},
        {"action": "rename", "name": "Pwned"},
        {"action": "delete"},
    ],
)
def test_another_users_credential_cannot_be_changed_from_the_page(
    alice: Any, charlie_client: Client, form: dict
) -> None:
    credential = store.create(alice, "Token", "bearer", "alice-token-7a8b9c")

    response = charlie_client.post(PAGE, {**form, "id": credential.pk})

    assert response.status_code == 404
    credential.refresh_from_db()
    assert credential.name == "Token"
    assert vault_value(credential) == "alice-token-7a8b9c"


@pytest.mark.parametrize("bad_id", ["", "abc", "12abc"])
def test_a_malformed_credential_id_is_not_found(alice_client: Client, bad_id: str) -> None:
    response = alice_client.post(PAGE, {"action": "delete", "id": bad_id})
    assert response.status_code == 404


# --- the store -------------------------------------------------------------------------------


def test_the_database_holds_a_reference_and_never_the_value(alice: Any) -> None:
    credential = store.create(alice, "Token", "bearer", "  padded-token-5f6a7b  ")

    row_values = Credential.objects.filter(pk=credential.pk).values().get()
    assert re.fullmatch(r"local:[0-9a-f]{32}", row_values["secret_ref"])
    assert "padded-token-5f6a7b" not in json.dumps(row_values, default=str)
    assert vault_value(credential) == "padded-token-5f6a7b"  # stored without the padding


@pytest.mark.parametrize(
    ("kind", "value", "field"),
    [
        ("bearer", "   ", "value"),
        ("bearer", {"token": "x"}, "value"),
        ("basic", "user:password", "value"),
        ("basic", {"username": "", "password": "pw"}, "value"),
        ("oauth", "token-value", "kind"),
        ("bearer", "x" * 60_001, "value"),
        ("bearer", "lone-surrogate-\ud800-value", "value"),
        ("basic", {"username": "me", "password": "pw-\udfff"}, "value"),
    ],
)
def test_values_that_cannot_be_stored_are_refused_before_the_vault(
    alice: Any, settings: Any, kind: str, value: Any, field: str
) -> None:
    with pytest.raises(store.CredentialRefused) as refused:
        store.create(alice, "Token", kind, value)

    assert refused.value.field == field
    assert not Credential.objects.exists()
    assert secret_files(settings) == []


def test_names_are_trimmed_required_and_at_most_100_characters(alice: Any) -> None:
    assert store.create(alice, "  Token  ", "bearer", "token-value-6a7b8c").name == "Token"
    for name in ("", "   ", "x" * 101):
        with pytest.raises(store.CredentialRefused) as refused:
            store.create(alice, name, "bearer", "token-value-6a7b8c")
        assert refused.value.field == "name"


def test_a_failed_local_vault_write_leaves_no_row(
    alice: Any, settings: Any, tmp_path: Path
) -> None:
    blocker = tmp_path / "secrets"
    blocker.write_text("a file where the vault directory should be")  # root ignores modes
    settings.WORKFUSE_VAULT_DIR = blocker
    before = Credential.objects.count()

    with pytest.raises(VaultError, match="local vault cannot write"):
        store.create(alice, "Token", "bearer", "token-value-7b8c9d")

    assert Credential.objects.count() == before
    assert not SecurityEvent.objects.filter(kind="credential_created").exists()


def test_a_failed_aws_vault_write_leaves_no_row(alice: Any, aws: str, settings: Any) -> None:
    settings.AWS_ENDPOINT_URL = f"http://127.0.0.1:{moto.free_port()}"  # nothing listens there
    before = Credential.objects.count()

    with pytest.raises(VaultError, match="CreateSecret") as failed:
        store.create(alice, "Token", "bearer", "token-value-8c9d0e")

    assert "token-value-8c9d0e" not in str(failed.value)
    assert Credential.objects.count() == before
    assert not SecurityEvent.objects.filter(kind="credential_created").exists()


REFUSE_ROWS = {
    "sqlite": [
        """CREATE TRIGGER refuse_credential_rows BEFORE INSERT ON credentials_credential
           BEGIN SELECT RAISE(ABORT, 'the database refused the row'); END""",
    ],
    "postgresql": [
        """CREATE FUNCTION refuse_credential_rows() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION 'the database refused the row' USING ERRCODE = 'unique_violation';
           END $$""",
        """CREATE TRIGGER refuse_credential_rows BEFORE INSERT ON credentials_credential
           FOR EACH ROW EXECUTE FUNCTION refuse_credential_rows()""",
    ],
}


def test_a_failed_row_write_leaves_no_secret_in_the_local_vault(alice: Any, settings: Any) -> None:
    kept = store.create(alice, "Existing", "bearer", "existing-value-9d0e1f")
    with connection.cursor() as cursor:  # the test's transaction rolls the trigger back
        for statement in REFUSE_ROWS[connection.vendor]:
            cursor.execute(statement)

    with pytest.raises(IntegrityError, match="the database refused the row"):
        store.create(alice, "Token", "bearer", "token-value-0e1f2a")

    assert secret_files(settings) == [kept.secret_ref.removeprefix("local:")]
    assert list(Credential.objects.values_list("name", flat=True)) == ["Existing"]
    assert vault_value(kept) == "existing-value-9d0e1f"


def test_a_name_taken_while_the_secret_was_written_leaves_no_secret_in_aws(
    alice: Any, aws: str, sm: Any
) -> None:
    """Two requests create the same name at once: both pass the name check, the database's
    unique constraint refuses the second row, and its secret must not stay behind in AWS."""
    written: list[str] = []

    def a_concurrent_request_takes_the_name(params: dict, **kwargs: Any) -> None:
        written.append(params["Name"])
        Credential.objects.create(owner=alice, name="Deploy", kind="bearer", secret_ref="arn:x")

    # botocore's own extension point: runs after the name check, just before AWS is called.
    get_vault().client.meta.events.register(  # type: ignore[attr-defined]
        "before-parameter-build.secrets-manager.CreateSecret", a_concurrent_request_takes_the_name
    )

    with pytest.raises(IntegrityError):
        store.create(alice, "Deploy", "bearer", "token-value-1f2a3b")

    assert len(written) == 1
    with pytest.raises(sm.exceptions.ResourceNotFoundException):
        sm.describe_secret(SecretId=written[0])
    assert Credential.objects.filter(name="Deploy").count() == 1  # only the other request's row


def test_a_failed_rotation_keeps_the_old_value_and_records_nothing(
    alice: Any, aws: str, settings: Any
) -> None:
    credential = store.create(alice, "Token", "bearer", "old-value-2a3b4c")
    settings.AWS_ENDPOINT_URL = f"http://127.0.0.1:{moto.free_port()}"

    with pytest.raises(VaultError, match="PutSecretValue"):
        store.rotate(credential, "new-value-3b4c5d")

    settings.AWS_ENDPOINT_URL = aws
    credential.refresh_from_db()
    assert credential.rotated_at is None
    assert vault_value(credential) == "old-value-2a3b4c"
    assert not SecurityEvent.objects.filter(kind="credential_rotated").exists()


def test_usage_lists_the_owners_workflows_whose_current_graph_uses_it(
    alice: Any, charlie: Any
) -> None:
    credential = store.create(alice, "Token", "bearer", "token-value-4c5d6e")
    other = store.create(alice, "Other", "bearer", "other-value-5d6e7f")
    orders = workflow_using(alice, credential, "Orders")
    workflow_using(alice, other, "Unrelated")
    moved_on = workflow_using(alice, credential, "Moved on")
    moved_on.save_graph(chain(), user=alice)  # only an old version still names it
    make_workflow(  # someone else's graph naming my id does not count as use
        charlie, chain(http_node("call", "https://x.example/", credential.pk)), name="Charlie's"
    )

    assert [w.pk for w in store.usage(credential)] == [orders.pk]


# --- security events -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_create_rotate_resolve_and_delete_are_security_events_visible_in_the_admin(
    alice: Any, settings: Any
) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    api = ApiClient(alice)
    created = api.post(
        "/api/credentials", {"name": "Token", "kind": "bearer", "value": "v1-7e8f9a"}
    )
    assert created.status_code == 201
    credential_id = created.json()["id"]
    with recorder() as server:
        workflow = make_workflow(alice, chain(http_node("call", server.url, credential_id)))
        execution = engine.start_execution(workflow, {})
        assert [r["headers"]["Authorization"] for r in server.requests] == ["Bearer v1-7e8f9a"]
    assert api.put(f"/api/credentials/{credential_id}", {"value": "v2-8f9a0b"}).status_code == 200
    workflow.save_graph(chain(), user=alice)  # no longer uses it, so it may be deleted
    assert api.delete(f"/api/credentials/{credential_id}").status_code == 204

    events = list(
        SecurityEvent.objects.filter(kind__startswith="credential_").order_by("created_at")
    )
    assert [e.kind for e in events] == [
        "credential_created",
        "credential_resolved",
        "credential_rotated",
        "credential_deleted",
    ]
    assert all(e.user_id == alice.pk and e.detail["credential"] == credential_id for e in events)
    assert events[0].ip == "127.0.0.1"  # API requests carry where they came from
    assert events[1].detail["execution"] == str(execution.id)
    assert events[1].detail["node"] == "call"
    for event in events:
        assert "v1-7e8f9a" not in json.dumps(event.detail)
        assert "v2-8f9a0b" not in json.dumps(event.detail)

    operator = get_user_model().objects.create_superuser("operator", "op@example.com", "pw")
    admin = Client()
    admin.force_login(operator)
    changelist = reverse("admin:accounts_securityevent_changelist")
    html = admin.get(changelist).content.decode()
    for label in (
        "Credential created",
        "Credential rotated",
        "Credential deleted",
        "Credential resolved",
    ):
        assert label in html
    filtered = admin.get(changelist, {"kind": "credential_resolved"}).content.decode()
    assert "Credential resolved" in filtered and "1 security event" in filtered
