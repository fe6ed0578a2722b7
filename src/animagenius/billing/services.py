"""Writes for billing: what a person used, one row per use (the render quota counts the `render` rows)."""

from __future__ import annotations

from typing import Any

from animagenius.accounts.models import User
from animagenius.billing.models import UsageMetric


def usage_record(
    *, user: User, action: str, resource_type: str, quantity: float, metadata: dict[str, Any]
) -> UsageMetric:
    return UsageMetric.objects.create(
        user=user, action=action, resource_type=resource_type, quantity=quantity, metadata=metadata
    )


def render_usage_record(*, user: User, video_s: float, metadata: dict[str, Any]) -> UsageMetric:
    """A finished video's seconds, as the month's render quota counts them."""
    return usage_record(
        user=user,
        action="render",
        resource_type="video_seconds",
        quantity=round(video_s, 2),
        metadata=metadata,
    )
