"""The statements every step checkpoint runs, with their SQL built once per process.

Django compiles a queryset's SQL anew on every call, which costs about 0.3 to 0.5 ms of CPU per
statement, more than the statement itself (docs/performance.md). A chain step runs three (lock
the execution, store the step's result, insert its successor), so `engine._checkpoint` uses
these instead. Values are adapted by the model fields' own `pre_save`/`get_db_prep_save`, as
the ORM would, and the statements run on Django's connection inside its transaction, so
PostgreSQL and SQLite both work and `transaction.on_commit` hooks behave as before.

The SQL text holds only quoted names from the model's metadata; every value is a parameter
(hence the `noqa: S608` below).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection

from executions.models import Execution, Step

_STEP_FIELDS = {f.attname: f for f in Step._meta.concrete_fields}
# Inserted columns: all but the id, in model order.
_INSERTED = tuple(f for f in Step._meta.concrete_fields if not f.primary_key)


@cache
def _lock_sql(vendor: str, for_update: bool) -> str:
    qn = connection.ops.quote_name
    lock = " FOR UPDATE" if for_update else ""
    table = qn(Execution._meta.db_table)
    return f"SELECT {qn('status')} FROM {table} WHERE {qn('id')} = %s{lock}"  # noqa: S608


@cache
def _update_sql(vendor: str, columns: tuple[str, ...]) -> str:
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(_STEP_FIELDS[c].column)} = %s" for c in columns)
    return (
        f"UPDATE {qn(Step._meta.db_table)} SET {sets} "  # noqa: S608
        f"WHERE {qn('id')} = %s AND {qn('status')} = %s AND {qn('lease_owner')} = %s"
    )


@cache
def _insert_sql(vendor: str, rows: int) -> str:
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in _INSERTED)
    row = "(" + ", ".join(["%s"] * len(_INSERTED)) + ")"
    values = ", ".join([row] * rows)
    table = qn(Step._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {qn('id')}"  # noqa: S608


def lock_execution(execution_id: Any) -> str | None:
    """Lock the execution's row for this transaction and return its status (None if gone)."""
    sql = _lock_sql(connection.vendor, connection.features.has_select_for_update)
    with connection.cursor() as cursor:
        cursor.execute(sql, [Execution._meta.pk.get_db_prep_value(execution_id, connection)])
        row = cursor.fetchone()
    return row[0] if row else None


def store_result(step_id: int, lease_owner: str, values: dict[str, Any]) -> bool:
    """Write `values` (field name -> value) to a step this worker runs; False when it no longer
    holds the step (its lease was taken over), and then nothing is written."""
    columns = tuple(values)
    params = [_STEP_FIELDS[c].get_db_prep_save(values[c], connection) for c in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            _update_sql(connection.vendor, columns),
            [*params, step_id, Step.Status.RUNNING, lease_owner],
        )
        return cursor.rowcount > 0


def insert_steps(steps: list[Step]) -> None:
    """Insert new steps in one statement and set their ids, like `bulk_create`."""
    if not connection.features.can_return_rows_from_bulk_insert:  # e.g. SQLite before 3.35
        Step.objects.bulk_create(steps)
        ids = dict(
            Step.objects.filter(
                execution_id=steps[0].execution_id, key__in=[s.key for s in steps]
            ).values_list("key", "id")
        )
        for step in steps:
            step.pk = ids[step.key]
        return
    params = [
        f.get_db_prep_save(f.pre_save(step, True), connection) for step in steps for f in _INSERTED
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor, len(steps)), params)
        for step, (pk,) in zip(steps, cursor.fetchall(), strict=True):
            step.pk = pk
            step._state.adding, step._state.db = False, connection.alias
