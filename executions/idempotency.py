"""Idempotency-Key: a key sent again within 24 hours answers the execution it started, once.

Webhooks (`WebhookDelivery`) and `POST /api/workflows/{id}/run` (`RunRequest`) keep the key
beside the execution, under a unique constraint: two requests with one key racing each other
both insert, the second waits for the first to commit, fails, and answers the first one's run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from executions.models import Execution, RunRequest, WebhookDelivery

KEPT = timedelta(hours=24)


def start_once(
    model: type[WebhookDelivery | RunRequest],
    key: dict[str, Any],
    start: Callable[[], Execution],
    **extra: Any,
) -> tuple[Execution, Any]:
    """Start an execution, or find the record a repeated key left. `key` holds the fields that
    are unique together; `extra` the record's other fields. Returns the execution and the
    earlier record (None when this call started the run)."""
    since = timezone.now() - KEPT
    earlier = model.objects.filter(**key, created_at__gte=since).select_related("execution")
    found = earlier.first()
    if found is not None:
        return found.execution, found
    try:
        with transaction.atomic():
            execution = start()
            model.objects.filter(**key, created_at__lt=since).delete()
            model.objects.create(**key, **extra, execution=execution)
    except IntegrityError:  # the same key arrived twice at once: the first one wins
        found = model.objects.select_related("execution").filter(**key).first()
        if found is None:
            raise
        return found.execution, found
    return execution, None
