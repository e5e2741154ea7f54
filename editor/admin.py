from django.contrib import admin

from editor.models import Workflow, WorkflowVersion


class WorkflowVersionInline(admin.TabularInline):
    model = WorkflowVersion
    fields = ("number", "note", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]
    show_change_link = True


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "version", "is_active", "updated_at", "created_at"]
    list_filter = ["is_active", "created_at", "updated_at"]
    search_fields = ["name", "description", "owner__email"]
    list_select_related = ["owner"]
    readonly_fields = ["webhook_token", "version", "created_at", "updated_at"]
    inlines = [WorkflowVersionInline]
    raw_id_fields = ["owner"]


@admin.register(WorkflowVersion)
class WorkflowVersionAdmin(admin.ModelAdmin):
    list_display = ["workflow", "number", "note", "created_by", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["workflow__name", "note"]
    list_select_related = ["workflow", "created_by"]
    readonly_fields = ["workflow", "number", "graph", "note", "created_by", "created_at"]
