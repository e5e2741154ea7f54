"""/api/credentials (DESIGN §8): create, list, rotate or rename, delete and usage; values are
write-only. Against a real moto_server the whole life of an AWS-held credential is followed
through workflow runs. Other users' credentials are invisible and unusable."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from accounts.models import SecurityEvent
from credentials import runtime
from credentials.models import Credential
from credentials.vault import get_vault
from editor.models import Workflow
from editor.nodes.base import NodeError
from executions.models import Execution
from tests import moto
from tests.conftest import ApiClient
from tests.engine_helpers import chain, make_workflow, recorder, steps_by_key

moto_endpoint, aws, sm = moto.moto_endpoint, moto.aws, moto.sm

URL = "/api/credentials"


def http_node(url: str, credential: int, node_id: str = "call", **config: Any) -> dict:
    return {
        "id": node_id,
        "type": "action.http",
        "config": {"method": "GET", "url": url, "credential": credential, **config},
    }


def create(
    api: ApiClient, name: str = "Token", kind: str = "bearer", value: Any = "tok-1a2b3c4d"
) -> dict:
    response = api.post(URL, {"name": name, "kind": kind, "value": value})
    assert response.status_code == 201, response.content
    return response.json()


def run(api: ApiClient, workflow_id: int) -> Execution:
    response = api.post(f"/api/workflows/{workflow_id}/run", {"payload": {}})
    assert response.status_code == 202, response.content
    return Execution.objects.get(pk=response.json()["execution_id"])


# --- the end points --------------------------------------------------------------------------


def test_create_answers_201_with_the_credential_but_not_its_value(
    alice: Any, alice_api: ApiClient
) -> None:
    response = alice_api.post(URL, {"name": "Stripe", "kind": "bearer", "value": "sk-test-51Hx9q"})

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "name",
        "kind",
        "created_at",
        "updated_at",
        "rotated_at",
        "last_used_at",
        "settings",
    }
    assert body["name"] == "Stripe" and body["kind"] == "bearer"
    assert body["settings"] == {}  # a base kind has no settings: its value is all secret
    assert body["rotated_at"] is None and body["last_used_at"] is None
    assert "sk-test-51Hx9q" not in response.content.decode()
    credential = Credential.objects.get(pk=body["id"])
    assert credential.owner == alice
    assert get_vault().get(credential.secret_ref) == "sk-test-51Hx9q"


def test_create_basic_takes_a_username_and_password(alice_api: ApiClient) -> None:
    body = create(alice_api, "Jira", "basic", {"username": "bot", "password": "jira-pw-77"})

    stored = get_vault().get(Credential.objects.get(pk=body["id"]).secret_ref)
    assert json.loads(stored) == {"username": "bot", "password": "jira-pw-77"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "T", "kind": "oauth", "value": "x-value"}, "kind"),
        ({"name": "T", "kind": "bearer"}, "value"),
        ({"name": "T", "kind": "bearer", "value": "  "}, "value"),
        ({"name": "T", "kind": "basic", "value": {"username": "bot"}}, "value"),
        ({"name": "T", "kind": "basic", "value": "bot:pw"}, "value"),
        ({"name": "", "kind": "bearer", "value": "x-value"}, "name"),
        ({"name": "x" * 101, "kind": "bearer", "value": "x-value"}, "name"),
        ({"kind": "bearer", "value": "x-value"}, "name"),
    ],
)
def test_invalid_creates_answer_400_naming_the_field(
    alice_api: ApiClient, payload: dict, field: str
) -> None:
    response = alice_api.post(URL, payload)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in [d["field"] for d in body["details"]]
    assert not Credential.objects.exists()


def test_a_value_that_is_not_valid_text_is_refused(alice_api: ApiClient) -> None:
    raw = '{"name": "T", "kind": "bearer", "value": "abc-\\ud800-def"}'  # a JSON-escaped lone surrogate
    response = alice_api.client.post(URL, data=raw, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["details"] == [
        {
            "field": "value",
            "message": "The text contains an unpaired UTF-16 surrogate (\\ud800), "
            "which is not valid Unicode.",
        }
    ]


def test_a_duplicate_name_answers_400(alice_api: ApiClient) -> None:
    create(alice_api, "Token")

    response = alice_api.post(URL, {"name": "Token", "kind": "bearer", "value": "another-1234"})

    assert response.status_code == 400
    assert response.json()["details"] == [
        {"field": "name", "message": "You already have a credential named “Token”."}
    ]


def test_list_is_paginated_sorted_by_name_and_never_has_values(alice_api: ApiClient) -> None:
    for name in ("b-token", "a-token", "c-token"):
        create(alice_api, name, value=f"value-of-{name}-99")

    response = alice_api.get(f"{URL}?limit=2&offset=0")

    body = response.json()
    assert body["count"] == 3
    assert [c["name"] for c in body["items"]] == ["a-token", "b-token"]
    assert "value-of-" not in response.content.decode()
    assert "secret_ref" not in response.content.decode()
    assert [c["name"] for c in alice_api.get(f"{URL}?offset=2").json()["items"]] == ["c-token"]


def test_put_with_a_value_rotates_behind_the_same_reference(alice_api: ApiClient) -> None:
    created = create(alice_api, value="old-value-11aa")
    ref = Credential.objects.get(pk=created["id"]).secret_ref

    response = alice_api.put(f"{URL}/{created['id']}", {"value": "new-value-22bb"})

    assert response.status_code == 200
    body = response.json()
    assert body["rotated_at"] is not None and body["name"] == "Token"
    assert "new-value-22bb" not in response.content.decode()
    credential = Credential.objects.get(pk=created["id"])
    assert credential.secret_ref == ref
    assert get_vault().get(ref) == "new-value-22bb"


def test_put_with_a_name_renames_without_touching_the_value(alice_api: ApiClient) -> None:
    created = create(alice_api, value="kept-value-33cc")

    response = alice_api.put(f"{URL}/{created['id']}", {"name": "Deploy key"})

    assert response.status_code == 200
    assert response.json()["name"] == "Deploy key"
    assert response.json()["rotated_at"] is None
    credential = Credential.objects.get(pk=created["id"])
    assert get_vault().get(credential.secret_ref) == "kept-value-33cc"


def test_put_renaming_to_a_taken_name_changes_nothing_not_even_the_value(
    alice_api: ApiClient,
) -> None:
    create(alice_api, "Prod")
    created = create(alice_api, "Staging", value="staging-value-44dd")

    response = alice_api.put(f"{URL}/{created['id']}", {"name": "Prod", "value": "rotated-55ee"})

    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "name"
    credential = Credential.objects.get(pk=created["id"])
    assert credential.name == "Staging"
    assert credential.rotated_at is None
    assert get_vault().get(credential.secret_ref) == "staging-value-44dd"
    assert not SecurityEvent.objects.filter(kind="credential_rotated").exists()


def test_delete_removes_the_row_and_the_secret(alice_api: ApiClient) -> None:
    created = create(alice_api)
    ref = Credential.objects.get(pk=created["id"]).secret_ref

    response = alice_api.delete(f"{URL}/{created['id']}")

    assert response.status_code == 204
    assert not Credential.objects.exists()
    assert not get_vault().exists(ref)
    assert alice_api.delete(f"{URL}/{created['id']}").status_code == 404


def test_delete_of_a_credential_in_use_answers_409_with_the_workflows(
    alice: Any, alice_api: ApiClient
) -> None:
    created = create(alice_api)
    orders = make_workflow(alice, chain(http_node("https://x.example/", created["id"])), "Orders")
    refunds = make_workflow(alice, chain(http_node("https://y.example/", created["id"])), "Refunds")

    response = alice_api.delete(f"{URL}/{created['id']}")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "in_use"
    assert "“Orders”" in body["message"] and "“Refunds”" in body["message"]
    assert sorted(body["details"], key=lambda d: d["id"]) == [
        {"id": orders.pk, "name": "Orders"},
        {"id": refunds.pk, "name": "Refunds"},
    ]
    assert Credential.objects.filter(pk=created["id"]).exists()


def test_usage_lists_the_workflows_that_use_it(alice: Any, alice_api: ApiClient) -> None:
    created = create(alice_api)
    unused = create(alice_api, "Unused")
    orders = make_workflow(alice, chain(http_node("https://x.example/", created["id"])), "Orders")
    make_workflow(alice, chain(), "Nothing")

    assert alice_api.get(f"{URL}/{created['id']}/usage").json() == [
        {"id": orders.pk, "name": "Orders"}
    ]
    assert alice_api.get(f"{URL}/{unused['id']}/usage").json() == []


def test_the_api_needs_authentication(db: Any) -> None:
    from django.test import Client

    assert Client().get(URL).status_code == 401
    assert Client().post(URL, {"name": "T", "kind": "bearer", "value": "x"}).status_code == 401


def test_a_vault_that_does_not_answer_is_503_and_leaves_no_row(
    alice_api: ApiClient, settings: Any, tmp_path: Any
) -> None:
    blocker = tmp_path / "secrets"
    blocker.write_text("a file where the vault directory should be")
    settings.WORKFUSE_VAULT_DIR = blocker

    response = alice_api.post(URL, {"name": "T", "kind": "bearer", "value": "tok-66ff77"})

    assert response.status_code == 503
    assert response.json()["code"] == "vault_unavailable"
    assert "tok-66ff77" not in response.content.decode()
    assert not Credential.objects.exists()


# --- ownership -------------------------------------------------------------------------------


def test_another_user_does_not_see_my_credentials(
    alice_api: ApiClient, charlie_api: ApiClient
) -> None:
    create(alice_api, "Alice's token")
    create(charlie_api, "Charlie's token")

    assert [c["name"] for c in charlie_api.get(URL).json()["items"]] == ["Charlie's token"]
    assert charlie_api.get(URL).json()["count"] == 1


def test_another_user_cannot_rotate_rename_delete_or_read_usage_of_my_credential(
    alice_api: ApiClient, charlie_api: ApiClient
) -> None:
    created = create(alice_api, value="alice-value-88aa")
    path = f"{URL}/{created['id']}"

    for response in (
        charlie_api.put(path, {"value": "charlie-value-99bb"}),
        charlie_api.put(path, {"name": "Mine now"}),
        charlie_api.delete(path),
        charlie_api.get(f"{path}/usage"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    credential = Credential.objects.get(pk=created["id"])
    assert credential.name == "Token"
    assert get_vault().get(credential.secret_ref) == "alice-value-88aa"
    assert not SecurityEvent.objects.filter(
        kind__in=["credential_rotated", "credential_deleted"]
    ).exists()


def test_another_user_cannot_save_a_graph_using_my_credential(
    alice_api: ApiClient, charlie: Any, charlie_api: ApiClient
) -> None:
    mine = create(alice_api)
    graph = chain(http_node("https://api.example.com/", mine["id"]))

    created = charlie_api.post("/api/workflows", {"name": "Borrowed", "graph": graph})
    workflow = charlie_api.post("/api/workflows", {"name": "Plain"}).json()
    replaced = charlie_api.put(
        f"/api/workflows/{workflow['id']}", {"name": "Plain", "description": "", "graph": graph}
    )
    patched = charlie_api.patch(f"/api/workflows/{workflow['id']}", {"graph": graph})

    for response in (created, replaced, patched):
        assert response.status_code == 400
        details = response.json()["details"]
        assert {"node_id": "call", "field": "config.credential"} in [
            {"node_id": d["node_id"], "field": d["field"]} for d in details
        ]
        assert (
            f"Credential {mine['id']} does not exist or is not yours" in response.json()["message"]
        )
    assert not Workflow.objects.filter(owner=charlie, name="Borrowed").exists()
    assert Workflow.objects.get(pk=workflow["id"]).version == 1


def test_an_existing_graph_using_someone_elses_credential_cannot_run(
    alice_api: ApiClient, charlie: Any, charlie_api: ApiClient, settings: Any
) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    mine = create(alice_api)
    with recorder() as server:
        # Stored before any check (as an old or hand-made graph would be), then run.
        workflow = make_workflow(charlie, chain(http_node(server.url, mine["id"])), "Borrowed")

        response = charlie_api.post(f"/api/workflows/{workflow.pk}/run", {"payload": {}})

        assert server.requests == []
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_graph"
    assert body["message"] == (
        f"The workflow cannot run: Credential {mine['id']} does not exist or is not yours; "
        "pick one of your credentials."
    )
    assert body["details"][0]["field"] == "config.credential"
    assert not Execution.objects.exists()
    assert not SecurityEvent.objects.filter(kind="credential_resolved").exists()


def test_resolving_someone_elses_credential_in_a_step_fails_clearly(
    alice_api: ApiClient, charlie: Any
) -> None:
    mine = create(alice_api)

    with pytest.raises(NodeError) as failed:
        runtime.resolve(charlie.pk, mine["id"], ("bearer",), execution_id="e", node_id="call")

    assert failed.value.message == (
        f"Credential {mine['id']} does not exist (or is not yours); choose another one."
    )
    assert not failed.value.retryable
    assert Credential.objects.get(pk=mine["id"]).last_used_at is None


# --- the whole life of a credential in AWS Secrets Manager (moto_server) ----------------------


@pytest.mark.django_db(transaction=True)
def test_aws_credential_create_use_rotate_use_and_delete(
    alice: Any, aws: str, sm: Any, settings: Any
) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    api = ApiClient(alice)

    created = create(api, "Partner API", "bearer", "aws-first-value-1q2w3e")
    credential = Credential.objects.get(pk=created["id"])
    assert re.fullmatch(
        rf"arn:aws:secretsmanager:{moto.REGION}:123456789012:secret:"
        rf"workfuse/{alice.pk}/{credential.uuid}-\w{{6}}",
        credential.secret_ref,
    )
    assert sm.get_secret_value(SecretId=credential.secret_ref)["SecretString"] == (
        "aws-first-value-1q2w3e"
    )

    with recorder() as server:
        graph = chain(http_node(f"{server.url}/partner", credential.pk, auth="bearer"))
        workflow_id = api.post("/api/workflows", {"name": "Partner sync", "graph": graph}).json()[
            "id"
        ]

        first = run(api, workflow_id)
        rotated = api.put(f"{URL}/{credential.pk}", {"value": "aws-second-value-4r5t6y"})
        second = run(api, workflow_id)

        sent = [r["headers"]["Authorization"] for r in server.requests]
    assert rotated.status_code == 200
    assert sent == ["Bearer aws-first-value-1q2w3e", "Bearer aws-second-value-4r5t6y"]
    assert first.status == second.status == "succeeded"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("succeeded", "succeeded")
    assert second.version_id == first.version_id  # the workflow did not change
    assert Workflow.objects.get(pk=workflow_id).version == 1
    credential.refresh_from_db()
    assert credential.secret_ref.startswith("arn:aws:secretsmanager:")
    assert credential.last_used_at is not None
    previous = sm.get_secret_value(SecretId=credential.secret_ref, VersionStage="AWSPREVIOUS")
    assert previous["SecretString"] == "aws-first-value-1q2w3e"
    for execution in (first, second):
        step = steps_by_key(execution)["call"]
        assert "aws-" not in json.dumps([step.input, step.output, step.error, step.attempts])

    assert api.delete(f"{URL}/{credential.pk}").status_code == 409  # still used by the workflow
    api.put(
        f"/api/workflows/{workflow_id}",
        {"name": "Partner sync", "description": "", "graph": chain()},
    )
    assert api.delete(f"{URL}/{credential.pk}").status_code == 204

    with pytest.raises(sm.exceptions.ResourceNotFoundException):
        sm.describe_secret(SecretId=credential.secret_ref)
    assert not Credential.objects.filter(pk=credential.pk).exists()
