from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from animagenius.pipeline.video import Aspect, Resolution
from animagenius.studio.models import (
    Asset,
    FileProcessingLog,
    Project,
    RenderJob,
    ScriptVersion,
    SegmentBatch,
    SegmentRun,
    WorkerBeat,
)


class RenderJobInline(admin.TabularInline):
    model = RenderJob
    extra = 0
    fields = ("kind", "status", "stage", "progress", "script_version", "attempts", "error", "created_at")
    readonly_fields = fields


class ScriptVersionInline(admin.TabularInline):
    model = ScriptVersion
    fk_name = "project"
    extra = 0
    fields = ("number", "writer", "created_by", "created_at")
    readonly_fields = fields
    show_change_link = True


class _OptionFilter(admin.SimpleListFilter):
    """Projects by one of their render options (a key of the `options` JSON)."""

    values: tuple[str, ...] = ()

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, value) for value in self.values]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Project]) -> QuerySet[Project]:
        value = self.value()
        return queryset.filter(**{f"options__{self.parameter_name}": value}) if value else queryset


class AspectFilter(_OptionFilter):
    title = parameter_name = "aspect"
    values = tuple(aspect.value for aspect in Aspect)


class ResolutionFilter(_OptionFilter):
    title = parameter_name = "resolution"
    values = tuple(resolution.value for resolution in Resolution)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "status", "aspect", "resolution", "created_at")
    list_filter = ("status", AspectFilter, ResolutionFilter)
    search_fields = ("title", "owner__email")
    inlines = (ScriptVersionInline, RenderJobInline)

    @admin.display(description="aspect")
    def aspect(self, project: Project) -> str:
        return project.render_options.aspect.value

    @admin.display(description="resolution")
    def resolution(self, project: Project) -> str:
        return project.render_options.resolution.value


@admin.register(RenderJob)
class RenderJobAdmin(admin.ModelAdmin):
    list_display = ("project", "kind", "status", "stage", "progress", "attempts", "provider", "created_at")
    list_filter = ("kind", "status", "provider")
    search_fields = ("project__title", "error")


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("original_name", "kind", "project", "size_bytes", "created_at")
    list_filter = ("kind",)


@admin.register(FileProcessingLog)
class FileProcessingLogAdmin(admin.ModelAdmin):
    list_display = ("project", "step", "status", "created_at")
    list_filter = ("step", "status")


@admin.register(ScriptVersion)
class ScriptVersionAdmin(admin.ModelAdmin):
    list_display = ("project", "number", "writer", "created_by", "created_at")
    list_filter = ("writer",)
    search_fields = ("project__title", "project__owner__email")
    raw_id_fields = ("project", "created_by", "restored_from")
    readonly_fields = ("created_at", "updated_at")


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin):
    """The render workers alive (a beat in the last 35 s) or lately gone."""

    list_display = ("hostname", "queues", "slots", "beat_at")
    readonly_fields = ("hostname", "queues", "slots", "beat_at")


class SegmentRunInline(admin.TabularInline):
    model = SegmentRun
    extra = 0
    fields = ("number", "status", "worker", "progress", "beat_at")
    readonly_fields = fields


@admin.register(SegmentBatch)
class SegmentBatchAdmin(admin.ModelAdmin):
    """Renders whose segments are out with helpers right now."""

    list_display = ("job", "done", "runs", "created_at")
    fields = ("job", "done", "runs", "created_at")
    readonly_fields = fields
    inlines = (SegmentRunInline,)
