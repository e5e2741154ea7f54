"""The settings a web (ASGI) process needs in its environment before Django reads its settings.

Under ASGI each request's sync code runs in a thread of its own, so a connection kept after the
request is never reused and piles up until PostgreSQL refuses new clients ("too many clients
already", found by bench/webhooks.py). Requests borrow from a pool instead, and give the
connection back when they end (docs/performance.md, "Webhook throughput").

Both of the web process's entry points apply these first: `workfuse/asgi.py`, and
`workfuse/web_protocol.py`, which uvicorn imports before the app and which reads the settings
(the data folder) at import. When the protocol read them first without these, every request
opened a connection of its own (docs/performance.md, "One connection per request").
"""

import os


def apply() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workfuse.settings")
    os.environ.setdefault("WORKFUSE_DB_CONN_MAX_AGE", "0")
    os.environ.setdefault("WORKFUSE_DB_POOL", "1")
