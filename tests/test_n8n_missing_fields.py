"""n8n's existence and emptiness tests on a field the item lacks (editor/n8n/comparisons.py
`maybe_missing`): n8n sees `undefined` and decides, where a WorkFuse template would fail the
step on the missing field; the imported test reads it as none, so the run goes the way n8n's
does."""

from __future__ import annotations

from typing import Any

import pytest

from editor.models import Workflow
from editor.n8n import convert
from editor.validation import validate_graph
from tests.engine_helpers import steps_by_key
from tests.test_n8n_cycle_exits import if_node
from tests.test_n8n_flow import export, manual, run, set_fields


def checked(operation: str, fields: dict[str, Any]) -> dict[str, Any]:
    nodes = [
        manual(),
        set_fields("Pick", **fields),
        if_node("Has error?", "={{ $json.error }}", operation, ""),
        set_fields("Yes", went="true"),
        set_fields("No", went="false"),
    ]
    links = [("Start", "Pick"), ("Pick", "Has error?"), ("Has error?", 0, "Yes")]
    return export("Check", nodes, [*links, ("Has error?", 1, "No")])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("operation", "fields", "went"),
    [
        ("exists", {"name": "Ada"}, "false"),
        ("exists", {"error": "boom"}, "true"),
        ("notExists", {"name": "Ada"}, "true"),
        ("notExists", {"error": "boom"}, "false"),
        ("empty", {"name": "Ada"}, "true"),
        ("empty", {"error": "boom"}, "false"),
        ("notEmpty", {"name": "Ada"}, "false"),
        ("notEmpty", {"error": ""}, "false"),
        ("notEmpty", {"error": "boom"}, "true"),
    ],
)
def test_a_missing_field_is_undefined_to_existence_and_emptiness_tests(
    alice: Any, operation: str, fields: dict[str, Any], went: str
) -> None:
    graph = convert(checked(operation, fields))
    assert validate_graph(graph) == []
    execution = run(Workflow.create(alice, "Check", graph=graph))
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    taken = "yes" if went == "true" else "no"
    assert steps[taken].output["result"] == {"went": went}
    assert steps["no" if taken == "yes" else "yes"].status == "skipped"
