"""Canvas editor speed with a 200-node, 250-edge workflow, in Debian's chromium (Playwright).

    .venv/bin/python bench/editor.py [--nodes 200] [--edges 250] [--runs 5] [--moves 150]

What it sets up: a temporary data directory holding a fresh SQLite database (migrated) and the
local vault, a user and one workflow made with `Workflow.create` whose graph is a valid DAG
(checked with `validate_graph`): a manual trigger, then HTTP, transform and condition nodes on
a grid, each joined to an earlier node (a spanning tree) plus extra forward edges up to
`--edges`. Django's own live-server thread serves the app on a free port; chromium opens the
workflow page signed in through a session cookie. The page's WebSocket is replaced by one that
never connects (the live server speaks no WebSocket, and reconnect attempts would add noise).
Everything is removed on exit, errors and Ctrl-C included; no service is needed.

What it measures (all in the page, `performance.now()` milliseconds from navigation start):

* **page HTML received**: the navigation's `responseEnd` (the server's share).
* **ready**: `main.js` has drawn every node and edge, fitted the view, attached its handlers
  and set `data-ready` on `#wf-editor` (observed by a MutationObserver installed before any
  page script runs).
* **time to interactive**: navigation start → the second animation frame after *ready*, i.e.
  the frame showing the rendered canvas has been produced and the main thread is free to run
  the next frame's work; every input handler is attached by then, so a click is handled from
  this moment. Median over `--runs` fresh page loads; the first load (cold caches) is shown too.
* **input latency**: a real click on a node (CDP mouse events) → the next frame after its
  `pointerup` handler selected it.
* **frames while panning and while dragging a node**: `--moves` mouse moves paced every 8 ms
  (a 125 Hz mouse; chromium coalesces them to one pointermove per frame). A
  `requestAnimationFrame` loop records each frame's timestamp; *frame interval* is the time
  between consecutive frames (16.7 ms when no frame is dropped at 60 Hz), *frame work* is the
  main-thread time of one frame: from its rAF timestamp (frame start) to a message posted from
  the rAF callback, which runs after that frame's input handlers, style, layout and paint.
  A *long frame* is an interval over 25 ms (at least one missed vsync).

Targets: interactive < 1 s, p95 frame work < 16 ms (and no long frames in steady motion).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]

PAGE_PROBES = """
window.WebSocket = class { addEventListener() {} close() {} };
window.__bench = { frames: [], work: [], recording: false };
new MutationObserver((_, observer) => {
  const root = document.getElementById("wf-editor");
  if (!root || root.dataset.ready !== "true") return;
  observer.disconnect();
  __bench.ready = performance.now();
  __bench.html = performance.getEntriesByType("navigation")[0].responseEnd;
  requestAnimationFrame(() => requestAnimationFrame(() => { __bench.interactive = performance.now(); }));
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ready"] });
__bench.record = () => {
  __bench.frames = []; __bench.work = []; __bench.recording = true;
  const tick = (t) => {
    if (!__bench.recording) return;
    __bench.frames.push(t);
    const channel = new MessageChannel();
    channel.port1.onmessage = () => __bench.work.push(performance.now() - t);
    channel.port2.postMessage(0);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};
__bench.stop = () => { __bench.recording = false; return { frames: __bench.frames, work: __bench.work }; };
__bench.armClick = () => {
  __bench.click = new Promise((resolve) => {
    addEventListener("pointerup", (event) => {
      const at = event.timeStamp;
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - at)));
    }, { once: true });
  });
};
"""


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def big_graph(nodes: int, edges: int, seed: int = 7) -> dict[str, Any]:
    """A valid DAG: node i > 0 hangs off an earlier node, then extra forward edges."""
    rng = random.Random(seed)
    kinds = ["action.http", "utility.transform", "utility.transform", "logic.condition"]
    graph: dict[str, Any] = {
        "nodes": [
            {
                "id": "start",
                "type": "trigger.manual",
                "label": "Start",
                "position": {"x": 0, "y": 0},
                "config": {},
            }
        ],
        "edges": [],
    }
    columns = 20
    for i in range(1, nodes):
        kind = kinds[i % len(kinds)]
        config: dict[str, Any] = {
            "action.http": {
                "method": "GET",
                "url": "https://api.example.com/items/{{ trigger.id }}",
            },
            "utility.transform": {"expression": "@"},
            "logic.condition": {
                "rules": [{"left": "{{ trigger.n }}", "operator": "gt", "right": i}]
            },
        }[kind]
        graph["nodes"].append(
            {
                "id": f"n{i}",
                "type": kind,
                "label": f"Step {i}",
                "position": {"x": (i % columns) * 280, "y": (i // columns) * 140},
                "config": config,
            }
        )
    ids = [n["id"] for n in graph["nodes"]]
    types = {n["id"]: n["type"] for n in graph["nodes"]}
    seen: set[tuple[str, str]] = set()

    def add(source: int, target: int) -> None:
        edge: dict[str, Any] = {"source": ids[source], "target": ids[target]}
        if types[ids[source]] == "logic.condition":
            edge["source_handle"] = rng.choice(["true", "false"])
        key = (edge["source"], edge["target"])
        if key not in seen:
            seen.add(key)
            graph["edges"].append(edge)

    for i in range(1, nodes):
        add(rng.randrange(max(0, i - 25), i), i)
    while len(graph["edges"]) < edges:
        a, b = sorted(rng.sample(range(1, nodes), 2))
        add(a, b)
    return graph


def frame_stats(sample: dict[str, list[float]]) -> dict[str, float]:
    frames = sample["frames"]
    intervals = [b - a for a, b in itertools.pairwise(frames)]
    work = sample["work"]
    return {
        "frames": len(frames),
        "interval p50": statistics.median(intervals),
        "interval p95": percentile(intervals, 95),
        "interval max": max(intervals),
        "long frames": sum(1 for i in intervals if i > 25),
        "work p50": statistics.median(work),
        "work p95": percentile(work, 95),
        "work max": max(work),
    } | {f"{k} ms/frame": v for k, v in sample["main"].items()}


MAIN_THREAD = {
    "ScriptDuration": "script",
    "RecalcStyleDuration": "style",
    "LayoutDuration": "layout",
}


def main_thread_ms(cdp: Any) -> dict[str, float]:
    """Chromium's running totals of main-thread time (CDP Performance.getMetrics), in ms."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {"task": metrics["TaskDuration"] * 1000} | {
        label: metrics[name] * 1000 for name, label in MAIN_THREAD.items()
    }


