"""What users thought of magic input's answers (thumbs up/down), for improving prompts; and
agents' conversation memory."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MagicFeedback(models.Model):
    class Rating(models.TextChoices):
        UP = "up", "Helpful"
        DOWN = "down", "Not helpful"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="magic_feedback"
    )
    node_type = models.CharField(max_length=64)
    prompt = models.TextField()
    config = models.JSONField(default=dict, blank=True)
    rating = models.CharField(max_length=4, choices=Rating.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "magic input feedback"
        verbose_name_plural = "magic input feedback"

    def __str__(self) -> str:
        return f"{self.node_type} {self.rating}: {self.prompt[:60]}"


class AgentMemory(models.Model):
    """The conversation an `action.agent` remembers under a session key (DESIGN §12 `memory`):
    the user's messages and the agent's final answers, oldest first, at most the node's
    `max_messages` (older ones are dropped). Agents of the same owner that name the same key
    share it; deleting it makes them forget."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_memories"
    )
    session_key = models.CharField(max_length=200)
    messages = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "agent memories"
        constraints = [
            models.UniqueConstraint(fields=["owner", "session_key"], name="agent_memory_once")
        ]

    def __str__(self) -> str:
        return f"{self.session_key} ({len(self.messages or [])} messages)"
