"""ASGI entry point: HTTP through Django, WebSockets through Channels (session auth, origin checked)."""

from typing import Any

from django.core.asgi import get_asgi_application

from workfuse import web_env

web_env.apply()  # a pool of database connections, before the settings are read
django_asgi_app = get_asgi_application()

# Imported after Django is set up: they load models.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from chat.routing import websocket_urlpatterns as chat_websockets  # noqa: E402  (chat)
from executions.hooks_asgi import PREFIX, WebhookHandler  # noqa: E402
from executions.routing import websocket_urlpatterns  # noqa: E402
from workfuse import api_asgi  # noqa: E402

webhook_app = WebhookHandler()
api_app = api_asgi.ApiHandler()

# --- mcp: /mcp/ speaks MCP (mcpserver/asgi.py), past Django's middleware like webhooks ---
from mcpserver.asgi import PATHS as MCP_PATHS  # noqa: E402
from mcpserver.asgi import McpEndpoint  # noqa: E402

mcp_app = McpEndpoint()
# --- end mcp ---


# --- wait: a resume URL's form reads the session (who answered) and sets a CSRF cookie ---
RESUME_PREFIX = "/hooks/resume/"
# --- end wait ---


async def http_app(scope: dict, receive: Any, send: Any) -> None:
    """Webhooks go past the middleware stack (executions/hooks_asgi.py), the API's sync views
    run it in one pool thread (workfuse/api_asgi.py); the rest, resume URLs included, go to
    Django."""
    path = scope["path"]
    # --- mcp ---
    if path in MCP_PATHS:
        await mcp_app(scope, receive, send)
        return
    # --- end mcp ---
    if path.startswith(PREFIX) and not path.startswith(RESUME_PREFIX):
        await webhook_app(scope, receive, send)
    elif api_asgi.serves(path):
        await api_app(scope, receive, send)
    else:
        await django_asgi_app(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns + chat_websockets))  # chat
        ),
    }
)

# What this process loaded to serve is kept out of garbage collections from here on: a full
# collection over it paused every request in the process for about 125 ms (gc_freeze.py).
import editor.nodes  # noqa: E402, F401  (the node types and integrations, loaded now)
from workfuse.lib.gc_freeze import freeze_loaded  # noqa: E402

freeze_loaded()
