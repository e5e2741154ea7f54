"""n8n's Aggregate with Include Binaries: the one aggregated item carries each binary
property's first file under its own name (Aggregate/utils.ts `addBinariesToItem`; later ones
renamed `data_1`...). The importer follows the first item's files, through a Merge appending
its inputs (its first input's items come first), as 'Image Creation with OpenAI and Telegram'
sends the generated image after aggregating it with the Telegram update."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from editor.n8n import convert
from editor.validation import validate_graph
from tests.engine_helpers import steps_by_key
from tests.test_n8n_files import extract, node_of, refused
from tests.test_n8n_flow import n8n_node, set_fields
from tests.test_n8n_passed_files import activated
from tests.test_n8n_webhook_binary_data import hook_v1

TEXT = "first file\n"


def aggregate(**options: Any) -> dict:
    params = {"aggregate": "aggregateAllItemData", "options": {"includeBinaries": True, **options}}
    return n8n_node("Aggregate", "aggregate", params)


def link(target: str, index: int = 0) -> dict:
    return {"node": target, "type": "main", "index": index}


def merged(first: str, reader: dict) -> dict:
    """Webhook (a file) feeding Fields (no file), both appended by a Merge, `first` its first
    input, then aggregated with their files, then `reader`."""
    nodes = [
        hook_v1(binaryData=True),
        set_fields("Fields", note="no file"),
        n8n_node("Merge", "merge", {}, 2.1),
        aggregate(),
        reader,
    ]
    into = {"Webhook": 0 if first == "Webhook" else 1, "Fields": 0 if first == "Fields" else 1}
    connections = {
        "Webhook": {"main": [[link("Fields"), link("Merge", into["Webhook"])]]},
        "Fields": {"main": [[link("Merge", into["Fields"])]]},
        "Merge": {"main": [[link("Aggregate")]]},
        "Aggregate": {"main": [[link(reader["name"])]]},
    }
    return {"name": "Aggregate files", "nodes": nodes, "connections": connections}


def test_the_first_aggregated_item_s_file_is_read() -> None:
    graph = convert(merged("Webhook", extract({"operation": "text"})))
    assert validate_graph(graph) == []
    assert node_of(graph, "Extract")["config"]["file"] == '{{ trigger.files["data"] }}'
    assert "Include Binaries" in node_of(graph, "Aggregate")["notes"]


def test_a_first_item_without_the_file_is_refused_by_name() -> None:
    message = refused(merged("Fields", extract({"operation": "text"})))
    assert "n8n node 'Extract'" in message and "binary property 'data'" in message


def test_a_renamed_later_file_is_not_followed() -> None:
    reader = extract({"operation": "text", "binaryPropertyName": "data_1"})
    assert "binary property 'data_1'" in refused(merged("Webhook", reader))


@pytest.mark.django_db(transaction=True)
def test_the_aggregated_file_is_read_through_the_engine(alice: Any, alice_api: Any) -> None:
    workflow = activated(alice_api, merged("Webhook", extract({"operation": "text"})))
    answer = Client().post(
        f"/hooks/{workflow.webhook_token}", TEXT.encode(), content_type="text/plain"
    )
    assert answer.status_code == 202, answer.content
    steps = steps_by_key(workflow.executions.get())
    assert len(steps["aggregate"].output["data"]) == 2
    assert steps["extract"].status == "succeeded", steps["extract"].error
    assert steps["extract"].output["data"] == TEXT
