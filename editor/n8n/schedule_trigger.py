"""n8n's Schedule Trigger, Cron and Interval nodes as a WorkFuse schedule trigger (a 5-field
cron)."""

from __future__ import annotations

import re
import secrets
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.js_constant import constant


def _schedule(node: N8nNode, cx: Converter) -> Converted:
    rules = (node.params.get("rule") or {}).get("interval") or [{}]
    notes = []
    if len(rules) > 1:
        notes.append(f"n8n had {len(rules)} schedule rules; only the first was imported.")
    rule = {
        key: _evaluated(value, notes) if isinstance(value, str) and value.startswith("=") else value
        for key, value in rules[0].items()
    }
    cron = interval_cron(rule)
    if rule.get("field") == "seconds":
        notes.append(_once_a_minute(node, rule.get("secondsInterval", 30)))
    return Converted("trigger.schedule", {"cron": cron, **_timezone(cx, notes)}, notes=notes)


def _once_a_minute(node: N8nNode, seconds: object) -> str:
    return (
        f"n8n ran '{node.name}' every {seconds} seconds; WorkFuse schedules run at most once a "
        "minute, so this one runs every minute (a workflow that polls keeps working, checking "
        "less often)."
    )


# `{{ Math.floor(Math.random() * N) }}`: a whole number drawn from 0 to N - 1.
RANDOM = re.compile(r"\s*Math\.floor\(\s*Math\.random\(\)\s*\*\s*(\d+)\s*\)\s*")
BLOCK = re.compile(r"\{\{(.*?)\}\}", re.S)


def _evaluated(expression: str, notes: list[str]) -> str:
    """The text of an n8n expression in a schedule rule (a cron, a minute). n8n's Schedule Trigger reads its rule once, when
    the workflow is activated, and schedules that text; a random number in it is drawn then
    and kept until the next activation. WorkFuse draws it here, once, at import."""
    drawn: list[str] = []

    def value(block: re.Match[str]) -> str:
        source = block.group(1)
        random = RANDOM.fullmatch(source)
        if random:
            number = str(secrets.randbelow(int(random.group(1)) or 1))
            drawn.append(number)
            return number
        known, fixed = constant("={{" + source + "}}")
        if known and isinstance(fixed, (int, str)) and not isinstance(fixed, bool):
            return str(fixed)
        raise Refusal(
            f"sets its schedule from the expression '{expression}', which WorkFuse cannot work "
            "out at import. Write the schedule out in n8n and export again."
        )

    text = BLOCK.sub(value, expression[1:])
    if drawn:
        notes.append(
            f"n8n drew the random number in '{expression}' once each time the workflow was "
            f"activated; WorkFuse drew it once at import ({', '.join(drawn)})."
        )
    return text


def interval_cron(rule: dict[str, Any]) -> str:
    """A Schedule Trigger rule (`rule.interval[i]`) as a 5-field cron expression."""
    kind = rule.get("field") or "days"
    minute = rule.get("triggerAtMinute", 0)
    hour = rule.get("triggerAtHour", 0)
    if kind == "cronExpression":
        return five_fields(str(rule.get("expression") or ""))
    if kind == "minutes":
        return f"*/{rule.get('minutesInterval', 5)} * * * *"
    if kind == "hours":
        return f"{minute} */{rule.get('hoursInterval', 1)} * * *"
    if kind == "days":
        every = rule.get("daysInterval", 1)
        return f"{minute} {hour} {'*' if every == 1 else f'*/{every}'} * *"
    if kind == "weeks":
        if rule.get("weeksInterval", 1) != 1:
            raise Refusal(
                "runs every few weeks, which a cron expression cannot say; use a weekly rule "
                "or a cron expression in n8n and export again."
            )
        days = rule.get("triggerAtDay", [0])
        weekdays = ",".join(str(d) for d in days) if days else "*"
        return f"{minute} {hour} * * {weekdays}"
    if kind == "months":
        every = rule.get("monthsInterval", 1)
        months = "*" if every == 1 else f"*/{every}"
        return f"{minute} {hour} {rule.get('triggerAtDayOfMonth', 1)} {months} *"
    if kind == "seconds":
        # n8n schedules `*/N * * * * *`: every N seconds within each minute. Under a minute
        # WorkFuse's closest schedule is every minute (the caveat is the caller's); from 60 on
        # n8n versions differ (a timer every N seconds, or the cron's second 0 only).
        seconds = rule.get("secondsInterval", 30)
        if str(seconds).isdigit() and 0 < int(seconds) < 60:
            return "* * * * *"
        raise Refusal(
            f"runs every {seconds!r} seconds, which WorkFuse cannot schedule; use a minutes "
            "rule in n8n and export again."
        )
    raise Refusal(f"uses the schedule interval '{kind}', which WorkFuse does not know.")


