from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "oauth_providers": sorted(settings.SOCIALACCOUNT_PROVIDERS),
        "embedded_mode": settings.EMBEDDED,
    }
