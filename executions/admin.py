from typing import Any

from django.contrib import admin, messages

from executions import engine
from executions.models import AgentEvent, Execution, Schedule, Step


class StepInline(admin.TabularInline):
    model = Step
    fields = ("key", "status", "attempt", "started_at", "finished_at", "wake_at", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Execution)
class ExecutionAdmin(admin.ModelAdmin):
    list_display = ["id", "workflow", "status", "trigger_kind", "created_at", "finished_at"]
    list_filter = ["status", "trigger_kind", "created_at"]
    search_fields = ["id", "workflow__name", "workflow__owner__email", "error"]
    list_select_related = ["workflow"]
    date_hierarchy = "created_at"
    # State changes go through the engine (the actions below), never through this form.
    readonly_fields = [
        "workflow",
        "version",
        "status",
        "trigger_kind",
        "replay_of",
        "created_at",
        "started_at",
        "finished_at",
    ]
    inlines = [StepInline]
    actions = ["cancel_executions", "retry_executions"]

    @admin.action(description="Cancel selected executions")
    def cancel_executions(self, request, queryset):
        self._each(request, queryset, engine.cancel, "cancelled")

    @admin.action(description="Retry selected failed executions from the failure")
    def retry_executions(self, request, queryset):
        self._each(request, queryset, engine.retry, "retried")

    def _each(self, request, queryset, action, verb: str) -> None:
        done = 0
        for execution in queryset:
            try:
                action(execution)
                done += 1
            except engine.IllegalTransition as exc:
                self.message_user(request, f"{execution.id}: {exc}", messages.WARNING)
        self.message_user(request, f"{done} execution(s) {verb}.")


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["key", "execution", "status", "attempt", "started_at", "finished_at"]
    list_filter = ["status", "started_at"]
    search_fields = ["key", "node_id", "execution__id", "error"]
    list_select_related = ["execution"]
    readonly_fields = ["execution", "created_at"]


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    """Read-only: schedules follow the workflow's graph and activation (`schedules.sync`)."""

    list_display = (
        "workflow",
        "cron",
        "timezone",
        "skip_if_running",
        "next_fire_at",
        "last_fired_at",
    )
    list_filter = ("skip_if_running", "timezone")
    search_fields = ("workflow__name", "cron")
    list_select_related = ("workflow",)
    ordering = ("next_fire_at",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AgentEvent)
class AgentEventAdmin(admin.ModelAdmin):
    """An agent step's checkpoints: model turns and tool calls, with their spend."""

    list_display = ["__str__", "execution", "kind", "status", "tokens", "cost_usd", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["step_key", "name", "execution__id"]
    list_select_related = ["execution"]
    readonly_fields = [f.name for f in AgentEvent._meta.get_fields() if f.concrete]
