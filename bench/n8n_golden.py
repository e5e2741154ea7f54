"""Regenerate the golden n8n workflows' pinData by running them in real n8n.

    .venv/bin/python bench/n8n_golden.py [tests/n8n_golden/*.json] [--n8n PATH] [--home DIR]

Each file (written by us: a Manual trigger, a Code node making a few items, the node under
test) is imported into n8n (`n8n import:workflow`) without its pinData, run with
`n8n execute --id <id> --rawOutput`, and every node's output is written back as the file's
`pinData`: `{node name: [{"json": ...}, ...]}`, each output's items in output order (an IF's
true items, then its false ones; outputs after the first only when connected), each output's
items across the node's runs in run order.
n8n runs with `GENERIC_TIMEZONE=UTC` (dates formatted in UTC, as the tests run WorkFuse) and
without telemetry. tests/test_n8n_golden.py compares the imported workflows' runs with it.

Needs n8n (tested with 1.123) installed, e.g. `npm install n8n@1.123` in /tmp/n8n-bench.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "n8n_golden"
N8N = "/tmp/n8n-bench/node_modules/.bin/n8n"


def pin_data(
    run_data: dict[str, Any], connections: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """n8n's run data as pinData: per node, output by output (the first, and those connected
    to a node: a Filter's unconnected "discarded" output is left out), run by run, the items'
    json."""
    pinned: dict[str, list[dict[str, Any]]] = {}
    for name, runs in run_data.items():
        outputs = [(run.get("data") or {}).get("main") or [] for run in runs]
        width = max((len(o) for o in outputs), default=0)
        linked = (connections.get(name) or {}).get("main") or []
        items = []
        for index in range(width):
            if index and not (index < len(linked) and linked[index]):
                continue
            for output in outputs:
                for item in (output[index] if index < len(output) else None) or []:
                    items.append({"json": item.get("json", {})})
        pinned[name] = items
    return pinned


def run_in_n8n(workflow: dict[str, Any], n8n: str, home: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "N8N_USER_FOLDER": home,
        "GENERIC_TIMEZONE": "UTC",
        "TZ": "UTC",
        "N8N_DIAGNOSTICS_ENABLED": "false",
        "N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS": "false",
        "N8N_RUNNERS_ENABLED": "false",
    }
    bare = {**workflow, "pinData": {}}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(bare, f)
    try:
        subprocess.run(
            [n8n, "import:workflow", f"--input={f.name}"],
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    finally:
        os.unlink(f.name)
    done = subprocess.run(
        [n8n, "execute", f"--id={workflow['id']}", "--rawOutput"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    start = done.stdout.find("{")
    if start < 0:
        raise RuntimeError(f"n8n gave no run data for {workflow['name']}: {done.stderr[-2000:]}")
    result, _ = json.JSONDecoder().raw_decode(done.stdout[start:])
    return dict(result["data"]["resultData"]["runData"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--n8n", default=N8N, help="the n8n executable")
    parser.add_argument("--home", default="/tmp/n8n-home-items", help="N8N_USER_FOLDER")
    args = parser.parse_args()
    files = args.files or sorted(GOLDEN.glob("*.json"))
    for path in files:
        workflow = json.loads(path.read_text())
        runs = run_in_n8n(workflow, args.n8n, args.home)
        workflow["pinData"] = pin_data(runs, workflow.get("connections") or {})
        path.write_text(json.dumps(workflow, indent=2, ensure_ascii=False) + "\n")
        counts = {name: len(items) for name, items in workflow["pinData"].items()}
        print(f"{path.name}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
