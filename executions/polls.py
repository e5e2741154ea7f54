"""Poll triggers (`trigger.poll`): one `Poll` row per active workflow that has one, sent to a
worker by the beat sweep when due, and `run`, the worker's side: one request, then one run per
new item.

* **No worker waits.** Between polls a poll is a row with `next_poll_at`; the sweep (every
  second) claims each due row with one conditional UPDATE (`claimed_at`, and `next_poll_at`
  pushed past the worker's time limit, so a lost message is sent again later) and hands its
  id to a worker (`dispatch.send_poll`). The request never runs in beat.
* **New items, exactly once.** The ids seen are `SeenItem` rows of the workflow under the
  trigger's node id. A poll records the ids of its answer and starts the runs of the new ones
  in one transaction: a crash in between loses both, and the next poll finds them new again.
* **Or changed items** (`emit` changed / new_or_changed, `_start_changed`): the answer is
  compared with the last one, kept as one digest per item in `PollSnapshot`
  (executions/poll_changes.py), under the poll's row lock and in the transaction that starts
  the runs, so a crash loses both and the next poll finds the same changes.
* **The first poll only records.** After activation (or a change of what is asked: url,
  method, headers, items_path, id_field, emit, watch_fields, or the source and its settings)
  the first answer's items are remembered without starting runs, as n8n does: activating a
  poll on a busy API must not start hundreds of runs. A `source` other than url is an integration listing the
  items itself (`Service.poll`: a Google sheet's rows), with the credential whole.
* **Errors back off.** A failed poll (HTTP error, timeout, no list at `items_path`) is shown on
  the workflow page (`last_status`, `last_error`) and the next one waits the interval times
  2^failures, at most an hour, or longer when the API asked (`Retry-After`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from credentials import runtime
from editor.models import Poll, PollSnapshot, SeenItem, Workflow
from editor.nodes import action_http, trigger_poll
from executions import dispatch, engine, poll_changes
from executions.models import Execution
from integrations import registry
from workfuse.lib import redaction

# --- feeds ---
# isort: split
from integrations.imap import new_mail as imap_mail
from workfuse.lib import feeds

# --- end feeds ---
from workfuse.lib.node_run import NodeError, RunContext, Secret

log = logging.getLogger(__name__)

BATCH = 200
CLAIM_SECONDS = 120  # a worker's poll (one request of at most 30 s) is over by then
MAX_BACKOFF_SECONDS = 3600
SEEN_FOR = timedelta(days=3650)  # seen ids are kept as long as the workflow (or ten years)
ERROR_LIMIT = 500
REQUEST_TIMEOUT_MS = 30_000
ASKED = ("url", "method", "headers", "items_path", "id_field")


def sync(workflow: Workflow) -> Poll | None:
    """Create, update or delete the workflow's poll to match its saved graph and activation."""
    with transaction.atomic():
        current = Workflow.objects.select_for_update().filter(pk=workflow.pk).first()
        found = trigger_poll.config_in(current.graph) if current and current.is_active else None
        if current is None or found is None:
            Poll.objects.filter(workflow_id=workflow.pk).delete()
            return None
        node_id, config = found
        fingerprint = _fingerprint(node_id, config)
        poll = Poll.objects.select_for_update().filter(workflow=current).first()
        if poll is None or poll.fingerprint != fingerprint:
            poll = poll or Poll(workflow=current)
            poll.node_id, poll.fingerprint, poll.primed = node_id, fingerprint, False
            poll.next_poll_at, poll.claimed_at, poll.failures = timezone.now(), None, 0
            poll.last_status, poll.last_error = "", ""
        poll.interval_seconds = config.interval_seconds
        poll.save()
        return poll


def _fingerprint(node_id: str, config: trigger_poll.Config) -> str:
    asked = {"node": node_id, **config.model_dump(include=set(ASKED))}
    if config.source != "url":  # only then: the polls of plain URLs keep their fingerprints
        asked.update(source=config.source, **trigger_poll.source_settings(config))
    if config.emit != "new":  # likewise: the polls of new items keep theirs
        asked.update(emit=config.emit, watch_fields=config.watch_fields)
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()


