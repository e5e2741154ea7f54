"""`{% load mcp %}{% mcp_url %}`: the MCP server's address, for the settings page (a template
library named in settings.TEMPLATES, as mcpserver is no app)."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def mcp_url() -> str:
    """`SITE_URL` + `/mcp/`: where MCP clients connect (docs/mcp.md)."""
    return f"{settings.SITE_URL}/mcp/"
