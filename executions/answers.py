"""What a synchronous webhook's caller is answered once its run has something to tell.

`response: respond_node` (docs/triggers.md): the answer of the run's first `logic.respond`
step (recorded as `Execution.answered_by`; the step's rendered input holds status, headers,
body and content type), else 204 when the run succeeded without reaching one, else 500 with
the execution id. `response: last_node` shares the 500 (`run_failed`).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpResponse, JsonResponse

from editor.nodes import logic_respond
from executions.completion import ANSWERED, News
from executions.models import Execution, Step


def news(execution_id: uuid.UUID) -> News | None:
    """The run's news read from the database: its answer, or its end; None while neither."""
    row = Execution.objects.filter(pk=execution_id).values_list("status", "answered_by").first()
    if row is None:
        return None
    status, answered_by = row
    if answered_by:
        answer = (
            Step.objects.filter(execution_id=execution_id, key=answered_by)
            .values_list("input", flat=True)
            .first()
        )
        return News(ANSWERED, answer)
    return News(status) if status in Execution.FINISHED else None


def response(execution_id: uuid.UUID, told: News) -> HttpResponse:
    """The caller's answer once `told` arrived. Anything but a carried answer is checked
    against the database: an answer and the run's end may commit together, and an answer too
    large to announce is not carried."""
    if told.answer is None:
        told = news(execution_id) or told
    if told.answer is not None:
        return http_response(told.answer)
    if told.status == Execution.Status.SUCCEEDED:
        return HttpResponse(status=204)
    return run_failed(execution_id)


def http_response(answer: Any) -> HttpResponse:
    """The HTTP response a logic.respond step's rendered settings describe."""
    config = logic_respond.Config.model_validate(answer)
    content = logic_respond.encoded_body(config)
    reply = HttpResponse(content, status=config.status)
    if content:
        reply["Content-Type"] = logic_respond.media_type(config)
    else:
        del reply["Content-Type"]
    for name, value in config.headers.items():
        reply[name] = value
    return reply


def run_failed(execution_id: uuid.UUID) -> JsonResponse:
    """500 with the run's error and id: it ended without an answer and did not succeed."""
    error = Execution.objects.filter(pk=execution_id).values_list("error", flat=True).first()
    return JsonResponse(
        {
            "code": "execution_failed",
            "message": error or "The run did not succeed.",
            "details": None,
            "execution_id": str(execution_id),
        },
        status=500,
    )
