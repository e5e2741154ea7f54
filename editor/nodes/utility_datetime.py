"""utility.datetime: read, shift, compare, convert and format dates and times in real time zones.

Formats are strftime (`%Y-%m-%d %H:%M`) or the Luxon/Moment tokens people type
(`yyyy-MM-dd HH:mm`, `DD/MM/YYYY`); `to_strftime` translates tokens to strftime, which then
formats (`datetime.strftime`) and parses (`datetime.strptime`). Text in single quotes or square
brackets is literal. Values are ISO 8601 text or Unix timestamps; results are ISO 8601 unless a
format is given.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator

from editor.nodes import items as data
from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.templating import is_template

Unit = Literal["years", "months", "weeks", "days", "hours", "minutes", "seconds", "milliseconds"]
CALENDAR_UNITS = ("years", "months", "weeks", "days")
CLOCK_SECONDS = {"hours": 3600, "minutes": 60, "seconds": 1, "milliseconds": 0.001}
STRFTIME_CODE = re.compile(r"%[A-Za-z%]")
MILLISECONDS_FROM = 100_000_000_000  # a larger timestamp is in milliseconds (after 1973)


def _offset(moment: datetime) -> str:
    """The UTC offset as `+05:30` (`+00:25:21` for the seconds of old local mean times)."""
    offset = moment.utcoffset()
    if offset is None:
        return ""
    sign = "-" if offset < timedelta(0) else "+"
    minutes, seconds = divmod(abs(int(offset.total_seconds())), 60)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}" + (f":{seconds:02d}" if seconds else "")


# token: (strftime code, or the text itself where strftime has no code for it)
TOKENS: dict[str, tuple[str, Callable[[datetime], str] | None]] = {
    "yyyy": ("%Y", None),
    "YYYY": ("%Y", None),
    "yy": ("%y", None),
    "YY": ("%y", None),
    "MMMM": ("%B", None),
    "MMM": ("%b", None),
    "MM": ("%m", None),
    "M": ("%m", lambda m: str(m.month)),
    "EEEE": ("%A", None),
    "dddd": ("%A", None),
    "EEE": ("%a", None),
    "ddd": ("%a", None),
    "dd": ("%d", None),
    "DD": ("%d", None),
    "d": ("%d", lambda m: str(m.day)),
    "D": ("%d", lambda m: str(m.day)),
    "HH": ("%H", None),
    "H": ("%H", lambda m: str(m.hour)),
    "hh": ("%I", None),
    "h": ("%I", lambda m: str(m.hour % 12 or 12)),
    "mm": ("%M", None),
    "m": ("%M", lambda m: str(m.minute)),
    "ss": ("%S", None),
    "s": ("%S", lambda m: str(m.second)),
    "SSS": ("%f", lambda m: f"{m.microsecond // 1000:03d}"),
    "a": ("%p", None),
    "A": ("%p", None),
    "ZZZ": ("%z", None),
    "ZZ": ("%z", _offset),
    "Z": ("%z", _offset),
}
_TOKEN = re.compile(
    r"'([^']*)'|\[([^\]]*)\]|" + "|".join(sorted(TOKENS, key=len, reverse=True)) + "|."
)


def to_strftime(fmt: str, moment: datetime | None = None) -> str:
    """A Luxon/Moment token format as strftime (a strftime format as it is). With `moment`
    (formatting), tokens strftime cannot say (unpadded numbers, milliseconds, `+05:00`) become
    that moment's text; without (parsing), codes that also read them."""
    if STRFTIME_CODE.search(fmt):
        return fmt
    parts = []
    for match in _TOKEN.finditer(fmt):
        quoted, bracketed = match.group(1), match.group(2)
        text = match.group(0)
        if quoted is not None or bracketed is not None:
            literal = quoted if quoted is not None else bracketed
            parts.append(literal.replace("%", "%%") if literal else ("'" if quoted == "" else ""))
        elif text in TOKENS:
            code, as_text = TOKENS[text]
            parts.append(as_text(moment) if moment is not None and as_text else code)
        else:
            parts.append(text.replace("%", "%%"))
    return "".join(parts)


