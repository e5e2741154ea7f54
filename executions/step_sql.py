"""The engine's hot-path statements, with their SQL built once per process.

Django compiles a queryset's SQL anew on every call, which costs about 0.3 to 0.5 ms of CPU per
statement, more than the statement itself (docs/performance.md). A chain step runs three (lock
the execution, store the step's result, insert its successor), and each task and execution a
few more (claim, load, read the steps, finish), so the engine uses these instead; the engine's
gate also writes every other change of a step's status here (`move`), as one statement that
says which steps it changed. Values are
adapted by the model fields' own `pre_save`/`get_db_prep_save` and read back through the same
converters the ORM applies, and the statements run on Django's connection inside its
transaction, so PostgreSQL and SQLite both work and `transaction.on_commit` hooks behave as
before.

The SQL text holds only quoted names from the models' metadata; every value is a parameter
(hence the `noqa: S608` below).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, TypeVar

import psycopg
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, Model
from psycopg._queries import PostgresQuery, _query2pg_nocache

from editor.models import Workflow
from executions.models import Execution, Step
from executions.statemachine import FINISHED, StepState

S = Step.Status
M = TypeVar("M", bound=Model)


def _fields(model: type[Model], names: Sequence[str] | None = None) -> tuple[Field, ...]:
    """Concrete fields of a model (all of them, or those named), in order."""
    fields = [f for f in model._meta.concrete_fields if isinstance(f, Field)]
    if names is None:
        return tuple(fields)
    by_name = {f.name: f for f in fields}
    return tuple(by_name[n] for n in names)


_STEP = {f.attname: f for f in _fields(Step)}
_STEP_COLUMNS = _fields(Step)
_EXECUTION_COLUMNS = _fields(Execution)
# What a worker reads of the workflow with its execution (the rest is loaded if ever used);
# the name is `workflow.name` in templates. In the model's order: `from_db` reads them so.
_WORKFLOW_COLUMNS = _fields(Workflow, ("id", "owner", "name", "max_concurrency", "error_workflow"))
(_FINISHED_AT,) = _fields(Execution, ("finished_at",))


def _qn(name: str | None) -> str:
    assert name is not None  # a concrete field's column, a model's table
    return connection.ops.quote_name(name)


def _names(fields: tuple[Field, ...], table: str = "") -> str:
    prefix = f"{_qn(table)}." if table else ""
    return ", ".join(prefix + _qn(f.column) for f in fields)


@lru_cache(maxsize=256)
def _converted(sql: str, encoding: str) -> tuple[bytes, list[Any], Any, list[Any]]:
    return _query2pg_nocache(sql.encode(encoding), encoding)


class _Statement(PostgresQuery):
    """A query whose `%s` placeholders are turned into `$n` once per process and statement.
    psycopg caches that conversion only for statements under 4 KB and 50 parameters, and the
    fused checkpoints are larger (a step's row has many columns): converting them again on
    every call cost about 0.2 ms of CPU each (docs/performance.md). Every statement here comes
    from a `@cache`d builder, so the set of texts is small and fixed."""

    def convert(self, query: Any, vars: Any) -> None:
        if not isinstance(query, str) or vars is None:
            super().convert(query, vars)
            return
        self.query, self._want_formats, self._order, self._parts = _converted(
            query, self._tx.encoding
        )
        self.dump(vars)


class _Cursor(psycopg.Cursor[Any]):
    _query_cls = _Statement


def _run(sql: str, params: list[Any]) -> tuple[list[tuple[Any, ...]], int]:
    """(rows returned, rows affected). On PostgreSQL through a plain psycopg cursor on Django's
    connection: its values are bound by the server instead of quoted into the text in Python,
    and Django's cursor wrapper is skipped (errors are still Django's)."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each use of `connection` goes through a proxy
    if db.vendor == "postgresql":
        db.ensure_connection()
        with db.wrap_database_errors, _Cursor(db.connection) as cursor:
            cursor.execute(sql, params)
            return (cursor.fetchall() if cursor.description else []), cursor.rowcount
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return (cursor.fetchall() if cursor.description else []), cursor.rowcount


@cache
def _converters(vendor: str, fields: tuple[Field, ...]) -> list[tuple[int, list[Any], Any]]:
    """Per column: the functions the ORM would pass a raw database value through."""
    out = []
    for position, field in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if functions:
            out.append((position, functions, column))
    return out


