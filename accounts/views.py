from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import ApiToken, SecurityEvent
from workfuse.lib.requests import SignedInRequest


def settings_page(request: SignedInRequest) -> HttpResponse:
    """Account settings: API tokens (create shows the raw token once; revoke)."""
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create_token":
            name = request.POST.get("name", "").strip()[:100]
            if not name:
                messages.error(request, "Give the token a name, so you can tell it apart later.")
                return redirect("accounts:settings")
            _, new_token = ApiToken.issue(request.user, name)
            SecurityEvent.record(
                SecurityEvent.Kind.API_TOKEN_CREATED, user=request.user, request=request, name=name
            )
        elif action == "revoke_token":
            token = get_object_or_404(ApiToken, pk=request.POST.get("id"), user=request.user)
            token.delete()
            SecurityEvent.record(
                SecurityEvent.Kind.API_TOKEN_REVOKED,
                user=request.user,
                request=request,
                name=token.name,
            )
            messages.success(request, f"Revoked “{token.name}”.")
            return redirect("accounts:settings")
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/settings.html", {"tokens": tokens, "new_token": new_token})
