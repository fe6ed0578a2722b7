from django.contrib import admin

from animagenius.billing.models import Subscription, UsageMetric


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "tier", "status", "paypal_subscription_id", "current_period_end")
    list_filter = ("tier", "status")
    search_fields = ("user__email", "paypal_subscription_id")


@admin.register(UsageMetric)
class UsageMetricAdmin(admin.ModelAdmin):
    list_display = ("user", "action", "resource_type", "quantity", "timestamp")
    list_filter = ("action", "resource_type")
    search_fields = ("user__email",)
