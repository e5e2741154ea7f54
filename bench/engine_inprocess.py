"""The engine's CPU per step in one process: no broker, no other worker, no scheduling noise.

    .venv/bin/python bench/engine_inprocess.py [--executions 300] [--profile]

Runs N executions of the same 10-step no-op workflow as `bench/engine.py` with Celery tasks
executed eagerly in this process (`task_always_eager`): `start_execution` commits, its first
step's task runs here at once, and each step hands over to the next as it does on a worker.
Against a throwaway PostgreSQL database and a private Redis database (live events are published
to it as in queue mode). Prints the process's CPU time per step, wall time per step and runs/s;
`--profile` adds the functions with the most cumulative time (cProfile).

This is the figure to compare code changes by: it leaves out the other processes of the
machine, which move `bench/engine.py`'s results a lot on a shared 2-core machine. It is not a
throughput figure: one process, one run at a time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine import STEPS, ten_step_graph
from bench.stack import run, service_args, throwaway


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executions", type=int, default=300, help="runs measured")
    parser.add_argument("--warmup", type=int, default=20, help="runs before measuring")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    service_args(parser, database="workfuse_inprocess", redis_db=12)
    args = parser.parse_args()
    with throwaway(args, "inprocess") as bench:
        from editor.models import Workflow
        from executions.engine import start_execution
        from executions.models import Execution
        from workfuse.celery import app

        app.conf.task_always_eager = True
        workflow = Workflow.create(bench.owner, "in-process bench", graph=ten_step_graph())
        for i in range(args.warmup):
            start_execution(workflow, {"warmup": i})
        profile = cProfile.Profile() if args.profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profile:
            profile.enable()
        for i in range(args.executions):
            start_execution(workflow, {"n": i})
        if profile:
            profile.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        done = Execution.objects.filter(workflow=workflow, status="succeeded").count()
        if done != args.warmup + args.executions:
            print(f"only {done} executions succeeded", file=sys.stderr)
            return 1
        steps = args.executions * STEPS
        print(
            f"{args.executions} executions x {STEPS} steps in one process: "
            f"CPU {cpu / steps * 1000:.2f} ms/step, wall {wall / steps * 1000:.2f} ms/step, "
            f"{args.executions / wall:.1f} runs/s"
        )
        if profile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    run(main)
