"""API and dashboard latency with 10,000 workflows for one user.

Runs in-process with Django's test client against a throwaway test database (PostgreSQL when
DATABASE_URL is set, else SQLite), so it measures the app and the database, not the network.

    .venv/bin/python bench/api_latency.py [--workflows 10000] [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workfuse.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.models import ApiToken  # noqa: E402
from editor.graph import starter_graph  # noqa: E402
from editor.models import Workflow, WorkflowVersion  # noqa: E402


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workflows", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        user = get_user_model().objects.create_user("bench", "bench@example.com", "x")
        graph = starter_graph()
        Workflow.objects.bulk_create(
            [
                Workflow(
                    owner=user,
                    name=f"Workflow {i:05d} {'invoices' if i % 7 == 0 else 'sync'}",
                    graph=graph,
                    webhook_token=f"bench-{i}",
                )
                for i in range(args.workflows)
            ],
            batch_size=2000,
        )
        first = Workflow.objects.filter(owner=user).first()
        WorkflowVersion.objects.create(workflow=first, number=1, graph=graph)
        _, raw = ApiToken.issue(user, "bench")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        browser = Client()
        browser.force_login(user)
        cases = {
            "GET /api/workflows": lambda: api.get("/api/workflows"),
            "GET /api/workflows?offset=9000": lambda: api.get(
                "/api/workflows?offset=9000&limit=50"
            ),
            "GET /api/workflows?search=invoices": lambda: api.get("/api/workflows?search=invoices"),
            "GET /api/workflows/{id}": lambda: api.get(f"/api/workflows/{first.pk}"),
            "GET /workflows/ (dashboard)": lambda: browser.get("/workflows/"),
            "GET /workflows/?q=invoices (htmx)": lambda: browser.get(
                "/workflows/?q=invoices", HTTP_HX_REQUEST="true"
            ),
        }
        print(f"{args.workflows} workflows, {args.requests} requests each, DB: {connection.vendor}")
        print(f"{'request':40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for name, call in cases.items():
            call()  # warm up
            times = []
            for _ in range(args.requests):
                start = time.perf_counter()
                response = call()
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (name, response.status_code)
            print(
                f"{name:40} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {max(times):8.1f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
