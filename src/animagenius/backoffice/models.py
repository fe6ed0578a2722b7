from typing import ClassVar

from django.conf import settings
from django.db import models

from animagenius.core.models import BaseModel


class AdminLog(BaseModel):
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="admin_actions"
    )
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.admin} {self.action} {self.target_type}"


class SystemConfig(BaseModel):
    key = models.CharField(max_length=120, unique=True)
    value = models.JSONField(default=dict, blank=True)
    category = models.CharField(max_length=50, db_index=True)

    def __str__(self) -> str:
        return self.key
