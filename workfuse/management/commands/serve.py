"""`manage.py serve`: what `make run` starts (embedded mode: one process does everything)."""

from __future__ import annotations

import os
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Serve WorkFuse over ASGI (HTTP + WebSockets). In embedded mode (no REDIS_URL) steps "
        "run in worker threads of this process and the sweep runs every second beside them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        if settings.EMBEDDED:
            from executions import dispatch
            from executions.engine import recover_after_restart

            dispatch.start_embedded(settings.WORKFUSE_EMBEDDED_THREADS)
            resumed = recover_after_restart()
            if resumed:
                self.stdout.write(f"Resumed {resumed} unfinished step(s) from the database.")
        mode = (
            "embedded (SQLite or DATABASE_URL, in-process worker and beat)"
            if settings.EMBEDDED
            else "queue mode"
        )
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nWorkFuse is starting in {mode}.\n"))
        self.stdout.write(
            f"  Open {url} and create an account at {url}accounts/signup/\n"
            f"  (or run: .venv/bin/python manage.py createsuperuser)\n"
        )
        uvicorn.run(
            "workfuse.asgi:application", host=host, port=port, log_level="info", lifespan="off"
        )
