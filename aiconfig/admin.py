from __future__ import annotations

from django.contrib import admin

from aiconfig.models import AgentMemory, MagicFeedback, VectorRecord


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


@admin.register(AgentMemory)
class AgentMemoryAdmin(admin.ModelAdmin):
    """What agents remember per session key; deleting a row makes them forget it."""

    list_display = ("session_key", "owner", "message_count", "updated_at")
    search_fields = ("session_key", "owner__username", "owner__email")
    readonly_fields = ("owner", "session_key", "messages", "created_at", "updated_at")

    @admin.display(description="Messages")
    def message_count(self, obj: AgentMemory) -> int:
        return len(obj.messages or [])


@admin.register(VectorRecord)
class VectorRecordAdmin(admin.ModelAdmin):
    """The chunks in WorkFuse's own vector store, by collection; deleting rows removes them
    from searches."""

    list_display = ("collection", "owner", "short_text", "dimensions", "created_at")
    list_filter = ("collection",)
    search_fields = ("collection", "text", "owner__username", "owner__email")
    readonly_fields = ("owner", "collection", "text", "metadata", "dimensions", "created_at")
    exclude = ("vector",)

    @admin.display(description="Text")
    def short_text(self, obj: VectorRecord) -> str:
        return obj.text[:80]