def _python(fields: tuple[Field, ...], row: tuple[Any, ...]) -> list[Any]:
    values, db = list(row), connections[DEFAULT_DB_ALIAS]
    for position, functions, column in _converters(db.vendor, fields):
        for function in functions:
            values[position] = function(values[position], column, db)
    return values


def _instance(model: type[M], fields: tuple[Field, ...], row: tuple[Any, ...]) -> M:
    return model.from_db(connection.alias, [f.attname for f in fields], _python(fields, row))


def _key(model: type[Model], pk: Any) -> Any:
    return model._meta.pk.get_db_prep_value(pk, connection)


# --- executions ------------------------------------------------------------------------------


@cache
def _lock_sql(vendor: str, for_update: bool) -> str:
    lock = " FOR UPDATE" if for_update else ""
    table = _qn(Execution._meta.db_table)
    return f"SELECT {_qn('status')} FROM {table} WHERE {_qn('id')} = %s{lock}"  # noqa: S608


def lock_execution(execution_id: Any) -> str | None:
    """Lock the execution's row for this transaction and return its status (None if gone)."""
    sql = _lock_sql(connection.vendor, connection.features.has_select_for_update)
    rows, _ = _run(sql, [_key(Execution, execution_id)])
    return rows[0][0] if rows else None


@cache
def _lock_many_sql(vendor: str, count: int, for_update: bool) -> str:
    table, pk = _qn(Execution._meta.db_table), _qn("id")
    wanted = ", ".join(["%s"] * count)
    lock = " FOR UPDATE" if for_update else ""
    return (
        f"SELECT {pk}, {_qn('status')} FROM {table} WHERE {pk} IN ({wanted}) "  # noqa: S608
        f"ORDER BY {pk}{lock}"
    )


def lock_executions(execution_ids: list[Any]) -> dict[Any, str]:
    """Lock several executions' rows for this transaction, in id order (as every transaction
    that locks several does, so two cannot wait for each other), and return their statuses."""
    ids = sorted(set(execution_ids))
    sql = _lock_many_sql(connection.vendor, len(ids), connection.features.has_select_for_update)
    rows, _ = _run(sql, [_key(Execution, pk) for pk in ids])
    by_key = {_key(Execution, pk): pk for pk in ids}
    return {by_key.get(key, key): status for key, status in rows}


@cache
def _load_sql(vendor: str) -> str:
    execution, workflow = Execution._meta.db_table, Workflow._meta.db_table
    return (
        f"SELECT {_names(_EXECUTION_COLUMNS, execution)}, "  # noqa: S608
        f"{_names(_WORKFLOW_COLUMNS, workflow)} FROM {_qn(execution)} "
        f"JOIN {_qn(workflow)} ON {_qn(workflow)}.{_qn('id')} = {_qn(execution)}."
        f"{_qn(Execution._meta.get_field('workflow').column)} "
        f"WHERE {_qn(execution)}.{_qn('id')} = %s"
    )


def load_execution(execution_id: Any) -> Execution:
    """The execution, with `.workflow` holding its id, owner, concurrency limit and error
    workflow's id."""
    rows, _ = _run(_load_sql(connection.vendor), [_key(Execution, execution_id)])
    if not rows:
        raise Execution.DoesNotExist(execution_id)
    split = len(_EXECUTION_COLUMNS)
    execution = _instance(Execution, _EXECUTION_COLUMNS, rows[0][:split])
    execution.workflow = _instance(Workflow, _WORKFLOW_COLUMNS, rows[0][split:])
    return execution


# A webhook's (or `POST /run`'s) workflow without its timestamps (loaded if ever read): reading
# a timestamptz column sets up psycopg's time-zone loader for the result, a noticeable part of a
# call's CPU.
_HOOK_WORKFLOW_COLUMNS = tuple(
    f for f in _fields(Workflow) if f.get_internal_type() != "DateTimeField"
)


@cache
def _workflow_sql(vendor: str, *columns: str) -> str:
    """A workflow without its timestamps, by the values of `columns`."""
    where = " AND ".join(f"{_qn(column)} = %s" for column in columns)
    table = _qn(Workflow._meta.db_table)
    return f"SELECT {_names(_HOOK_WORKFLOW_COLUMNS)} FROM {table} WHERE {where}"  # noqa: S608


