"""Where the CPU of a synchronous webhook goes, by process kind, in queue mode.

    .venv/bin/python bench/webhook_cpu.py [--n 1600] [--c 16]

Starts queue mode as bench/webhooks_vs_n8n.py does (the Procfile's processes, a throwaway
PostgreSQL database, a private Redis database), drives the same workflow with the same `hey`
command, and reads every process's CPU time (/proc/<pid>/stat, user + system) before and after.
Prints the CPU milliseconds per request of each kind of process (web, worker, code sandbox,
PostgreSQL, Redis, hey) and the requests/s: at c=16 both cores are busy, so the requests/s
is about 2000 ms / (the total per request), and this says which part to make cheaper.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import webhooks_vs_n8n as sbs

TICK = os.sysconf("SC_CLK_TCK")


def kind(cmdline: str) -> str | None:
    for needle, name in (
        ("uvicorn", "web (uvicorn)"),
        ("celery", "worker/beat (celery)"),
        ("code_runner", "code sandbox"),
        ("postgres", "PostgreSQL"),
        ("redis-server", "Redis"),
        ("hey", "hey (the load)"),
    ):
        if needle in cmdline:
            return name
    return None


def cpu_by_kind() -> Counter[str]:
    """CPU ms of every process by kind; a process that says nothing of itself (uvicorn's and
    Celery's forked or spawned children) is of its parent's kind."""
    found: dict[int, tuple[str | None, int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        cpu = (int(fields[11]) + int(fields[12])) * 1000 / TICK  # utime + stime, ms
        found[int(entry)] = (kind(cmdline), int(fields[1]), cpu)
    totals: Counter[str] = Counter()
    for pid, (name, parent, cpu) in found.items():
        seen = {pid}
        while name is None and parent in found and parent not in seen:
            seen.add(parent)
            name, parent, _ = found[parent]
        if name is not None:
            totals[name] += cpu
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1600)
    parser.add_argument("--c", type=int, default=16)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=12)
    args = parser.parse_args()
    with sbs.queue_mode(args) as url:
        sbs.wait_answering(url)
        sbs.hey(url, 200, 4)  # warm-up
        before, started = cpu_by_kind(), time.monotonic()
        result = sbs.hey(url, args.n, args.c)
        after, wall = cpu_by_kind(), time.monotonic() - started
    spent = after - before
    print(f"{result}  wall {wall:.1f} s")
    total = 0.0
    for name, ms in spent.most_common():
        total += ms
        print(f"{name:22s} {ms / result['n']:6.2f} ms CPU per request")
    print(f"{'total':22s} {total / result['n']:6.2f} ms CPU per request")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
