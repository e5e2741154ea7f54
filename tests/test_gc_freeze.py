"""A server process keeps what it loaded out of garbage collections (workfuse/lib/gc_freeze.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import gc, json, time
import workfuse.asgi
started = time.perf_counter()
gc.collect()
print(json.dumps({"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                  "collect_ms": (time.perf_counter() - started) * 1000}))
"""


def test_the_asgi_process_freezes_what_it_loaded_and_a_full_collection_is_then_short():
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "workfuse.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["frozen"] > 100_000  # Django, the node types, the integrations
    assert seen["tracked"] < seen["frozen"] / 10  # what a collection still walks
