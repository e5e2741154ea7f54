from django.contrib import admin

from credentials.models import Credential


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    """References only: values are in the vault and cannot be seen or edited here."""

    list_display = ["name", "owner", "kind", "created_at", "rotated_at", "last_used_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    readonly_fields = [
        "owner",
        "uuid",
        "kind",
        "secret_ref",
        "created_at",
        "updated_at",
        "rotated_at",
        "last_used_at",
    ]

    def has_add_permission(self, request) -> bool:  # creating needs the vault: use the app's pages
        return False