def active_webhook_workflow(token: str) -> Workflow | None:
    """The active workflow whose webhook URL ends in `token` (its owner and timestamps loaded on
    first use), or None: what a webhook call looks up first, so one statement built once."""
    sql = _workflow_sql(connection.vendor, "webhook_token", "is_active")
    rows, _ = _run(sql, [token, True])
    return _instance(Workflow, _HOOK_WORKFLOW_COLUMNS, rows[0]) if rows else None


def owned_workflow(workflow_id: int, owner_id: int) -> Workflow:
    """The workflow `workflow_id` of `owner_id` (timestamps loaded on first use), as `POST
    /api/workflows/{id}/run` looks it up; Workflow.DoesNotExist (a 404) when there is none."""
    owner = _fields(Workflow, ["owner"])[0].column
    rows, _ = _run(_workflow_sql(connection.vendor, "id", owner), [workflow_id, owner_id])
    if not rows:
        raise Workflow.DoesNotExist(workflow_id)
    return _instance(Workflow, _HOOK_WORKFLOW_COLUMNS, rows[0])


# --- API tokens ------------------------------------------------------------------------------
# Every API call looks its token up first; as a queryset with its user that cost about 0.45 ms
# of a call's CPU (docs/performance.md, "Eighteenth session").


@cache
def _token_columns() -> tuple[tuple[Field, ...], tuple[Field, ...]]:
    from accounts.models import ApiToken

    return _fields(ApiToken), _fields(get_user_model())


@cache
def _token_sql(vendor: str) -> str:
    from accounts.models import ApiToken

    users = get_user_model()._meta
    tokens, people = _qn(ApiToken._meta.db_table), _qn(users.db_table)
    token_columns, user_columns = _token_columns()
    return (
        f"SELECT {_names(token_columns, ApiToken._meta.db_table)}, "  # noqa: S608
        f"{_names(user_columns, users.db_table)} FROM {tokens} INNER JOIN {people} "
        f"ON {people}.{_qn(users.pk.column)} = {tokens}.{_qn(_fields(ApiToken, ['user'])[0].column)} "
        f"WHERE {tokens}.{_qn('token_hash')} = %s"
    )


def api_token(token_hash: str) -> Any:
    """The API token (an `accounts.models.ApiToken`) whose hash is `token_hash`, with its user
    loaded, or None."""
    from accounts.models import ApiToken

    rows, _ = _run(_token_sql(connection.vendor), [token_hash])
    if not rows:
        return None
    token_columns, user_columns = _token_columns()
    split = len(token_columns)
    token = _instance(ApiToken, token_columns, rows[0][:split])
    token.user = _instance(get_user_model(), user_columns, rows[0][split:])
    return token


@cache
def _finish_sql(vendor: str) -> str:
    sets = ", ".join(f"{_qn(c)} = %s" for c in ("status", "finished_at", "error"))
    table = _qn(Execution._meta.db_table)
    return f"UPDATE {table} SET {sets} WHERE {_qn('id')} = %s"  # noqa: S608


def save_outcome(execution: Execution) -> None:
    """Store the execution's `status`, `finished_at` and `error`."""
    _run(
        _finish_sql(connection.vendor),
        [
            execution.status,
            _FINISHED_AT.get_db_prep_save(execution.finished_at, connection),
            execution.error,
            _key(Execution, execution.pk),
        ],
    )


# --- steps -----------------------------------------------------------------------------------


def _claiming() -> str:
    """The UPDATE that claims steps (running, one more attempt, leased), without its WHERE."""
    return (
        f"UPDATE {_qn(Step._meta.db_table)} SET {_qn('status')} = %s, "  # noqa: S608
        f"{_qn('attempt')} = {_qn('attempt')} + 1, "
        f"{_qn('started_at')} = COALESCE({_qn('started_at')}, %s), "
        f"{_qn('lease_expires_at')} = %s, {_qn('lease_owner')} = %s"
    )


@cache
def _claim_sql(vendor: str, returning: bool) -> str:
    sql = f"{_claiming()} WHERE {_qn('id')} = %s AND {_qn('status')} = %s"
    return f"{sql} RETURNING {_names(_STEP_COLUMNS)}" if returning else sql


