from django.contrib import admin

from animagenius.studio.models import Asset, FileProcessingLog, Project, RenderJob


class RenderJobInline(admin.TabularInline):
    model = RenderJob
    extra = 0
    fields = ("status", "stage", "progress", "attempts", "error", "created_at")
    readonly_fields = fields


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "status", "aspect", "resolution", "created_at")
    list_filter = ("status", "aspect", "resolution")
    search_fields = ("title", "owner__email")
    inlines = (RenderJobInline,)


@admin.register(RenderJob)
class RenderJobAdmin(admin.ModelAdmin):
    list_display = ("project", "status", "stage", "progress", "attempts", "provider", "created_at")
    list_filter = ("status", "provider")
    search_fields = ("project__title", "error")


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("original_name", "kind", "project", "size_bytes", "created_at")
    list_filter = ("kind",)


@admin.register(FileProcessingLog)
class FileProcessingLogAdmin(admin.ModelAdmin):
    list_display = ("project", "step", "status", "created_at")
    list_filter = ("step", "status")
