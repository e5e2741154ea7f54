"""utility.dedupe: repeats dropped within a list, and with scope workflow across executions
(remembered in SeenItem, forgotten after ttl_days by the sweep, one winner under concurrency)."""

from __future__ import annotations

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.models.query import QuerySet
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from editor.models import SeenItem, Workflow
from editor.nodes import utility_dedupe
from editor.nodes.base import NodeError
from executions import engine
from executions.tasks import sweep_task
from tests.data_nodes import form, form_round_trip, run, run_in_workflow, save_errors
from tests.engine_helpers import chain, make_workflow, steps_by_key

LEADS = [
    {"email": "ada@example.com", "name": "Ada"},
    {"email": "bob@example.com", "name": "Bob"},
    {"email": "ada@example.com", "name": "Ada L."},
    {"email": "ada@example.com", "name": "Ada"},
]


def dedupe(config: dict, **context) -> dict:
    return run(utility_dedupe, config, **context)


def test_whole_items_keep_the_first_of_each_in_order():
    assert dedupe({"items": LEADS}) == {"items": LEADS[:3], "dropped": 1}
    # Key order and 1 vs 1.0 do not make items different.
    assert dedupe({"items": [{"a": 1, "b": 2}, {"b": 2, "a": 1.0}]})["dropped"] == 1


def test_fields_decide_which_items_are_the_same():
    assert dedupe({"items": LEADS, "fields": ["email"]}) == {"items": LEADS[:2], "dropped": 2}
    nested = [{"c": {"id": 1}, "n": 1}, {"c": {"id": 1}, "n": 2}, {"c": {"id": 2}}, {"n": 3}, {}]
    assert dedupe({"items": nested, "fields": ["c.id"]}) == {
        "items": [nested[0], nested[2], nested[3]],
        "dropped": 2,  # an item without the field counts it as empty: {} repeats {"n": 3}
    }


def test_a_template_field_is_rendered_for_each_item_and_its_value_compared():
    rows = [
        {"id": "A-1", "at": "10:00", "n": 1},
        {"id": "A-1", "at": "11:00", "n": 2},
        {"id": "A-1", "at": "10:00", "n": 3},
        {"id": "A-10", "at": ":00", "n": 4},
    ]
    key = "{{ item.id }}:{{ item.at }}"
    assert dedupe({"items": rows, "fields": [key]}) == {"items": rows[:2] + rows[3:], "dropped": 1}
    by_index = dedupe({"items": rows, "fields": ["{{ index // 2 }}"]})
    assert by_index == {"items": [rows[0], rows[2]], "dropped": 2}


def test_a_template_field_that_fails_names_the_item_and_field():
    with pytest.raises(NodeError, match=r"Item 1: template error in fields\[0\]"):
        dedupe({"items": [{"a": {"b": 1}}, {}], "fields": ["{{ item.a.b }}"]})


def test_items_default_to_the_previous_output_or_its_first_list():
    assert dedupe({}, input=[1, 1, 2]) == {"items": [1, 2], "dropped": 1}
    assert dedupe({}, input={"status": 200, "body": ["x", "x"]}) == {"items": ["x"], "dropped": 1}
    with pytest.raises(NodeError, match="no list in it"):
        dedupe({}, input={"status": 200})


@given(
    st.lists(
        st.one_of(
            st.integers(0, 5),
            st.text(max_size=2),
            st.dictionaries(st.sampled_from("ab"), st.integers(0, 2), max_size=2),
        )
    )
)
def test_deduping_the_output_again_drops_nothing(items):
    once = dedupe({"items": items})
    assert dedupe({"items": once["items"]}) == {"items": once["items"], "dropped": 0}
    assert len(once["items"]) + once["dropped"] == len(items)
    assert all(item in once["items"] for item in items)


@pytest.mark.django_db
def test_bad_settings_are_refused_on_save_with_their_field(alice_api):
    details = save_errors(
        alice_api, "utility.dedupe", {"scope": "forever", "ttl_days": 0, "fields": [""]}
    )
    fields = {d["field"] for d in details}
    assert {"config.scope", "config.ttl_days", "config.fields"} <= fields
    assert any(
        "list or a template" in d["message"]
        for d in save_errors(alice_api, "utility.dedupe", {"items": "not a template"})
    )