def format_moment(moment: datetime, fmt: str) -> str:
    return moment.strftime(to_strftime(fmt, moment)) if fmt else moment.isoformat()


class Config(NodeConfig):
    operation: Literal[
        "now", "format", "parse", "add", "subtract", "diff", "convert", "start_of", "end_of"
    ] = Field(
        "format",
        description="now: the current time. format: the value as text in 'format'. parse: "
        "text in 'format' (or ISO 8601) to ISO 8601. add / subtract: 'amount' 'unit's. diff: "
        "'end' minus 'value' in 'unit's. convert: the value in 'timezone'. start_of / end_of: "
        "the start or end of the value's 'unit' (day, week, month...).",
    )
    value: Any = Field(
        None,
        description="The date-time: ISO 8601 text such as '2026-03-01T09:30:00+01:00', a Unix "
        "timestamp (seconds, or milliseconds), or with parse text in 'format'; usually a "
        "template such as '{{ trigger.body.created_at }}'. Empty: now.",
    )
    format: str = Field(
        "",
        description="strftime ('%Y-%m-%d %H:%M') or tokens ('yyyy-MM-dd HH:mm', 'DD/MM/YYYY', "
        "'dddd d MMMM'); text in quotes is literal. For format and the other operations: how the "
        "result is written (empty: ISO 8601). For parse: how the value is written.",
    )
    timezone: str = Field(
        "",
        description="IANA time zone, e.g. 'Europe/Berlin': the result is given in it, and a "
        "value without an offset is read in it. Empty: the value's own offset (UTC if none).",
    )
    amount: Any = Field(
        0, description="For add and subtract: how many units, e.g. 3 or a template."
    )
    unit: Unit = Field(
        "days",
        description="The unit for add, subtract, diff, start_of and end_of: years, months, "
        "weeks, days, hours, minutes, seconds or milliseconds (weeks start on Monday).",
    )
    end: Any = Field(
        None, description="For diff: the later date-time (empty: now); the result is end - value."
    )
    output_field: str = Field("", max_length=200, description=data.OUTPUT_FIELD_HELP)
    input: Any = Field(None, description=data.INTO_HELP)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        value = value.strip()
        if value and not is_template(value):
            _zone(value, ValueError)
        return value

    @field_validator("amount")
    @classmethod
    def _a_number(cls, value: Any, info: ValidationInfo) -> Any:
        if info.data.get("operation") in ("add", "subtract") and not is_template(value):
            _amount(value, ValueError)
        return value


def _zone(name: str, error: type[Exception] = NodeError) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise error(
            f"'{name}' is not an IANA time zone such as 'UTC' or 'America/New_York'"
        ) from None


def _amount(value: Any, error: type[Exception] = NodeError) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise error(f"amount: '{value}' is not a number") from None
    return number


def read(value: Any, fmt: str = "", zone: tzinfo | None = None, what: str = "value") -> datetime:
    """A date-time from ISO 8601 text, a Unix timestamp or text in `fmt`; without an offset it
    is in `zone` (UTC by default)."""
    if value is None or value == "":
        return datetime.now(zone or UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if abs(value) >= MILLISECONDS_FROM else value
        moment = datetime.fromtimestamp(seconds, UTC)
        return moment.astimezone(zone) if zone else moment
    if not isinstance(value, str):
        raise NodeError(f"{what}: expected a date-time, got {type(value).__name__}")
    text = value.strip()
    try:
        moment = datetime.strptime(text, to_strftime(fmt)) if fmt else datetime.fromisoformat(text)
    except ValueError as exc:
        if not fmt and re.fullmatch(r"-?\d+(\.\d+)?", text):
            return read(float(text), zone=zone, what=what)
        expected = f"the format '{fmt}'" if fmt else "ISO 8601, e.g. 2026-03-01T09:30:00Z"
        raise NodeError(f"{what}: '{text}' does not match {expected} ({exc})") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone or UTC)


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise NodeError("The result is outside the years 1 to 9999.")
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def shift(moment: datetime, amount: float, unit: str) -> datetime:
    """`moment` moved by `amount` units: calendar units keep the wall-clock time in the
    moment's zone (a day is 23 hours across a DST change), clock units are elapsed time."""
    try:
        if unit in ("years", "months"):
            if not float(amount).is_integer():
                raise NodeError(f"{unit} can only be added in whole numbers, not {amount}")
            return _add_months(moment, int(amount) * (12 if unit == "years" else 1))
        if unit in CALENDAR_UNITS:
            days = amount * (7 if unit == "weeks" else 1)
            wall = moment.replace(tzinfo=None) + timedelta(days=days)
            return _in_zone(wall, moment.tzinfo)
        elapsed = timedelta(seconds=amount * CLOCK_SECONDS[unit])
        return (moment.astimezone(UTC) + elapsed).astimezone(moment.tzinfo)
    except OverflowError:
        raise NodeError("The result is outside the years 1 to 9999.") from None


