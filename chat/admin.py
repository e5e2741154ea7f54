from __future__ import annotations

from django.contrib import admin

from chat.models import ChatLink, ChatMessage, ChatSession


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    fields = ("created_at", "role", "text", "error", "execution")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    list_display = ["session_id", "workflow", "via", "created_at", "updated_at"]
    list_filter = ["via", "updated_at"]
    search_fields = ["session_id", "workflow__name", "workflow__owner__email"]
    list_select_related = ["workflow"]
    readonly_fields = ["workflow", "session_id", "via", "created_at", "updated_at"]
    inlines = [ChatMessageInline]


@admin.register(ChatLink)
class ChatLinkAdmin(admin.ModelAdmin):
    list_display = ["workflow", "created_at"]
    readonly_fields = ["workflow", "token", "created_at"]
    search_fields = ["workflow__name"]