@pytest.mark.django_db
def test_the_form_shows_every_setting(alice, alice_client):
    shown = form(alice_client, alice, "utility.dedupe", {"scope": "workflow"})
    assert shown.kinds == {
        "items": "json",
        "fields": "list",
        "scope": "select",
        "ttl_days": "number",
    }
    assert ("f:scope", "workflow") in shown.values
    assert ("f:ttl_days", "30") in shown.values
    config = {
        "items": "{{ trigger.leads }}",
        "fields": ["email", "c.id"],
        "scope": "workflow",
        "ttl_days": 7,
    }
    assert form_round_trip(alice_client, alice, "utility.dedupe", config) == config


# --- scope: workflow -------------------------------------------------------------------------

REMEMBERING = {
    "id": "dedupe",
    "type": "utility.dedupe",
    "config": {"items": "{{ trigger.leads }}", "fields": ["email"], "scope": "workflow"},
}


@pytest.mark.django_db(transaction=True)
def test_a_later_execution_drops_what_an_earlier_one_kept(alice):
    workflow = make_workflow(alice, chain(REMEMBERING))

    def kept(leads: list) -> list:
        execution = engine.start_execution(workflow, {"leads": leads})
        execution.refresh_from_db()
        return [lead["name"] for lead in steps_by_key(execution)["dedupe"].output["items"]]

    assert kept(LEADS) == ["Ada", "Bob"]
    assert kept(
        [{"email": "bob@example.com", "name": "Bob 2"}, {"email": "cy@x", "name": "Cy"}]
    ) == ["Cy"]
    assert kept(LEADS) == []
    assert SeenItem.objects.filter(workflow=workflow, node_id="dedupe").count() == 3
    # Another workflow remembers its own.
    other = make_workflow(alice, chain(REMEMBERING))
    execution = engine.start_execution(other, {"leads": LEADS})
    assert steps_by_key(execution)["dedupe"].output["dropped"] == 2


@pytest.mark.django_db
def test_a_retried_attempt_keeps_what_its_own_first_attempt_recorded(alice):
    workflow = Workflow.create(alice, "Leads")
    config = {"items": LEADS, "fields": ["email"], "scope": "workflow"}
    first = dedupe(config, workflow_id=workflow.pk, attempt=1)
    again = dedupe(config, workflow_id=workflow.pk, attempt=2)  # same execution and step key
    assert first == again == {"items": LEADS[:2], "dropped": 2}
    # Another execution, or another step of this one (a loop's next iteration), drops them.
    assert dedupe(config, workflow_id=workflow.pk, execution_id="e2")["dropped"] == 4
    assert dedupe(config, workflow_id=workflow.pk, step_key="n[1]")["dropped"] == 4


@pytest.mark.django_db
def test_scope_workflow_needs_a_workflow():
    with pytest.raises(NodeError, match="per workflow"):
        dedupe({"items": [1], "scope": "workflow"})


@pytest.mark.django_db
def test_remembered_items_expire_after_ttl_days_and_the_sweep_forgets_them(alice, settings):
    workflow = Workflow.create(alice, "Leads")
    config = {"items": LEADS, "fields": ["email"], "scope": "workflow", "ttl_days": 2}
    dedupe(config, workflow_id=workflow.pk)
    row = SeenItem.objects.filter(workflow=workflow).first()
    assert row is not None
    assert row.expires_at - row.seen_at == timedelta(days=2)

    # Three days later: not yet swept, but expired items count as new again.
    three_days = timezone.now() + timedelta(days=3)
    with mock.patch("django.utils.timezone.now", return_value=three_days):
        again = dedupe(config, workflow_id=workflow.pk, execution_id="e2")
    assert again == {"items": LEADS[:2], "dropped": 2}

    SeenItem.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    fresh = Workflow.create(alice, "Other")
    dedupe({"items": ["keep me"], "scope": "workflow"}, workflow_id=fresh.pk)
    sweep_task()
    assert list(SeenItem.objects.values_list("workflow_id", flat=True)) == [fresh.pk]
    # The sweep forgets at most once a minute.
    SeenItem.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    sweep_task()
    assert SeenItem.objects.count() == 1