@cache
def _step_sql(vendor: str) -> str:
    table = _qn(Step._meta.db_table)
    return f"SELECT {_names(_STEP_COLUMNS)} FROM {table} WHERE {_qn('id')} = %s"  # noqa: S608


def claim(step_id: int, owner: str, now: datetime, lease_until: datetime) -> Step | None:
    """Take a pending step: running, one more attempt, leased to `owner`. None when it is not
    pending (a duplicate delivery, or already done)."""
    returning = connection.features.can_return_rows_from_bulk_insert  # SQLite 3.35+ too
    params = [
        S.RUNNING,
        _STEP["started_at"].get_db_prep_save(now, connection),
        _STEP["lease_expires_at"].get_db_prep_save(lease_until, connection),
        owner,
        step_id,
        S.PENDING,
    ]
    rows, claimed = _run(_claim_sql(connection.vendor, returning), params)
    if not claimed:
        return None
    if not returning:
        rows, _ = _run(_step_sql(connection.vendor), [step_id])
    return _instance(Step, _STEP_COLUMNS, rows[0])


def can_adopt() -> bool:
    """Whether steps can be adopted from the backlog (`adopt` needs SKIP LOCKED)."""
    return connection.vendor == "postgresql"


@cache
def _adopt_sql(vendor: str) -> str:
    step, execution = _qn(Step._meta.db_table), _qn(Execution._meta.db_table)
    waiting = (
        f"SELECT s.{_qn('id')} FROM {step} s WHERE s.{_qn('status')} = %s "  # noqa: S608
        f"AND s.{_qn('dispatched_at')} < %s AND EXISTS (SELECT 1 FROM {execution} e "
        f"WHERE e.{_qn('id')} = s.{_qn('execution_id')} AND e.{_qn('status')} = %s) "
        f"ORDER BY s.{_qn('dispatched_at')} LIMIT %s FOR UPDATE OF s SKIP LOCKED"
    )
    return f"{_claiming()} WHERE {_qn('id')} IN ({waiting}) RETURNING {_names(_STEP_COLUMNS)}"


def adopt(
    limit: int, dispatched_before: datetime, owner: str, now: datetime, lease_until: datetime
) -> list[Step]:
    """Claim up to `limit` pending steps of running executions that were dispatched before
    `dispatched_before` and are still waiting for a worker, oldest first. Rows another
    transaction holds are skipped; their own tasks will claim nothing later."""
    params = [
        S.RUNNING,
        _STEP["started_at"].get_db_prep_save(now, connection),
        _STEP["lease_expires_at"].get_db_prep_save(lease_until, connection),
        owner,
        S.PENDING,
        _STEP["dispatched_at"].get_db_prep_save(dispatched_before, connection),
        Execution.Status.RUNNING,
        limit,
    ]
    rows, _ = _run(_adopt_sql(connection.vendor), params)
    return [_instance(Step, _STEP_COLUMNS, row) for row in rows]


@cache
def _update_sql(vendor: str, columns: tuple[str, ...]) -> str:
    sets = ", ".join(f"{_qn(_STEP[c].column)} = %s" for c in columns)
    return (
        f"UPDATE {_qn(Step._meta.db_table)} SET {sets} "  # noqa: S608
        f"WHERE {_qn('id')} = %s AND {_qn('status')} = %s AND {_qn('lease_owner')} = %s"
    )


def store_result(step_id: int, lease_owner: str, values: Mapping[str, object]) -> bool:
    """Write `values` (field name -> value) to a step this worker runs; False when it no longer
    holds the step (its lease was taken over), and then nothing is written."""
    columns = tuple(values)
    params = [_STEP[c].get_db_prep_save(values[c], connection) for c in columns]
    sql = _update_sql(connection.vendor, columns)
    _, updated = _run(sql, [*params, step_id, S.RUNNING, lease_owner])
    return updated > 0