def send_due(now: datetime | None = None) -> int:
    """Claim every due poll and send it to a worker. Safe in several processes at once: the
    claim is a conditional UPDATE only one of them wins."""
    now = now or timezone.now()
    due = list(
        Poll.objects.filter(next_poll_at__lte=now, workflow__is_active=True)
        .order_by("next_poll_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    sent = 0
    for pk in due:
        claimed = Poll.objects.filter(pk=pk, next_poll_at__lte=now).update(
            claimed_at=now, next_poll_at=now + timedelta(seconds=CLAIM_SECONDS)
        )
        if claimed:
            dispatch.send_poll(pk, now.isoformat())
            sent += 1
    return sent


def run(poll_id: int, claim: str) -> int:
    """The worker's side: ask the API once and start a run per new item (none on the first
    poll). Returns how many runs it started. Does nothing when the claim is not current (the
    poll was sent again, changed or removed meanwhile)."""
    poll = Poll.objects.select_related("workflow").filter(pk=poll_id).first()
    if poll is None or poll.claimed_at is None or poll.claimed_at.isoformat() != claim:
        return 0
    workflow = poll.workflow
    found = trigger_poll.config_in(workflow.graph) if workflow.is_active else None
    if found is None or found[0] != poll.node_id:
        return 0  # `sync` catches up with the change
    node_id, config = found
    now = timezone.now()
    try:
        items = _fetch(workflow, node_id, config)
    except NodeError as failure:
        _failed(poll, failure, now, config.interval_seconds)
        return 0
    keyed = _by_id(items, config.id_field)
    if items and not keyed:
        missing = NodeError(f"No item in the answer has the id field '{config.id_field}'.")
        _failed(poll, missing, now, config.interval_seconds)
        return 0
    if config.emit != "new":  # sheetsupdate
        return _start_changed(poll, workflow, node_id, config, keyed, now, found=len(items))
    try:
        with transaction.atomic():
            new = SeenItem.remember(
                workflow.pk,
                node_id,
                list(keyed),
                seen_by=f"poll:{poll.pk}:{claim}",
                now=now,
                expires_at=now + SEEN_FOR,
            )
            started = 0
            if poll.primed:
                for key, item in keyed.items():
                    if key in new:
                        engine.start_execution(
                            workflow,
                            item,
                            trigger_kind=Execution.Trigger.POLL,
                            trigger_node=node_id,
                        )
                        started += 1
            _done(poll, now, config.interval_seconds, found=len(items), started=started)
    except engine.ExecutionRefused as refused:
        _failed(
            poll, NodeError(f"The workflow cannot run: {refused}"), now, config.interval_seconds
        )
        return 0
    # --- feeds: IMAP's "mark as read", once the runs are committed ---
    if started and config.source == "imap" and config.imap_mark_read and config.credential:
        begun = [item for key, item in keyed.items() if key in new]
        _mark_read(poll, workflow, node_id, config, begun)
    # --- end feeds ---
    return started


# --- sheetsupdate: runs for changed items ---
def _start_changed(
    poll: Poll,
    workflow: Workflow,
    node_id: str,
    config: trigger_poll.Config,
    keyed: dict[str, Any],
    now: datetime,
    *,
    found: int,
) -> int:
    """Compare the answer with the poll's snapshot, start a run per changed (or added) item
    and keep the answer's digests, in one transaction under the poll's row lock: a crash
    loses both (the next poll finds the same changes), and a poll sent again meanwhile, whose
    claim is newer, starts nothing here. Before the poll is primed it only records."""
    emit: poll_changes.Emit = "changed" if config.emit == "changed" else "new_or_changed"
    try:
        with transaction.atomic():
            locked = (
                Poll.objects.select_for_update()
                .filter(pk=poll.pk, claimed_at=poll.claimed_at)
                .first()
            )
            if locked is None:
                return 0
            snapshot = PollSnapshot.objects.filter(poll=locked).first()
            previous = snapshot.digests if snapshot is not None and locked.primed else {}
            changed, digests = poll_changes.compare(previous, keyed, emit, config.watch_fields)
            if not locked.primed:
                changed = []
            started = 0
            for item, change in changed:
                if emit == "new_or_changed" and isinstance(item, dict):
                    item = {**item, "change_type": change}  # n8n's anyUpdate field
                engine.start_execution(
                    workflow, item, trigger_kind=Execution.Trigger.POLL, trigger_node=node_id
                )
                started += 1
            if snapshot is None or snapshot.digests != digests:
                PollSnapshot.objects.update_or_create(poll=locked, defaults={"digests": digests})
            _done(poll, now, config.interval_seconds, found=found, started=started)
    except poll_changes.TooManyItems as too_many:
        _failed(poll, NodeError(str(too_many)), now, config.interval_seconds)
        return 0
    except engine.ExecutionRefused as refused:
        _failed(
            poll, NodeError(f"The workflow cannot run: {refused}"), now, config.interval_seconds
        )
        return 0
    return started


# --- end sheetsupdate ---


# --- feeds ---
def _mark_read(
    poll: Poll,
    workflow: Workflow,
    node_id: str,
    config: trigger_poll.Config,
    items: list[Any],
) -> None:
    """Mark the messages that started runs read. A failure leaves them unread (never a run
    lost) and is shown on the workflow page."""
    secrets: set[str] = set()
    try:
        secret = runtime.resolve(
            workflow.owner_id,
            config.credential or 0,
            trigger_poll.NODE.credential_kinds,
            node_id=node_id,
        )
        secrets = redaction.forms_of(secret.value)
        with redaction.registered(secrets):
            imap_mail.mark_read(secret, trigger_poll.source_settings(config), items)
    except NodeError as failure:
        message = f"Started the runs but could not mark the messages read: {failure.message}"
        text = redaction.truncate(redaction.scrub(message, secrets), ERROR_LIMIT)
        Poll.objects.filter(pk=poll.pk).update(last_error=text)
        log.warning("poll %s: %s", poll.pk, text)


# --- end feeds ---


def _fetch(workflow: Workflow, node_id: str, config: trigger_poll.Config) -> list[Any]:
    """The items of one answer, scrubbed of the credential. Raises NodeError."""
    secret = None
    if config.credential is not None:
        secret = runtime.resolve(
            workflow.owner_id,
            config.credential,
            trigger_poll.NODE.credential_kinds,
            node_id=node_id,
        )
    # --- feeds: an RSS or Atom feed, public: no credential ---
    if config.source == "rss":
        return feeds.poll_entries(config.url)
    # --- end feeds ---
    if config.source != "url":
        return _listed_by_service(config, secret)
    secret = _single_value(secret) if secret is not None else None
    secrets = redaction.forms_of(secret.value) if secret is not None else set()
    auth = config.auth
    if secret is not None and auth is None and secret.kind not in action_http.KIND_AUTH:
        auth = "bearer"  # an integration's token (GitHub, Airtable, Notion) goes as a bearer
    http_config = action_http.Config.model_validate(
        {
            "method": config.method,
            "url": config.url,
            "headers": config.headers,
            "credential": config.credential,
            "auth": auth if secret is not None else None,
            "auth_header_name": config.auth_header_name,
            "auth_query_param": config.auth_query_param,
            "timeout_ms": REQUEST_TIMEOUT_MS,
        }
    )
    ctx = RunContext(
        execution_id=f"poll-{workflow.pk}",
        node_id=node_id,
        step_key=node_id,
        secret=secret,
        workflow_id=workflow.pk,
    )
    try:
        with redaction.registered(secrets):
            answer = action_http.run(http_config, ctx)
            items = trigger_poll.items_in(answer.get("body"), config.items_path)
    except NodeError as error:
        error.message = redaction.scrub(error.message, secrets)
        raise
    except ValueError as exc:
        raise NodeError(f"The answer has no list to read: {exc}.") from None
    return redaction.scrub(items, secrets)


def _listed_by_service(config: trigger_poll.Config, secret: Secret | None) -> list[Any]:
    """The items the integration named by `source` lists itself (`Service.poll`: a sheet's
    rows), with the credential whole, scrubbed of it. Raises NodeError."""
    service = registry.service(config.source)
    if service is None or service.poll is None:
        raise NodeError(f"{config.source} offers no items to poll.")
    kinds = {kind.kind: kind.label for kind in service.kinds}
    if secret is None or secret.kind not in kinds:
        which = " or ".join(kinds.values())
        chosen = f": “{secret.name}” is of kind {secret.kind}" if secret is not None else ""
        raise NodeError(
            f"Choose a {which} credential in the poll trigger's settings to read "
            f"{service.label}{chosen}."
        )
    secrets = redaction.forms_of(secret.value)
    try:
        with redaction.registered(secrets):
            items = service.poll(secret, trigger_poll.source_settings(config))
    except NodeError as error:
        error.message = redaction.scrub(error.message, secrets)
        raise
    return redaction.scrub(items, secrets)


def _single_value(secret: Secret) -> Secret:
    """An integration credential holding one secret (a GitHub access token) as that secret's
    text, which the HTTP node's auth sends."""
    value = secret.value
    if isinstance(value, dict) and len(value) == 1:
        return Secret(secret.kind, str(next(iter(value.values()))), {}, name=secret.name)
    return secret


def _by_id(items: list[Any], id_field: str) -> dict[str, Any]:
    """The items by the hash of their id, in the answer's order; the first of a repeated id,
    and none without an id."""
    keyed: dict[str, Any] = {}
    for item in items:
        item_id = trigger_poll.item_id(item, id_field)
        if item_id is not None:
            keyed.setdefault(hashlib.sha256(item_id.encode()).hexdigest(), item)
    return keyed


def _done(poll: Poll, now: datetime, interval: int, *, found: int, started: int) -> None:
    Poll.objects.filter(pk=poll.pk, claimed_at=poll.claimed_at).update(
        primed=True,
        claimed_at=None,
        next_poll_at=now + timedelta(seconds=interval),
        last_polled_at=now,
        last_status="ok",
        last_error="",
        last_found=found,
        last_started=started,
        failures=0,
    )


def _failed(poll: Poll, error: NodeError, now: datetime, interval: int) -> None:
    failures = poll.failures + 1
    wait = min(interval * 2 ** min(failures, 12), MAX_BACKOFF_SECONDS)
    wait = max(wait, interval, error.retry_after or 0)
    log.info("Poll %s of workflow %s failed (%s): %s", poll.pk, poll.workflow_id, failures, error)
    Poll.objects.filter(pk=poll.pk, claimed_at=poll.claimed_at).update(
        claimed_at=None,
        next_poll_at=now + timedelta(seconds=wait),
        last_polled_at=now,
        last_status="error",
        last_error=redaction.truncate(error.message, ERROR_LIMIT),
        last_started=0,
        failures=failures,
    )
