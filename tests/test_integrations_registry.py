"""integrations/registry.py, service.py and operations.py: what every registered service must
hold to plug in (checked for each, so a new service is held to it), and the pieces a service is
built from."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from pydantic import Field, SecretStr, ValidationError

from credentials.models import Credential, kind_choices
from editor.nodes import NODE_TYPES
from integrations import registry
from integrations.operations import OperationConfig, extra_of, used_by
from integrations.service import (
    ApiFields,
    CredentialKind,
    credential_for,
    field_label,
    read_fields,
)
from workfuse.lib.node_run import NodeError, RunContext, Secret

SERVICES = {service.name: service for service in registry.SERVICES}


def operations_of(service: Any) -> tuple[str, ...]:
    return get_args(service.node.Config.model_fields["operation"].annotation)


# --- every service ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_a_services_node_is_app_dot_its_name_in_the_catalog(name):
    service = SERVICES[name]
    node = service.node
    assert node.type == f"app.{name}" and NODE_TYPES[node.type] is node
    assert node.category == "app" and node.icon
    assert set(node.credential_kinds) == {kind.kind for kind in service.kinds}
    assert node.catalog_entry()["icon"] == node.icon


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_a_services_kinds_fit_the_credential_table(name):
    base = set(Credential.Kind.values)
    for kind in SERVICES[name].kinds:
        assert len(kind.kind) <= Credential._meta.get_field("kind").max_length
        assert kind.kind not in base
        # A kind is named after its service, or shared from the service it is named after
        # (Google Drive uses Google Sheets' service-account key).
        assert kind.kind.startswith(name) or kind in SERVICES[kind.kind].kinds
        assert (kind.kind, kind.label) in kind_choices()
        assert kind.secret_fields, f"{kind.kind} has no secret field"
        assert all(info.description for info in kind.Fields.model_fields.values())


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_a_services_config_is_flat_documented_and_its_operations_consistent(name):
    service = SERVICES[name]
    schema = service.node.Config.model_json_schema()
    operations = set(operations_of(service))
    assert "$defs" not in schema  # flat: what the form and Magic Input handle best
    assert list(schema["properties"])[:2] == ["credential", "operation"]
    for field, prop in schema["properties"].items():
        assert prop.get("description"), f"{field} has no description"
        assert set(prop.get("operations", operations)) <= operations, field
        assert set(prop.get("required_for", ())) <= set(prop.get("operations", ())), field


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_magic_input_has_a_valid_example_of_every_operation(name):
    node = SERVICES[name].node
    shown = set()
    for _, config in node.examples:
        shown.add(node.Config.model_validate(config).operation)
    assert shown == set(operations_of(SERVICES[name]))


def test_the_palette_has_an_apps_category_with_every_service(alice_client, alice):
    from editor.models import Workflow

    workflow = Workflow.create(alice, "w")
    html = alice_client.get(workflow.get_absolute_url()).content.decode()
    assert ">Apps<" in html
    for service in SERVICES.values():
        assert f'data-type="{service.node.type}"' in html


def test_the_node_types_api_lists_the_apps(alice_api):
    entries = {e["type"]: e for e in alice_api.get("/api/node-types").json()}
    assert entries["app.slack"]["category"] == "app"
    assert entries["app.slack"]["credential_kinds"] == ["slack", "slack_webhook"]
    assert entries["app.slack"]["schema"]["properties"]["ts"]["operations"] == [
        "update_message",
        "delete_message",
    ]


# --- the pieces ---------------------------------------------------------------------------------


class Fields(ApiFields):
    kind = "acme"
    label = "Acme key"

    key: SecretStr = Field(description="The key.")
    region: str = Field("eu", description="The region.")


KIND = CredentialKind(Fields, test=lambda secret: "ok")


def test_split_puts_secret_fields_apart_from_settings():
    secrets, settings = KIND.split({"key": " k-123 ", "base_url": "https://acme.example/api/"})
    assert secrets == {"key": "k-123"}
    assert settings == {"region": "eu", "base_url": "https://acme.example/api"}
    assert KIND.field_names == ("key", "base_url", "region")


def test_a_base_url_is_an_http_url_without_a_password():
    with pytest.raises(ValidationError, match="must be an http:// or https:// URL with a host"):
        Fields.model_validate({"key": "k", "base_url": "acme.example"})
    with pytest.raises(ValidationError, match="must not hold a password") as caught:
        Fields.model_validate({"key": "k", "base_url": "https://me:pw-1234@acme.example"})
    assert "pw-1234" not in str(caught.value.errors()[0]["msg"])


def test_read_fields_joins_them_again_and_names_a_credential_that_no_longer_fits():
    secret = Secret("acme", {"key": "k-123"}, {"region": "us"}, name="Acme prod")
    fields = read_fields(Fields, secret)
    assert (fields.key.get_secret_value(), fields.region) == ("k-123", "us")
    with pytest.raises(
        NodeError, match="“Acme prod” does not fit its kind acme any more"
    ) as caught:
        read_fields(Fields, Secret("acme", {}, name="Acme prod"))
    assert "key: Field required" in caught.value.message


def test_credential_for_refuses_a_missing_credential_or_another_kind():
    ctx = RunContext(execution_id="e", node_id="n", step_key="n")
    with pytest.raises(NodeError, match="Choose a credential in this node's settings: sync needs"):
        credential_for(ctx, "sync", Fields)
    ctx.secret = Secret("bearer", "tok", name="Other")
    with pytest.raises(NodeError, match="needs a Acme key credential; “Other” is of kind bearer"):
        credential_for(ctx, "sync", Fields)
    ctx.secret = Secret("acme", {"key": "k"}, name="Mine")
    secret, fields = credential_for(ctx, "sync", Fields)
    assert secret is ctx.secret and fields.key.get_secret_value() == "k"


def test_field_labels_read_as_words():
    assert field_label("webhook_url") == "webhook URL"
    assert field_label("chat_id") == "chat ID"


class Sync(OperationConfig):
    operation: str = "push"
    target: str = Field("", json_schema_extra=used_by("push", "pull", required=["push"]))
    since: str = Field("", json_schema_extra=used_by("pull"))


def test_an_operation_config_requires_its_fields_on_them():
    with pytest.raises(ValidationError) as caught:
        Sync.model_validate({"operation": "push"})
    assert [(e["loc"], e["msg"]) for e in caught.value.errors()] == [
        (("target",), "Needed for the push operation.")
    ]
    Sync.model_validate({"operation": "pull"})
    assert extra_of(Sync.model_fields["target"]) == {
        "operations": ["push", "pull"],
        "required_for": ["push"],
    }
