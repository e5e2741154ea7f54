from django.contrib import admin

from accounts.models import ApiToken, SecurityEvent


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    search_fields = ["name", "user__email", "prefix"]
    list_filter = ["created_at"]
    readonly_fields = ["prefix", "token_hash", "created_at", "last_used_at"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "user", "ip"]
    list_filter = ["kind", "created_at"]
    search_fields = ["user__email", "ip", "detail"]
    date_hierarchy = "created_at"
    readonly_fields = ["kind", "user", "ip", "detail", "created_at"]

    def has_add_permission(self, request) -> bool:  # the log is written by the app only
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
