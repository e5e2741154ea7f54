"""ASGI entry point: HTTP through Django, WebSockets through Channels (session auth, origin checked)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workfuse.settings")
# Under ASGI each request's sync code runs in a thread of its own, so a connection kept after
# the request is never reused and piles up until PostgreSQL refuses new clients ("too many
# clients already", found by bench/webhooks.py). Requests borrow from a pool instead, and give
# the connection back when they end (docs/performance.md, "Webhook throughput").
os.environ.setdefault("WORKFUSE_DB_CONN_MAX_AGE", "0")
os.environ.setdefault("WORKFUSE_DB_POOL", "1")
django_asgi_app = get_asgi_application()

# Imported after Django is set up: they load models.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from executions.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
