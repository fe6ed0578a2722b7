from typing import ClassVar

from django.conf import settings
from django.db import models

from animagenius.core.models import BaseModel


class Subscription(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    paypal_subscription_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    tier = models.CharField(max_length=20, default="free")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    current_period_end = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} {self.tier} ({self.status})"


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
