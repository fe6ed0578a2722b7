from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from animagenius.accounts.models import User
from animagenius.billing.checkout import subscription_admin_move
from animagenius.billing.models import (
    Payment,
    PayPalPlan,
    Subscription,
    SubscriptionChange,
    UsageMetric,
    WebhookEvent,
)
from animagenius.billing.paypal.errors import PayPalError


class SubscriptionChangeInline(admin.TabularInline):
    model = SubscriptionChange
    fields = ("created_at", "source", "status_before", "status_after", "tier_before", "tier_after", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    fields = ("paid_at", "paypal_sale_id", "amount", "currency", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "tier",
        "period",
        "status",
        "paypal_subscription_id",
        "current_period_end",
        "read_at",
    )
    list_filter = ("tier", "status", "period")
    search_fields = ("user__email", "paypal_subscription_id")
    readonly_fields = [field.name for field in Subscription._meta.fields]
    inlines = (SubscriptionChangeInline, PaymentInline)
    actions = ("suspend_on_paypal", "activate_on_paypal")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # subscriptions are made on PayPal by their subscriber

    @admin.action(description="Suspend on PayPal")
    def suspend_on_paypal(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        self._move(request, queryset, "suspend")

    @admin.action(description="Activate on PayPal")
    def activate_on_paypal(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        self._move(request, queryset, "activate")

    def _move(self, request: HttpRequest, queryset: QuerySet[Subscription], action: str) -> None:
        assert isinstance(request.user, User)
        for subscription in queryset:
            try:
                synced = subscription_admin_move(subscription=subscription, action=action, admin=request.user)
            except PayPalError as error:
                self.message_user(request, f"{subscription}: PayPal refused: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{subscription}: now {synced.subscription.get_status_display()}")


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = (
        "event_id",
        "event_type",
        "resource_id",
        "created_at",
        "applied_at",
        "deliveries",
        "outcome",
    )
    list_filter = ("event_type",)
    search_fields = ("event_id", "resource_id")
    readonly_fields = [field.name for field in WebhookEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PayPalPlan)
class PayPalPlanAdmin(admin.ModelAdmin):
    list_display = ("tier", "period", "price", "currency", "paypal_plan_id", "paypal_product_id")
    readonly_fields = [field.name for field in PayPalPlan._meta.fields]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("paid_at", "subscription", "amount", "currency", "status", "paypal_sale_id")
    list_filter = ("status",)
    search_fields = ("paypal_sale_id", "subscription__user__email")
    readonly_fields = [field.name for field in Payment._meta.fields]


@admin.register(UsageMetric)
class UsageMetricAdmin(admin.ModelAdmin):
    list_display = ("user", "action", "resource_type", "quantity", "timestamp")
    list_filter = ("action", "resource_type")
    search_fields = ("user__email",)
