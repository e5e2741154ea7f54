"""Email addresses in an app node's settings (the email and SendGrid nodes): a field takes a
list of addresses or one text of them separated by commas ("Ada <ada@example.com>, bob@x.org"),
each possibly a template, checked once it holds no template any more."""

from __future__ import annotations

import re
from email.utils import formataddr, getaddresses
from typing import Any

# What a mail server accepts in practice: something@domain.tld, no spaces or angle brackets.
ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


def is_template(text: str) -> bool:
    return "{{" in text or "{%" in text


def address_list(value: Any) -> list[str]:
    """For a field validator (mode="before"): the entries as a list of texts, each address
    checked unless it is a template (checked again once rendered). Raises ValueError naming
    the first entry that is not an address."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if isinstance(items, list):  # a template in the list may have rendered to a list
        items = [i for item in items for i in (item if isinstance(item, list) else [item])]
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValueError("must be a list of email addresses, or addresses separated by commas")
    entries: list[str] = []
    for item in items:
        if is_template(item):
            entries.append(item.strip())
            continue
        for name, address in getaddresses([item]):
            if not name and not address:
                continue
            if not ADDRESS.match(address):
                shown = item.strip() if len(item.strip()) <= 80 else item.strip()[:77] + "…"
                raise ValueError(f"“{shown}” is not an email address")
            entries.append(formataddr((name, address)))
    return entries


def address(value: Any) -> str:
    """One address (a sender's), as `address_list` checks it; empty stays empty."""
    entries = address_list(value or [])
    if len(entries) > 1:
        raise ValueError("must be one email address")
    return entries[0] if entries else ""


def parts(entry: str) -> tuple[str, str]:
    """(display name, address) of one checked entry."""
    [(name, addr)] = getaddresses([entry]) or [("", entry)]
    return name, addr
