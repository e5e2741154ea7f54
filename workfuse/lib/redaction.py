"""Scrubbing resolved secret values out of everything stored, sent or logged (DESIGN §9, §10).

`forms_of()` lists every form a secret may travel in; `scrub()` replaces each occurrence with
one mask, `[REDACTED]`, walking JSON-like values, and also masks a text that *ends* in the
first characters of a secret (text cut short, here or by the far side, mid-secret);
`scrub_bytes()` does the same for a binary body before it is encoded. While a step or an AI call runs with a
secret, its forms are `registered()`, and a logging filter scrubs them from the log records of
every thread.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar, cast
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit

MASK = "[REDACTED]"
MIN_LENGTH = 4  # shorter values cannot be scrubbed without mangling ordinary text
PREFIX_LENGTH = 6  # a text ending in this many or more first characters of a secret is cut
URL_PART_LENGTH = 16  # a secret URL's path segment or query value this long is a secret too
EMBEDDED_LENGTH = 12  # base64 of a secret inside other text: shorter runs would hit plain text

T = TypeVar("T")
_active: dict[int, set[str]] = {}
_lock = threading.Lock()


def forms_of(value: object) -> set[str]:
    """The strings a secret value (a string, or a dict of parts) may appear as once used: each
    part as is and trimmed, the password of a `user:password` string, the secret parts of a
    secret URL (`url_parts`), base64 of the value and of `username:password` (HTTP basic
    auth), the base64 of a part wherever it sits in a longer encoded text (`embedded_base64`),
    and each of those URL-encoded and JSON-escaped."""
    texts: list[str] = []
    if isinstance(value, dict):
        texts.extend(str(part) for part in value.values() if part)
        if value.get("username") is not None and value.get("password") is not None:
            texts.append(f"{value['username']}:{value['password']}")
    elif value:
        texts.append(str(value))
        texts.append(str(value).partition(":")[2])
    texts.extend(part for text in list(texts) for part in url_parts(text))
    plain = {form for text in texts for form in (text, text.strip()) if len(form) >= MIN_LENGTH}
    encoded = plain | {base64.b64encode(text.encode()).decode("ascii") for text in plain}
    encoded |= {core for text in plain for core in embedded_base64(text)}
    found: set[str] = set()
    for text in encoded:
        found.update(
            {
                text,
                quote(text, safe=""),
                quote_plus(text),
                json.dumps(text)[1:-1],
                json.dumps(text, ensure_ascii=False)[1:-1],
            }
        )
    return found


def embedded_base64(text: str) -> set[str]:
    """What base64 makes of `text` inside a longer encoded text, as the password of HTTP basic
    auth after a user name the vault does not hold (Twilio's Account SID): for each of the three
    byte alignments, the characters that `text` alone decides (whole 3-byte groups), when
    there are EMBEDDED_LENGTH or more of them."""
    data = text.encode()
    cores = set()
    for shift in (0, 1, 2):
        encoded = base64.b64encode(b"\0" * shift + data).decode("ascii")
        first, last = (1 if shift else 0), (shift + len(data)) // 3  # groups of `data` alone
        core = encoded[4 * first : 4 * last]
        if len(core) >= EMBEDDED_LENGTH:
            cores.add(core)
    return cores


def url_parts(text: str) -> list[str]:
    """A secret URL's parts that are secret on their own, since a service may echo them apart
    from the URL (Discord's webhook info answers its token): the password, the last path
    segment and the query's values, those at least URL_PART_LENGTH long (a webhook's token,
    not `services` or `v1`). Nothing for a text that is not an http(s) URL."""
    parts = urlsplit(text.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return []
    found = [parts.password or "", parts.path.rstrip("/").rpartition("/")[2]]
    found += [v for _, v in parse_qsl(parts.query)]
    return [unquote(part) for part in found if len(part) >= URL_PART_LENGTH]


def scrub(value: T, secrets: Iterable[str] | None = None) -> T:
    """`value` with every secret (by default, every registered one) replaced by MASK; dicts
    (keys too) and lists are walked."""
    needles = sorted(set(secrets) if secrets is not None else active(), key=len, reverse=True)
    if not needles:
        return value
    return cast(T, _scrub(value, needles, _prefixes(needles)))


def scrub_bytes(data: bytes, secrets: Iterable[str] | None = None) -> bytes:
    """A binary body with every secret form's UTF-8 bytes replaced by the mask."""
    for needle in sorted(set(secrets) if secrets is not None else active(), key=len, reverse=True):
        data = data.replace(needle.encode(), MASK.encode())
    return data


def _prefixes(needles: list[str]) -> dict[str, list[str]]:
    """For each run of PREFIX_LENGTH characters, the secret prefixes (of that length or more)
    ending in it: a text's last characters find the candidates without trying every secret."""
    found: dict[str, list[str]] = {}
    for needle in needles:
        for end in range(PREFIX_LENGTH, len(needle)):
            found.setdefault(needle[end - PREFIX_LENGTH : end], []).append(needle[:end])
    for candidates in found.values():
        candidates.sort(key=len, reverse=True)  # the longest match masks the most
    return found


def _scrub(value: object, needles: list[str], prefixes: dict[str, list[str]]) -> object:
    if isinstance(value, str):
        for needle in needles:
            if needle in value:
                value = value.replace(needle, MASK)
        for prefix in prefixes.get(value[-PREFIX_LENGTH:], ()):
            if value.endswith(prefix):
                return value[: -len(prefix)] + MASK
        return value
    if isinstance(value, dict):
        return {
            _scrub(k, needles, prefixes): _scrub(v, needles, prefixes) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v, needles, prefixes) for v in value]
    return value


def truncate(text: str, limit: int, secrets: Iterable[str] | None = None) -> str:
    """`text` scrubbed, then cut to `limit` characters (a secret is never cut in two)."""
    return scrub(scrub(text, secrets)[:limit], secrets)


def active() -> set[str]:
    """Every registered secret form."""
    with _lock:
        return set().union(*_active.values()) if _active else set()


@contextmanager
def registered(values: set[str]) -> Iterator[None]:
    """Scrub these values from log records while the block runs."""
    token = id(values)
    with _lock:
        _active[token] = values
    try:
        yield
    finally:
        with _lock:
            _active.pop(token, None)


class RedactSecretsFilter(logging.Filter):
    """Attached to the log handlers in settings: no resolved secret reaches a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = active()
        if secrets:
            message = record.getMessage()
            cleaned = scrub(message, secrets)
            if cleaned != message:
                record.msg, record.args = cleaned, None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = scrub(record.exc_text, secrets)
        return True
