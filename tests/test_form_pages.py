"""A form filled in page by page while its run goes on: a webhook trigger with
`response: form` takes the first page and sends the browser to follow the run
(executions/form_pages.py), a `utility.wait` in `form` mode is a further page, and
`logic.form_end` the page shown at the end (or its redirect). Tasks run eagerly on commit."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from executions.models import Execution, Step
from tests.test_webhooks import url, webhook_workflow

pytestmark = pytest.mark.django_db(transaction=True)

HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml"}
FORM = {"methods": ["POST"], "response": "form"}


def node(node_id: str, type_: str, **config: Any) -> dict:
    return {"id": node_id, "type": type_, "config": config}


def page_two(**extra: Any) -> dict:
    return node(
        "details",
        "utility.wait",
        mode="form",
        title="Hello {{ trigger.body.name }}, a few more details",
        fields=[
            {"name": "company", "type": "string", "required": True},
            {"name": "seats", "type": "number"},
        ],
        **extra,
    )


def ending(**config: Any) -> dict:
    return node("done", "logic.form_end", **config)


THANKS = ending(
    title="Thanks, {{ trigger.body.name }}",
    message="{{ nodes.details.fields.seats }} seats for {{ nodes.details.fields.company }}.",
)


def path(location: str) -> str:
    return urlsplit(location).path


def send_first_page(workflow, **fields: str) -> str:
    """Posts the first page as a browser form does; the path it is sent on to."""
    response = Client().post(url(workflow), fields, **HTML)
    assert response.status_code == 303
    assert response.json()["next_url"] == response["Location"]
    return path(response["Location"])


def test_the_person_sees_page_two_then_the_ending_page_while_the_run_goes_on(alice):
    workflow = webhook_workflow(alice, FORM, then=[page_two(), THANKS])
    browser = Client()

    follow = send_first_page(workflow, name="Ada")
    assert follow.startswith("/hooks/form/")
    to_page_two = browser.get(follow, **HTML)
    assert to_page_two.status_code == 302
    page = browser.get(path(to_page_two["Location"]), **HTML)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hello Ada, a few more details" in text
    assert 'name="field.company"' in text and 'name="field.seats"' in text
    assert ">Submit</button>" in text and "Approve" not in text

    sent = browser.post(
        path(to_page_two["Location"]), {"field.company": "Acme", "field.seats": "12"}, **HTML
    )
    assert sent.status_code == 303
    assert path(sent["Location"]).startswith("/hooks/form/")
    end = browser.get(path(sent["Location"]), **HTML)

    assert end.status_code == 200
    assert "Thanks, Ada" in end.content.decode()
    assert "12 seats for Acme." in end.content.decode()
    execution = Execution.objects.get(workflow=workflow)
    assert execution.status == "succeeded"
    details = Step.objects.get(execution=execution, key="details").output
    assert details["fields"] == {"company": "Acme", "seats": 12}
    assert set(details) == {"fields", "at"}
    assert execution.trigger_data["body"] == {"name": "Ada"}


def test_the_ending_page_can_send_the_person_elsewhere(alice):
    redirect = ending(redirect_url="https://example.com/welcome?who={{ trigger.body.name }}")
    workflow = webhook_workflow(alice, FORM, then=[redirect])

    end = Client().get(send_first_page(workflow, name="Ada"), **HTML)

    assert end.status_code == 302
    assert end["Location"] == "https://example.com/welcome?who=Ada"


def test_a_page_with_a_missing_required_field_is_shown_again_with_the_error(alice):
    workflow = webhook_workflow(alice, FORM, then=[page_two(), THANKS])
    browser = Client()
    to_page_two = browser.get(send_first_page(workflow, name="Ada"), **HTML)

    again = browser.post(path(to_page_two["Location"]), {"field.seats": "3"}, **HTML)

    assert again.status_code == 400
    assert "This field is required." in again.content.decode()
    step = Step.objects.get(execution__workflow=workflow, key="details")
    assert step.status == "waiting"


def test_a_form_without_further_pages_says_it_was_submitted(alice):
    workflow = webhook_workflow(
        alice, FORM, then=[node("echo", "utility.transform", expression="@")]
    )

    end = Client().get(send_first_page(workflow, name="Ada"), **HTML)

    assert end.status_code == 200
    assert "Form submitted" in end.content.decode()


def test_while_the_run_works_the_page_looks_again_each_second(alice):
    call = node("call", "utility.wait", mode="webhook")
    workflow = webhook_workflow(alice, FORM, then=[call, ending(title="Done")])

    busy = Client().get(send_first_page(workflow, name="Ada"), **HTML)

    assert busy.status_code == 200
    assert '<meta http-equiv="refresh" content="1">' in busy.content.decode()


def test_a_run_that_fails_says_so(alice):
    broken = node("broken", "logic.stop", message="No seats left")
    workflow = webhook_workflow(alice, FORM, then=[broken])

    end = Client().get(send_first_page(workflow, name="Ada"), **HTML)

    assert end.status_code == 200
    assert "Something went wrong" in end.content.decode()


def test_a_tampered_follow_link_leads_nowhere(alice):
    workflow = webhook_workflow(alice, FORM, then=[ending(title="Done")])
    follow = send_first_page(workflow, name="Ada")

    response = Client().get(follow[:-2] + "xx", **HTML)

    assert response.status_code == 404


def test_an_api_caller_sends_a_form_page_as_json(alice):
    workflow = webhook_workflow(alice, FORM, then=[page_two(), THANKS])
    browser = Client()
    to_page_two = browser.get(send_first_page(workflow, name="Ada"), **HTML)

    sent = browser.post(
        path(to_page_two["Location"]),
        {"fields": {"company": "Acme"}},
        content_type="application/json",
    )

    assert sent.status_code == 200
    assert sent.json()["status"] == "resumed"
    assert Execution.objects.get(workflow=workflow).status == "succeeded"


def test_an_ending_redirect_must_be_a_web_address():
    from editor.nodes.logic_form_end import Config

    with pytest.raises(ValueError, match="not an http:// or https:// address"):
        Config(redirect_url="javascript:alert(1)")


def test_a_form_page_takes_a_file_as_a_file_value(alice):
    upload = node(
        "upload",
        "utility.wait",
        mode="form",
        fields=[{"name": "cv", "type": "file", "required": True}],
    )
    workflow = webhook_workflow(alice, FORM, then=[upload, ending(title="Got it")])
    browser = Client()
    to_page = browser.get(send_first_page(workflow, name="Ada"), **HTML)
    page = path(to_page["Location"])
    shown = browser.get(page, **HTML).content.decode()
    assert 'enctype="multipart/form-data"' in shown and 'type="file"' in shown
    cv = SimpleUploadedFile("cv.txt", b"Ada Lovelace", content_type="text/plain")

    sent = browser.post(page, {"field.cv": cv}, **HTML)

    assert sent.status_code == 303
    assert "Got it" in browser.get(path(sent["Location"]), **HTML).content.decode()
    output = Step.objects.get(execution__workflow=workflow, key="upload").output
    assert output["fields"]["cv"] == {
        "filename": "cv.txt",
        "content_type": "text/plain",
        "size": 12,
        "content": "QWRhIExvdmVsYWNl",
    }


def test_a_required_file_left_out_shows_the_page_again(alice):
    upload = node(
        "upload",
        "utility.wait",
        mode="form",
        fields=[{"name": "cv", "type": "file", "required": True}],
    )
    workflow = webhook_workflow(alice, FORM, then=[upload])
    browser = Client()
    page = path(browser.get(send_first_page(workflow, name="Ada"), **HTML)["Location"])

    again = browser.post(page, {}, **HTML)

    assert again.status_code == 400
    assert "This field is required." in again.content.decode()
