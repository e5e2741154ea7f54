"""What users thought of magic input's answers (thumbs up/down), for improving prompts."""

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
