"""The Celery app. Settings come from Django settings under the CELERY_ namespace."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workfuse.settings")

app = Celery("workfuse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _freeze_loaded(**_: object) -> None:
    """A worker child keeps what it loaded out of garbage collections (workfuse/lib/gc_freeze.py)."""
    import editor.nodes  # noqa: F401  (the node types and integrations, loaded now)
    from workfuse.lib.gc_freeze import freeze_loaded

    freeze_loaded()
