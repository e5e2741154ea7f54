"""Import of n8n workflow exports (DESIGN §8); `convert` and `looks_like_n8n` are the entry points."""

from __future__ import annotations

from editor.n8n.converter import convert, looks_like_n8n

__all__ = ["convert", "looks_like_n8n"]
