from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

import generation
from jobs.api import admin as api_admin  # noqa: F401 (Django loads only jobs.admin: ApiTokenAdmin)
from jobs.models import Job, JobOutput, ScenarioConfig, ScenarioVersion
from jobs.ops.maintenance import delete_jobs
from jobs.runs.models import JobQuerySet


class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1", "Older than a day"), ("7", "Older than a week"), ("30", "Older than 30 days")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Job]) -> QuerySet[Job]:
        if days := self.value():
            # The admin's queryset comes from Job.objects, so it has the manager's methods.
            jobs = cast(JobQuerySet, queryset)
            return jobs.older_than(timedelta(days=int(days)))
        return queryset


class JobOutputInline(admin.TabularInline):
    model = JobOutput
    extra = 0
    readonly_fields = ("name", "size", "content_type", "sha256", "file")
    fields = readonly_fields
    can_delete = False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "title",
        "owner",
        "status",
        "phase",
        "done",
        "total",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", AgeFilter, "owner"]
    search_fields = ["id", "title", "owner__username", "error"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "id", "owner", "scenario", "formats", "seed", "status", "phase", "done", "total", "rate",
        "error", "summary", "attempt", "worker_name", "created_at", "started_at", "heartbeat_at",
        "finished_at",
    ]  # fmt: skip
    inlines = [JobOutputInline]
    actions = ["delete_with_files"]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Our action replaces the stock one: it also stops running jobs first.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Delete selected jobs and their files", permissions=["delete"])
    def delete_with_files(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        count = delete_jobs(queryset)
        self.message_user(request, f"Deleted {count} job(s) and their files.", messages.SUCCESS)


class ScenarioConfigForm(forms.ModelForm):
    class Meta:
        model = ScenarioConfig
        fields = ["owner", "name", "description", "document"]

    def clean_document(self) -> dict[str, Any]:
        document: dict[str, Any] = self.cleaned_data["document"]
        try:
            return generation.normalise_scenario(document)
        except generation.ScenarioError as error:
            raise forms.ValidationError([str(issue) for issue in error.issues]) from None


class ScenarioVersionInline(admin.TabularInline):
    model = ScenarioVersion
    extra = 0
    readonly_fields = ("version", "name", "created_at")
    fields = readonly_fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScenarioConfig)
class ScenarioConfigAdmin(admin.ModelAdmin):
    """Saving here adds a version like the pages do (ScenarioConfig.save)."""

    form = ScenarioConfigForm
    list_display = ["name", "owner", "version", "updated_at"]
    list_filter = ["owner"]
    search_fields = ["name", "owner__username"]
    readonly_fields = ["version"]

    def get_inlines(self, request: HttpRequest, obj: ScenarioConfig | None) -> list[Any]:
        return [ScenarioVersionInline] if obj else []
