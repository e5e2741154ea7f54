"""What the data nodes of batch 2 part b cost per step on a 1,000-item list.

    .venv/bin/python bench/data_nodes_b.py [--items 1000] [--runs 30]

Calls each node's `run()` as the engine does (the config validated first) `--runs` times and
prints the median and p95 in milliseconds. Lists are 1,000 objects of four fields (a fifth
repeat); text inputs are those lists as JSON, CSV, XML and an HTML table. Dedupe with scope
workflow runs against a throwaway test database (SQLite, or PostgreSQL with DATABASE_URL):
"new" inserts 1,000 keys never seen, "seen" finds all of them already kept by another run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workfuse.settings")


def timed(fn: Callable[[int], Any], runs: int) -> tuple[float, float]:
    """Median and p95 milliseconds of fn(run number), after one warm-up call."""
    fn(-1)
    times = []
    for n in range(runs):
        started = time.perf_counter()
        fn(n)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1000, help="list length")
    parser.add_argument("--runs", type=int, default=30, help="calls measured per line")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import setup_test_environment

    from editor.models import Workflow
    from editor.nodes import (
        utility_aggregate,
        utility_crypto,
        utility_datetime,
        utility_dedupe,
        utility_parse,
    )
    from editor.nodes.base import RunContext, Secret

    items = [
        {
            "id": i % (args.items * 4 // 5),
            "email": f"u{i}@example.com",
            "country": f"C{i % 7}",
            "total": i * 1.5,
        }
        for i in range(args.items)
    ]
    as_json = json.dumps(items)
    as_csv = utility_parse.build_csv(items, ",", True)
    as_xml = utility_parse.build_xml({"orders": {"order": items}})
    as_html = utility_parse.build_html(items)

    def node(module: Any, config: dict[str, Any], **context: Any) -> Callable[[int], Any]:
        def call(n: int) -> Any:
            ctx = RunContext(execution_id=f"bench{n}", node_id="n", step_key="n", **context)
            return module.run(module.Config.model_validate(config), ctx)

        return call

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        owner = get_user_model().objects.create_user("bench", "bench@example.com", "x")
        workflow = Workflow.create(owner, "bench")

        def fresh_items(n: int) -> Any:
            fresh = [{**item, "run": n} for item in items]
            return node(
                utility_dedupe, {"items": fresh, "scope": "workflow"}, workflow_id=workflow.pk
            )(n)

        lines = [
            ("utility.dedupe whole items, scope input", node(utility_dedupe, {"items": items})),
            (
                "utility.dedupe by 1 field, scope input",
                node(utility_dedupe, {"items": items, "fields": ["id"]}),
            ),
            ("utility.dedupe scope workflow, all new", fresh_items),
            (
                "utility.dedupe scope workflow, all seen",
                node(
                    utility_dedupe,
                    {"items": items, "fields": ["email"], "scope": "workflow"},
                    workflow_id=workflow.pk,
                ),
            ),
            (
                "utility.aggregate 4 operations, no groups",
                node(
                    utility_aggregate,
                    {
                        "items": items,
                        "operations": [
                            {"op": "count"},
                            {"field": "total", "op": "sum"},
                            {"field": "total", "op": "avg"},
                            {"field": "email", "op": "list"},
                        ],
                    },
                ),
            ),
            (
                "utility.aggregate 2 operations by country",
                node(
                    utility_aggregate,
                    {
                        "items": items,
                        "group_by": ["country"],
                        "operations": [{"op": "count"}, {"field": "total", "op": "sum"}],
                    },
                ),
            ),
            (
                "utility.datetime add 1 month, Europe/Berlin",
                node(
                    utility_datetime,
                    {
                        "operation": "add",
                        "value": "2026-03-28T12:00:00",
                        "timezone": "Europe/Berlin",
                        "amount": 1,
                        "unit": "months",
                        "format": "dd.MM.yyyy HH:mm",
                    },
                ),
            ),
            ("utility.crypto sha256 of the list", node(utility_crypto, {"value": items})),
            (
                "utility.crypto hmac sha256 of the list",
                node(
                    utility_crypto,
                    {"operation": "hmac", "value": items, "credential": 1},
                    secret=Secret("webhook_secret", "bench-key"),
                ),
            ),
            ("utility.parse json parse", node(utility_parse, {"value": as_json})),
            (
                "utility.parse json build",
                node(utility_parse, {"direction": "build", "value": items}),
            ),
            ("utility.parse csv parse", node(utility_parse, {"format": "csv", "value": as_csv})),
            (
                "utility.parse csv build",
                node(utility_parse, {"format": "csv", "direction": "build", "value": items}),
            ),
            ("utility.parse xml parse", node(utility_parse, {"format": "xml", "value": as_xml})),
            (
                "utility.parse html parse, 2 selectors",
                node(
                    utility_parse,
                    {
                        "format": "html",
                        "value": as_html,
                        "selectors": [
                            {"name": "head", "css": "th", "multiple": True},
                            {"name": "cells", "css": "td:nth-child(2)", "multiple": True},
                        ],
                    },
                ),
            ),
        ]
        print(f"{args.items} items, {args.runs} runs per line, database {connection.vendor}")
        print(f"{'node':48} {'median ms':>10} {'p95 ms':>8}")
        for label, fn in lines:
            median, p95 = timed(fn, args.runs)
            print(f"{label:48} {median:10.2f} {p95:8.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