def _in_zone(wall: datetime, zone: tzinfo | None) -> datetime:
    """A wall-clock time in `zone`, normalised (a time skipped by DST moves forward)."""
    return wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def difference(start: datetime, end: datetime, unit: str) -> float | int:
    """end - start in `unit`s: whole calendar months or years, else a (fractional) number."""
    if unit in ("years", "months"):
        months = (end.year - start.year) * 12 + end.month - start.month
        if months > 0 and _add_months(start, months) > end:
            months -= 1
        elif months < 0 and _add_months(start, months) < end:
            months += 1
        return int(months / 12) if unit == "years" else months
    seconds = (end - start).total_seconds()
    per = {"weeks": 604800, "days": 86400, **CLOCK_SECONDS}[unit]
    result = seconds / per
    return int(result) if result.is_integer() else result


def start_of(moment: datetime, unit: str) -> datetime:
    wall = moment.replace(tzinfo=None)
    if unit == "years":
        wall = wall.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    elif unit == "months":
        wall = wall.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    elif unit == "weeks":
        wall = wall.replace(hour=0, minute=0, second=0, microsecond=0)
        wall -= timedelta(days=wall.weekday())
    elif unit == "days":
        wall = wall.replace(hour=0, minute=0, second=0, microsecond=0)
    elif unit == "hours":
        wall = wall.replace(minute=0, second=0, microsecond=0)
    elif unit == "minutes":
        wall = wall.replace(second=0, microsecond=0)
    elif unit == "seconds":
        wall = wall.replace(microsecond=0)
    else:
        wall = wall.replace(microsecond=wall.microsecond // 1000 * 1000)
    return _in_zone(wall, moment.tzinfo)


def end_of(moment: datetime, unit: str) -> datetime:
    """The last microsecond of the unit `moment` is in."""
    following = shift(start_of(moment, unit), 1, unit)
    return (following.astimezone(UTC) - timedelta(microseconds=1)).astimezone(moment.tzinfo)


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{result}: ISO 8601 text (or text in 'format'), or for diff a number of units (or
    `input` with it as output_field)."""
    return data.with_result(_result(config), config.output_field, config.input)


def _result(config: Config) -> str | float | int:
    zone = _zone(config.timezone) if config.timezone else None
    op = config.operation
    if op == "now":
        moment = datetime.now(zone or UTC)
    else:
        moment = read(config.value, config.format if op == "parse" else "", zone)
    if zone is not None:
        moment = moment.astimezone(zone)
    if op == "diff":
        return difference(moment, read(config.end, "", zone, "end"), config.unit)
    if op in ("add", "subtract"):
        amount = _amount(config.amount)
        moment = shift(moment, amount if op == "add" else -amount, config.unit)
    elif op == "start_of":
        moment = start_of(moment, config.unit)
    elif op == "end_of":
        moment = end_of(moment, config.unit)
    output_format = "" if op == "parse" else config.format
    return format_moment(moment, output_format)


NODE = NodeType(
    contained=True,
    type="utility.datetime",
    label="Date & time",
    category="utility",
    description="Gets the current time, parses, formats, shifts, compares and converts dates "
    "and times between time zones.",
    Config=Config,
    run=run,
)
