"""n8n loops with several ways out, or work between their last check and their next round,
imported as one Repeat and a Switch after it (editor/n8n/cycle_exits.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from editor.models import Workflow
from editor.n8n import convert, import_n8n
from editor.validation import validate_graph
from tests.engine_helpers import recorder, steps_by_key
from tests.test_n8n_flow import export, http, manual, n8n_node, run, set_fields
from tests.test_n8n_import import by_label, edges_of, refusal_messages


def numbers(node: dict[str, Any]) -> dict[str, Any]:
    for row in node["parameters"]["assignments"]["assignments"]:
        row["type"] = "number"
    return node


def if_node(name: str, left: str, operation: str, right: Any, kind: str = "string") -> dict:
    condition = {"leftValue": left, "rightValue": right, "operator": {"type": kind}}
    condition["operator"]["operation"] = operation
    if right == "":
        condition["operator"]["singleValue"] = True
    params = {"conditions": {"conditions": [condition], "combinator": "and"}}
    return n8n_node(name, "if", params, 2.2)


def retry_export(base: str) -> dict:
    """The corpus's "retry with a counter" with two ways out (Pennylane's e-mail retry, the
    Stopanderror template): Set tries (tries = $json.tries || 0) → Send (POST /send/<tries>) →
    IF Sent (state is "sent": leave to Done) → Update tries (+ 1) → If tries left (tries < 3:
    round again; else leave to Gave up)."""
    set_tries = numbers(set_fields("Set tries", tries="={{ $json.tries || 0 }}"))
    set_tries["parameters"]["includeOtherFields"] = True
    nodes = [
        manual(),
        set_tries,
        http("Send", f"={base}/send/{{{{ $json.tries }}}}", "POST"),
        if_node("IF Sent", "={{ $json.state }}", "equals", "sent"),
        numbers(set_fields("Update tries", tries="={{ $('Set tries').item.json.tries + 1 }}")),
        if_node("If tries left", "={{ $json.tries }}", "lt", 3, "number"),
        set_fields("Done", state="={{ $json.state }}"),
        set_fields("Gave up", why="={{ $json.tries }}"),
    ]
    links = [
        ("Start", "Set tries"),
        ("Set tries", "Send"),
        ("Send", "IF Sent"),
        ("IF Sent", 0, "Done"),
        ("IF Sent", 1, "Update tries"),
        ("Update tries", "If tries left"),
        ("If tries left", 0, "Set tries"),
        ("If tries left", 1, "Gave up"),
    ]
    return export("Send with retries", nodes, links)


def test_a_loop_leaving_by_two_ifs_is_one_repeat_and_a_switch_to_where_each_leaves():
    graph = convert(retry_export("https://mail.example.com"))
    assert validate_graph(graph) == []
    repeat = by_label(graph, "Repeat Set tries … If tries left")
    assert repeat["config"]["carry"] is True
    assert repeat["config"]["max_iterations"] == 10  # it never waits: a quick retry
    assert repeat["config"]["until"] == {
        "combinator": "and",
        "rules": [{"left": "{{ last.if_tries_left_went_round }}", "operator": "is_empty"}],
    }
    r = repeat["id"]
    assert {
        ("start", "main", r),
        (r, "body", "set_tries"),
        ("set_tries", "main", "send"),
        ("send", "main", "if_sent"),
        ("if_sent", "true", "if_sent_left_0"),
        ("if_sent", "false", "update_tries"),
        ("update_tries", "main", "if_tries_left"),
        ("if_tries_left", "true", "if_tries_left_went_round"),
        ("if_tries_left", "false", "if_tries_left_left_1"),
        (r, "done", "way_out_set_tries"),
        ("way_out_set_tries", "if_sent_left_0", "done"),
        ("way_out_set_tries", "if_tries_left_left_1", "gave_up"),
        (r, "exhausted", "gave_up_set_tries"),
    } == edges_of(graph)
    # Each way a round ends hands on the item n8n passes on there.
    assert by_label(graph, "Left the loop by IF Sent")["config"]["input"] == (
        "{{ nodes.send.body }}"
    )
    assert by_label(graph, "Round again after If tries left")["config"]["input"] == (
        "{{ nodes.update_tries.result }}"
    )
    router = by_label(graph, "Where the loop was left")
    assert [c["rules"][0]["left"] for c in router["config"]["cases"]] == [
        f"{{{{ nodes.{r}.last.if_sent_left_0 }}}}",
        f"{{{{ nodes.{r}.last.if_tries_left_left_1 }}}}",
    ]
    # The nodes after the loop read the item that left it.
    assert f"nodes.{r}.last.if_sent_left_0.result.state" in str(by_label(graph, "Done")["config"])
    assert f"nodes.{r}.last.if_tries_left_left_1.result.tries" in str(
        by_label(graph, "Gave up")["config"]
    )
    assert "(trigger if iteration == 0 else carried.if_tries_left_went_round.result)" in str(
        by_label(graph, "Set tries")["config"]
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("answers", "paths", "leaves_to", "output"),
    [
        # n8n: tries 0 and 1 are busy, so Update tries counts 1, 2 and goes round; the third
        # send (tries 2) says sent and IF Sent leaves to Done with Send's answer.
        (["busy", "busy", "sent"], ["/send/0", "/send/1", "/send/2"], "done", {"state": "sent"}),
        # n8n: all three busy; Update tries reaches 3, If tries left leaves to Gave up with it.
        (["busy", "busy", "busy"], ["/send/0", "/send/1", "/send/2"], "gave_up", {"why": "3"}),
    ],
)
def test_an_imported_retry_loop_runs_the_rounds_n8n_runs_and_leaves_where_n8n_leaves(
    alice, settings, answers, paths, leaves_to, output
):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as server:
        server.script = [(200, {}, {"state": state}) for state in answers]
        graph = convert(retry_export(server.url))
        execution = run(Workflow.create(alice, "Send with retries", graph=graph))
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        assert [r["path"] for r in server.requests] == paths
    steps = steps_by_key(execution)
    assert [steps[f"set_tries[{i}]"].output["result"]["tries"] for i in range(3)] == [0, 1, 2]
    assert steps["repeat_set_tries"].output["iterations"] == 3
    assert steps["repeat_set_tries"].handles == ["done"]
    assert steps[leaves_to].output["result"] == output
    other = {"done", "gave_up"} - {leaves_to}
    assert all(steps[key].status == "skipped" for key in other if key in steps)


def paging_export(base: str) -> dict:
    """Work between the check and the next round (Seedance's 'continuePolling', KNN's
    'Increase limitKNN'): First page (page = 1) → Fetch (GET /items/<page>) → Last page? (leave
    to Done) → Next page (page = Fetch's page + 1) → Fetch again."""
    nodes = [
        manual(),
        numbers(set_fields("First page", page=1)),
        http("Fetch", f"={base}/items/{{{{ $json.page }}}}"),
        if_node("Last page?", "={{ $json.last }}", "true", "", "boolean"),
        numbers(set_fields("Next page", page="={{ $('Fetch').item.json.page + 1 }}")),
        set_fields("Done", pages="={{ $json.page }}"),
    ]
    links = [
        ("Start", "First page"),
        ("First page", "Fetch"),
        ("Fetch", "Last page?"),
        ("Last page?", 0, "Done"),
        ("Last page?", 1, "Next page"),
        ("Next page", "Fetch"),
    ]
    return export("Pages", nodes, links)


@pytest.mark.django_db(transaction=True)
def test_work_between_the_check_and_the_next_round_runs_at_the_end_of_the_round(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as server:
        server.script = [
            (200, {}, {"page": 1, "last": False}),
            (200, {}, {"page": 2, "last": False}),
            (200, {}, {"page": 3, "last": True}),
        ]
        graph = convert(paging_export(server.url))
        assert validate_graph(graph) == []
        repeat = by_label(graph, "Repeat Fetch … Next page")
        assert repeat["config"]["carry"] is True
        assert ("last_page", "false", "next_page") in edges_of(graph)
        assert ("next_page", "main", "next_page_went_round") in edges_of(graph)
        execution = run(Workflow.create(alice, "Pages", graph=graph))
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        assert [r["path"] for r in server.requests] == ["/items/1", "/items/2", "/items/3"]
    steps = steps_by_key(execution)
    assert [steps[f"next_page[{i}]"].output["result"]["page"] for i in range(2)] == [2, 3]
    assert "next_page[2]" not in steps or steps["next_page[2]"].status == "skipped"
    assert steps["done"].output["result"] == {"pages": "3"}


def test_a_loop_with_several_ways_out_says_how_many_rounds_it_stops_after():
    report = import_n8n(retry_export("https://mail.example.com")).report
    back = next(n for n in report.nodes if n.name == "If tries left")
    [caveat] = [note for note in back.notes if "without a bound" in note]
    assert "stops after 10 rounds (max_iterations)" in caveat


def test_a_node_after_the_loop_reading_a_node_inside_it_by_name_reads_the_round_that_left():
    # Set tries ran in the round that left by IF Sent, and Done's item pairs back through it
    # (tests/test_n8n_items_across_loops.py runs such a loop and covers what stays refused).
    data = retry_export("https://mail.example.com")
    done = next(n for n in data["nodes"] if n["name"] == "Done")
    done["parameters"]["assignments"]["assignments"][0]["value"] = (
        "={{ $('Set tries').item.json.tries }}"
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    repeat = by_label(graph, "Repeat Set tries … If tries left")["id"]
    assert f"nodes.{repeat}.last.if_sent_left_0.kept.set_tries" in str(by_label(graph, "Done"))
    left = by_label(graph, "Left the loop by IF Sent")
    assert left["type"] == "utility.set"
    assert left["config"]["fields"][1] == {
        "name": "kept.set_tries",
        "value": "{{ nodes.set_tries }}",
        "type": "auto",
    }


def test_a_loop_whose_fork_joins_in_a_merge_sending_two_items_round_stays_refused():
    data = paging_export("https://pages.example.com")
    data["nodes"].append(set_fields("Log", page="={{ $json.page }}"))
    data["nodes"].append(n8n_node("Merge", "merge", {"mode": "append"}, 3))
    data["connections"]["Next page"]["main"] = [
        [{"node": "Log", "type": "main", "index": 0}, {"node": "Merge", "type": "main", "index": 0}]
    ]
    data["connections"]["Log"] = {"main": [[{"node": "Merge", "type": "main", "index": 1}]]}
    data["connections"]["Merge"] = {"main": [[{"node": "Fetch", "type": "main", "index": 0}]]}
    # The fork joins again at the Merge (editor/n8n/cycle_exits.py follows such rounds), but
    # the Merge sends two items round, and a round of a Repeat starts from one.
    [message] = refusal_messages(data)
    assert "n8n node 'Merge' sends several items round its loop" in message


def test_a_loop_sending_one_output_both_round_and_out_stays_refused():
    data = paging_export("https://pages.example.com")
    data["connections"]["Last page?"]["main"][1].append(
        {"node": "Done", "type": "main", "index": 0}
    )
    [message] = refusal_messages(data)
    assert "'Last page?' sends its items both round the loop again and out of it" in message


def test_a_wait_starting_the_rounds_hands_the_nodes_after_it_what_went_round():
    """n8n's Wait passes its item on: the Fetch after it reads the next page's number, which
    comes from First page in the first round and from Next page after that."""
    data = paging_export("https://pages.example.com")
    data["nodes"].append(n8n_node("Pause", "wait", {"amount": 1}, 1.1))
    data["connections"]["First page"]["main"] = [[{"node": "Pause", "type": "main", "index": 0}]]
    data["connections"]["Next page"]["main"] = [[{"node": "Pause", "type": "main", "index": 0}]]
    data["connections"]["Pause"] = {"main": [[{"node": "Fetch", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    repeat = by_label(graph, "Repeat Pause … Next page")
    assert repeat["config"]["carry"] is True
    assert (repeat["id"], "body", "pause") in edges_of(graph)
    assert by_label(graph, "Fetch")["config"]["url"] == (
        "https://pages.example.com/items/{{ ((nodes.first_page.result if iteration == 0 "
        "else carried.next_page_went_round.result).page) | n8n_text }}"
    )


def test_a_round_waiting_for_a_person_may_go_round_a_thousand_times():
    data = paging_export("https://pages.example.com")
    data["nodes"].append(n8n_node("Ask", "wait", {"resume": "webhook"}, 1.1))
    data["connections"]["Next page"]["main"] = [[{"node": "Ask", "type": "main", "index": 0}]]
    data["connections"]["Ask"] = {"main": [[{"node": "Fetch", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert by_label(graph, "Ask")["type"] == "utility.wait"
    assert by_label(graph, "Repeat Fetch … Ask")["config"]["max_iterations"] == 1000


def test_an_entry_reading_the_file_that_came_in_is_refused_as_n8n_reads_the_next_rounds():
    """The corpus's job application form: a re-uploaded CV reaches 'Extract from File' in the
    rounds after the first, but WorkFuse would read the first upload every round."""
    upload = {"fieldType": "file", "fieldLabel": "File Upload", "requiredField": True}
    form = {"formTitle": "CV", "formFields": {"values": [upload]}, "options": {}}
    nodes = [
        n8n_node("Upload CV", "formTrigger", form, 2.2),
        n8n_node(
            "Extract from File",
            "extractFromFile",
            {"operation": "pdf", "binaryPropertyName": "File_Upload", "options": {}},
        ),
        if_node("Is a CV?", "={{ $json.text }}", "contains", "Experience"),
        set_fields("Accepted", text="={{ $json.text }}"),
        n8n_node("Upload again", "form", {"formFields": {"values": [upload]}}, 1),
    ]
    links = [
        ("Upload CV", "Extract from File"),
        ("Extract from File", "Is a CV?"),
        ("Is a CV?", 0, "Accepted"),
        ("Is a CV?", 1, "Upload again"),
        ("Upload again", "Extract from File"),
    ]
    messages = refusal_messages(export("Applications", nodes, links))
    assert any(
        "n8n node 'Extract from File' reads the file or the items that came into its loop from "
        "'Upload CV'" in m
        for m in messages
    ), messages


@pytest.mark.django_db(transaction=True)
def test_a_loop_whose_last_check_drops_the_item_ends_the_run_there(alice, settings):
    """No output leads out: when 'Last page?' says true, n8n's item goes nowhere and the run
    ends; the Repeat's only last step is the one going round, so `last` is its output."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as server:
        server.script = [
            (200, {}, {"page": 1, "last": False}),
            (200, {}, {"page": 2, "last": True}),
        ]
        data = paging_export(server.url)
        data["nodes"] = [n for n in data["nodes"] if n["name"] != "Done"]
        data["connections"]["Last page?"]["main"][0] = []
        graph = convert(data)
        assert validate_graph(graph) == []
        repeat = by_label(graph, "Repeat Fetch … Next page")
        assert repeat["config"]["until"]["rules"] == [
            {"left": "{{ last }}", "operator": "is_empty"}
        ]
        assert "carried.result" in by_label(graph, "Fetch")["config"]["url"]
        assert not any(n["type"] == "logic.switch" for n in graph["nodes"])
        execution = run(Workflow.create(alice, "Pages", graph=graph))
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        assert [r["path"] for r in server.requests] == ["/items/1", "/items/2"]
    assert steps_by_key(execution)["repeat_fetch"].output["iterations"] == 2


@pytest.mark.django_db(transaction=True)
def test_rounds_waiting_for_a_call_each_send_their_own_link_and_leave_when_told(alice, settings):
    """As the corpus's interview: each round sends a fresh resume link, waits for the call,
    counts it, and the call saying stop leaves the loop."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as server:
        nodes = [
            manual(),
            http("Ask", f"={server.url}/ask?link={{{{ $execution.resumeUrl }}}}"),
            n8n_node("Answer", "wait", {"resume": "webhook"}, 1.1),
            if_node("Stop?", "={{ $json.body.stop }}", "true", "", "boolean"),
            numbers(set_fields("Count", asked=1)),
            set_fields("Done", said="={{ $json.body.text }}"),
        ]
        links = [
            ("Start", "Ask"),
            ("Ask", "Answer"),
            ("Answer", "Stop?"),
            ("Stop?", 0, "Done"),
            ("Stop?", 1, "Count"),
            ("Count", "Ask"),
        ]
        data = export("Interview", nodes, links)
        graph = convert(data)
        assert validate_graph(graph) == []
        assert by_label(graph, "Repeat Ask … Count")["config"]["max_iterations"] == 1000
        execution = run(Workflow.create(alice, "Interview", graph=graph))
        for answer in ({"stop": False, "text": "more"}, {"stop": True, "text": "enough"}):
            link = parse_qs(urlsplit(server.requests[-1]["path"]).query)["link"][0]
            response = Client().post(urlsplit(link).path, answer, content_type="application/json")
            assert response.status_code == 200, response.content
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        assert len(server.requests) == 2  # one question a round
    steps = steps_by_key(execution)
    assert steps["repeat_ask"].output["iterations"] == 2
    assert steps["count[0]"].status == "succeeded"
    assert "count[1]" not in steps or steps["count[1]"].status == "skipped"
    assert steps["done"].output["result"] == {"said": "enough"}