def move(
    step_ids: Sequence[int],
    values: Mapping[str, object],
    were: Sequence[str],
    *,
    expired_before: datetime | None = None,
) -> list[int]:
    """Write `values` (field name -> value) to the steps of `step_ids` that still have one of the
    statuses `were` (and, with `expired_before`, a lease that ended before then); returns the
    ids of the steps it changed. One statement, built per call: these are not hot-path writes."""
    if not step_ids:
        return []
    columns = tuple(values)
    sets = ", ".join(f"{_qn(_STEP[c].column)} = %s" for c in columns)
    params = [_STEP[c].get_db_prep_save(values[c], connection) for c in columns]
    conditions = f"{_qn('status')} IN ({', '.join(['%s'] * len(were))})"
    checked: list[Any] = list(were)
    if expired_before is not None:
        conditions += f" AND {_qn('lease_expires_at')} < %s"
        checked.append(_STEP["lease_expires_at"].get_db_prep_save(expired_before, connection))
    update = f"UPDATE {_qn(Step._meta.db_table)} SET {sets} WHERE "  # noqa: S608
    if connection.features.can_return_rows_from_bulk_insert:  # RETURNING: SQLite 3.35+ too
        wanted = ", ".join(["%s"] * len(step_ids))
        sql = f"{update}{_qn('id')} IN ({wanted}) AND {conditions} RETURNING {_qn('id')}"
        rows, _ = _run(sql, [*params, *step_ids, *checked])
        return [row[0] for row in rows]
    sql = f"{update}{_qn('id')} = %s AND {conditions}"
    return [i for i in step_ids if _run(sql, [*params, i, *checked])[1]]


@cache
def _insert_sql(vendor: str, model: type[Model], rows: int, returning: bool) -> str:
    fields = _inserted(model)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = ", ".join([row] * rows)
    sql = f"INSERT INTO {_qn(model._meta.db_table)} ({_names(fields)}) VALUES {values}"  # noqa: S608
    return f"{sql} RETURNING {_qn(model._meta.pk.column)}" if returning else sql


@cache
def _inserted(model: type[Model]) -> tuple[Field, ...]:
    """The columns an insert writes: all, but an auto-incremented id (the database's)."""
    return tuple(f for f in _fields(model) if not (f.primary_key and f.db_returning))


