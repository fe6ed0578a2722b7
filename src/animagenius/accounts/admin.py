from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from animagenius.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("-created_at",)
    list_display = ("email", "role", "subscription_tier", "is_active", "created_at")
    list_filter = ("role", "subscription_tier", "is_active", "is_staff")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password", "name")}),
        ("Plan and role", {"fields": ("role", "subscription_tier")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
