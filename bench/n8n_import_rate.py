"""How much of a corpus of real n8n exports WorkFuse imports (issue: n8n migration).

    .venv/bin/python bench/n8n_import_rate.py DIR [DIR ...] [--json out.json] [--markdown]

Reads every `*.json` n8n export under the given directories (the corpus is not part of this
repository: public workflows are their authors'), imports each exactly as
`POST /api/workflows/import` does (`transfer.import_n8n`: the workflows are saved, into a
throwaway SQLite database, then rolled back; an agent's app tools become companion workflows,
a call to the workflow itself finds it), and prints: workflows imported with every node mapped, nodes
mapped (of all nodes but sticky notes), and by n8n node type the nodes seen, mapped and refused,
with the first refusal reason of each type. `--markdown` prints the tables docs/n8n-import.md
keeps. Expression forms (`$json`, `$('Node')`, method calls, JS operators, ...) are counted by
the nodes whose parameters use them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workfuse.settings")
# A database of its own: the imports are saved (then rolled back), as the API saves them.
os.environ.pop("DATABASE_URL", None)
os.environ["WORKFUSE_DATA_DIR"] = tempfile.mkdtemp(prefix="n8n-import-rate-")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from editor import n8n, transfer  # noqa: E402
from editor.graph import ImportRefused  # noqa: E402

STICKY = "n8n-nodes-base.stickyNote"
# A node's issue: `nodes[3]...`, or `[0].nodes[3]...` when companions were imported with it.
NODE_INDEX = re.compile(r"^(?:\[0\]\.)?nodes\[(\d+)\]")
# Node names and values in a refusal, dropped to count refusals of the same kind together.
QUOTED = re.compile(r"'[^']*'")
FORMS = {
    "$json": re.compile(r"\$json\b"),
    "$('Node')/$node[..]": re.compile(r"\$\(\s*['\"]|\$node\s*\["),
    "$input": re.compile(r"\$input\b"),
    "method call": re.compile(r"\.\s*[A-Za-z_]\w*\s*\("),
    "JS operator (|| ?? ?. ?: =>)": re.compile(r"\|\||\?\?|\?\.|=>|\?[^?.]*:"),
    "JS global (JSON, Math, parseInt, ...)": re.compile(
        r"\b(JSON|Math|parseInt|parseFloat|encodeURIComponent|String|Number|Object|Array|Date)\b"
    ),
    "$now/$today": re.compile(r"\$(now|today)\b"),
    "$execution/$workflow": re.compile(r"\$(execution|workflow)\b"),
    "$runIndex/$itemIndex": re.compile(r"\$(runIndex|itemIndex)\b"),
    "$env": re.compile(r"\$env\b"),
    "$item()/items[]": re.compile(r"\$item\s*\(|\bitems\s*\["),
}


def expressions(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith("=") else []
    if isinstance(value, list):
        return [e for v in value for e in expressions(v)]
    if isinstance(value, dict):
        return [e for v in value.values() for e in expressions(v)]
    return []


class _RolledBack(Exception):
    pass


def imported(owner: Any, data: dict[str, Any]) -> list[Any]:
    """The issues of importing `data` as the API does, nothing kept."""
    try:
        with transaction.atomic():
            transfer.import_n8n(owner, [data])
            raise _RolledBack
    except _RolledBack:
        return []
    except ImportRefused as exc:
        return list(exc.issues)


def measure(paths: list[Path]) -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    owner = get_user_model().objects.create_user("import-rate", "rate@example.com", "x")
    files = sorted(p for d in paths for p in (d.rglob("*.json") if d.is_dir() else [d]))
    totals = Counter()
    by_type: dict[str, Counter] = defaultdict(Counter)
    reasons: dict[str, str] = {}
    all_reasons: dict[str, Counter] = defaultdict(Counter)
    forms: dict[str, Counter] = defaultdict(Counter)
    failures: list[tuple[str, str, list[str]]] = []
    for path in files:
        try:
            data = json.loads(path.read_text())
        except (ValueError, UnicodeDecodeError):
            continue
        if not n8n.looks_like_n8n(data):
            continue
        totals["workflows"] += 1
        refused_at: dict[int, str] = {}
        issues = imported(owner, data)
        for issue in issues:
            match = NODE_INDEX.match(issue.field or "")
            if match:
                refused_at.setdefault(int(match.group(1)), issue.message)
        if issues and not refused_at:  # converted, but the result is not a valid workflow
            by_label = {
                n.get("id"): n.get("label")
                for n in _graph_or_empty(data)["nodes"]
                if isinstance(n, dict)
            }
            for index, raw in enumerate(data["nodes"]):
                for issue in issues:
                    if isinstance(raw, dict) and by_label.get(issue.node_id) == raw.get("name"):
                        refused_at.setdefault(index, issue.message)
        full = not issues
        totals["imported"] += full
        if not full:
            kinds = sorted({str(data["nodes"][i].get("type")) for i in refused_at} or {"(graph)"})
            failures.append((path.name, issues[0].message if issues else "", kinds))
        for index, raw in enumerate(data["nodes"]):
            if not isinstance(raw, dict) or raw.get("type") == STICKY:
                continue
            kind = str(raw.get("type"))
            totals["nodes"] += 1
            by_type[kind]["seen"] += 1
            exprs = expressions(raw.get("parameters") or {})
            used = {name for name, pattern in FORMS.items() for e in exprs if pattern.search(e)}
            for name in used:
                forms[name]["nodes"] += 1
                forms[name]["refused"] += index in refused_at
            if index in refused_at:
                by_type[kind]["refused"] += 1
                reasons.setdefault(kind, refused_at[index])
                all_reasons[kind][QUOTED.sub("'…'", refused_at[index])] += 1
            else:
                totals["mapped"] += 1
                by_type[kind]["mapped"] += 1
    return {
        "totals": dict(totals),
        "by_type": {k: dict(v) for k, v in by_type.items()},
        "reasons": reasons,
        "all_reasons": {k: dict(v.most_common()) for k, v in all_reasons.items()},
        "forms": {k: dict(v) for k, v in forms.items()},
        "failures": failures,
    }


def _graph_or_empty(data: dict[str, Any]) -> dict[str, Any]:
    """The single export's conversion, to name the nodes a validation issue points at."""
    try:
        return n8n.convert(data)
    except ImportRefused:
        return {"nodes": []}


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def markdown(result: dict[str, Any]) -> str:
    t = result["totals"]
    lines = [
        f"Workflows: {t.get('workflows', 0)}; imported with every node mapped: "
        f"{t.get('imported', 0)} ({pct(t.get('imported', 0), t.get('workflows', 0))}). "
        f"Nodes: {t.get('nodes', 0)}; mapped: {t.get('mapped', 0)} "
        f"({pct(t.get('mapped', 0), t.get('nodes', 0))}).",
        "",
        "| n8n node type | seen | mapped | refused | first reason refused |",
        "|---|---|---|---|---|",
    ]
    rows = sorted(result["by_type"].items(), key=lambda kv: (-kv[1].get("seen", 0), kv[0]))
    for kind, c in rows:
        reason = result["reasons"].get(kind, "").replace("|", "/")[:110]
        lines.append(
            f"| `{kind}` | {c.get('seen', 0)} | {c.get('mapped', 0)} | {c.get('refused', 0)} | {reason} |"
        )
    lines += ["", "| expression form | nodes using it | of them refused |", "|---|---|---|"]
    for name, c in sorted(result["forms"].items(), key=lambda kv: -kv[1]["nodes"]):
        lines.append(f"| {name} | {c['nodes']} | {c.get('refused', 0)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument(
        "--reasons", metavar="TYPE", help="print every kind of refusal of this n8n node type"
    )
    args = parser.parse_args()
    try:
        result = measure(args.dirs)
    finally:
        shutil.rmtree(os.environ["WORKFUSE_DATA_DIR"], ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    if args.reasons:
        for reason, count in result["all_reasons"].get(args.reasons, {}).items():
            print(f"{count:4d}  {reason}")
    elif args.markdown:
        print(markdown(result))
    else:
        t = result["totals"]
        print(
            f"workflows {t.get('workflows', 0)}, fully imported {t.get('imported', 0)} "
            f"({pct(t.get('imported', 0), t.get('workflows', 0))}); nodes {t.get('nodes', 0)}, "
            f"mapped {t.get('mapped', 0)} ({pct(t.get('mapped', 0), t.get('nodes', 0))})"
        )


if __name__ == "__main__":
    main()
