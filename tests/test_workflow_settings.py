"""A workflow's settings (the error workflow): `/api/workflows/{id}/settings`, the workflow
page's Settings dialog, and the links between a failed run and its error run on their pages."""

from __future__ import annotations

import re

import pytest

from editor.models import Workflow
from executions import engine
from tests.engine_helpers import chain

pytestmark = pytest.mark.django_db

ERROR_GRAPH = {
    "nodes": [
        {"id": "failure", "type": "trigger.error", "config": {}},
        {"id": "say", "type": "utility.transform", "config": {"expression": "execution.error"}},
    ],
    "edges": [{"source": "failure", "target": "say"}],
}


@pytest.fixture
def orders(alice):
    return Workflow.create(alice, "Orders")


@pytest.fixture
def alerts(alice):
    return Workflow.create(alice, "Alerts", graph=ERROR_GRAPH)


def settings_url(workflow: Workflow) -> str:
    return f"/api/workflows/{workflow.pk}/settings"


# --- the API ---------------------------------------------------------------------------------


NO_BUDGET = {"max_cost_usd_per_run": None, "max_tokens_per_run": None}


def test_get_answers_the_error_workflow_and_the_ai_budget(alice_api, orders, alerts):
    assert alice_api.get(settings_url(orders)).json() == {
        "error_workflow": None,
        "ai_budget": NO_BUDGET,
    }
    orders.error_workflow = alerts
    orders.ai_budget = {"max_tokens_per_run": 5000}
    orders.save()
    assert alice_api.get(settings_url(orders)).json() == {
        "error_workflow": alerts.pk,
        "ai_budget": {**NO_BUDGET, "max_tokens_per_run": 5000},
    }


def test_patch_sets_and_clears_the_error_workflow(alice_api, orders, alerts):
    response = alice_api.patch(settings_url(orders), {"error_workflow": alerts.pk})
    assert response.status_code == 200, response.content
    assert response.json()["error_workflow"] == alerts.pk
    orders.refresh_from_db()
    assert orders.error_workflow == alerts
    assert alice_api.patch(settings_url(orders), {}).json()["error_workflow"] == alerts.pk
    assert alice_api.patch(settings_url(orders), {"error_workflow": None}).json() == {
        "error_workflow": None,
        "ai_budget": NO_BUDGET,
    }
    orders.refresh_from_db()
    assert orders.error_workflow is None


def test_a_workflow_without_an_error_trigger_is_refused_naming_the_field(alice_api, orders, alice):
    plain = Workflow.create(alice, "Plain")
    response = alice_api.patch(settings_url(orders), {"error_workflow": plain.pk})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    [detail] = body["details"]
    assert detail["field"] == "error_workflow"
    assert "“Plain” has no error trigger" in detail["message"]
    orders.refresh_from_db()
    assert orders.error_workflow is None


def test_another_users_workflow_is_refused_as_unknown(alice_api, orders, charlie):
    theirs = Workflow.create(charlie, "Theirs", graph=ERROR_GRAPH)
    missing = theirs.pk + 1000
    for value in (theirs.pk, missing):
        response = alice_api.patch(settings_url(orders), {"error_workflow": value})
        assert response.status_code == 400
        assert response.json()["details"] == [
            {
                "field": "error_workflow",
                "message": f"Workflow {value} does not exist or is not yours.",
            }
        ]


@pytest.mark.parametrize("value", ["abc", 0, -3, 2**70, [1], {"id": 1}])
def test_ids_that_cannot_be_a_workflow_are_a_400_naming_the_field(alice_api, orders, value):
    response = alice_api.patch(settings_url(orders), {"error_workflow": value})
    assert response.status_code == 400
    body = response.json()
    assert [d["field"] for d in body["details"]] == ["error_workflow"]


def test_a_bad_ai_budget_and_unknown_settings_are_refused_by_name(alice_api, orders, alerts):
    budget = {"ai_budget": {"max_tokens_per_run": 0}, "error_workflow": alerts.pk}
    response = alice_api.patch(settings_url(orders), budget)
    assert response.status_code == 400
    assert "ai_budget" in response.json()["details"][0]["field"]
    assert "max_tokens_per_run" in response.json()["details"][0]["field"]
    orders.refresh_from_db()
    assert orders.error_workflow is None  # nothing of a refused request is saved
    response = alice_api.patch(settings_url(orders), {"retries": 3})
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "retries"


def test_other_users_settings_are_not_found(charlie_api, orders, alerts):
    assert charlie_api.get(settings_url(orders)).status_code == 404
    response = charlie_api.patch(settings_url(orders), {"error_workflow": None})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_settings_need_authentication(client, orders):
    assert client.get(settings_url(orders)).status_code == 401


# --- the Settings dialog on the workflow page --------------------------------------------------


def options(html: str) -> list[str]:
    select = re.search(r'<select name="error_workflow".*?</select>', html, re.S)
    assert select, html
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))


def test_the_dialog_offers_only_my_workflows_with_an_error_trigger(
    alice_client, alice, charlie, orders, alerts
):
    Workflow.create(alice, "Plain")
    Workflow.create(charlie, "Charlie's alerts", graph=ERROR_GRAPH)
    html = alice_client.get(orders.get_absolute_url()).content.decode()
    assert 'id="settings-dialog"' in html
    assert options(html) == ["None", "Alerts"]
    assert "None of your workflows has an Error trigger yet" not in html


