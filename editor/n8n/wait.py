"""n8n's Wait node (a time interval or a specific time) as a WorkFuse delay."""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.expressions import single

SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def _wait(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resume = p.get("resume") or "timeInterval"
    if resume == "specificTime":
        when = cx.value(p.get("dateTime") or "", node)
        if not when:
            raise Refusal("waits until a date that is not set; set it in n8n and export again.")
        note = "n8n read this time in the workflow's time zone; add an offset (e.g. +01:00) if it has none."
        return Converted("utility.delay", {"until": when}, notes=[note])
    if resume != "timeInterval":
        # What n8n's nodes after a resumed Wait read ($json: the call) is not what the import
        # reads through a Wait (its input), so the node is left for the user to add.
        raise Refusal(
            f"waits for a {resume} call to resume, which the import does not convert (it "
            "converts waits for time only); add a 'Wait for call or approval' (utility.wait) "
            "node in its place and send its {{ execution.resume_url }}."
        )
    amount = p.get("amount", 1 if node.version < 1.1 else 5)
    unit = p.get("unit") or ("hours" if node.version < 1.1 else "seconds")
    if unit not in SECONDS:
        raise Refusal(f"waits in '{unit}'; WorkFuse knows seconds, minutes, hours and days.")
    factor = SECONDS[unit]
    value = cx.value(amount, node)
    expression = single(value)
    if expression is not None:
        seconds: Any = "{{ (" + expression + ") * " + str(factor) + " }}" if factor != 1 else value
    elif isinstance(value, int | float) or (isinstance(value, str) and _is_number(value)):
        seconds = float(value) * factor
        seconds = int(seconds) if seconds.is_integer() else seconds
    else:
        raise Refusal(f"waits for '{amount}' {unit}, which is not a number.")
    return Converted("utility.delay", {"seconds": seconds})


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


SPECS: dict[str, Spec] = {f"{BASE}wait": Spec(_wait, None)}