@pytest.mark.django_db
def test_deleting_the_workflow_forgets_its_items(alice):
    workflow = Workflow.create(alice, "Leads")
    dedupe({"items": [1, 2], "scope": "workflow"}, workflow_id=workflow.pk)
    workflow.delete()
    assert not SeenItem.objects.exists()


def _keys(n: int, offset: int = 0) -> list[str]:
    return [f"{i:064x}" for i in range(offset, offset + n)]


def _remember(workflow_id: int, keys: list[str], step: str) -> set[str]:
    now = timezone.now()
    return SeenItem.remember(
        workflow_id, "dedupe", keys, seen_by=step, now=now, expires_at=now + timedelta(days=1)
    )


@pytest.mark.django_db
def test_an_insert_that_loses_the_race_reads_back_the_winners_rows(alice):
    """Any database: execution B records the same keys between A's check and A's insert (as
    a concurrent run would); A's insert is ignored and A keeps only what is its own."""
    workflow = Workflow.create(alice, "Leads")
    original = QuerySet.bulk_create
    won_by_b: set[str] = set()

    def b_first(self, objs, *args, **kwargs):
        if objs[0].seen_by == "a:dedupe" and not won_by_b:
            won_by_b.update(_remember(workflow.pk, _keys(5, 3), "b:dedupe"))
        return original(self, objs, *args, **kwargs)

    with mock.patch.object(QuerySet, "bulk_create", b_first):
        won_by_a = _remember(workflow.pk, _keys(5), "a:dedupe")
    assert won_by_b == set(_keys(5, 3))
    assert won_by_a == set(_keys(3))
    assert SeenItem.objects.count() == 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises the writers")
@pytest.mark.django_db(transaction=True)
def test_concurrent_executions_never_both_keep_an_item(alice):
    workflow = Workflow.create(alice, "Leads")
    keys = _keys(2000)
    start = threading.Barrier(4, timeout=10)
    won: dict[str, set[str]] = {}

    def execution(name: str) -> None:
        try:
            start.wait()
            won[name] = _remember(workflow.pk, keys[::-1] if name in "bd" else keys, f"{name}:x")
        finally:
            connection.close()

    threads = [threading.Thread(target=execution, args=(name,)) for name in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(won) == ["a", "b", "c", "d"]
    assert sum(len(keys_won) for keys_won in won.values()) == len(keys)
    assert set.union(*won.values()) == set(keys)
    assert SeenItem.objects.count() == len(keys)


@pytest.mark.django_db(transaction=True)
def test_a_template_key_is_remembered_across_executions(alice):
    graph = chain(
        {
            "id": "dedupe",
            "type": "utility.dedupe",
            "config": {
                "items": "{{ trigger.leads }}",
                "fields": ["{{ item.email | lower }}"],
                "scope": "workflow",
            },
        }
    )
    workflow = make_workflow(alice, graph)
    first = engine.start_execution(workflow, {"leads": LEADS[:2]})
    upper = {"email": "ADA@example.com", "name": "Ada"}
    second = engine.start_execution(workflow, {"leads": [upper, {"email": "cy@example.com"}]})
    outputs = [steps_by_key(e)["dedupe"].output for e in (first, second)]
    assert outputs == [
        {"items": LEADS[:2], "dropped": 0},
        {"items": [{"email": "cy@example.com"}], "dropped": 1},
    ]


@pytest.mark.django_db(transaction=True)
def test_dedupe_runs_in_a_workflow(alice):
    step = run_in_workflow(
        alice,
        {"id": "dedupe", "type": "utility.dedupe", "config": {"items": "{{ trigger.leads }}"}},
        {"leads": LEADS},
    )
    assert step.output == {"items": LEADS[:3], "dropped": 1}