def test_without_candidates_the_dialog_points_to_the_template(alice_client, orders):
    html = alice_client.get(orders.get_absolute_url()).content.decode()
    assert options(html) == ["None"]
    assert "None of your workflows has an Error trigger yet" in html
    assert "Alert me when a workflow fails" in html


def test_saving_the_dialog_with_htmx_answers_the_form_with_a_confirmation(
    alice_client, orders, alerts
):
    response = alice_client.post(
        orders.get_absolute_url(),
        {"action": "settings", "error_workflow": str(alerts.pk)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="settings-form"')
    assert "Saved: when a run of this workflow fails, “Alerts” starts." in html
    assert re.search(rf'<option value="{alerts.pk}" selected>Alerts</option>', html)
    orders.refresh_from_db()
    assert orders.error_workflow == alerts

    cleared = alice_client.post(
        orders.get_absolute_url(),
        {"action": "settings", "error_workflow": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "start no error workflow" in cleared.content.decode()
    orders.refresh_from_db()
    assert orders.error_workflow is None


def test_a_refused_choice_shows_why_on_the_field(alice_client, alice, charlie, orders):
    plain = Workflow.create(alice, "Plain")
    theirs = Workflow.create(charlie, "Theirs", graph=ERROR_GRAPH)
    for value, says in (
        (plain.pk, "“Plain” has no error trigger"),
        (theirs.pk, f"Workflow {theirs.pk} does not exist or is not yours."),
        ("abc", "Enter a whole number."),
    ):
        response = alice_client.post(
            orders.get_absolute_url(),
            {"action": "settings", "error_workflow": str(value)},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert 'id="settings-form"' in html
        assert says in html
    orders.refresh_from_db()
    assert orders.error_workflow is None


def test_without_htmx_the_dialog_saves_and_goes_back_or_opens_with_errors(
    alice_client, alice, orders, alerts
):
    url = orders.get_absolute_url()
    response = alice_client.post(url, {"action": "settings", "error_workflow": alerts.pk})
    assert response.status_code == 302 and response["Location"] == url
    page = alice_client.get(url).content.decode()
    assert "Saved: when a run of this workflow fails, “Alerts” starts." in page
    plain = Workflow.create(alice, "Plain")
    response = alice_client.post(url, {"action": "settings", "error_workflow": plain.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<dialog id="settings-dialog" class="dialog" aria-labelledby="settings-title" open>' in html
    )
    assert "“Plain” has no error trigger" in html


def test_an_error_workflow_lists_who_reports_to_it(alice_client, orders, alerts):
    orders.error_workflow = alerts
    orders.save()
    html = alice_client.get(alerts.get_absolute_url()).content.decode()
    assert (
        f'Failed runs of <a href="{orders.get_absolute_url()}">Orders</a> start this workflow.'
        in html
    )


def test_others_cannot_change_my_settings_from_the_page(charlie_client, orders, alerts):
    response = charlie_client.post(
        orders.get_absolute_url(), {"action": "settings", "error_workflow": alerts.pk}
    )
    assert response.status_code == 404
    orders.refresh_from_db()
    assert orders.error_workflow is None


# --- the failed run and its error run, on their pages and in the API -------------------------


@pytest.mark.django_db(transaction=True)
def test_the_failed_run_links_to_its_error_run_and_back(alice, alice_client, alice_api, alerts):
    graph = chain({"id": "stop", "type": "logic.stop", "config": {"message": "Out of stock"}})
    orders = Workflow.create(alice, "Orders", graph=graph)
    orders.error_workflow = alerts
    orders.save()
    failed = engine.start_execution(orders, {})
    report = alerts.executions.get()

    page = alice_client.get(f"/executions/{failed.pk}/").content.decode()
    assert "Error workflow started →" in page
    assert f'href="/executions/{report.pk}/">“Alerts” run {str(report.pk)[:8]}</a>' in page
    page = alice_client.get(f"/executions/{report.pk}/").content.decode()
    assert f'reports the failure of <a href="/executions/{failed.pk}/">“Orders” run' in page

    assert alice_api.get(f"/api/executions/{failed.pk}").json()["error_runs"] == [str(report.pk)]
    body = alice_api.get(f"/api/executions/{report.pk}").json()
    assert (body["error_of"], body["trigger"]) == (str(failed.pk), "error")
    listed = alice_api.get("/api/executions?trigger=error").json()["items"]
    assert [item["id"] for item in listed] == [str(report.pk)]


@pytest.mark.django_db(transaction=True)
def test_a_report_still_due_shows_it_is_starting_and_polls(
    alice, alice_client, alerts, monkeypatch
):
    from executions import dispatch

    monkeypatch.setattr(dispatch, "send_error_report", lambda execution_id: None)
    graph = chain({"id": "stop", "type": "logic.stop", "config": {"message": "No"}})
    orders = Workflow.create(alice, "Orders", graph=graph)
    orders.error_workflow = alerts
    orders.save()
    failed = engine.start_execution(orders, {})
    url = f"/executions/{failed.pk}/"
    assert "Starting its error workflow…" in alice_client.get(url).content.decode()
    engine.report_failure(failed.pk)
    poll = alice_client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="error-report")
    html = poll.content.decode()
    assert html.strip().startswith('<p class="small" id="error-report">Error workflow started →')
    assert "steps" not in html


def test_the_run_card_of_an_error_workflow_offers_an_example_failure(alice_client, alerts):
    html = alice_client.get(alerts.get_absolute_url()).content.decode()
    payload = re.search(r'<textarea name="payload"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert "&quot;failed_node&quot;" in payload
    assert "Sync orders" in payload
