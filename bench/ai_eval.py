"""Magic Input accuracy: how often `configure()` turns a plain-English request into the config
it should, against a real provider and model.

Each case in bench/ai_eval_cases.json is a node type, a request and a list of checks
`[path, op, value]` on the returned config (see the file's "about"). For each case the script
prints whether the config validated, whether every check held ("intended") and the model's
confidence; then valid %, intended %, mean confidence for right and wrong answers and the total
time. The user object configure() needs lives in a throwaway test database.

Keys come from the server's environment, as the app reads them (OPENAI_API_KEY,
ANTHROPIC_API_KEY, GEMINI_API_KEY); keys are never printed.

    .venv/bin/python bench/ai_eval.py --provider openai --model gpt-4o-mini
    .venv/bin/python bench/ai_eval.py --provider anthropic --model claude-sonnet-4-6 --limit 10
    .venv/bin/python bench/ai_eval.py --provider gemini --model gemini-2.5-flash --json out.json
    .venv/bin/python bench/ai_eval.py --provider openai_compatible \
        --base-url http://localhost:11434/v1 --model llama3.1      # Ollama
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workfuse.settings")

DEFAULT_CASES = Path(__file__).resolve().parent / "ai_eval_cases.json"
PROVIDERS = ("openai", "anthropic", "gemini", "openai_compatible")
MISSING = object()
_TEMPLATE = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.S)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Score Magic Input (editor.magic.configure) on plain-English requests.",
        epilog="Keys are read from OPENAI_API_KEY / ANTHROPIC_API_KEY / GEMINI_API_KEY. "
        "openai_compatible (Ollama, LM Studio, vLLM) needs --base-url and no key.",
    )
    parser.add_argument(
        "--provider",
        choices=PROVIDERS,
        default=None,
        help="AI provider (default: WORKFUSE_AI_PROVIDER, else the first with a key)",
    )
    parser.add_argument("--model", default=None, help="model id (default: the provider's)")
    parser.add_argument(
        "--base-url",
        default=None,
        help="API base URL: a proxy for openai/anthropic/gemini, or the server for "
        "openai_compatible, e.g. http://localhost:11434/v1",
    )
    parser.add_argument("--cases", default=str(DEFAULT_CASES), help="cases file (JSON)")
    parser.add_argument("--limit", type=int, default=None, help="run only the first N cases")
    parser.add_argument(
        "--only", default=None, help="run only cases whose id or node type contains this"
    )
    parser.add_argument("--json", dest="json_out", default=None, help="write results here")
    return parser.parse_args(argv)


# --- checks ---------------------------------------------------------------------------------


def norm(value: Any) -> Any:
    """Template spacing normalised, so '{{x}}' and '{{ x }}' compare equal."""
    if isinstance(value, str):
        return _TEMPLATE.sub(lambda m: "{{ " + m.group(1) + " }}", value.strip())
    return value


def resolve(config: Any, path: str) -> list[Any]:
    """Every value at a dotted path ('*' = any list element); [MISSING] when there is none."""
    values = [config]
    for part in path.split(".") if path else []:
        found: list[Any] = []
        for value in values:
            if isinstance(value, dict) and part in value:
                found.append(value[part])
            elif isinstance(value, list) and part == "*":
                found.extend(value)
            elif isinstance(value, list) and part.lstrip("-").isdigit():
                index = int(part)
                if -len(value) <= index < len(value):
                    found.append(value[index])
        values = found
    return values or [MISSING]


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def holds(value: Any, op: str, expected: Any) -> bool:
    if op == "absent":
        return value is MISSING or value is None
    if value is MISSING:
        return False
    value, expected = norm(value), norm(expected)
    if op == "exists":
        return value is not None
    if op == "eq":
        if isinstance(value, str) and isinstance(expected, str) and expected.isupper():
            return value.upper() == expected  # HTTP methods and the like
        return value == expected
    if op == "ne":
        return value != expected
    if op == "one_of":
        return value in [norm(e) for e in expected]
    if op == "num":
        number = _number(value)
        return number is not None and abs(number - float(expected)) < 1e-9
    if op == "len":
        return isinstance(value, list | dict | str) and len(value) == expected
    if op in ("contains", "icontains"):
        if isinstance(value, list):
            items = [norm(v) for v in value]
            if op == "icontains":
                return str(expected).lower() in [str(v).lower() for v in items]
            return expected in items
        text = value if isinstance(value, str) else json.dumps(value)
        text = norm(text)
        if op == "icontains":
            return str(expected).lower() in text.lower()
        return str(expected) in text
    if op == "matches":
        return isinstance(value, str) and re.search(str(expected), value) is not None
    raise ValueError(f"unknown check op '{op}'")


def check(config: Any, path: str, op: str, expected: Any) -> bool:
    values = resolve(config, path)
    if op == "absent":
        return all(holds(v, op, expected) for v in values)
    return any(holds(v, op, expected) for v in values)


def effective_config(node_type: str, config: Any) -> Any:
    """The config with the node's defaults filled in, when it validates; else as returned."""
    from editor.nodes import NODE_TYPES

    node = NODE_TYPES.get(node_type)
    if node is None or not isinstance(config, dict):
        return config
    try:
        return node.Config.model_validate(config).model_dump(mode="json")
    except Exception:  # an invalid config is scored as returned
        return config


