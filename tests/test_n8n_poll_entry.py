"""An n8n poll whose rounds start at a Wait (editor/n8n/cycles.py): the Wait passes on what
reached it, so the nodes after it that read `$json` get what came into the loop in the first
round and what the round before's last node gave after that, as n8n hands it on."""

from __future__ import annotations

import pytest

from editor.models import Workflow
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import recorder, steps_by_key
from tests.test_n8n_cycle_exits import if_node, numbers
from tests.test_n8n_flow import export, http, later, manual, n8n_node, poll_export, run, set_fields
from tests.test_n8n_import import by_label, refusal_messages


@pytest.mark.django_db(transaction=True)
def test_a_check_after_the_wait_reads_the_check_before_from_the_second_round(alice, settings):
    """Start job → Wait → Check (GET /jobs/<$json.id>) → Done? (no: back to the Wait). n8n's
    Wait hands the second round the first Check's answer, whose id moved to 8."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as server:
        server.script = [
            (200, {}, {"id": 7}),
            (200, {}, {"id": 8, "state": "queued"}),
            (200, {}, {"id": 8, "state": "done", "url": server.url + "/files/8"}),
            (200, {}, {"text": "the result"}),
        ]
        data = poll_export(server.url)
        data["nodes"][3] = http("Check", f"={server.url}/jobs/{{{{ $json.id }}}}")
        graph = convert(data)
        assert validate_graph(graph) == []
        execution = run(Workflow.create(alice, "Poller", graph=graph))
        for round_ in range(1, 3):
            engine.sweep(now=later(3 * round_))
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        assert [r["path"] for r in server.requests] == ["/jobs", "/jobs/7", "/jobs/8", "/files/8"]
    repeat = by_label(graph, "Repeat until Done?")
    assert steps_by_key(execution)[repeat["id"]].output["iterations"] == 2
    assert repeat["config"]["carry"] is True
    assert (
        "(nodes.start_job.body if iteration == 0 else carried.body)"
        in (by_label(graph, "Check")["config"]["url"])
    )


def counter_export() -> dict:
    """Start (count = 0) → Wait 1 s → Count (count = $json.count + 1) → Enough? (count < 3:
    back to the Wait) → Done (total = $json.count)."""
    nodes = [
        manual(),
        numbers(set_fields("Zero", count=0)),
        n8n_node("Wait", "wait", {"amount": 1}, 1.1),
        numbers(set_fields("Count", count="={{ $json.count + 1 }}")),
        if_node("Enough?", "={{ $json.count }}", "lt", 3, "number"),
        set_fields("Done", total="={{ $json.count }}"),
    ]
    links = [
        ("Start", "Zero"),
        ("Zero", "Wait"),
        ("Wait", "Count"),
        ("Count", "Enough?"),
        ("Enough?", 0, "Wait"),
        ("Enough?", 1, "Done"),
    ]
    return export("Counter", nodes, links)


@pytest.mark.django_db(transaction=True)
def test_a_set_after_the_wait_counts_on_from_the_round_before_as_n8n(alice):
    graph = convert(counter_export())
    assert validate_graph(graph) == []
    execution = run(Workflow.create(alice, "Counter", graph=graph))
    for round_ in range(1, 5):
        engine.sweep(now=later(2 * round_))
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    # n8n: Count gets 0 from Zero, then each round the Count before's item: 1, 2, 3.
    assert [steps[f"count[{i}]"].output["result"]["count"] for i in range(3)] == [1, 2, 3]
    assert "count[3]" not in steps
    assert steps["done"].output["result"] == {"total": "3"}  # a string field, as in n8n
    assert by_label(graph, "Repeat until Enough?")["config"]["carry"] is True


def test_a_loop_that_only_passes_the_item_on_reads_what_came_in_every_round():
    """Wait → Done? (no: back to the Wait): the Wait's item is the same every round, so the
    check reads what came in and nothing is carried."""
    data = poll_export("https://jobs.example.com")
    data["nodes"] = [n for n in data["nodes"] if n["name"] != "Check"]
    data["connections"]["Wait"]["main"] = [[{"node": "Done?", "type": "main", "index": 0}]]
    del data["connections"]["Check"]
    graph = convert(data)
    assert validate_graph(graph) == []
    repeat = by_label(graph, "Repeat until Done?")
    assert "carry" not in repeat["config"]
    assert repeat["config"]["until"]["rules"][0]["left"] == "{{ nodes.start_job.body.state }}"


def test_fields_named_differently_in_the_first_round_and_after_are_refused():
    """The item reaching the Wait is a chat message first (n8n's `chatInput` is WorkFuse's
    `message`) and Count's fields after: one template cannot read both, so the import refuses,
    naming the Wait and what to do."""
    data = counter_export()
    data["nodes"][0] = n8n_node("Start", "@n8n/n8n-nodes-langchain.chatTrigger", {}, 1.1)
    data["nodes"] = [n for n in data["nodes"] if n["name"] != "Zero"]
    data["connections"]["Start"]["main"] = [[{"node": "Wait", "type": "main", "index": 0}]]
    del data["connections"]["Zero"]
    messages = refusal_messages(data)
    assert any(
        "n8n node 'Wait' (n8n-nodes-base.wait) passes its input ($json) on to the nodes after "
        "it, which is the output of 'Start' in the first round of its loop and of 'Count' "
        "after that"
        in m
        and "Read the fields by node name ($('Name')) in n8n and export again." in m
        for m in messages
    ), messages


@pytest.mark.parametrize(
    ("reader", "field"),
    [
        ("Fetch", "url"),  # after the loop: n8n gives the last round's item there
        ("Done?", "conditions"),  # the IF deciding, which WorkFuse runs after the rounds
    ],
)
def test_a_node_outside_the_round_reading_the_waits_item_by_name_is_refused(reader, field):
    data = poll_export("https://jobs.example.com")
    data["nodes"][3] = http("Check", "=https://jobs.example.com/jobs/{{ $json.id }}")
    node = next(n for n in data["nodes"] if n["name"] == reader)
    if field == "url":
        node["parameters"]["url"] = "={{ $('Wait').item.json.id }}"
    else:
        node["parameters"]["conditions"]["conditions"][0]["leftValue"] = (
            "={{ $('Wait').item.json.state }}"
        )
    [message] = refusal_messages(data)
    assert message.startswith(f"n8n node '{reader}' (n8n-nodes-base.")
    assert (
        "reads the item n8n node 'Wait' hands on, which in each round after the first is what "
        "'Check' passed on in the round before" in message
    )
    assert "Read the fields from the node that makes them ($('Name')) in n8n" in message


def test_a_node_after_the_wait_reading_the_file_that_came_in_is_refused():
    """After the first round n8n's Wait hands on what 'Extract' gave (no file), so the upload
    Extract reads reaches it only once; a Repeat would read it every round."""
    upload = {"fieldType": "file", "fieldLabel": "File Upload", "requiredField": True}
    form = {"formTitle": "CV", "formFields": {"values": [upload]}, "options": {}}
    extract = n8n_node(
        "Extract",
        "extractFromFile",
        {"operation": "pdf", "binaryPropertyName": "File_Upload", "options": {}},
    )
    nodes = [
        n8n_node("Upload", "formTrigger", form, 2.2),
        n8n_node("Wait", "wait", {"amount": 1}, 1.1),
        extract,
        if_node("Readable?", "={{ $json.text }}", "contains", "ready"),
        set_fields("Done", text="={{ $json.text }}"),
    ]
    links = [
        ("Upload", "Wait"),
        ("Wait", "Extract"),
        ("Extract", "Readable?"),
        ("Readable?", 0, "Done"),
        ("Readable?", 1, "Wait"),
    ]
    messages = refusal_messages(export("Extractor", nodes, links))
    assert any(
        "n8n node 'Extract' reads the file or the items that came into its loop from 'Upload'" in m
        for m in messages
    ), messages
