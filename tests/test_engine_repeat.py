"""`logic.repeat` end to end in one process (eager, as tests/test_engine.py): rounds keyed
`node[i]`, `iteration`, `until` on the round's outputs, `done`/`exhausted`, the durable delay
between rounds, nesting with loops, and what a failure or a retry does to finished rounds."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from executions import engine
from executions.hints import hint_for
from executions.models import Execution, Step
from tests.engine_helpers import make_workflow, recorder, steps_by_key, transform

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_targets(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True


def run(workflow, payload=None) -> Execution:
    execution = engine.start_execution(workflow, payload)
    execution.refresh_from_db()
    return execution


def later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


def template(node_id: str, expression: str) -> dict:
    return {
        "id": node_id,
        "type": "utility.transform",
        "config": {"language": "template", "expression": expression},
    }


def repeat(node_id: str = "again", *, until: list, **config) -> dict:
    return {
        "id": node_id,
        "type": "logic.repeat",
        "config": {"until": {"rules": until}, **config},
    }


def rule(left: str, operator: str, right=None) -> dict:
    return {"left": left, "operator": operator, "right": right}


def repeat_graph(repeater: dict, body: list[dict], *, after: list[dict] = ()) -> dict:
    """start → repeater; body chained after `body`; `done` → done_step, `exhausted` → gave_up."""
    ids = [n["id"] for n in body]
    edges = [
        {"source": "start", "target": repeater["id"]},
        {"source": repeater["id"], "source_handle": "body", "target": ids[0]},
        *({"source": a, "target": b} for a, b in itertools.pairwise(ids)),
        {"source": repeater["id"], "source_handle": "done", "target": "done_step"},
        {"source": repeater["id"], "source_handle": "exhausted", "target": "gave_up"},
    ]
    nodes = [
        {"id": "start", "type": "trigger.manual"},
        repeater,
        *body,
        transform("done_step", "last"),
        transform("gave_up", "iterations"),
        *after,
    ]
    return {"nodes": nodes, "edges": edges}


def test_polls_until_the_job_is_ready_then_leaves_by_done(alice):
    with recorder() as server:
        server.script = [
            (200, {}, {"status": "queued"}),
            (200, {}, {"status": "running"}),
            (200, {}, {"status": "done", "url": "https://files.example/1"}),
        ]
        poll = {"id": "poll", "type": "action.http", "config": {"url": server.url + "/job/7"}}
        graph = repeat_graph(repeat(until=[rule("{{ last.body.status }}", "eq", "done")]), [poll])
        execution = run(make_workflow(alice, graph))
        assert execution.status == "succeeded", execution.error
        steps = steps_by_key(execution)
        assert [steps[f"poll[{i}]"].output["body"]["status"] for i in range(3)] == [
            "queued",
            "running",
            "done",
        ]
        assert "poll[3]" not in steps and len(server.requests) == 3
        assert steps["again"].handles == ["done"]
        assert steps["again"].output["iterations"] == 3
        assert steps["again"].output["last"]["body"]["url"] == "https://files.example/1"
        assert steps["done_step"].output == {"result": steps["again"].output["last"]}
        assert steps["gave_up"].status == "skipped"
        # Each round's request is its own step: its own idempotency key.
        keys = [r["headers"]["Idempotency-Key"] for r in server.requests]
        assert keys == [f"{execution.id}:poll[{i}]" for i in range(3)]


def test_leaves_by_exhausted_after_max_iterations_without_until_holding(alice):
    graph = repeat_graph(
        repeat(until=[rule("{{ last.result }}", "eq", "never")], max_iterations=4),
        [template("work", "{{ 'try ' ~ iteration }}")],
    )
    execution = run(make_workflow(alice, graph))
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    assert [steps[f"work[{i}]"].output["result"] for i in range(4)] == [
        "try 0",
        "try 1",
        "try 2",
        "try 3",
    ]
    assert "work[4]" not in steps
    assert steps["again"].handles == ["exhausted"]
    assert steps["again"].output == {"iterations": 4, "last": {"result": "try 3"}}
    assert steps["gave_up"].output == {"result": 4}
    assert steps["done_step"].status == "skipped"


def test_until_reads_body_nodes_of_the_round_and_iteration(alice):
    graph = repeat_graph(
        repeat(
            until=[
                {
                    "combinator": "or",
                    "rules": [
                        rule("{{ nodes.square.result }}", "gt", 10),
                        rule("{{ iteration }}", "gte", 9),
                    ],
                }
            ]
        ),
        [template("square", "{{ iteration * iteration }}"), template("label", "{{ 'n' }}")],
    )
    execution = run(make_workflow(alice, graph))
    steps = steps_by_key(execution)
    # 0, 1, 4, 9, 16: the fifth round's square is over 10
    assert steps["again"].output == {"iterations": 5, "last": {"result": "n"}}
    assert steps["square[4]"].output == {"result": 16}


def test_the_body_receives_what_came_into_the_repeat(alice):
    graph = repeat_graph(
        repeat(until=[rule("{{ iteration }}", "eq", 1)]),
        [{"id": "echo", "type": "utility.transform", "config": {"expression": "result.job"}}],
    )
    graph["nodes"].insert(1, transform("submit", "{job: id}"))
    graph["edges"][0] = {"source": "start", "target": "submit"}
    graph["edges"].insert(1, {"source": "submit", "target": "again"})
    execution = run(make_workflow(alice, graph), {"id": "job-9"})
    steps = steps_by_key(execution)
    assert steps["echo[0]"].output == {"result": "job-9"}
    assert steps["echo[1]"].output == {"result": "job-9"}


def test_waits_between_rounds_without_a_worker_until_the_sweep_wakes_it(alice):
    graph = repeat_graph(
        repeat(until=[rule("{{ iteration }}", "eq", 2)], delay_seconds=60),
        [template("work", "{{ iteration }}")],
    )
    execution = run(make_workflow(alice, graph))
    repeater = Step.objects.get(execution=execution, key="again")
    assert (execution.status, repeater.status) == ("running", "waiting")
    assert repeater.wake_at > later(55)
    assert set(steps_by_key(execution)) == {"start", "again", "work[0]"}
    assert engine.sweep(now=later(30))["woken"] == 0
    assert engine.sweep(now=later(61))["woken"] == 1
    assert "work[1]" in steps_by_key(execution)
    assert Step.objects.get(execution=execution, key="again").attempt == 1  # a wake-up only
    assert engine.sweep(now=later(122))["woken"] == 1
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    steps = steps_by_key(execution)
    assert steps["again"].output["iterations"] == 3 and steps["again"].wake_at is None
    assert [steps[f"work[{i}]"].output for i in range(3)] == [{"result": i} for i in range(3)]


def test_delay_may_be_a_template_worked_out_after_each_round(alice):
    graph = repeat_graph(
        repeat(
            until=[rule("{{ iteration }}", "eq", 2)], delay_seconds="{{ 100 * 2 ** iteration }}"
        ),
        [template("work", "{{ iteration }}")],
    )
    execution = run(make_workflow(alice, graph))
    first = Step.objects.get(execution=execution, key="again").wake_at
    assert later(95) < first < later(105)
    engine.sweep(now=first)
    second = Step.objects.get(execution=execution, key="again").wake_at
    assert later(195) < second < later(205)
    engine.sweep(now=second)
    execution.refresh_from_db()
    assert execution.status == "succeeded"


def test_a_broken_until_fails_the_repeat_naming_the_round_and_variable(alice):
    graph = repeat_graph(
        repeat(until=[rule("{{ last.result.status }}", "eq", "done")]),
        [template("work", "{{ 'text' }}")],
    )
    execution = run(make_workflow(alice, graph))
    assert execution.status == "failed"
    repeater = Step.objects.get(execution=execution, key="again")
    assert repeater.status == "failed"
    assert repeater.error.startswith("Checking 'until' after round 0 failed: Template error")
    assert "'last.result.status' is undefined" in repeater.error
    assert "again" in execution.error
    assert hint_for(repeater.error).startswith("The repeat could not check its rules")


def test_a_delay_template_that_gives_no_number_fails_clearly(alice):
    graph = repeat_graph(
        repeat(until=[rule("{{ iteration }}", "eq", 5)], delay_seconds="{{ last.result }}"),
        [template("work", "{{ 'soon' }}")],
    )
    execution = run(make_workflow(alice, graph))
    repeater = Step.objects.get(execution=execution, key="again")
    assert repeater.status == "failed"
    assert "delay_seconds must be a number of seconds, got 'soon'" in repeater.error


def test_on_error_route_takes_the_error_output_when_the_check_fails(alice):
    repeater = {
        **repeat(until=[rule("{{ last.nothing }}", "eq", 1)]),
        "on_error": "route",
    }
    graph = repeat_graph(repeater, [template("work", "{{ 1 }}")])
    graph["nodes"].append(transform("handle", "error"))
    graph["edges"].append({"source": "again", "source_handle": "error", "target": "handle"})
    execution = run(make_workflow(alice, graph))
    assert execution.status == "succeeded"
    steps = steps_by_key(execution)
    assert "'last.nothing' is undefined" in steps["handle"].output["result"]
    assert steps["done_step"].status == steps["gave_up"].status == "skipped"


def test_repeat_inside_a_loop_keys_rounds_per_item(alice):
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual"},
            {"id": "each", "type": "logic.loop", "config": {"items": "{{ trigger.limits }}"}},
            repeat(until=[rule("{{ iteration }}", "gte", "{{ item }}")]),
            template("work", "{{ item ~ ':' ~ index ~ ':' ~ iteration }}"),
            transform("after", "results[].iterations"),
        ],
        "edges": [
            {"source": "start", "target": "each"},
            {"source": "each", "source_handle": "each", "target": "again"},
            {"source": "again", "source_handle": "body", "target": "work"},
            {"source": "each", "source_handle": "done", "target": "after"},
        ],
    }
    execution = run(make_workflow(alice, graph), {"limits": [1, 2]})
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    assert {k for k in steps if k.startswith("work")} == {
        "work[0][0]",
        "work[0][1]",
        "work[1][0]",
        "work[1][1]",
        "work[1][2]",
    }
    assert steps["work[1][2]"].output == {"result": "2:1:2"}
    assert steps["again[0]"].output["iterations"] == 2
    assert steps["after"].output == {"result": [2, 3]}


def test_loop_inside_a_repeat_body_and_last_is_its_results(alice):
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual"},
            repeat(until=[rule("{{ last.results | length }}", "gte", 3)]),
            {
                "id": "batch",
                "type": "logic.loop",
                "config": {"items": "{{ range(iteration + 1) | list }}"},
            },
            template("work", "{{ iteration ~ '.' ~ item }}"),
        ],
        "edges": [
            {"source": "start", "target": "again"},
            {"source": "again", "source_handle": "body", "target": "batch"},
            {"source": "batch", "source_handle": "each", "target": "work"},
        ],
    }
    execution = run(make_workflow(alice, graph))
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    assert steps["work[2][1]"].output == {"result": "2.1"}
    assert steps["batch[1]"].output == {"results": [{"result": "1.0"}, {"result": "1.1"}]}
    assert steps["again"].output["iterations"] == 3
    assert steps["again"].output["last"]["results"][2] == {"result": "2.2"}


def test_a_failed_round_retried_reuses_the_finished_rounds(alice):
    with recorder() as server:
        server.script = [
            (200, {}, {"status": "queued"}),
            (400, {}, {"error": "flaky"}),
            (200, {}, {"status": "done"}),
        ]
        poll = {"id": "poll", "type": "action.http", "config": {"url": server.url + "/job"}}
        graph = repeat_graph(
            repeat(until=[rule("{{ last.body.status }}", "eq", "done")], delay_seconds=30),
            [poll],
        )
        execution = run(make_workflow(alice, graph))
        engine.sweep(now=later(31))
        execution.refresh_from_db()
        assert execution.status == "failed"
        assert Step.objects.get(execution=execution, key="poll[1]").status == "failed"
        engine.retry(execution)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        steps = steps_by_key(execution)
        # Round 0 was not run again, nor waited for again: three requests in all.
        assert len(server.requests) == 3
        assert steps["poll[0]"].attempt == 1
        assert steps["again"].output["iterations"] == 2
        assert steps["done_step"].status == "succeeded"


def test_the_execution_page_lists_each_rounds_steps_and_the_rounds_run(alice, alice_client):
    graph = repeat_graph(
        repeat(until=[rule("{{ iteration }}", "eq", 2)], delay_seconds=60),
        [template("work", "{{ iteration }}")],
    )
    execution = run(make_workflow(alice, graph))
    html = alice_client.get(execution.get_absolute_url()).content.decode()
    assert "rounds: 1 of at most 10" in html and 'id="step-work[0]"' in html
    engine.sweep(now=later(61))
    engine.sweep(now=later(122))
    html = alice_client.get(execution.get_absolute_url()).content.decode()
    assert "rounds: 3 · done" in html
    rows = [html.index(f'id="step-work[{i}]"') for i in range(3)]
    assert rows == sorted(rows)  # in round order


def test_a_rerun_starts_from_the_repeat_not_from_inside_its_body(alice):
    graph = repeat_graph(
        repeat(until=[rule("{{ iteration }}", "eq", 1)]), [template("work", "{{ iteration }}")]
    )
    execution = run(make_workflow(alice, graph))
    with pytest.raises(engine.IllegalTransition, match="inside the body of a loop or repeat"):
        engine.rerun_from(execution, "work")
    again = engine.rerun_from(execution, "again")
    again.refresh_from_db()
    assert again.status == "succeeded"
    assert steps_by_key(again)["again"].output["iterations"] == 2


def counter(node_id: str) -> dict:
    """{result: {left: n - 1, round}} from `carried` {result: {left: n}}."""
    left = "{'left': carried.result.left - 1, 'round': iteration}"
    return template(node_id, "{{ " + left + " | tojson }}")


def countdown(**config) -> dict:
    """start {result: {left: n}} → repeat until 'left' is 0: count (left - 1) → hold (a
    minute) → keep (count's output again, so the round ends with it)."""
    hold = {"id": "hold", "type": "utility.delay", "config": {"seconds": 60}}
    return repeat_graph(
        repeat(until=[rule("{{ last.result.left }}", "lte", 0)], **config),
        [counter("count"), hold, template("keep", "{{ nodes.count.result | tojson }}")],
    )


def test_carry_gives_each_round_the_last_output_of_the_round_before(alice):
    graph = repeat_graph(
        repeat(until=[rule("{{ last.result.left }}", "lte", 0)], carry=True),
        [transform("first", "result.left"), counter("count")],
    )
    execution = run(make_workflow(alice, graph), {"result": {"left": 3}})
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    lefts = [steps[f"count[{i}]"].output["result"]["left"] for i in range(3)]
    assert lefts == [2, 1, 0]
    # The first step's input is carried too: what came in, then the round before's last output.
    assert [steps[f"first[{i}]"].output["result"] for i in range(3)] == [3, 2, 1]
    assert steps["again"].output["iterations"] == 3
    assert steps["done_step"].status == "succeeded"


def test_without_carry_every_round_gets_what_came_into_the_repeat(alice):
    graph = repeat_graph(repeat(until=[rule("{{ iteration }}", "eq", 2)]), [counter("count")])
    execution = run(make_workflow(alice, graph), {"result": {"left": 3}})
    steps = steps_by_key(execution)
    lefts = [steps[f"count[{i}]"].output["result"]["left"] for i in range(3)]
    assert lefts == [2, 2, 2]


def test_a_carrying_round_run_again_after_its_worker_died_gets_the_same_input(alice):
    execution = run(make_workflow(alice, countdown(carry=True)), {"result": {"left": 3}})
    engine.sweep(now=later(61))  # round 0's hold is over: round 1 counts, then holds
    assert Step.objects.get(execution=execution, key="hold[1]").status == "waiting"
    # count[1]'s worker died before its result was stored: it runs again from stored steps.
    Step.objects.filter(execution=execution, key="hold[1]").delete()
    Step.objects.filter(execution=execution, key="count[1]").update(
        status="running",
        output=None,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        lease_owner="dead",
    )
    engine.sweep()
    assert Step.objects.get(execution=execution, key="count[1]").output == {
        "result": {"left": 1, "round": 1}
    }
    engine.sweep(now=later(122))
    engine.sweep(now=later(183))
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    assert [steps[f"keep[{i}]"].output["result"]["left"] for i in range(3)] == [2, 1, 0]
    assert steps["again"].output["iterations"] == 3
