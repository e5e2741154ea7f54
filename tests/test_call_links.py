"""The links between a calling run and the run it called, on the execution page and in the API
(executions/links.py)."""

from __future__ import annotations

import pytest

from executions import engine
from executions.models import Execution
from tests.call_helpers import GREETER_INPUTS, called, caller, template
from tests.engine_helpers import make_workflow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def runs(alice):
    child_workflow = make_workflow(
        alice, called(GREETER_INPUTS, template("greet", "hi {{ trigger.name }}")), name="Greeter"
    )
    parent_workflow = make_workflow(alice, caller(child_workflow.pk, {"name": "Ada"}), name="Boss")
    parent = engine.start_execution(parent_workflow)
    child = Execution.objects.get(parent=parent)
    return parent, child


def test_the_calling_step_links_to_the_called_run_and_back(runs, alice_client):
    parent, child = runs
    page = alice_client.get(f"/executions/{parent.pk}/").content.decode()
    assert f'href="/executions/{child.pk}/" title="The run this step called">→ Greeter</a>' in page
    assert (
        f'Called workflow <a href="/workflows/{child.workflow_id}/">Greeter</a> → '
        f'<a href="/executions/{child.pk}/">run <code>{str(child.pk)[:8]}</code></a>'
    ) in page
    assert 'id="called-by"' not in page
    page = alice_client.get(f"/executions/{child.pk}/").content.decode()
    assert (
        f'Called by <a href="/workflows/{parent.workflow_id}/">Boss</a> → '
        f'<a href="/executions/{parent.pk}/#step-call">run <code>{str(parent.pk)[:8]}</code></a>'
        ", step <code>call</code>"
    ) in page


def test_the_api_detail_carries_both_ends_of_a_call(runs, alice_api):
    parent, child = runs
    data = alice_api.get(f"/api/executions/{parent.pk}").json()
    assert data["parent"] is None
    assert data["children"] == [
        {
            "execution_id": str(child.pk),
            "workflow": child.workflow_id,
            "workflow_name": "Greeter",
            "step_key": "call",
            "status": "succeeded",
        }
    ]
    call = next(s for s in data["steps"] if s["key"] == "call")
    assert call["output"]["execution_id"] == str(child.pk)
    data = alice_api.get(f"/api/executions/{child.pk}").json()
    assert data["trigger"] == "workflow"
    assert data["children"] == []
    assert data["parent"] == {
        "execution_id": str(parent.pk),
        "workflow": parent.workflow_id,
        "workflow_name": "Boss",
        "step_key": "call",
        "status": "succeeded",
    }


def test_called_runs_are_listed_and_filtered_as_called_by_a_workflow(runs, alice_client):
    parent, child = runs
    page = alice_client.get("/executions/?trigger=workflow").content.decode()
    assert f"/executions/{child.pk}/" in page and f"/executions/{parent.pk}/" not in page


def test_another_user_sees_neither_end(runs, charlie_client):
    parent, child = runs
    assert charlie_client.get(f"/executions/{parent.pk}/").status_code == 404
    assert charlie_client.get(f"/executions/{child.pk}/").status_code == 404
