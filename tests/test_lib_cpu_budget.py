"""workfuse/lib/cpu_budget.py: a thread's pure-Python work stops when its CPU budget is spent."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest

from workfuse.lib.cpu_budget import BudgetExceeded, cpu_budget


def spin() -> None:
    n = 0
    while True:
        n += 1


def test_a_busy_loop_is_stopped_at_the_budget():
    started = time.thread_time()  # the budget's clock: this thread's CPU time
    with pytest.raises(BudgetExceeded), cpu_budget(0.2):
        spin()
    # The watchdog polls every 20 ms, and on a busy machine it may itself wait for a core.
    assert 0.15 < time.thread_time() - started < 0.6


def test_waiting_costs_no_budget():
    with cpu_budget(0.1):
        time.sleep(0.3)  # sleeping uses no CPU time: not stopped


def test_work_within_the_budget_is_untouched_and_nothing_fires_later():
    with cpu_budget(0.5):
        total = sum(range(10_000))
    time.sleep(0.6)  # a stale raise would land here
    assert total == 49_995_000


def test_exception_handlers_in_the_block_do_not_swallow_it():
    with pytest.raises(BudgetExceeded), cpu_budget(0.1):
        while True:
            with contextlib.suppress(Exception):  # what a library on the way might do
                spin()


def test_budgets_of_threads_are_separate():
    results: dict[str, str] = {}

    def busy() -> None:
        try:
            with cpu_budget(0.1):
                spin()
        except BudgetExceeded:
            results["busy"] = "stopped"

    def light() -> None:
        with cpu_budget(5):
            time.sleep(0.3)
        results["light"] = "finished"

    threads = [threading.Thread(target=busy), threading.Thread(target=light)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert results == {"busy": "stopped", "light": "finished"}


def test_nested_budgets_share_the_outer_one():
    with pytest.raises(BudgetExceeded), cpu_budget(0.1), cpu_budget(10):
        spin()


def test_a_thread_left_marked_inside_a_budget_still_gets_its_budgets():
    """A budget's end cut short by the watchdog's raise once left `_depth` at 1 with nothing
    watching: every later budget of that thread counted as nested and loops ran unbounded
    (a template loop of 10 billion steps ran to its end in CI)."""
    from workfuse.lib import cpu_budget as module

    module._depth.value = 1  # as such a cut-short end left it
    try:
        started = time.thread_time()
        with pytest.raises(BudgetExceeded), cpu_budget(0.05):
            spin()
        assert time.thread_time() - started < 1
    finally:
        module._depth.value = 0


def test_the_watchdog_drops_the_budget_of_a_thread_that_is_gone_and_keeps_watching():
    from workfuse.lib.cpu_budget import _WATCHDOG

    def leave_inside() -> None:
        _WATCHDOG.start(60)  # never stopped: the thread ends inside it

    thread = threading.Thread(target=leave_inside)
    thread.start()
    thread.join()
    time.sleep(0.1)  # a poll or more: reading the gone thread's clock must not kill the watchdog
    with pytest.raises(BudgetExceeded), cpu_budget(0.05):
        spin()
    assert not _WATCHDOG.watching(thread.ident or 0)
