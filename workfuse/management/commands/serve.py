from __future__ import annotations

import os
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Serve WorkFuse over ASGI (HTTP + WebSockets). In embedded mode (no REDIS_URL) the "
        "Celery worker and beat run inside this process too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        if settings.EMBEDDED:
            from executions.embedded import start_beat, start_worker
            from executions.engine import recover_after_restart
            from workfuse.celery import app

            start_worker(app)
            start_beat(app)
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
