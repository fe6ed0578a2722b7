from django.contrib import admin

from animagenius.api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "owner", "created_at", "last_used_at", "revoked_at")
    search_fields = ("name", "prefix", "owner__email")
    readonly_fields = ("owner", "prefix", "hashed", "created_at", "last_used_at")