def insert(objects: Sequence[Model]) -> None:
    """Insert new rows of one model in one statement and set their ids, like `bulk_create`
    (which compiles its SQL every time)."""
    model = type(objects[0])
    fields = _inserted(model)
    numbered = model._meta.pk not in fields  # the database numbers them
    if numbered and not connection.features.can_return_rows_from_bulk_insert:  # SQLite < 3.35
        sql = _insert_sql(connection.vendor, model, 1, False)
        with connection.cursor() as cursor:
            for obj in objects:
                cursor.execute(
                    sql, [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )
                obj.pk = connection.ops.last_insert_id(cursor, model._meta.db_table, "id")
                obj._state.adding, obj._state.db = False, connection.alias
        return
    params = [f.get_db_prep_save(f.pre_save(o, True), connection) for o in objects for f in fields]
    rows, _ = _run(_insert_sql(connection.vendor, model, len(objects), numbered), params)
    for i, obj in enumerate(objects):
        if numbered:
            obj.pk = rows[i][0]
        obj._state.adding, obj._state.db = False, connection.alias


_STATE_COLUMNS = tuple(
    _STEP[n]
    for n in (
        "key",
        "node_id",
        "status",
        "handles",
        "error_handled",
        "items_total",
        "items_started",
        "wake_at",
    )
)


@cache
def _states_sql(vendor: str) -> str:
    table = _qn(Step._meta.db_table)
    return f"SELECT {_names(_STATE_COLUMNS)} FROM {table} WHERE {_qn('execution_id')} = %s"  # noqa: S608


def step_states(execution_id: Any) -> dict[str, StepState]:
    """Every step of the execution, by key, as `statemachine.decide` reads it."""
    rows, _ = _run(_states_sql(connection.vendor), [_key(Execution, execution_id)])
    states = {}
    for row in rows:
        key, node_id, status, handles, error_handled, total, started, wake_at = _python(
            _STATE_COLUMNS, row
        )
        timer = status == S.WAITING and wake_at is not None
        states[key] = StepState(
            key, node_id, status, tuple(handles or ()), error_handled, total, started, timer
        )
    return states


_RESULT_COLUMNS = tuple(
    _STEP[n] for n in ("key", "node_id", "status", "output", "error_handled", "handles")
)


@cache
def _results_sql(vendor: str, keys: int) -> str:
    table = _qn(Step._meta.db_table)
    wanted = ", ".join(["%s"] * keys)
    return (
        f"SELECT {_names(_RESULT_COLUMNS)} FROM {table} "  # noqa: S608
        f"WHERE {_qn('execution_id')} = %s AND {_qn('key')} IN ({wanted})"
    )


def step_results(execution_id: Any, keys: list[str]) -> list[list[Any]]:
    """The steps of these keys as [key, node_id, status, output, error_handled, handles]."""
    rows, _ = _run(
        _results_sql(connection.vendor, len(keys)), [_key(Execution, execution_id), *keys]
    )
    return [_python(_RESULT_COLUMNS, row) for row in rows]


# --- fused checkpoints (PostgreSQL) ----------------------------------------------------------
#
# A chain's checkpoint as one statement sent in autocommit: the execution row locked (only if
# still running), the step stored (only if still held under this worker's lease) and what
# follows written (only if the step was), with no BEGIN and no COMMIT round trips. Each part
# is a data-modifying CTE guarded by the one before it, so the statement writes all of it or
# nothing (engine/fastpath.py says when it is used).


def can_fuse() -> bool:
    """Whether a checkpoint can be one statement (data-modifying CTEs, `FOR UPDATE` in them)."""
    return connection.vendor == "postgresql"


def _locked_running(last: bool) -> str:
    """The CTE `run`: the execution's id if it is running, its row locked for the statement.
    With `last`, only if none of its other steps is unfinished or failed unhandled."""
    execution, step = _qn(Execution._meta.db_table), _qn(Step._meta.db_table)
    pk, status = _qn("id"), _qn("status")
    others = ""
    if last:
        finished = ", ".join(["%s"] * len(FINISHED))
        others = (
            f" AND NOT EXISTS (SELECT 1 FROM {step} o WHERE o.{_qn('execution_id')} = %s "  # noqa: S608
            f"AND o.{pk} <> %s AND (o.{status} NOT IN ({finished}) "
            f"OR (o.{status} = %s AND NOT o.{_qn('error_handled')})))"
        )
    return (
        f"run AS MATERIALIZED (SELECT {pk} FROM {execution} "  # noqa: S608
        f"WHERE {pk} = %s AND {status} = %s{others} FOR UPDATE)"
    )


def _locked_params(execution_id: Any, step_id: int, last: bool) -> list[Any]:
    key = _key(Execution, execution_id)
    params: list[Any] = [key, Execution.Status.RUNNING]
    if last:
        params += [key, step_id, *sorted(FINISHED), S.FAILED]
    return params


def _held(columns: tuple[str, ...]) -> str:
    """The CTE `held`: the step's result stored, as `store_result` does, once `run` holds."""
    sets = ", ".join(f"{_qn(_STEP[c].column)} = %s" for c in columns)
    return (
        f"held AS (UPDATE {_qn(Step._meta.db_table)} SET {sets} "  # noqa: S608
        f"WHERE {_qn('id')} = %s AND {_qn('status')} = %s AND {_qn('lease_owner')} = %s "
        f"AND EXISTS (SELECT 1 FROM run) RETURNING {_qn('id')})"
    )


def _held_params(step_id: int, owner: str, values: Mapping[str, object]) -> list[Any]:
    db = connections[DEFAULT_DB_ALIAS]
    params = [_STEP[c].get_db_prep_save(values[c], db) for c in values]
    return [*params, step_id, S.RUNNING, owner]


@cache
def _hand_over_sql(vendor: str, columns: tuple[str, ...], relaxed: bool) -> str:
    fields = _inserted(Step)
    # Typed, as `INSERT … VALUES` would type them from the columns: here the row comes from a
    # SELECT (so that a WHERE can guard it).
    row = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)
    successor = (
        f"next AS (INSERT INTO {_qn(Step._meta.db_table)} ({_names(fields)}) "  # noqa: S608
        f"SELECT {row} WHERE EXISTS (SELECT 1 FROM held) RETURNING {_qn('id')})"
    )
    return (
        f"WITH {_locked_running(False)}, {_held(columns)}, {successor} "  # noqa: S608
        "SELECT (SELECT id FROM held), (SELECT id FROM next)"
        # For this statement's own transaction only (SET LOCAL): read when it commits.
        + (", set_config('synchronous_commit', 'off', true)" if relaxed else "")
    )


