from django.contrib import admin

from animagenius.backoffice.models import AdminLog, SystemConfig


@admin.register(AdminLog)
class AdminLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "admin", "action", "target_type", "target_id")
    list_filter = ("action", "target_type")
    search_fields = ("admin__email", "target_id")


@admin.register(SystemConfig)
class SystemConfigAdmin(admin.ModelAdmin):
    list_display = ("key", "category", "updated_at")
    list_filter = ("category",)
    search_fields = ("key",)
