"""n8n's Webhook version 1 with Binary Data: the whole request body, unparsed whatever its type,
is the item's one file (Webhook.node.ts `handleBinaryData`, in the binary property Binary
Property, `data` by default; n8n's webhook helpers skip parsing the body for it) and the body is
`{}`. Imported, the trigger's `body_file` keeps it, and the workflow is called through WorkFuse's
webhook URL."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from editor.n8n import convert
from editor.validation import validate_graph
from tests.engine_helpers import steps_by_key
from tests.test_n8n_files import chain, extract, node_of, refused
from tests.test_n8n_flow import n8n_node
from tests.test_n8n_passed_files import activated
from workfuse.lib import files

TEXT = "Receipt 42: 3 coffees, 9.60 EUR\n"


def hook_v1(**options: Any) -> dict:
    params = {"httpMethod": "POST", "path": "receipt", "options": options}
    return n8n_node("Webhook", "webhook", params, 1)


def reader(prop: str = "data") -> dict:
    return extract({"operation": "text", "binaryPropertyName": prop})


def test_binary_data_keeps_the_whole_body_as_the_file_data() -> None:
    graph = convert(chain(hook_v1(binaryData=True), reader()))
    assert validate_graph(graph) == []
    webhook = node_of(graph, "Webhook")
    assert webhook["config"]["body_file"] == "data"
    assert "Binary Data" in webhook["notes"]
    assert node_of(graph, "Extract")["config"]["file"] == '{{ trigger.files["data"] }}'


def test_the_binary_property_option_names_the_file() -> None:
    graph = convert(
        chain(hook_v1(binaryData=True, binaryPropertyName="receipt"), reader("receipt"))
    )
    assert node_of(graph, "Webhook")["config"]["body_file"] == "receipt"
    assert node_of(graph, "Extract")["config"]["file"] == '{{ trigger.files["receipt"] }}'


def test_a_multipart_field_name_is_no_file_under_binary_data() -> None:
    # n8n keeps the multipart body whole as 'data': a node reading the field 'receipt' failed
    message = refused(chain(hook_v1(binaryData=True), reader("receipt")))
    assert "n8n node 'Extract'" in message
    assert "binary property 'receipt'" in message and "no file 'receipt'" in message
    assert "turn off Binary Data" in message


def test_a_binary_property_given_by_an_expression_is_refused() -> None:
    hook = hook_v1(binaryData=True, binaryPropertyName="={{ $json.name }}")
    message = refused(chain(hook, reader()))
    assert "n8n node 'Webhook'" in message and "expression" in message


@pytest.mark.parametrize("version", [1.1, 2])
def test_later_versions_with_binary_data_stay_refused(version: float) -> None:
    # n8n reads the option only in version 1: later versions parse the body first
    hook = hook_v1(binaryData=True)
    hook["typeVersion"] = version
    assert "'Webhook' outputs no such file" in refused(chain(hook, reader()))


@pytest.mark.django_db(transaction=True)
def test_a_posted_file_is_read_through_the_engine(alice: Any, alice_api: Any) -> None:
    workflow = activated(alice_api, chain(hook_v1(binaryData=True), reader()))
    answer = Client().post(
        f"/hooks/{workflow.webhook_token}",
        TEXT.encode(),
        content_type="text/plain",
        headers={"Content-Disposition": 'attachment; filename="receipt-42.txt"'},
    )
    assert answer.status_code == 202, answer.content
    steps = steps_by_key(workflow.executions.get())
    kept = steps["webhook"].output["files"]["data"]
    assert kept["filename"] == "receipt-42.txt" and kept["content_type"] == "text/plain"
    assert steps["webhook"].output["body"] == {}  # n8n parsed no body either
    assert steps["extract"].status == "succeeded", steps["extract"].error
    assert steps["extract"].output["data"] == TEXT


@pytest.mark.django_db(transaction=True)
def test_a_multipart_body_is_kept_whole_and_unnamed_bytes_are_octets(
    alice: Any, alice_api: Any
) -> None:
    workflow = activated(alice_api, chain(hook_v1(binaryData=True), reader()))
    sent = b'--b\r\nContent-Disposition: form-data; name="receipt"\r\n\r\nabc\r\n--b--\r\n'
    Client().post(
        f"/hooks/{workflow.webhook_token}", sent, content_type="multipart/form-data; boundary=b"
    )
    steps = steps_by_key(workflow.executions.get())
    kept = steps["webhook"].output["files"]
    assert list(kept) == ["data"] and files.read(kept["data"]).data == sent
    assert kept["data"]["filename"] == "body"
    assert kept["data"]["content_type"] == "multipart/form-data"
    Client().post(f"/hooks/{workflow.webhook_token}", b"\x00\x01", content_type="")
    last = steps_by_key(workflow.executions.order_by("-started_at")[0])
    assert last["webhook"].output["files"]["data"]["content_type"] == files.DEFAULT_TYPE


@pytest.mark.django_db(transaction=True)
def test_an_empty_body_keeps_no_file_and_the_reader_fails(alice: Any, alice_api: Any) -> None:
    workflow = activated(alice_api, chain(hook_v1(binaryData=True), reader()))
    Client().post(f"/hooks/{workflow.webhook_token}", b"", content_type="text/plain")
    steps = steps_by_key(workflow.executions.get())
    assert "files" not in steps["webhook"].output
    assert steps["extract"].status == "failed"  # as n8n's reader found no binary data
