"""`manage.py setup_python`: fetch and prepare action.code's Python runtime (`make setup` runs
it; quick once done). See editor/nodes/python_runtime.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from editor.nodes import python_runtime


class Command(BaseCommand):
    help = "Fetch, check and compile the WebAssembly Python that action.code runs."

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(settings.WORKFUSE_PYTHON_DIR)
        try:
            path = python_runtime.install(directory, self.stdout.write)
        except python_runtime.SetupError as exc:
            raise CommandError(f"The Python runtime is not ready: {exc}") from exc
        if options["verbosity"] > 1:
            self.stdout.write(f"Python runtime: {path}")
