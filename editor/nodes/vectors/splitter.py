"""LangChain's RecursiveCharacterTextSplitter (the JavaScript one n8n runs), reproduced exactly,
with n8n's settings (`keepSeparator: false`) unless `keep_separator` is asked for.

A text is cut at the first separator of `SEPARATORS` it contains; pieces still too long are cut
again with the next separators, and neighbouring pieces are merged back (joined by the
separator) into chunks of at most `chunk_size` characters, a new chunk starting with up to
`chunk_overlap` characters of the one before. Chunks are trimmed and empty ones dropped. With
`keep_separator` the separator stays at the start of the piece after it instead. Lengths are
counted as JavaScript counts them (UTF-16 code units), so a text with emoji splits where n8n
splits it; only a character outside the Basic Multilingual Plane that a cut would halve stays
whole here, where JavaScript would cut its surrogate pair in two.

It runs in time linear in the text for each separator level (four levels), so a megabyte of
text is split in well under a second; callers bound the text's size before splitting.
"""

from __future__ import annotations

import re
from collections import deque

SEPARATORS = ("\n\n", "\n", " ", "")


def js_length(text: str) -> int:
    """`text.length` in JavaScript: UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def split_text(
    text: str,
    chunk_size: int = 1000,
    chunk_overlap: int = 200,
    separators: tuple[str, ...] = SEPARATORS,
    keep_separator: bool = False,
) -> list[str]:
    """The chunks of `text`. `chunk_overlap` must be below `chunk_size` (ValueError)."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    if not 0 <= chunk_overlap < chunk_size:
        raise ValueError("chunk_overlap must be at least 0 and smaller than chunk_size")
    return _split(text, list(separators), chunk_size, chunk_overlap, keep_separator)


def _split(text: str, separators: list[str], size: int, overlap: int, keep: bool) -> list[str]:
    chunks: list[str] = []
    separator = separators[-1]
    rest: list[str] = []
    for i, candidate in enumerate(separators):
        if candidate == "":
            separator = candidate
            break
        if candidate in text:
            separator = candidate
            rest = separators[i + 1 :]
            break
    good: list[str] = []
    joiner = "" if keep else separator
    for piece in _pieces(text, separator, keep):
        if js_length(piece) < size:
            good.append(piece)
            continue
        if good:
            chunks.extend(_merge(good, joiner, size, overlap))
            good = []
        if not rest:
            chunks.append(piece)
        else:
            chunks.extend(_split(piece, rest, size, overlap, keep))
    if good:
        chunks.extend(_merge(good, joiner, size, overlap))
    return chunks


def _pieces(text: str, separator: str, keep: bool) -> list[str]:
    """`text.split(separator)`; kept: cut before each separator (`split(/(?=sep)/)`); no
    separator: one piece per character."""
    if not separator:
        pieces = _code_units(text)
    elif keep:
        pieces = re.split(f"(?={re.escape(separator)})", text)
    else:
        pieces = text.split(separator)
    return [p for p in pieces if p != ""]


def _code_units(text: str) -> list[str]:
    """`text.split('')`: characters, except that a character outside the Basic Multilingual
    Plane is one piece here where JavaScript makes two halves of a surrogate pair (which n8n
    would then send on as broken text)."""
    return list(text)


def _merge(pieces: list[str], joiner: str, size: int, overlap: int) -> list[str]:
    """LangChain's mergeSplits: pieces joined by `joiner` into chunks."""
    chunks: list[str] = []
    current: deque[str] = deque()
    total = 0
    step = js_length(joiner)
    for piece in pieces:
        length = js_length(piece)
        if total + length + len(current) * step > size and current:
            _add(chunks, current, joiner)
            while total > overlap or (total + length + len(current) * step > size and total > 0):
                total -= js_length(current[0])
                current.popleft()
        current.append(piece)
        total += length
    _add(chunks, current, joiner)
    return chunks


def _add(chunks: list[str], pieces: deque[str], joiner: str) -> None:
    text = joiner.join(pieces).strip()
    if text:
        chunks.append(text)
