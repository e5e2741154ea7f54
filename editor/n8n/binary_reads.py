"""Where an n8n expression reads an item's files (docs/n8n-import.md, "Files read through
`$binary`"): `$binary.data.fileName`, `$input.item.binary.data`, `$('Node').item.binary.data`,
`$node["Node"].binary.data`, ... The importer hands those files to `n8n()` (its `binary=`), so
the expression reads a real n8n binary object (workfuse/lib/n8n_binary.py) as in n8n.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# `.binary` (or `$binary`) and what follows it: a fixed property, or anything else (a method
# call such as `.binary.isNotEmpty()` reads the object as a whole).
_BINARY = re.compile(
    r"""(?P<head>\$binary|\??\.\s*binary)(?![\w$])\s*"""
    r"""(?:(?:\?\.|\.)\s*(?P<dot>[A-Za-z_$][\w$]*)(?![\w$]|\s*\()|\??\.?\[\s*(?P<q>['"])(?P<key>[^'"]+)(?P=q)\s*\])?"""
)
# What `.binary` follows, read backwards from it: the node's input item, or a named node's item.
_INPUT_ITEM = re.compile(
    r"""(?:\$input\s*\.\s*(?:item|first\(\s*\)|last\(\s*\)|all\(\s*\)\s*\[\s*\d+\s*\])"""
    r"""|\$thisItem|(?<![\w$.])items\s*\[\s*\d+\s*\])\s*\??$"""
)
_NAMED_ITEM = re.compile(
    r"""(?:\$\(\s*(?P<q1>['"])(?P<a>.+?)(?P=q1)\s*\)\s*\??\.\s*"""
    r"""(?:item|first\(\s*\)|last\(\s*\)|all\(\s*\)\s*\[\s*\d+\s*\]|itemMatching\(\s*[\w$]+\s*\))"""
    r"""|\$node\s*\[\s*(?P<q2>['"])(?P<b>.+?)(?P=q2)\s*\]|\$node\s*\.\s*(?P<c>[A-Za-z_$][\w$]*))\s*\??$"""
)


@dataclass(frozen=True)
class BinaryRead:
    """One read of an item's files: `node` None for the expression's own input item; `prop`
    the binary property read, None when it is not a fixed name (`Object.keys($binary)`)."""

    node: str | None
    prop: str | None
    text: str


def binary_reads(source: str) -> list[BinaryRead]:
    """The reads of item files in the JavaScript `source`; `.binary` on other values (a JSON
    field `$json.binary`, a variable) is JavaScript's own business and not listed."""
    reads = []
    for match in _BINARY.finditer(source):
        prop = match.group("dot") or match.group("key")
        text = match.group(0).strip()
        if match.group("head") == "$binary":
            # `$item(0).$binary` reads another item's files: not followed (prop None refuses)
            other = re.search(r"[\w$.)]\s*$", source[: match.start()])
            reads.append(BinaryRead(None, None if other else prop, text))
            continue
        before = source[: match.start()]
        named = _NAMED_ITEM.search(before)
        if named:
            name = named.group("a") or named.group("b") or named.group("c")
            reads.append(BinaryRead(name, prop, before[named.start() :] + text))
        elif own := _INPUT_ITEM.search(before):
            reads.append(BinaryRead(None, prop, before[own.start() :] + text))
    return reads
