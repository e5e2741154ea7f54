"""The web server's HTTP protocol: uvicorn's httptools protocol, counting each worker process's
keep-alive connections so that they spread evenly over the processes (lib/web_balance.py).

The Procfile names it: `uvicorn --workers N --http workfuse.web_protocol:BalancedHttpToolsProtocol`.
uvicorn imports it in each worker process as the process starts, before it loads the app, so
the process joins its siblings' board at once: one that has accepted nothing yet already counts
as the least busy.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from workfuse import web_env

web_env.apply()  # before web_balance reads the settings (the board's folder)

from workfuse.lib import web_balance  # noqa: E402

web_balance.join()


class BalancedHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        web_balance.opened()

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        web_balance.closed()
