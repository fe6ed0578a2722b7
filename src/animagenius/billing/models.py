from typing import ClassVar

from django.conf import settings
from django.db import models

from animagenius.billing.plans import CURRENCY, Period
from animagenius.core.models import BaseModel


class Subscription(BaseModel):
    """A person's PayPal subscription as we last read it. Written only by billing/subscriptions.py."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        SUSPENDED = "suspended", "Suspended"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    paypal_subscription_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    paypal_plan_id = models.CharField(max_length=64, blank=True, default="")
    tier = models.CharField(max_length=20, default="free")
    period = models.CharField(
        max_length=10, choices=[(p.value, p.value) for p in Period], default=Period.MONTHLY
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default=CURRENCY)
    current_period_end = models.DateTimeField(null=True, blank=True)  # PayPal's next billing time
    paid_through = models.DateTimeField(null=True, blank=True)  # the end of the last period paid for
    downgraded_from = models.CharField(max_length=20, blank=True, default="")  # kept until paid_through
    failed_payments = models.PositiveIntegerField(default=0)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    paypal_status_time = models.DateTimeField(null=True, blank=True)  # PayPal's status_update_time we hold
    paypal_update_time = models.DateTimeField(null=True, blank=True)  # and its update_time: older reads lose
    read_at = models.DateTimeField(null=True, blank=True)  # when we last read it from PayPal

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "status"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.user} {self.tier} ({self.status})"


class SubscriptionChange(BaseModel):
    """One change of a subscription's state: what moved, why (the source), and when. Never edited."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="changes")
    source = models.CharField(max_length=120)  # "webhook WH-…", "reconciliation", "return from PayPal", …
    status_before = models.CharField(max_length=20, blank=True)
    status_after = models.CharField(max_length=20)
    tier_before = models.CharField(max_length=20, blank=True)
    tier_after = models.CharField(max_length=20)
    note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.status_before or '-'} → {self.status_after} ({self.source})"


class Payment(BaseModel):
    """A payment PayPal reported for a subscription (a sale), by its sale id."""

    class Status(models.TextChoices):
        COMPLETED = "completed", "Paid"
        DENIED = "denied", "Denied"
        REFUNDED = "refunded", "Refunded"
        REVERSED = "reversed", "Reversed"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="payments")
    paypal_sale_id = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    paid_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["-paid_at"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.status}"


class WebhookEvent(BaseModel):
    """A verified PayPal webhook, stored once by PayPal's event id: a delivery of an id already here changes
    nothing. `applied_at` is set in the same transaction as the change it made."""

    event_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=64)
    resource_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField()
    applied_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    deliveries = models.PositiveIntegerField(default=1)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["applied_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class PayPalPlan(BaseModel):
    """The PayPal plan id of one tier and period, as `manage.py paypal_sync_plans` made or found it."""

    tier = models.CharField(max_length=20)
    period = models.CharField(max_length=10, choices=[(p.value, p.value) for p in Period])
    paypal_plan_id = models.CharField(max_length=64, unique=True)
    paypal_product_id = models.CharField(max_length=64)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default=CURRENCY)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tier", "period"], name="one_paypal_plan_per_tier")
        ]

    def __str__(self) -> str:
        return f"{self.tier} {self.period}: {self.paypal_plan_id}"


class UsageMetric(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="usage_metrics")
    action = models.CharField(max_length=50)
    resource_type = models.CharField(max_length=50)
    quantity = models.FloatField(default=1.0)
    metadata = models.JSONField(default=dict, blank=True)
    timestamp = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["user", "timestamp"]),
            models.Index(fields=["action", "timestamp"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.quantity} {self.resource_type}"
