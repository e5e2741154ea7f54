"""What PostgreSQL's jsonb cannot store (a NUL character, an unpaired surrogate) never leaves a
step running: an output holding one fails the step with where it is, and an error message
holding one (a server's words) is recorded with the character replaced."""

from __future__ import annotations

import pytest

from tests.engine_helpers import chain, make_workflow, steps_by_key
from tests.test_engine import run

pytestmark = pytest.mark.django_db(transaction=True)


def _code(source: str) -> dict:
    return {"id": "code", "type": "action.code", "config": {"code": source}}


def test_an_output_with_a_nul_character_fails_the_step_and_says_where(alice):
    execution = run(make_workflow(alice, chain(_code('return {rows: ["ok", "a\\u0000b"]};'))), {})
    assert execution.status == "failed"
    step = steps_by_key(execution)["code"]
    assert step.status == "failed"
    assert "at result.rows[1]" in step.error and "NUL character" in step.error, step.error


def test_an_error_message_with_a_nul_character_is_recorded_without_it(alice):
    graph = chain(_code('throw new Error("bad\\u0000reply\\ud800");'))
    execution = run(make_workflow(alice, graph), {})
    step = steps_by_key(execution)["code"]
    assert execution.status == "failed" and step.status == "failed"
    assert "bad\ufffdreply?" in step.error and "\x00" not in step.error, step.error
    assert all("\x00" not in (a.get("error") or "") for a in step.attempts)
