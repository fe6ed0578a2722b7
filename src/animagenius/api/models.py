from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from animagenius.core.models import BaseModel


class ApiKey(BaseModel):
    """A secret that lets a program act as its owner through the REST API. Only its hash is kept."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="what the person calls it, e.g. the program using it")
    prefix = models.CharField(max_length=16, help_text="the token's first characters, shown on the key page")
    hashed = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, hex")
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="to the minute")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
