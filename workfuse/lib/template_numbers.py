"""Whole-number settings that may be templates, filled in at run time.

An agent's tool often takes a count from the model (n8n's `$fromAI('limit')` becomes
`{{ trigger.limit }}`), so a node's `int` setting is typed `int | str`: on save it must be a
number in range or a template (`number_or_template`, in a field validator); when the step runs,
the filled-in text is read as that number or the step fails naming the setting
(`filled_number`).
"""

from __future__ import annotations

from workfuse.lib.node_run import NodeError


def number_or_template(value: int | str, low: int, high: int | None = None) -> int | str:
    """`value` as saved: a whole number from `low` to `high`, or a template left as it is.
    ValueError otherwise (pydantic names the field)."""
    if isinstance(value, str):
        text = value.strip()
        if "{{" in text or "{%" in text:
            return text
        if not text.isascii() or not text.lstrip("-").isdigit():
            raise ValueError(f"must be a whole number ({_range(low, high)}) or a template")
        value = int(text)
    if isinstance(value, bool) or value < low or (high is not None and value > high):
        raise ValueError(f"must be {_range(low, high)}")
    return value


def filled_number(value: int | str, field: str, low: int, high: int | None = None) -> int:
    """The number a setting holds once its template is filled in; NodeError naming `field`
    when the template gave something else."""
    try:
        number = number_or_template(value, low, high)
    except ValueError as exc:
        raise NodeError(f"{field} {exc}, not {str(value)[:40]!r}.") from None
    if isinstance(number, str):  # a template that filled in another template's text
        raise NodeError(f"{field} must be a whole number, not {number[:40]!r}.")
    return number


def _range(low: int, high: int | None) -> str:
    return f"{low} or more" if high is None else f"from {low} to {high}"
