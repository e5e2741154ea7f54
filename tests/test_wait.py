"""`utility.wait` end to end in one process (tasks run eagerly on commit; time moves forward
by calling the sweep with a later `now`): resume URLs made by templates, webhook and approval
modes, the timeout handle, refusals (used twice, unknown, timed out, cancelled), a paused run,
and the execution page's link for the owner."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import SecurityEvent
from editor.gallery import TEMPLATES
from executions import engine
from executions.engine import rounds, running, waiting
from executions.models import Execution, ResumeToken, Step
from tests.engine_helpers import chain, make_workflow, recorder, steps_by_key, transform
from workfuse.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)

JSON = {"HTTP_ACCEPT": "application/json"}
HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml"}


@pytest.fixture(autouse=True)
def private_targets(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True


def later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


def notify(url: str, node_id: str = "notify") -> dict:
    """An HTTP node that posts the resume URL somewhere, as an email or chat step would."""
    return {
        "id": node_id,
        "type": "action.http",
        "config": {
            "method": "POST",
            "url": url,
            "body_type": "json",
            "body": {"link": "{{ execution.resume_url }}", "run": "{{ workflow.name }}"},
        },
    }


def wait(node_id: str = "wait", **config: Any) -> dict:
    return {"id": node_id, "type": "utility.wait", "config": config}


APPROVAL = {
    "mode": "approval",
    "title": "Refund order {{ trigger.order }}?",
    "description": "The customer asked for {{ trigger.amount }} EUR back.",
    "fields": [
        {"name": "comment", "type": "text", "required": True},
        {"name": "amount", "type": "number"},
        {"name": "notify_customer", "type": "boolean"},
    ],
}


def start(owner, graph, payload=None, name="Refunds") -> Execution:
    execution = engine.start_execution(make_workflow(owner, graph, name=name), payload)
    execution.refresh_from_db()
    return execution


def sent_links(server) -> list[str]:
    """The resume URLs the workflow sent, as paths (the test client has no host)."""
    return [urlsplit(json.loads(r["body"])["link"]).path for r in server.requests]


def run_to_wait(owner, wait_node: dict, payload=None, after=None) -> tuple[Execution, str]:
    """manual → notify (sends the link) → wait → after; the run stopped at the wait."""
    with recorder() as server:
        graph = chain(notify(server.url + "/notify"), wait_node, after or transform("after"))
        execution = start(owner, graph, payload)
        [link] = sent_links(server)
    return execution, link


def finished(execution: Execution) -> Execution:
    execution.refresh_from_db()
    return execution


# --- webhook mode --------------------------------------------------------------------------


def test_a_webhook_wait_holds_no_worker_and_goes_on_with_the_call_to_its_url(alice):
    execution, link = run_to_wait(alice, wait())
    step = Step.objects.get(execution=execution, key="wait")
    assert (execution.status, step.status, step.wake_at) == ("running", "waiting", None)
    assert re.fullmatch(r"/hooks/resume/[A-Za-z0-9_-]{43}", link)

    response = Client().post(
        link + "?ticket=7",
        {"done": True, "result": [1, 2]},
        content_type="application/json",
        HTTP_X_JOB="import-42",
        **JSON,
    )

    assert response.status_code == 200
    assert response.json() == {
        "execution_id": str(execution.pk),
        "status": "resumed",
        "message": "The run goes on.",
    }
    assert finished(execution).status == "succeeded"
    steps = steps_by_key(execution)
    output = steps["wait"].output
    assert output["method"] == "POST"
    assert output["query"] == {"ticket": "7"}
    assert output["body"] == {"done": True, "result": [1, 2]}
    assert output["headers"]["X-Job"] == "import-42"
    assert steps["wait"].handles == ["main"]
    assert steps["after"].output["result"] == output


def test_the_link_is_sent_by_a_node_before_the_wait_and_only_its_hash_is_stored(alice):
    with recorder() as server:
        graph = chain(notify(server.url + "/notify"), wait(), transform("after"))
        execution = start(alice, graph, name="Invoices")
        [request] = server.requests
    sent = json.loads(request["body"])
    assert sent["link"].startswith("http://127.0.0.1:8000/hooks/resume/")
    assert sent["run"] == "Invoices"  # workflow.name in templates
    token = sent["link"].rsplit("/", 1)[1]
    stored = ResumeToken.objects.get(execution=execution)
    assert stored.key == "wait" and stored.used_at is None
    assert token not in stored.token_hash
    notify_step = Step.objects.get(execution=execution, key="notify")
    assert token not in json.dumps(notify_step.input)
    assert notify_step.input["body"]["link"] == "http://127.0.0.1:8000/hooks/resume/[REDACTED]"
    with connection.cursor() as cursor:  # nowhere in the database
        cursor.execute("SELECT input, output FROM executions_step")
        assert token not in repr(cursor.fetchall())


def test_the_base_of_resume_urls_is_a_setting(alice, settings):
    settings.SITE_URL = "https://flows.example.com/"
    with recorder() as server:
        start(alice, chain(notify(server.url + "/notify"), wait()))
        link = json.loads(server.requests[0]["body"])["link"]
    assert link.startswith("https://flows.example.com/hooks/resume/")


def test_any_method_resumes_and_secrets_the_caller_sent_are_not_kept(alice):
    execution, link = run_to_wait(alice, wait())
    client = Client()
    client.cookies["sessionid"] = "the-callers-session"
    response = client.get(link, HTTP_AUTHORIZATION="Bearer caller-token", **JSON)
    assert response.status_code == 200
    output = Step.objects.get(execution=execution, key="wait").output
    assert output["method"] == "GET" and output["body"] is None
    assert output["headers"]["Authorization"] == "[REDACTED]"
    assert output["headers"]["Cookie"] == "[REDACTED]"
    assert "caller-token" not in json.dumps(output)


def test_a_head_request_looks_without_resuming(alice):
    execution, link = run_to_wait(alice, wait())
    assert Client().head(link).status_code == 200
    assert Step.objects.get(execution=execution, key="wait").status == "waiting"


def test_a_call_beyond_the_input_limits_is_refused_and_resumes_nothing(alice, settings):
    settings.WORKFUSE_WEBHOOK_MAX_BYTES = 200
    execution, link = run_to_wait(alice, wait())
    response = Client().post(link, {"x": "y" * 300}, content_type="application/json", **JSON)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    deep = "[" * 70 + "]" * 70  # deeper than WORKFUSE_MAX_JSON_DEPTH
    response = Client().post(link, deep, content_type="application/json", **JSON)
    assert response.status_code == 400
    assert "deeper" in response.json()["message"] or "nest" in response.json()["message"]
    assert Step.objects.get(execution=execution, key="wait").status == "waiting"
    assert Client().post(link, {}, content_type="application/json", **JSON).status_code == 200


# --- used twice, unknown, too late ---------------------------------------------------------


def test_a_url_used_twice_answers_409_the_second_time(alice):
    execution, link = run_to_wait(alice, wait())
    assert Client().post(link, **JSON).status_code == 200
    again = Client().post(link, **JSON)
    assert again.status_code == 409
    assert again.json()["code"] == "already_used"
    assert "used already" in again.json()["message"]
    page = Client().get(link, **HTML)
    assert page.status_code == 409
    assert "text/html" in page["Content-Type"]
    assert "This link was used already" in page.content.decode()
    assert Step.objects.get(execution=execution, key="wait").attempt == 2  # ran twice, no more


def test_an_unknown_token_answers_404_as_json_or_a_page(db):
    response = Client().post("/hooks/resume/not-a-token", **JSON)
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "No wait is resumed at this URL; check the link.",
        "details": None,
    }
    page = Client().get("/hooks/resume/not-a-token", **HTML)
    assert page.status_code == 404
    assert "Link not found" in page.content.decode()
    refused = SecurityEvent.objects.filter(kind="webhook_refused")
    assert refused.count() == 2
    assert refused.first().detail["reason"] == "unknown resume token"


def test_two_links_to_one_wait_resume_it_once(alice):
    with recorder() as server:
        graph = chain(
            notify(server.url + "/a", "email"),
            notify(server.url + "/b", "chat"),
            wait(),
        )
        execution = start(alice, graph)
        first, second = sent_links(server)
    assert first != second
    assert Client().post(first, **JSON).status_code == 200
    response = Client().post(second, **JSON)
    assert response.status_code == 409
    assert response.json()["code"] in ("already_resumed", "finished")
    assert finished(execution).status == "succeeded"


def test_the_timeout_takes_the_timeout_output_and_the_url_is_refused_after(alice):
    with recorder() as server:
        graph = {
            "nodes": [
                {"id": "start", "type": "trigger.manual", "config": {}},
                notify(server.url + "/notify"),
                wait(timeout_seconds=3600),
                transform("approved"),
                transform("reminder"),
            ],
            "edges": [
                {"source": "start", "target": "notify"},
                {"source": "notify", "target": "wait"},
                {"source": "wait", "target": "approved"},
                {"source": "wait", "source_handle": "timeout", "target": "reminder"},
            ],
        }
        execution = start(alice, graph)
        [link] = sent_links(server)
    step = Step.objects.get(execution=execution, key="wait")
    assert step.wake_at > later(3590)
    assert engine.sweep(now=later(60))["woken"] == 0
    assert engine.sweep(now=later(3601))["woken"] == 1
    assert finished(execution).status == "succeeded"
    steps = steps_by_key(execution)
    assert steps["wait"].handles == ["timeout"]
    assert steps["wait"].output["timed_out"] is True
    assert steps["reminder"].status == "succeeded"
    assert steps["approved"].status == "skipped"
    response = Client().post(link, **JSON)
    assert response.status_code == 409
    assert response.json()["code"] in ("timed_out", "finished")


def test_a_resume_after_the_deadline_but_before_the_sweep_is_refused(alice):
    execution, link = run_to_wait(alice, wait(timeout_seconds=60))
    # The deadline passes; the sweep has not woken the step yet.
    Step.objects.filter(execution=execution, key="wait").update(wake_at=later(-1))
    response = Client().post(link, **JSON)
    assert response.status_code == 409
    assert response.json() == {
        "code": "timed_out",
        "message": "Too late: this wait timed out and the run went on.",
        "details": None,
    }
    engine.sweep(now=later(1))
    assert Step.objects.get(execution=execution, key="wait").handles == ["timeout"]


def test_a_cancelled_runs_link_answers_410(alice):
    execution, link = run_to_wait(alice, wait())
    engine.cancel(execution)
    response = Client().post(link, **JSON)
    assert response.status_code == 410
    assert response.json()["code"] == "cancelled"
    assert "cancelled" in Client().get(link, **HTML).content.decode()


# --- a paused run, a link used early ---------------------------------------------------------


def test_a_resume_while_the_run_is_paused_takes_effect_when_it_resumes(alice):
    execution, link = run_to_wait(alice, wait())
    engine.pause(execution)
    response = Client().post(link, {"ok": 1}, content_type="application/json", **JSON)
    assert response.status_code == 202
    assert response.json()["status"] == "paused"
    assert Step.objects.get(execution=execution, key="wait").status == "waiting"
    engine.resume(execution)
    engine.sweep(now=later(1))
    assert finished(execution).status == "succeeded"
    assert Step.objects.get(execution=execution, key="wait").output["body"] == {"ok": 1}


def test_a_link_used_before_the_run_reaches_its_wait_is_kept_for_it(alice):
    with recorder() as server:
        graph = chain(
            notify(server.url + "/notify"),
            {"id": "pause", "type": "utility.delay", "config": {"seconds": 3600}},
            wait(),
            transform("after"),
        )
        execution = start(alice, graph)
        [link] = sent_links(server)
    assert not Step.objects.filter(execution=execution, key="wait").exists()
    response = Client().post(link, {"early": True}, content_type="application/json", **JSON)
    assert response.status_code == 202
    assert response.json()["status"] == "early"
    engine.sweep(now=later(3601))  # the delay ends; the wait finds its answer at once
    assert finished(execution).status == "succeeded"
    wait_step = Step.objects.get(execution=execution, key="wait")
    assert wait_step.output["body"] == {"early": True} and wait_step.attempt == 1


def test_an_answer_recorded_while_the_wait_first_runs_is_not_missed(alice):
    """The race the checkpoint's second look closes: the answer lands after the step read
    that there is none, before its waiting is stored."""
    celery_app.conf.task_always_eager = False  # steps stay queued: this test runs them
    try:
        workflow = make_workflow(alice, chain(wait(), transform("after")))
        execution = engine.start_execution(workflow)
        step_id = Step.objects.get(execution=execution, key="wait").pk
        step = rounds.claim(step_id)
        result = running.run(step)  # no answer yet: it is to wait
        assert result.values["status"] == "waiting"
        link = waiting.mint(execution.pk, "wait")
        response = Client().post(urlsplit(link).path, {"x": 1}, content_type="application/json")
        assert response.json()["status"] == "early"
        rounds.commit(result)
        woken = Step.objects.get(pk=step_id)
        assert woken.status == "pending"  # woken by the second look, not left waiting
        engine.run_step(step_id)
    finally:
        celery_app.conf.task_always_eager = True
    assert Step.objects.get(pk=step_id).output["body"] == {"x": 1}


# --- approval mode ---------------------------------------------------------------------------


def test_the_approval_form_needs_no_login_and_shows_the_rendered_request(alice):
    execution, link = run_to_wait(alice, wait(**APPROVAL), {"order": "A-17", "amount": 40})
    response = Client().get(link)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Refund order A-17?" in html
    assert "The customer asked for 40 EUR back." in html
    for name in ("comment", "amount", "notify_customer"):
        assert f'name="field.{name}"' in html
    assert 'value="approve"' in html and 'value="reject"' in html
    assert 'name="name"' in html  # not signed in: a name may be given
    assert response["Referrer-Policy"] == "no-referrer"
    assert Step.objects.get(execution=execution, key="wait").status == "waiting"


def test_approving_on_the_form_records_the_answer_and_the_run_goes_on(alice):
    execution, link = run_to_wait(alice, wait(**APPROVAL), {"order": "A-17", "amount": 40})
    response = Client().post(
        link,
        {
            "field.comment": "Fine, long-standing customer.",
            "field.amount": "35.5",
            "field.notify_customer": "on",
            "name": "Grace",
            "decision": "approve",
        },
        **HTML,
    )
    assert response.status_code == 200
    assert "Approved" in response.content.decode()
    assert finished(execution).status == "succeeded"
    output = Step.objects.get(execution=execution, key="wait").output
    assert output["approved"] is True
    assert output["fields"] == {
        "comment": "Fine, long-standing customer.",
        "amount": 35.5,
        "notify_customer": True,
    }
    assert output["by"] == "Grace"
    assert timezone.datetime.fromisoformat(output["at"]) <= timezone.now()


def test_rejecting_without_a_name_is_recorded_as_anonymous(alice):
    execution, link = run_to_wait(alice, wait(**APPROVAL), {"order": 1, "amount": 2})
    Client().post(link, {"field.comment": "No.", "decision": "reject"}, **HTML)
    output = Step.objects.get(execution=execution, key="wait").output
    assert (output["approved"], output["by"]) == (False, "anonymous")
    assert output["fields"] == {"comment": "No.", "amount": None, "notify_customer": False}


def test_validation_errors_are_shown_on_the_form_and_nothing_is_recorded(alice):
    execution, link = run_to_wait(alice, wait(**APPROVAL), {"order": 1, "amount": 2})
    response = Client().post(link, {"field.amount": "lots", "name": "Grace"}, **HTML)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html  # comment
    assert "&#x27;lots&#x27; is not a number." in html
    assert "Choose approve or reject." in html
    assert 'value="Grace"' in html and 'value="lots"' in html  # what was typed stays
    assert Step.objects.get(execution=execution, key="wait").status == "waiting"
    assert not ResumeToken.objects.filter(used_at__isnull=False).exists()


def test_an_api_caller_approves_with_json(alice):
    execution, link = run_to_wait(alice, wait(**APPROVAL), {"order": 1, "amount": 2})
    bad = Client().post(link, {"approved": "yes"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert {d["field"] for d in bad.json()["details"]} == {"approved", "fields.comment"}
    response = Client().post(
        link,
        {"approved": True, "fields": {"comment": "ok", "amount": 3}, "by": "ci-bot"},
        content_type="application/json",
    )
    assert response.status_code == 200
    output = Step.objects.get(execution=execution, key="wait").output
    assert (output["approved"], output["by"], output["fields"]["amount"]) == (True, "ci-bot", 3)


def test_a_signed_in_person_is_recorded_by_username_only_with_their_csrf_token(alice, bob):
    _, link = run_to_wait(alice, wait(**APPROVAL), {"order": 1, "amount": 2})
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    page = client.get(link).content.decode()
    assert "You answer as" in page and 'name="name"' not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    client.post(link, {"field.comment": "ok", "decision": "approve", "csrfmiddlewaretoken": token})
    assert ResumeToken.objects.get(used_at__isnull=False).answer["by"] == bob.get_username()


def test_a_post_as_a_signed_in_person_from_elsewhere_does_not_carry_their_name(alice, bob):
    execution, link = run_to_wait(alice, wait(**APPROVAL), {"order": 1, "amount": 2})
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)  # a page elsewhere posts with bob's cookies but no CSRF token
    response = client.post(link, {"field.comment": "ok", "decision": "approve", "name": "x"})
    assert response.status_code == 200
    assert Step.objects.get(execution=execution, key="wait").output["by"] == "x"


def test_an_approval_form_opens_only_once_its_wait_waits(alice):
    with recorder() as server:
        graph = chain(
            notify(server.url + "/notify"),
            {"id": "pause", "type": "utility.delay", "config": {"seconds": 3600}},
            wait(**APPROVAL),
        )
        start(alice, graph, {"order": 1, "amount": 2})
        [link] = sent_links(server)
    page = Client().get(link)
    assert page.status_code == 409
    assert page["Retry-After"] == "5"
    assert "not open yet" in page.content.decode()


# --- which wait a template's link resumes ----------------------------------------------------


def test_a_link_made_after_the_wait_names_what_is_wrong(alice):
    with recorder() as server:
        execution = start(alice, chain(wait(), notify(server.url + "/late")))
        link = waiting.mint(execution.pk, "wait")
        Client().post(urlsplit(link).path, **JSON)
    execution = finished(execution)
    assert execution.status == "failed"
    assert "no utility.wait comes after this node and none is waiting now" in execution.error


def test_a_field_merely_named_resume_url_makes_no_link(alice):
    echo = {"language": "template", "expression": "{{ trigger.resume_url }}"}
    graph = chain({"id": "echo", "type": "utility.transform", "config": echo})
    execution = start(alice, graph, {"resume_url": "https://elsewhere.example/r/1"})
    assert execution.status == "succeeded", execution.error
    assert Step.objects.get(execution=execution, key="echo").output == {
        "result": "https://elsewhere.example/r/1"
    }
    assert not ResumeToken.objects.exists()


def test_a_link_made_beside_a_waiting_wait_resumes_it(alice):
    with recorder() as server:
        graph = {
            "nodes": [
                {"id": "start", "type": "trigger.manual", "config": {}},
                wait(),
                {"id": "soon", "type": "utility.delay", "config": {"seconds": 60}},
                notify(server.url + "/notify"),
            ],
            "edges": [
                {"source": "start", "target": "wait"},
                {"source": "start", "target": "soon"},
                {"source": "soon", "target": "notify"},
            ],
        }
        execution = start(alice, graph)
        engine.sweep(now=later(61))
        [link] = sent_links(server)
    assert ResumeToken.objects.get(execution=execution).key == "wait"
    assert Client().post(link, **JSON).status_code == 200
    assert finished(execution).status == "succeeded"


def test_each_loop_item_gets_a_link_to_its_own_wait(alice):
    with recorder() as server:
        graph = {
            "nodes": [
                {"id": "start", "type": "trigger.manual", "config": {}},
                {
                    "id": "each",
                    "type": "logic.loop",
                    "config": {"items": "{{ trigger.people }}", "concurrency": 2},
                },
                notify(server.url + "/notify"),
                wait(),
            ],
            "edges": [
                {"source": "start", "target": "each"},
                {"source": "each", "source_handle": "each", "target": "notify"},
                {"source": "notify", "target": "wait"},
            ],
        }
        execution = start(alice, graph, {"people": ["ada", "grace"]})
        links = sent_links(server)
    assert sorted(t.key for t in ResumeToken.objects.filter(execution=execution)) == [
        "wait[0]",
        "wait[1]",
    ]
    for link in links:
        assert Client().post(link, **JSON).status_code == 200
    assert finished(execution).status == "succeeded"


# --- the execution page ---------------------------------------------------------------------


def test_the_owner_sees_the_waiting_step_and_can_make_a_link_to_it(alice, alice_client):
    execution = start(alice, chain(wait(**APPROVAL)), {"order": 9, "amount": 1})
    page = alice_client.get(f"/executions/{execution.pk}/").content.decode()
    assert "Waiting for someone to approve or reject on its form." in page
    assert "Create a resume link" in page
    response = alice_client.post(
        f"/executions/{execution.pk}/", {"action": "resume_link", "key": "wait"}
    )
    html = response.content.decode()
    link = re.search(r'value="(http://testserver/hooks/resume/[^"]+)"', html)[1]
    assert "Open the form" in html
    form = Client().get(urlsplit(link).path)
    assert "Refund order 9?" in form.content.decode()


def test_a_link_is_made_only_for_a_waiting_wait_step(alice, alice_client, charlie_client):
    execution = start(alice, chain(wait(), transform("after")))
    response = alice_client.post(
        f"/executions/{execution.pk}/", {"action": "resume_link", "key": "start"}, follow=True
    )
    assert "is not a wait step waiting now" in response.content.decode()
    other = charlie_client.post(
        f"/executions/{execution.pk}/", {"action": "resume_link", "key": "wait"}
    )
    assert other.status_code == 404
    assert not ResumeToken.objects.exists()


# --- the gallery's starter -------------------------------------------------------------------


@pytest.mark.parametrize(("decision", "refunded"), [("approve", True), ("reject", False)])
def test_the_approval_starter_refunds_only_when_approved(alice, decision, refunded):
    graph = TEMPLATES["approval-before-refund"].new_graph()
    with recorder() as server:
        for node in graph["nodes"]:
            if node["type"] == "action.http":
                node["config"]["url"] = f"{server.url}/{node['id']}"
        payload = graph["nodes"][0]["config"]["sample_payload"]
        execution = start(alice, graph, payload)
        [ask] = server.requests
        link = re.search(r"Answer here: (\S+)", json.loads(ask["body"])["text"])[1]
        form = Client().get(urlsplit(link).path).content.decode()
        assert "Refund order A-1017?" in form and "Ada asks for 40 EUR back." in form
        Client().post(urlsplit(link).path, {"field.comment": "ok", "decision": decision}, **HTML)
        assert finished(execution).status == "succeeded"
        paths = [r["path"] for r in server.requests]
    assert ("/refund" in paths) is refunded
    if refunded:
        assert json.loads(server.requests[-1]["body"]) == {
            "order_id": "A-1017",
            "amount": 40,
            "note": "ok (anonymous)",
        }


def test_an_answer_beyond_the_input_limits_is_refused(alice, settings):
    settings.WORKFUSE_WEBHOOK_MAX_BYTES = 200
    execution, link = run_to_wait(alice, wait(**APPROVAL), {"order": 1, "amount": 2})
    big = {"approved": True, "fields": {"comment": "x" * 300}}
    response = Client().post(link, big, content_type="application/json")
    assert response.status_code == 413
    assert Step.objects.get(execution=execution, key="wait").status == "waiting"


def test_a_timeout_with_nothing_on_its_output_ends_that_branch(alice):
    execution = start(alice, chain(wait(timeout_seconds=10), transform("after")))
    engine.sweep(now=later(11))
    assert finished(execution).status == "succeeded"
    steps = steps_by_key(execution)
    assert (steps["wait"].handles, steps["after"].status) == (["timeout"], "skipped")


def test_an_error_that_quotes_the_link_does_not_keep_it(alice):
    with recorder() as server:
        server.script = [(400, {}, {"error": "bad"})]
        link_in_url = {
            "id": "notify",
            "type": "action.http",
            "config": {"url": server.url + "/notify?next={{ execution.resume_url }}"},
        }
        execution = start(alice, chain(link_in_url, wait()))
        token = server.requests[0]["path"].rsplit("/", 1)[1]
    step = Step.objects.get(execution=execution, key="notify")
    assert step.status == "failed"
    assert "resume%2F[REDACTED]" in step.error  # the error quoted the URL it called
    assert token not in step.error + json.dumps(step.input) + json.dumps(step.attempts)