def five_fields(expression: str) -> str:
    """n8n cron may carry a leading seconds field; WorkFuse cron has five fields."""
    fields = expression.split()
    if len(fields) == 6:
        if not fields[0].isdigit():
            raise Refusal(
                f"the cron expression '{expression}' fires within the minute (seconds field "
                f"'{fields[0]}'); WorkFuse schedules run at most once a minute."
            )
        fields = fields[1:]
    return " ".join(fields)


def _cron(node: N8nNode, cx: Converter) -> Converted:
    items = (node.params.get("triggerTimes") or {}).get("item") or []
    if not items:
        raise Refusal("has no trigger times, so it never fires; add one in n8n and export again.")
    notes = (
        [f"n8n had {len(items)} trigger times; only the first was imported."]
        if len(items) > 1
        else []
    )
    item = items[0]
    mode = item.get("mode") or "everyDay"
    minute, hour = item.get("minute", 0), item.get("hour", 14)
    crons = {
        "everyMinute": "* * * * *",
        "everyHour": f"{minute} * * * *",
        "everyDay": f"{minute} {hour} * * *",
        "everyWeek": f"{minute} {hour} * * {item.get('weekday', '1')}",
        "everyMonth": f"{minute} {hour} {item.get('dayOfMonth', 1)} * *",
    }
    if mode == "everyX":
        value = item.get("value", 2)
        cron = f"*/{value} * * * *" if item.get("unit") == "minutes" else f"0 */{value} * * *"
    elif mode == "custom":
        cron = five_fields(str(item.get("cronExpression") or "* * * * * *"))
    elif mode in crons:
        cron = crons[mode]
    else:
        raise Refusal(f"uses the mode '{mode}', which WorkFuse does not know.")
    return Converted("trigger.schedule", {"cron": cron, **_timezone(cx, notes)}, notes=notes)


# n8n's Interval node: every N seconds, minutes, hours or days from the workflow's activation.
INTERVAL_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def _interval(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    unit = p.get("unit") or "seconds"
    value = p.get("interval", 1)
    if unit not in INTERVAL_UNITS or not isinstance(value, int) or value < 1:
        raise Refusal(f"fires every {value!r} {unit}, which WorkFuse cannot schedule.")
    seconds = value * INTERVAL_UNITS[unit]
    if seconds < 60:
        notes = [_once_a_minute(node, seconds)]
        return Converted(
            "trigger.schedule", {"cron": "* * * * *", **_timezone(cx, notes)}, notes=notes
        )
    if seconds % 60:
        raise Refusal(
            f"fires every {value} {unit}; WorkFuse schedules run at most once a minute and on "
            "whole minutes. Use a whole number of minutes in n8n and export again."
        )
    minutes = seconds // 60
    if minutes < 60:
        cron, cycle, span = f"*/{minutes} * * * *", 60, minutes
    elif minutes % 60 == 0 and minutes < 1440:
        cron, cycle, span = f"0 */{minutes // 60} * * *", 24, minutes // 60
    elif minutes % 1440 == 0:
        cron, cycle, span = f"0 0 */{minutes // 1440} * *", 0, 0
    else:
        raise Refusal(
            f"fires every {minutes} minutes, which a cron expression cannot say; use a whole "
            "number of hours or days in n8n and export again."
        )
    notes = [
        "n8n counted the interval from the workflow's activation; this schedule runs on the "
        "clock (at whole minutes, hours or days)."
    ]
    if cycle and cycle % span:
        notes.append(
            f"Every {span} does not divide the {'hour' if cycle == 60 else 'day'}: the last "
            "interval before it turns is shorter."
        )
    if minutes >= 1440:
        notes.append("Days are counted in the month, so the interval restarts on the 1st.")
    return Converted("trigger.schedule", {"cron": cron, **_timezone(cx, notes)}, notes=notes)


def _timezone(cx: Converter, notes: list[str]) -> dict[str, str]:
    settings = cx.data.get("settings")
    zone = settings.get("timezone") if isinstance(settings, dict) else None
    if isinstance(zone, str) and zone not in ("", "DEFAULT"):
        try:
            ZoneInfo(zone)
            return {"timezone": zone}
        except (ZoneInfoNotFoundError, ValueError):
            pass
    notes.append("n8n used its instance's time zone; this schedule runs in UTC. Check 'timezone'.")
    return {"timezone": "UTC"}


SPECS: dict[str, Spec] = {
    f"{BASE}scheduleTrigger": Spec(_schedule, "trigger", (("timestamp", "scheduled_at"),)),
    f"{BASE}cron": Spec(_cron, "trigger"),
    f"{BASE}interval": Spec(_interval, "trigger"),
}
