"""Importing n8n's Execution Data node (editor/n8n/execution_data.py) as a `utility.set` step
showing the saved key/values while the item passes on (run in the engine), and Gmail v2's
binary attachments (editor/n8n/apps_gmail.py) as the file values of the input item."""

from __future__ import annotations

import pytest

from editor.graph import ImportRefused
from editor.n8n import convert
from tests.test_n8n_files import chain, download_as_file, node_of, run
from tests.test_n8n_flow import manual, n8n_node, set_fields


def execution_data(*values: tuple[str, str]) -> dict:
    rows = [{"key": k, "value": v} for k, v in values]
    return n8n_node("Execution Data", "executionData", {"dataToSave": {"values": rows}})


def test_execution_data_shows_the_values_and_hands_the_item_on():
    data = chain(
        manual(),
        set_fields("Who", email="ada@example.com"),
        execution_data(("email", "={{ $json.email }}"), ("source", "form")),
        set_fields("After", seen="={{ $json.email }}"),
    )
    graph = convert(data)
    node = node_of(graph, "Execution Data")
    assert node["type"] == "utility.set"
    assert node["config"]["keep"] == "none"
    assert [f["name"] for f in node["config"]["fields"]] == ["email", "source"]
    assert "runs are not searched by them" in node["notes"]
    assert "nodes.execution_data" not in str(node_of(graph, "After")["config"])


@pytest.mark.django_db(transaction=True)
def test_an_imported_execution_data_step_runs(alice):
    data = chain(
        manual(),
        set_fields("Who", email="ada@example.com"),
        execution_data(("email", "={{ $json.email }}")),
        set_fields("After", seen="={{ $json.email }}"),
    )
    outputs = run(alice, data)
    assert outputs["execution_data"] == {"email": "ada@example.com"}
    assert "ada@example.com" in str(outputs["after"])


def test_an_execution_data_key_given_by_expression_is_refused():
    data = chain(manual(), execution_data(("={{ $json.k }}", "v")))
    with pytest.raises(ImportRefused, match="names a saved key with an expression"):
        convert(data)


def gmail(attachments: list) -> dict:
    params = {
        "sendTo": "a@b.co",
        "subject": "s",
        "message": "m",
        "options": {"attachmentsUi": {"attachmentsBinary": attachments}},
    }
    return n8n_node("Mail", "gmail", params, 2.1)


def test_gmail_v2_attaches_the_input_items_files():
    data = chain(manual(), download_as_file("https://example.com/a.png"), gmail([{}]))
    assert node_of(convert(data), "Mail")["config"]["attachments"] == "{{ [nodes.download.file] }}"
    named = chain(
        manual(), download_as_file("https://example.com/a.png", "pic"), gmail([{"property": "pic"}])
    )
    assert node_of(convert(named), "Mail")["config"]["attachments"] == (
        "{{ [nodes.download.file] }}"
    )


def test_gmail_attachments_without_a_file_before_are_refused_naming_the_property():
    with pytest.raises(ImportRefused, match="binary property 'data'"):
        convert(chain(manual(), gmail([{}])))
