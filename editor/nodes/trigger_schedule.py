"""The schedule trigger: its settings, and when a cron expression fires in a time zone.

`next_fire_times` is pure (croniter and zoneinfo only), so the workflow page can show the next
runs without touching the engine; `executions.schedules` uses it to fire them.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, croniter
from pydantic import Field, ValidationError, field_validator

from editor.nodes.base import NodeConfig, NodeType, RunContext


class Config(NodeConfig):
    cron: str = Field(
        "0 9 * * 1-5",
        description="When to run, as a cron expression (minute hour day-of-month month day-of-week), "
        "e.g. '*/15 * * * *' for every 15 minutes or '0 9 * * 1-5' for 9:00 on weekdays.",
    )
    timezone: str = Field(
        "UTC", description="IANA time zone the cron times are in, e.g. 'Europe/Berlin'."
    )
    skip_if_running: bool = Field(
        False, description="Skip a due run while the previous scheduled run is still going."
    )

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        value = " ".join(value.split())
        if len(value.split(" ")) != 5 or not croniter.is_valid(value):
            raise ValueError(
                f"'{value}' is not a 5-field cron expression (minute hour day month weekday)"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"'{value}' is not an IANA time zone such as 'UTC' or 'America/New_York'"
            ) from exc
        return value


def config_in(graph: Any) -> Config | None:
    """The schedule trigger's settings when `graph` starts with one and they are valid."""
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, dict) and node.get("type") == "trigger.schedule":
            try:
                return Config.model_validate(node.get("config") or {})
            except ValidationError:
                return None
    return None


def next_fire_times(
    cron: str, timezone: str, count: int = 5, after: datetime | None = None
) -> list[datetime]:
    """The next `count` instants strictly after `after` (default: now) at which `cron` fires,
    read as wall-clock time in the IANA `timezone`. Fewer when the expression stops matching
    (e.g. 30 February). Returned in UTC: aware datetimes sharing one ZoneInfo compare by wall
    time, which would make the two 02:00s of a fall-back night equal; convert for display.

    Daylight-saving changes follow Vixie cron (the cron of most Linux systems), which treats an
    *interval* expression — its minute or hour field starts with `*`, like `*/15 * * * *` or
    `0 * * * *` — differently from a *fixed-time* one like `30 2 * * *`:

    * Clocks go forward, so a local time does not exist that day: an interval expression skips
      it; a fixed-time expression fires once at the moment the clocks jump, so a daily job still
      runs that day (`30 2 * * *` in Europe/Berlin fires at 03:00 CEST on the spring-forward day).
    * Clocks go back, so a local time happens twice: an interval expression fires on both
      passes, which are different instants (`0 * * * *` fires at 02:00 CEST and 02:00 CET); a
      fixed-time expression fires on the first pass only.
    * Local times that land on the same instant fire once.
    """
    zone = ZoneInfo(timezone)
    after = (after or datetime.now(UTC)).astimezone(UTC)
    fields = cron.split()
    interval = any(f.startswith("*") for f in fields[:2])
    local = after.astimezone(zone)
    # A wall time earlier than `after`'s may still be a later instant: the second pass of a
    # repeated hour. Start that much earlier; instants not after `after` are dropped below.
    zero = timedelta(0)
    repeat = (local.replace(fold=0).utcoffset() or zero) - (
        local.replace(fold=1).utcoffset() or zero
    )
    start = local.replace(tzinfo=None) - max(repeat, zero)
    found: list[datetime] = []
    pending: list[datetime] = []
    walls = _wall_times(cron, start)
    for _ in range(count + 5000):  # bounded: a skipped day of every-minute times is 1,440
        wall = next(walls, None)
        if wall is None:
            break
        instants = _instants(wall, zone, interval)
        for instant in instants:
            if instant > after:
                heapq.heappush(pending, instant)
        # Later wall times never give an instant before this wall time's first one, so
        # everything pending up to it is final and in order.
        while instants and pending and pending[0] <= instants[0]:
            _add(found, heapq.heappop(pending))
        if len(found) >= count:
            return found[:count]
    while pending and len(found) < count:
        _add(found, heapq.heappop(pending))
    return found[:count]


def _wall_times(cron: str, start: datetime) -> Iterator[datetime]:
    """Naive local times matching `cron` after `start`: croniter on naive datetimes knows no
    daylight saving, which is applied afterwards by `_instants`."""
    times = croniter(cron, start)
    while True:
        try:
            yield times.get_next(datetime)
        except CroniterBadDateError:
            return


def _instants(wall: datetime, zone: ZoneInfo, interval: bool) -> list[datetime]:
    first, second = wall.replace(tzinfo=zone), wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return [first.astimezone(UTC)]
    exists = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall
    if exists:  # a repeated time: fold=0 is the first pass
        passes = [first, second] if interval else [first]
        return [p.astimezone(UTC) for p in passes]
    return [] if interval else [_jump(wall, zone)]


def _jump(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant the clocks jumped over the nonexistent `wall`, to the second."""
    # In a gap, fold=1 reads the wall time with the new offset (an instant before the jump) and
    # fold=0 with the old one (an instant after it).
    before = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    after = int(wall.replace(tzinfo=zone).timestamp())
    new_offset = datetime.fromtimestamp(after, zone).utcoffset()
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == new_offset:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)


def _add(found: list[datetime], instant: datetime) -> None:
    if not found or found[-1] != instant:
        found.append(instant)


def run(config: Config, ctx: RunContext) -> Any:
    """The output is {scheduled_at, fired_at}, given by the scheduler."""
    return ctx.input


NODE = NodeType(
    type="trigger.schedule",
    label="Schedule",
    category="trigger",
    description="Starts the workflow on a cron schedule, in a time zone of your choice.",
    Config=Config,
    run=run,
)
