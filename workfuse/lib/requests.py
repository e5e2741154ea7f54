"""Request types for views, so the type checker knows what middleware and auth attach."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class SignedInRequest(HttpRequest):
    """A page request behind `login_required`, with django-htmx's details."""

    user: User  # login_required: never AnonymousUser here
    htmx: HtmxDetails


class ApiRequest(HttpRequest):
    """An API request that passed bearer or session auth: `auth` is the signed-in user."""

    auth: User
