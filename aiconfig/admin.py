from __future__ import annotations

from django.contrib import admin

from aiconfig.models import MagicFeedback


@admin.register(MagicFeedback)
class MagicFeedbackAdmin(admin.ModelAdmin):
    list_display = ("created_at", "owner", "node_type", "rating", "short_prompt")
    list_filter = ("rating", "node_type")
    search_fields = ("prompt", "comment", "node_type", "owner__username", "owner__email")
    readonly_fields = ("owner", "node_type", "prompt", "config", "rating", "comment", "created_at")
    date_hierarchy = "created_at"

    @admin.display(description="Prompt")
    def short_prompt(self, obj: MagicFeedback) -> str:
        return obj.prompt[:80]
