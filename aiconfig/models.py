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


class VectorRecord(models.Model):
    """One chunk of text in a collection of WorkFuse's own vector store (`action.vector_store`
    with store `workfuse`, and agents' vector store tools): its text, metadata and embedding
    (float32, little-endian). Collections are named per owner, so every workflow of the owner
    that names a collection shares it; deleting the rows empties it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vector_records"
    )
    collection = models.CharField(max_length=100)
    text = models.TextField()
    metadata = models.JSONField(default=dict, blank=True)
    vector = models.BinaryField()
    dimensions = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["owner", "collection"], name="vector_record_collection")]

    def __str__(self) -> str:
        return f"{self.collection}: {self.text[:60]}"
