"""`/api/` under ASGI: Django's whole middleware stack and the view, run synchronously in one
kept pool thread per request, as a WSGI server would run them.

Under Django's own ASGI handler every middleware that is async-capable calls its sync hooks
through `sync_to_async`, and a sync view runs in the process's one shared thread: a `POST
/api/workflows/<id>/run` made about a dozen hops between the event loop and that thread, and
concurrent calls queued for it (docs/performance.md, "The API without thread hops"). Here the
request takes one hop into the pool (`lean_asgi.api_pool`) and runs every middleware and the
view there, so sessions, CSRF, login and JSON errors behave exactly as in the test client and
under WSGI. A view written as a coroutine (the chat API waits for a reply) is not sent here:
`serves` leaves it to Django's async handler, which holds no thread while it waits.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, resolve

from workfuse.lib import web_balance
from workfuse.lib.lean_asgi import LeanHandler, api_pool

PREFIX = "/api/"


def serves(path: str) -> bool:
    """Whether `path` is an API path whose view is sync (the others go to Django's handler)."""
    if not path.startswith(PREFIX):
        return False
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return not iscoroutinefunction(match.func)


class ApiHandler(LeanHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        """The middleware chain built for sync calls, whatever the server asks for."""
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        response = await api_pool.run(self.get_response, request)
        if web_balance.should_close():
            response.headers["Connection"] = "close"
        return response
