"""WorkFuse node ids and handles made from n8n node and output names."""

from __future__ import annotations

import re
import unicodedata

MAX_ID = 64
MAX_HANDLE = 32


def slug(text: str, max_len: int = MAX_ID, fallback: str = "node") -> str:
    """A WorkFuse id or handle from an n8n name: lowercase letters, digits, underscores."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    value = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_") or fallback
    if not value[0].isalpha():
        value = f"{fallback}_{value}"
    return value[:max_len].rstrip("_")


def unique(base: str, taken: set[str], max_len: int) -> str:
    """`base`, or the first of `base_2`, `base_3`, ... (cut to `max_len`) that is not taken."""
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"_{n}"
        candidate = base[: max_len - len(suffix)].rstrip("_") + suffix
        if candidate not in taken:
            return candidate
        n += 1
