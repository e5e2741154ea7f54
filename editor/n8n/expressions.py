"""n8n expressions (`$json`, `$('Node')`, `$now`) as WorkFuse templates; plain text kept plain."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

# A template path (`trigger`, `nodes.<id>.body`, `item`) and the n8n output fields read from it
# that WorkFuse names differently (n8n path -> WorkFuse path).
Reference = tuple[str, dict[str, str]]
# The reference for the node an expression names (`$('Name')`, `$node["Name"]`), or for the
# node's input (`$json`, `$input`) when given None; None when there is nothing to refer to.
Resolver = Callable[[str | None], Reference | None]

_BLOCK = re.compile(r"\{\{(.*?)\}\}", re.S)
_FIELDS = r"""(?P<fields>(?:\s*\.\s*[A-Za-z_$][\w$]*(?![\w$])(?!\s*\()|\s*\[\s*(?:'[^']*'|"[^"]*"|\d+)\s*\])*)"""
_REFERENCE = re.compile(
    r"""(?:
        \$\(\s*(?P<q1>['"])(?P<called>.+?)(?P=q1)\s*\)\s*\.\s*(?:item|first\(\s*\)|last\(\s*\))\s*\.\s*json
      | \$node\s*\[\s*(?P<q2>['"])(?P<indexed>.+?)(?P=q2)\s*\]\s*\.\s*json
      | \$input\s*\.\s*(?:item|first\(\s*\)|last\(\s*\))\s*\.\s*json
      | \$json
    )(?![\w$])"""
    + _FIELDS
    + r"""|(?P<now>\$now(?:\s*\.\s*toISO\(\s*\))?)(?![\w$]|\s*\.)""",
    re.X,
)
_N8N_LEFT = re.compile(r"\$[A-Za-z_(]")
_JAVASCRIPT = re.compile(r"\.\s*[A-Za-z_]\w*\s*\(|\.\s*length\b|=>|===|!==|&&|\?\?|\?\.|`")
_SEGMENT = re.compile(r"""\.\s*([A-Za-z_$][\w$]*)|\[\s*(?:'([^']*)'|"([^"]*)"|(\d+))\s*\]""")


def translate(text: str, resolve: Resolver) -> str:
    """The template for an n8n expression (the text after its leading `=`)."""
    parts: list[str] = []
    last = 0
    for match in _BLOCK.finditer(text):
        parts.append(literal(text[last : match.start()], in_template=True))
        parts.append("{{" + _block(match.group(1), resolve) + "}}")
        last = match.end()
    parts.append(literal(text[last:], in_template=last > 0))
    return "".join(parts)


def _block(inner: str, resolve: Resolver) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group("now"):
            return "execution.started_at"
        ref = resolve(match.group("called") or match.group("indexed"))
        if ref is None:
            return match.group(0)
        return _with_fields(ref[0], match.group("fields") or "", ref[1])

    converted = _REFERENCE.sub(replace, inner)
    # JavaScript methods parse as Jinja but fail at run time; keeping the n8n text
    # makes validation point at the field instead.
    if _N8N_LEFT.search(converted) or _JAVASCRIPT.search(converted):
        return inner
    return converted


def _with_fields(prefix: str, fields: str, aliases: dict[str, str]) -> str:
    """`prefix` plus the fields read from it, renaming n8n output fields WorkFuse calls
    differently (an agent's `output` is WorkFuse's `response`)."""
    segments: list[str | int] = []
    for m in _SEGMENT.finditer(fields):
        name = next((g for g in m.groups()[:3] if g is not None), None)
        segments.append(name if name is not None else int(m.group(4)))
    for old, new in aliases.items():
        parts = old.split(".")
        if segments[: len(parts)] == parts:
            segments = [*new.split("."), *segments[len(parts) :]]
            break
    text = prefix
    for segment in segments:
        if isinstance(segment, int):
            text += f"[{segment}]"
        elif re.fullmatch(r"[A-Za-z_]\w*", segment):
            text += f".{segment}"
        else:
            text += f"[{json.dumps(segment)}]"
    return text


def literal(text: str, in_template: bool = False) -> str:
    """Plain n8n text, kept from being read as a template."""
    markers = ("{{", "{%", "{#") if in_template else ("{{", "{%")
    if any(m in text for m in markers):
        return "{% raw %}" + text + "{% endraw %}"
    return text


def single(template: Any) -> str | None:
    """The Jinja expression of a template that is exactly one `{{ ... }}`, else None."""
    if not isinstance(template, str):
        return None
    match = re.fullmatch(r"\s*\{\{(.*?)\}\}\s*", template, re.S)
    if match and "{{" not in match.group(1) and "}}" not in match.group(1):
        return match.group(1).strip()
    return None