def hand_over(
    execution_id: Any,
    step_id: int,
    owner: str,
    values: Mapping[str, object],
    successor: Step,
    *,
    relaxed: bool = False,
) -> bool:
    """In one statement, if the execution is running and `owner` still holds the step: store
    `values` (field name -> value) to the step and insert `successor`, setting its id. False
    when nothing was written (the execution is not running, is gone, or the step was taken
    over). With `relaxed`, its commit does not wait for the write-ahead log to reach the disk
    (`synchronous_commit` off for that transaction: `gate.Checkpoint` says when)."""
    fields, db = _inserted(Step), connections[DEFAULT_DB_ALIAS]
    row = [f.get_db_prep_save(f.pre_save(successor, True), db) for f in fields]
    params = [
        *_locked_params(execution_id, step_id, False),
        *_held_params(step_id, owner, values),
        *row,
    ]
    rows, _ = _run(_hand_over_sql(db.vendor, tuple(values), relaxed), params)
    stored, inserted = rows[0][:2]
    if stored is None:
        return False
    successor.pk = inserted
    successor._state.adding, successor._state.db = False, db.alias
    return True


@cache
def _finish_run_sql(vendor: str, columns: tuple[str, ...]) -> str:
    execution = _qn(Execution._meta.db_table)
    sets = ", ".join(f"{_qn(c)} = %s" for c in ("status", "finished_at", "error"))
    ended = (
        f"ended AS (UPDATE {execution} SET {sets} "  # noqa: S608
        f"WHERE {_qn('id')} IN (SELECT {_qn('id')} FROM run) "
        f"AND EXISTS (SELECT 1 FROM held) RETURNING {_qn('id')})"
    )
    return (
        f"WITH {_locked_running(True)}, {_held(columns)}, {ended} "  # noqa: S608
        "SELECT (SELECT id FROM held), (SELECT id FROM ended)"
    )


def finish_run(
    execution: Execution, step_id: int, owner: str, values: Mapping[str, object]
) -> bool:
    """In one statement, if the execution is running, its other steps have all finished (none
    failed unhandled) and `owner` still holds the step: store `values` to the step, and the
    execution's `status`, `finished_at` and `error` as set on `execution`. False when nothing
    was written."""
    params = [
        *_locked_params(execution.pk, step_id, True),
        *_held_params(step_id, owner, values),
        execution.status,
        _FINISHED_AT.get_db_prep_save(execution.finished_at, connection),
        execution.error,
    ]
    rows, _ = _run(_finish_run_sql(connection.vendor, tuple(values)), params)
    stored, ended = rows[0]
    assert (stored is None) == (ended is None)  # `ended` follows `held`, which follows `run`
    return stored is not None


def insert_run(execution: Execution, steps: Sequence[Step], *, relaxed: bool = False) -> None:
    """Insert a new execution and its first steps, setting the steps' ids: one statement on
    PostgreSQL (a data-modifying CTE inserts the execution; its foreign keys are checked at
    commit), two elsewhere. With `relaxed` (PostgreSQL), its commit does not wait for the
    write-ahead log to reach the disk (`gate.Create` says when)."""
    if not can_fuse():
        insert([execution])
        insert(steps)
        return
    run_fields, step_fields = _inserted(Execution), _inserted(Step)
    db = connections[DEFAULT_DB_ALIAS]
    params = [f.get_db_prep_save(f.pre_save(execution, True), db) for f in run_fields]
    params += [f.get_db_prep_save(f.pre_save(s, True), db) for s in steps for f in step_fields]
    sql = f"WITH run AS ({_insert_sql(db.vendor, Execution, 1, False)}) "
    if relaxed:  # for this statement's own transaction only (SET LOCAL): read when it commits
        sql += ", relaxed AS (SELECT set_config('synchronous_commit', 'off', true) AS off) "
    sql += _insert_sql(db.vendor, Step, len(steps), True)
    if relaxed:
        sql += ", (SELECT off FROM relaxed)"
    rows, _ = _run(sql, params)
    execution._state.adding, execution._state.db = False, db.alias
    for step, (pk, *_) in zip(steps, rows, strict=True):
        step.pk = pk
        step._state.adding, step._state.db = False, db.alias
