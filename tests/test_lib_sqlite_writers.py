"""workfuse/lib/sqlite: embedded mode's SQLite backend queues this process's write transactions
on a lock per database file, so a waiting writer starts when the one before it is done instead of
sleeping in SQLite's busy handler."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.embedded import ROOT, embedded_env
from workfuse.lib.sqlite.base import DatabaseWrapper, writer_lock


def wrapper(name: str, alias: str) -> DatabaseWrapper:
    return DatabaseWrapper(
        {
            "ENGINE": "workfuse.lib.sqlite",
            "NAME": name,
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias,
    )


@pytest.fixture
def database(tmp_path: Path, django_db_blocker: Any) -> Iterator[str]:
    name = str(tmp_path / "writers.sqlite3")
    with django_db_blocker.unblock():
        setup = wrapper(name, "setup")
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE log (who TEXT)")
        setup.close()
        yield name


def test_embedded_mode_uses_the_queued_backend(tmp_path: Path) -> None:
    """What `make run` configures (no DATABASE_URL): this backend on a file in the data dir."""
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        env={**embedded_env(tmp_path), "DJANGO_SETTINGS_MODULE": "workfuse.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "workfuse.lib.sqlite"


def begin(conn: DatabaseWrapper) -> None:
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def test_a_writer_queues_on_the_process_lock_not_on_sqlites_busy_wait(database: str) -> None:
    """The lock alone holds a second writer back (SQLite's file is not locked meanwhile), and
    it begins as soon as the lock is given back."""
    lock, began, order = writer_lock(database), threading.Event(), []
    lock.acquire()

    def writer() -> None:
        conn = wrapper(database, "queued")
        begin(conn)
        began.set()
        with conn.cursor() as cursor:
            cursor.execute("INSERT INTO log VALUES ('queued')")
        conn.commit()
        conn.set_autocommit(True)
        conn.close()
        order.append("committed")

    thread = threading.Thread(target=writer)
    thread.start()
    assert not began.wait(0.3)
    lock.release()
    thread.join(5)
    assert began.is_set() and order == ["committed"]


def test_two_writers_take_turns(database: str) -> None:
    first, order = wrapper(database, "first"), list[str]()
    begin(first)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO log VALUES ('first')")
    assert writer_lock(database)._is_owned()  # type: ignore[attr-defined]

    def second_writer() -> None:
        second = wrapper(database, "second")
        begin(second)
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO log VALUES ('second')")
            cursor.execute("SELECT who FROM log ORDER BY rowid")
            order.extend(row[0] for row in cursor.fetchall())
        second.commit()
        second.set_autocommit(True)
        second.close()

    thread = threading.Thread(target=second_writer)
    thread.start()
    first.commit()
    first.set_autocommit(True)
    assert not writer_lock(database)._is_owned()  # type: ignore[attr-defined]
    thread.join(5)
    assert order == ["first", "second"]
    first.close()


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_a_rolled_back_or_closed_writer_gives_the_lock_back(database: str, end: str) -> None:
    conn = wrapper(database, "writer")
    begin(conn)
    with conn.cursor() as cursor:
        cursor.execute("INSERT INTO log VALUES ('x')")
    if end == "rollback":
        conn.rollback()
        conn.set_autocommit(True)
    conn.close()
    taken: list[bool] = []
    thread = threading.Thread(target=lambda: taken.append(writer_lock(database).acquire(False)))
    thread.start()
    thread.join(5)
    assert taken == [True]


def test_in_memory_databases_take_no_lock(django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        conn = wrapper(":memory:", "memory")
        begin(conn)
        assert conn._holding is None
        conn.rollback()
        conn.close()
