"""What the data nodes (utility.filter, sort, limit, set) cost on a list of 1,000 items.

    env -u DATABASE_URL -u REDIS_URL .venv/bin/python bench/data_nodes.py [--items 1000] [--runs 30]

Two figures per configuration, medians in milliseconds:

* `run()`: the node's own work, called directly with the list as its input (what per-item
  templates cost shows here: the filter renders its rules for every item);
* engine step: the extra wall time of an execution `trigger.manual → node` over one of the
  trigger alone with the same payload, in one process with Celery tasks run eagerly and a
  throwaway SQLite database: claiming, gathering the input, rendering the config, the node, the
  output check and the checkpoint of its output.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workfuse.settings")

STATUSES = ["paid", "open", "shipped", "refunded"]
RULES = [
    {"left": "{{ item.total }}", "operator": "gte", "right": 100},
    {
        "combinator": "or",
        "rules": [
            {"left": "{{ item.status }}", "right": "paid"},
            {"left": "{{ item.status }}", "right": "shipped"},
        ],
    },
]
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "filter, 3 per-item rules (one group)": ("utility.filter", {"rules": RULES}),
    "filter, no rules": ("utility.filter", {}),
    "sort by a path, desc": ("utility.sort", {"by": [{"field": "total", "order": "desc"}]}),
    "sort by two paths": (
        "utility.sort",
        {"by": [{"field": "status"}, {"field": "customer.name", "order": "desc"}]},
    ),
    "sort by a per-item template": (
        "utility.sort",
        {"by": [{"field": "{{ item.customer.name | lower }}"}]},
    ),
    "limit 10": ("utility.limit", {"max": 10}),
    "set 3 fields, keep all": (
        "utility.set",
        {
            "fields": [
                {"name": "count", "value": "{{ trigger.orders | length }}"},
                {"name": "first.id", "value": "{{ trigger.orders[0].id }}", "type": "string"},
                {"name": "checked", "value": "yes", "type": "boolean"},
            ]
        },
    ),
}


def orders(count: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    return [
        {
            "id": i,
            "total": rng.randint(1, 1000),
            "status": rng.choice(STATUSES),
            "customer": {"name": rng.choice(["Ada", "bob", "Cy", "di"]), "email": f"c{i}@x.io"},
        }
        for i in range(count)
    ]


def median_ms(call: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run_times(items: list[Any], runs: int) -> dict[str, float]:
    from editor.nodes import NODE_TYPES
    from editor.nodes.base import RunContext

    payload = {"orders": items}
    found = {}
    for name, (node_type, config) in CASES.items():
        node = NODE_TYPES[node_type]
        assert node.run is not None
        parsed = node.Config.model_validate(config)
        source = payload if node_type == "utility.set" else items
        ctx = RunContext("e", "n", "n", input=source, variables={"trigger": payload, "nodes": {}})
        if node_type == "utility.set":  # the engine renders its templates before run()
            from editor.templating import render_value

            parsed = node.Config.model_validate(render_value(config, ctx.variables))
        found[name] = median_ms(
            lambda node=node, parsed=parsed, ctx=ctx: node.run(parsed, ctx), runs
        )
    return found


def step_times(owner: Any, items: list[Any], runs: int) -> dict[str, float]:
    from editor.models import Workflow
    from executions.engine import start_execution

    payload = {"orders": items}
    trigger = {"id": "start", "type": "trigger.manual", "config": {}}

    def workflow(*nodes: dict[str, Any]) -> Workflow:
        edges = [{"source": "start", "target": n["id"]} for n in nodes]
        return Workflow.create(owner, "bench", graph={"nodes": [trigger, *nodes], "edges": edges})

    def execute(flow: Workflow) -> None:
        execution = start_execution(flow, payload)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error

    alone = workflow()
    for _ in range(3):
        execute(alone)
    baseline = median_ms(lambda: execute(alone), runs)
    found = {"(trigger alone, subtracted)": baseline}
    for name, (node_type, config) in CASES.items():
        flow = workflow({"id": "node", "type": node_type, "config": config})
        execute(flow)
        found[name] = median_ms(lambda flow=flow: execute(flow), runs) - baseline
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1000, help="length of the list")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per figure")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import setup_test_environment

    from workfuse.celery import app

    items = orders(args.items)
    run_ms = run_times(items, args.runs)
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    app.conf.task_always_eager = True
    try:
        owner = get_user_model().objects.create_user("bench", "bench@example.com", "x")
        step_ms = step_times(owner, items, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"{args.items} items, {args.runs} runs each, median ms")
    print(f"{'configuration':40} {'run()':>8} {'engine step':>12}")
    for name, ms in step_ms.items():
        shown = f"{run_ms[name]:8.3f}" if name in run_ms else f"{'':8}"
        print(f"{name:40} {shown} {ms:12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
