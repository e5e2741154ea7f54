"""Conversations with workflows that start with `trigger.chat` (docs/chat.md).

A `ChatSession` is one conversation (its `session_id` is what the trigger outputs, so an agent
keeps its memory per conversation); each message said in it is a `ChatMessage`, the user's
with the run it started and the assistant's with the run that answered. A `ChatLink` is the
random token of a workflow's public chat page.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from editor.models import Workflow
from executions.models import Execution


def new_session_id() -> str:
    """A conversation id nobody can guess (a public visitor's is their only key to it)."""
    return secrets.token_urlsafe(18)


def new_link_token() -> str:
    return secrets.token_urlsafe(24)


class ChatSession(models.Model):
    class Via(models.TextChoices):
        OWNER = "owner"  # the owner's chat page or the API
        PUBLIC = "public"  # the public link

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="chat_sessions")
    session_id = models.CharField(max_length=100)
    # A public visitor may only continue a conversation begun on the public link: an API
    # caller's session ids may be guessable ("user-42"), a public one never is.
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.OWNER)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "session_id"], name="chat_session_unique")
        ]
        indexes = [models.Index(fields=["workflow", "-updated_at"], name="chat_session_recent")]

    def __str__(self) -> str:
        return f"{self.workflow} · {self.session_id}"


class ChatMessage(models.Model):
    class Role(models.TextChoices):
        USER = "user"
        ASSISTANT = "assistant"

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=9, choices=Role.choices)
    text = models.TextField(blank=True)
    # An assistant turn whose run failed or was cancelled: why (the owner sees it; a public
    # visitor is told only that something went wrong).
    error = models.TextField(blank=True)
    # The run the user's message started, and the same run on the answer to it.
    execution = models.ForeignKey(
        Execution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Not auto_now_add: an answer stored after a later message takes its run's end time.
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One question and one answer per run, however many waiters store the answer.
            models.UniqueConstraint(
                fields=["execution", "role"],
                condition=Q(execution__isnull=False),
                name="chat_message_once_per_run",
            )
        ]
        indexes = [models.Index(fields=["session", "created_at"], name="chat_message_order")]

    def __str__(self) -> str:
        return f"{self.role}: {self.text[:60]}"


class ChatLink(models.Model):
    """The public chat page's token (`/chat/p/<token>/`): random, shown to the owner on the
    private chat page; a new one makes the old link answer 404."""

    workflow = models.OneToOneField(Workflow, on_delete=models.CASCADE, related_name="chat_link")
    token = models.CharField(max_length=64, unique=True, default=new_link_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.workflow} · public link"

    def regenerate(self) -> None:
        self.token = new_link_token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])
