"""Executions and steps in the operators' admin: changelists, filters, search, and the
cancel / retry actions (posted to the changelist as the admin's action bar does)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from executions import engine
from executions.models import Execution, Step
from tests.conftest import PASSWORD
from tests.engine_helpers import chain, make_workflow, recorder, transform

pytestmark = pytest.mark.django_db(transaction=True)

EXECUTIONS = "/admin/executions/execution/"
STEPS = "/admin/executions/step/"


@pytest.fixture
def operator_client(db) -> Client:
    operator = get_user_model().objects.create_superuser(
        username="operator", email="ops@example.com", password=PASSWORD
    )
    client = Client()
    client.force_login(operator)
    return client


@pytest.fixture
def waiting(alice) -> Execution:
    """A running execution whose delay step waits an hour."""
    graph = chain({"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}})
    return engine.start_execution(make_workflow(alice, graph, name="Nightly"))


@pytest.fixture
def succeeded(alice) -> Execution:
    return engine.start_execution(make_workflow(alice, chain(transform("echo")), name="Echo"))


def status_of(execution: Execution) -> str:
    execution.refresh_from_db()
    return execution.status


def act(client: Client, action: str, *executions: Execution):
    return client.post(
        EXECUTIONS,
        {"action": action, "index": 0, "_selected_action": [str(e.pk) for e in executions]},
        follow=True,
    )


def test_operator_sees_executions_and_filters_them_by_status(operator_client, waiting, succeeded):
    everything = operator_client.get(EXECUTIONS).content.decode()
    assert str(waiting.pk) in everything and str(succeeded.pk) in everything

    running = operator_client.get(EXECUTIONS, {"status__exact": "running"}).content.decode()
    assert str(waiting.pk) in running and str(succeeded.pk) not in running
    done = operator_client.get(EXECUTIONS, {"status__exact": "succeeded"}).content.decode()
    assert str(succeeded.pk) in done and str(waiting.pk) not in done


def test_operator_finds_executions_by_id_workflow_and_owner(operator_client, waiting, succeeded):
    for query in (str(waiting.pk), "Nightly"):
        found = operator_client.get(EXECUTIONS, {"q": query}).content.decode()
        assert str(waiting.pk) in found and str(succeeded.pk) not in found, query
    by_owner = operator_client.get(EXECUTIONS, {"q": "alice@example.com"}).content.decode()
    assert str(waiting.pk) in by_owner and str(succeeded.pk) in by_owner


def test_operator_sees_steps_and_filters_them_by_status(operator_client, waiting, succeeded):
    everything = operator_client.get(STEPS).content.decode()
    assert "wait (waiting)" in everything and "echo (succeeded)" in everything

    waiting_steps = operator_client.get(STEPS, {"status__exact": "waiting"}).content.decode()
    assert "wait (waiting)" in waiting_steps and "echo (succeeded)" not in waiting_steps


def test_execution_page_lists_its_steps(operator_client, waiting):
    response = operator_client.get(f"{EXECUTIONS}{waiting.pk}/change/")
    assert response.status_code == 200
    cells = re.findall(
        r'<td class="field-(key|status)">\s*<p>([^<]*)</p>', response.content.decode()
    )
    rows = list(zip(cells[::2], cells[1::2], strict=True))
    assert [(key, status) for (_, key), (_, status) in rows][:2] == [
        ("start", "Succeeded"),
        ("wait", "Waiting"),
    ]


def test_cancel_action_cancels_unfinished_executions_and_warns_about_finished_ones(
    operator_client, waiting, succeeded
):
    response = act(operator_client, "cancel_executions", waiting, succeeded)
    assert response.status_code == 200
    content = response.content.decode().lower()  # the admin capitalises each message
    assert "1 execution(s) cancelled." in content
    assert f"{succeeded.pk}: this execution has already succeeded." in content
    assert (status_of(waiting), status_of(succeeded)) == ("cancelled", "succeeded")
    assert Step.objects.get(execution=waiting, key="wait").status == "cancelled"


def test_retry_action_runs_failed_executions_again_and_warns_about_others(
    operator_client, alice, succeeded, settings
):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as server:
        server.script = [(400, {}, {"error": "bad"})]  # then 200 {"ok": true}
        graph = chain({"id": "call", "type": "action.http", "config": {"url": server.url}})
        failed = engine.start_execution(make_workflow(alice, graph, name="Flaky"))
        assert status_of(failed) == "failed"
        failed_only = operator_client.get(EXECUTIONS, {"status__exact": "failed"})
        assert str(failed.pk) in failed_only.content.decode()

        response = act(operator_client, "retry_executions", failed, succeeded)
        assert len(server.requests) == 2
    content = response.content.decode().lower()  # the admin capitalises each message
    assert "1 execution(s) retried." in content
    assert f"{succeeded.pk}: only a failed execution can be retried" in content
    assert status_of(failed) == "succeeded"
    assert Step.objects.get(execution=failed, key="call").attempt == 2


def test_the_actions_are_offered_by_their_labels(operator_client, waiting):
    content = operator_client.get(EXECUTIONS).content.decode()
    assert "Cancel selected executions" in content
    assert "Retry selected failed executions" in content


def test_people_who_are_not_staff_are_sent_to_the_admin_login(alice_client, waiting):
    response = alice_client.get(EXECUTIONS)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_operator_sees_schedules_read_only(operator_client, alice):
    from executions import schedules
    from tests.test_schedules import schedule_graph

    workflow = make_workflow(alice, schedule_graph("15 8 * * 1-5", "Europe/Berlin"))
    workflow.is_active = True
    workflow.save()
    schedule = schedules.sync(workflow)
    listing = operator_client.get("/admin/executions/schedule/")
    assert listing.status_code == 200
    assert "15 8 * * 1-5" in listing.content.decode()
    assert "Europe/Berlin" in listing.content.decode()
    detail = operator_client.get(f"/admin/executions/schedule/{schedule.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()  # view only: no save button
    assert operator_client.get("/admin/executions/schedule/add/").status_code == 403
