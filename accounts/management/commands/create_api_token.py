from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import ApiToken, SecurityEvent


class Command(BaseCommand):
    help = "Create an API token for a user and print it once (only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user's username or email address.")
        parser.add_argument("--name", default="CLI token", help="A label to recognise the token.")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        User = get_user_model()
        user = (
            User.objects.filter(username=username).first()
            or User.objects.filter(email__iexact=username).first()
        )
        if user is None:
            raise CommandError(f"No user with username or email {username!r}.")
        _, raw = ApiToken.issue(user, name)
        SecurityEvent.record(SecurityEvent.Kind.API_TOKEN_CREATED, user=user, name=name, via="cli")
        self.stdout.write(raw)
