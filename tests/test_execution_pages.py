"""Run history and the execution page (its live part is in test_live_updates.py)."""

from __future__ import annotations

import pytest

from executions import engine
from executions.models import Execution
from tests.engine_helpers import chain, make_workflow, transform

pytestmark = pytest.mark.django_db(transaction=True)


def test_history_lists_runs_with_filters_and_pagination(alice, alice_client):
    workflow = make_workflow(alice, chain(transform("a")))
    other = make_workflow(
        alice,
        chain({"id": "nap", "type": "utility.delay", "config": {"seconds": 60}}),
        name="sleepy",
    )
    for _ in range(32):
        engine.start_execution(workflow)
    engine.start_execution(other)
    page = alice_client.get(f"/workflows/{workflow.pk}/executions/").content.decode()
    assert "Page 1 of 2" in page and "32 runs" in page
    running = alice_client.get("/executions/?status=running").content.decode()
    assert running.count("status-running") == 1 and "sleepy" in running
    partial = alice_client.get(
        "/executions/?trigger=webhook", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert partial.lstrip().startswith('<div id="runs">')
    assert "No runs match these filters" in partial


def test_history_of_another_users_workflow_is_404(alice, charlie_client):
    workflow = make_workflow(alice, chain(transform("a")))
    assert charlie_client.get(f"/workflows/{workflow.pk}/executions/").status_code == 404


def test_execution_page_shows_steps_io_and_timeline(alice, alice_client):
    execution = engine.start_execution(
        make_workflow(alice, chain(transform("pick", "n"))), {"n": 42}
    )
    page = alice_client.get(f"/executions/{execution.pk}/").content.decode()
    assert 'id="step-start"' in page and 'id="step-pick"' in page
    assert "&quot;result&quot;: 42" in page
    assert "status-succeeded" in page
    assert 'class="bar status-succeeded" style="margin-left:' in page
    assert "js/execution.js" in page


def test_failed_run_shows_the_error_with_a_hint_and_can_be_retried(alice, alice_client):
    graph = chain(
        {
            "id": "t",
            "type": "utility.transform",
            "config": {"language": "template", "expression": "{{ trigger.missing }}"},
        }
    )
    execution = engine.start_execution(make_workflow(alice, graph))
    page = alice_client.get(f"/executions/{execution.pk}/").content.decode()
    assert "&#x27;trigger.missing&#x27; is undefined" in page
    assert "A template refers to data that is not there" in page
    assert "Retry from failure" in page
    alice_client.post(f"/executions/{execution.pk}/", {"action": "retry"})
    assert Execution.objects.get(pk=execution.pk).status == "failed"  # same data, same failure
    assert Execution.objects.get(pk=execution.pk).steps.get(key="t").attempt == 2


def test_controls_pause_resume_cancel_replay_and_rerun(alice, alice_client):
    workflow = make_workflow(
        alice, chain({"id": "nap", "type": "utility.delay", "config": {"seconds": 60}})
    )
    execution = engine.start_execution(workflow)
    url = f"/executions/{execution.pk}/"
    alice_client.post(url, {"action": "pause"})
    assert Execution.objects.get(pk=execution.pk).status == "paused"
    alice_client.post(url, {"action": "resume"})
    assert Execution.objects.get(pk=execution.pk).status == "running"
    alice_client.post(url, {"action": "cancel"})
    assert Execution.objects.get(pk=execution.pk).status == "cancelled"
    response = alice_client.post(url, {"action": "resume"}, follow=True)
    assert "Only a paused execution can be resumed" in response.content.decode()
    replay = alice_client.post(url, {"action": "replay"})
    new = Execution.objects.exclude(pk=execution.pk).get()
    assert replay["Location"] == f"/executions/{new.pk}/"
    assert new.replay_of_id == execution.pk

    done = engine.start_execution(make_workflow(alice, chain(transform("a"), transform("b"))))
    rerun = alice_client.post(f"/executions/{done.pk}/", {"action": "rerun", "node_id": "b"})
    rerun_execution = Execution.objects.get(rerun_from="b")
    assert rerun["Location"] == f"/executions/{rerun_execution.pk}/"
    assert rerun_execution.steps.get(key="a").reused


def test_large_payloads_are_cut_with_a_link_to_all_of_it(alice, alice_client):
    execution = engine.start_execution(
        make_workflow(alice, chain(transform("big"))), {"blob": "x" * 50_000}
    )
    page = alice_client.get(f"/executions/{execution.pk}/").content.decode()
    assert "Large payload cut short here" in page
    assert f'href="/api/executions/{execution.pk}"' in page
    assert page.count("x" * 1000) < 60


def test_other_users_cannot_open_or_control_an_execution(alice, charlie_client):
    execution = engine.start_execution(make_workflow(alice, chain(transform("a"))))
    assert charlie_client.get(f"/executions/{execution.pk}/").status_code == 404
    assert (
        charlie_client.post(f"/executions/{execution.pk}/", {"action": "replay"}).status_code == 404
    )
    assert Execution.objects.count() == 1


def test_manual_run_goes_to_the_execution_page(alice, alice_client):
    workflow = make_workflow(alice, chain(transform("a")))
    response = alice_client.post(f"/workflows/{workflow.pk}/run/", {"payload": '{"x": 1}'})
    execution = Execution.objects.get()
    assert response["Location"] == f"/executions/{execution.pk}/"