def gesture(
    page: Any, cdp: Any, start: tuple[float, float], delta: tuple[float, float], moves: int
) -> Any:
    """Press at `start`, move by `delta` in `moves` paced steps, release; the frames recorded
    and the main thread's time per frame (all tasks, and script, style, layout within them)."""
    page.mouse.move(*start)
    page.mouse.down()
    page.evaluate("__bench.record()")
    before = main_thread_ms(cdp)
    began = time.perf_counter()
    for step in range(1, moves + 1):
        page.mouse.move(start[0] + delta[0] * step / moves, start[1] + delta[1] * step / moves)
        wait = began + step * 0.008 - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
    page.mouse.up()
    page.wait_for_timeout(50)
    sample = page.evaluate("__bench.stop()")
    after = main_thread_ms(cdp)
    frames = len(sample["frames"])
    sample["main"] = {k: (after[k] - before[k]) / frames for k in after}
    return sample


def background_point(page: Any) -> tuple[float, float]:
    """A point of the canvas with no node or edge under it, where a press starts a pan."""
    return page.evaluate(
        """() => {
          const canvas = document.getElementById("wf-canvas");
          const r = canvas.getBoundingClientRect();
          for (let y = r.top + 30; y < r.bottom - 30; y += 7)
            for (let x = r.left + 30; x < r.left + r.width / 2; x += 7)
              if (document.elementFromPoint(x, y) === canvas) return [x, y];
          throw new Error("no empty spot on the canvas");
        }"""
    )


def measure(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test import Client
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    from editor.models import Workflow
    from editor.validation import validate_graph

    call_command("migrate", verbosity=0)
    user = Workflow._meta.get_field("owner").related_model.objects.create_user(
        "bench", "bench@example.com", "x"
    )
    graph = big_graph(args.nodes, args.edges)
    issues = validate_graph(graph)
    assert not issues, issues[:3]
    workflow = Workflow.create(user, "Editor bench", graph=graph)
    client = Client()
    client.force_login(user)
    server = LiveServerThread("127.0.0.1", StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    url = f"http://127.0.0.1:{server.port}/workflows/{workflow.pk}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_cookies(
                [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}]
            )
            context.add_init_script(PAGE_PROBES)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            page.on("dialog", lambda dialog: dialog.accept())
            loads = []
            for _ in range(args.runs + 1):
                page.goto(url)
                page.wait_for_function("window.__bench.interactive !== undefined")
                loads.append(page.evaluate("({...__bench})"))
            assert page.locator(".wf-node").count() == args.nodes
            assert page.locator("path.wf-edge").count() == args.edges

            box = page.locator('.wf-node[data-node-id="n50"]').bounding_box()
            page.evaluate("__bench.armClick()")
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + 10)
            click_ms = page.evaluate("__bench.click")
            page.keyboard.press("Escape")

            pan = frame_stats(gesture(page, cdp, background_point(page), (300, 200), args.moves))
            box = page.locator('.wf-node[data-node-id="n50"]').bounding_box()
            drag = frame_stats(
                gesture(
                    page, cdp, (box["x"] + box["width"] / 2, box["y"] + 10), (250, 150), args.moves
                )
            )
            version = browser.version
            browser.close()
    finally:
        server.terminate()
        server.join(5)

    warm = loads[1:]
    print(f"chromium {version}; {args.nodes} nodes, {args.edges} edges; {args.runs} warm loads")
    print(f"{'page load (ms from navigation start)':40} {'median':>8} {'max':>8} {'cold':>8}")
    for key, label in (
        ("html", "page HTML received"),
        ("ready", "ready (drawn, handlers on)"),
        ("interactive", "time to interactive"),
    ):
        values = [load[key] for load in warm]
        print(
            f"{label:40} {statistics.median(values):8.1f} {max(values):8.1f} {loads[0][key]:8.1f}"
        )
    print(f"{'click -> next frame (ms)':40} {click_ms:8.1f}")
    print()
    columns = [k for k in pan if k != "frames"]
    for part in (columns[:7], columns[7:]):
        print(f"{'gesture':10} {'frames':>6} " + " ".join(f"{k:>16}" for k in part))
        for name, stats in (("pan", pan), ("drag node", drag)):
            values = " ".join(f"{stats[k]:16.1f}" for k in part)
            print(f"{name:10} {stats['frames']:6d} {values}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--edges", type=int, default=250)
    parser.add_argument("--runs", type=int, default=5, help="warm page loads to time")
    parser.add_argument("--moves", type=int, default=150, help="mouse moves per gesture")
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        sys.exit("chromium is not installed: `make browsers` installs Debian's package")
    data_dir = tempfile.mkdtemp(prefix="workfuse-editor-bench-")
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "workfuse.settings",
            "WORKFUSE_DATA_DIR": data_dir,
            # Playwright's sync API runs an event loop in this thread; the ORM calls are fine.
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
        }
    )
    try:
        measure(args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