def load_cases(path: str) -> list[dict[str, Any]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    cases = data["cases"] if isinstance(data, dict) else data
    for case in cases:
        for item in case["checks"]:
            if len(item) != 3:
                raise SystemExit(f"{case['id']}: each check is [path, op, value], got {item!r}")
    return cases


# --- running --------------------------------------------------------------------------------


def setup_provider(args: argparse.Namespace) -> str:
    """Point settings at the chosen provider; exit with a clear message when it has no key."""
    from django.conf import settings

    from aiconfig.providers import BASE_URL_SETTINGS, KEY_SETTINGS, NO_KEY
    from editor.magic import default_provider

    name = args.provider or default_provider()
    if name == "openai_compatible":
        # configure() reads no per-node base_url, so talk to the server through the OpenAI
        # adapter. The server's real OpenAI key is never sent to it (as in the app).
        if not args.base_url:
            raise SystemExit("error: --provider openai_compatible needs --base-url")
        settings.OPENAI_BASE_URL = args.base_url
        settings.OPENAI_API_KEY = NO_KEY
        return "openai"
    if args.base_url:
        setattr(settings, BASE_URL_SETTINGS[name], args.base_url)
    setting = KEY_SETTINGS[name]
    if not str(getattr(settings, setting, "") or "").strip():
        others = [s for s in KEY_SETTINGS.values() if str(getattr(settings, s, "") or "").strip()]
        hint = (
            f" ({', '.join(others)} is set: pick that provider with --provider.)" if others else ""
        )
        raise SystemExit(
            f"error: no API key for {name}: set {setting} (or {setting}_FILE) in the environment as the "
            f"server reads it, or use --provider openai_compatible --base-url URL for a "
            f"local server.{hint}"
        )
    return name


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    logging.disable(logging.INFO)  # one line per HTTP call drowns the table
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import setup_test_environment

    from aiconfig import models_catalog
    from aiconfig.providers import ProviderError
    from editor.magic import MagicError, configure

    label = args.provider or ""
    provider = setup_provider(args)
    label = label or provider
    model = args.model or models_catalog.DEFAULT_MODELS.get(label) or None
    if label == "openai_compatible" and not model:
        raise SystemExit("error: --provider openai_compatible needs --model (e.g. llama3.1)")
    cases = load_cases(args.cases)
    if args.only:
        cases = [c for c in cases if args.only in c["id"] or args.only in c["node_type"]]
    if args.limit is not None:
        cases = cases[: args.limit]

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    results: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        owner = get_user_model().objects.create_user("ai-eval", "ai-eval@example.com", "x")
        print(f"{len(cases)} cases, provider {label}, model {model or '(default)'}")
        print(f"{'case':24} {'node type':18} {'valid':>5} {'intended':>8} {'conf':>5} {'s':>6}")
        for case in cases:
            t0 = time.perf_counter()
            row: dict[str, Any] = {"id": case["id"], "node_type": case["node_type"]}
            try:
                answer = configure(
                    case["node_type"], case["prompt"], owner=owner, provider=provider, model=model
                )
            except (ProviderError, MagicError) as error:
                answer = None
                row["error"] = str(getattr(error, "message", error))
            row["seconds"] = round(time.perf_counter() - t0, 2)
            if answer is None:
                row.update(valid=False, intended=False, confidence=None, failed_checks=[])
            else:
                config = effective_config(case["node_type"], answer["config"])
                failed = [c for c in case["checks"] if not check(config, *c)]
                row.update(
                    valid=bool(answer["valid"]),
                    intended=bool(answer["valid"]) and not failed,
                    confidence=answer["confidence"],
                    failed_checks=failed,
                    errors=answer["errors"],
                    reasoning=answer["reasoning"],
                    config=answer["config"],
                )
            results.append(row)
            conf = "-" if row["confidence"] is None else f"{row['confidence']:.2f}"
            print(
                f"{case['id'][:24]:24} {case['node_type']:18} {'yes' if row['valid'] else 'no':>5} "
                f"{'yes' if row['intended'] else 'no':>8} {conf:>5} {row['seconds']:6.1f}"
            )
            for item in row["failed_checks"]:
                print(f"    failed check {item[0]} {item[1]} {json.dumps(item[2])}")
            if row.get("error"):
                print(f"    error: {row['error']}")
            elif not row["valid"]:
                for err in row.get("errors") or []:
                    print(f"    invalid: {err.get('field') or '-'}: {err.get('message')}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    total = time.perf_counter() - started
    summary = summarise(results, total)
    summary.update(provider=label, model=model, cases=len(results))
    print_summary(summary)
    report = {"summary": summary, "results": results}
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2), encoding="utf-8")
        print(f"wrote {args.json_out}")
    return report


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def summarise(results: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    n = len(results) or 1
    right = [r["confidence"] for r in results if r["intended"] and r["confidence"] is not None]
    wrong = [r["confidence"] for r in results if not r["intended"] and r["confidence"] is not None]
    return {
        "valid_pct": round(100 * sum(r["valid"] for r in results) / n, 1),
        "intended_pct": round(100 * sum(r["intended"] for r in results) / n, 1),
        "errors": sum(1 for r in results if r.get("error")),
        "mean_confidence_right": _mean(right),
        "mean_confidence_wrong": _mean(wrong),
        "total_seconds": round(seconds, 1),
    }


def print_summary(s: dict[str, Any]) -> None:
    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    print()
    print(f"valid:     {s['valid_pct']:.1f}%")
    print(f"intended:  {s['intended_pct']:.1f}%  (valid and every check holds)")
    print(f"provider errors: {s['errors']}")
    print(
        f"mean confidence: right {fmt(s['mean_confidence_right'])}, "
        f"wrong {fmt(s['mean_confidence_wrong'])}"
    )
    print(f"total time: {s['total_seconds']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        run(args)
    except SystemExit as exit_:
        if isinstance(exit_.code, str):
            print(exit_.code, file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
