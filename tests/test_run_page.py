"""Manual runs from the workflow page: the Run card (payload, Run now) and the recent runs.
Celery tasks run eagerly on commit, so a run started from the page has finished when the
redirect lands."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from editor.models import Workflow
from executions import engine
from executions.models import Execution
from tests.engine_helpers import chain, make_workflow, recorder, transform

pytestmark = pytest.mark.django_db(transaction=True)


def run_url(workflow: Workflow) -> str:
    return f"/workflows/{workflow.pk}/run/"


def page(client, workflow: Workflow) -> str:
    response = client.get(f"/workflows/{workflow.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def with_sample(sample: object) -> dict:
    graph = chain(transform("greet", "name"))
    graph["nodes"][0] = {**graph["nodes"][0], "config": {"sample_payload": sample}}
    return graph


def test_run_now_starts_a_manual_run_with_the_payload(alice, alice_client):
    workflow = make_workflow(alice, chain(transform("greet", "name")))
    response = alice_client.post(run_url(workflow), {"payload": '{"name": "Ada"}'}, follow=True)
    execution = Execution.objects.get(workflow=workflow)
    assert response.redirect_chain == [(f"/executions/{execution.pk}/", 302)]
    assert (execution.trigger_kind, execution.trigger_data) == ("manual", {"name": "Ada"})
    assert execution.status == "succeeded", execution.error
    assert execution.steps.get(key="greet").output == {"result": "Ada"}
    content = response.content.decode()
    assert "Run started" in content
    assert '<span class="badge status-succeeded" data-status>succeeded</span>' in content


def test_an_empty_payload_runs_with_empty_trigger_data(alice, alice_client):
    workflow = make_workflow(alice, chain(transform("greet")))
    alice_client.post(run_url(workflow), {"payload": "  "})
    execution = Execution.objects.get(workflow=workflow)
    assert (execution.status, execution.trigger_data) == ("succeeded", {})


def test_the_payload_is_prefilled_from_the_manual_triggers_sample(alice, alice_client):
    sample = {"name": "Ada", "tags": ["vip"]}
    workflow = make_workflow(alice, with_sample(sample))
    assert escape(json.dumps(sample, indent=2)) in page(alice_client, workflow)


def test_the_payload_starts_empty_when_the_trigger_is_not_manual(alice, alice_client):
    graph = chain(transform("greet"))
    graph["nodes"][0] = {"id": "start", "type": "trigger.webhook", "config": {}}
    workflow = make_workflow(alice, graph)
    assert 'id="run-payload" class="code" rows="6" spellcheck="false">{}</textarea>' in page(
        alice_client, workflow
    )


def test_invalid_json_is_refused_with_the_place_and_kept_for_fixing(alice, alice_client):
    workflow = make_workflow(alice, with_sample({"name": "Ada"}))
    response = alice_client.post(run_url(workflow), {"payload": '{"name": Ada}'}, follow=True)
    content = response.content.decode()
    assert "The payload is not valid JSON: Expecting value at line 1, column 10." in content
    assert "Nothing was run." in content
    assert escape('{"name": Ada}') in content
    assert not Execution.objects.exists()
    assert escape('{\n  "name": "Ada"\n}') in page(alice_client, workflow)  # shown once only


def test_a_workflow_that_cannot_run_shows_its_problems(alice, alice_client):
    graph = chain(transform("greet"), extra_edges=[{"source": "greet", "target": "nowhere"}])
    workflow = Workflow.create(alice, "Broken", graph=graph)
    response = alice_client.post(run_url(workflow), {"payload": "{}"}, follow=True)
    content = response.content.decode()
    assert "The workflow cannot run until its graph is fixed:" in content
    assert "nowhere" in content
    assert not Execution.objects.exists()


def test_a_run_over_the_concurrency_limit_is_reported_as_queued(alice, alice_client):
    graph = chain({"id": "wait", "type": "utility.delay", "config": {"seconds": 60}})
    workflow = make_workflow(alice, graph)
    workflow.max_concurrency = 1
    workflow.save()
    alice_client.post(run_url(workflow), {"payload": "{}"})
    response = alice_client.post(run_url(workflow), {"payload": "{}"}, follow=True)
    content = response.content.decode()
    assert "Run queued. Waiting: 1 of 1 allowed executions" in content
    assert '<span class="badge status-pending" data-status>pending</span>' in content
    recent = alice_client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert '<span class="badge amber">pending</span>' in recent
    assert '<span class="badge amber">running</span>' in recent


def test_running_another_users_workflow_is_not_found(alice, charlie_client):
    workflow = make_workflow(alice, chain(transform("greet")))
    assert charlie_client.post(run_url(workflow), {"payload": "{}"}).status_code == 404
    assert not Execution.objects.exists()


def test_run_only_accepts_posts(alice, alice_client):
    workflow = make_workflow(alice, chain(transform("greet")))
    assert alice_client.get(run_url(workflow)).status_code == 405


def test_recent_runs_list_the_last_ten_newest_first_with_errors(alice, alice_client, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    workflow = make_workflow(alice, chain(transform("greet")))
    assert "No runs yet." in page(alice_client, workflow)
    runs = [engine.start_execution(workflow, {"n": n}) for n in range(11)]
    base = timezone.now() - timedelta(hours=1)
    for minutes, execution in enumerate(runs):
        Execution.objects.filter(pk=execution.pk).update(
            created_at=base + timedelta(minutes=minutes)
        )
    with recorder() as server:
        server.script = [(400, {}, {"error": "bad"})]
        workflow.save_graph(
            chain({"id": "call", "type": "action.http", "config": {"url": server.url}}),
            user=alice,
        )
        failed = engine.start_execution(workflow, {}, trigger_kind="api")

    content = page(alice_client, workflow)
    assert "No runs yet." not in content
    assert content.count('<a class="small right-end" href="/api/executions/') == 10
    assert f"/api/executions/{failed.pk}" in content
    assert f"/api/executions/{runs[10].pk}" in content
    assert f"/api/executions/{runs[2].pk}" in content
    assert f"/api/executions/{runs[1].pk}" not in content  # the eleventh newest
    assert content.index(str(failed.pk)) < content.index(str(runs[10].pk))
    assert '<span class="badge red">failed</span>' in content
    assert "Step &#x27;call&#x27; failed: HTTP 400" in content
    assert content.count('<span class="small">manual</span>') == 9
    assert content.count('<span class="small">api</span>') == 1


def test_a_payload_beyond_the_input_limits_is_refused_with_the_reason(alice, alice_client):
    workflow = make_workflow(alice, with_sample({"name": "Ada"}))
    deep = "[" * 50_000 + "]" * 50_000
    response = alice_client.post(run_url(workflow), {"payload": deep}, follow=True)
    assert "The payload was refused: The JSON nests objects and arrays more than 64 levels" in (
        response.content.decode()
    )
    huge = alice_client.post(run_url(workflow), {"payload": '{"n": 1e999}'}, follow=True)
    assert "1e999 is beyond the range of a finite number" in huge.content.decode()
    assert not Execution.objects.exists()
