"""What each subscription tier may render (upload limits per tier: pipeline/ingest/limits.py)."""

from __future__ import annotations

from animagenius.pipeline.domain import Resolution

WATERMARKED_TIERS = frozenset({"free"})  # their videos carry the AnimaGenius mark
PAID_ONLY_RESOLUTIONS = frozenset({Resolution.UHD.value})
QUEUE_PRIORITY = {"free": 0, "pro": 1, "business": 2, "enterprise": 3}  # higher starts first
CONCURRENT_JOBS = {"free": 1, "pro": 2, "business": 4, "enterprise": 10}  # a person's jobs running at once
PROMOTION_EVERY_S = 300  # a waiting job climbs one tier every 5 minutes, so free work never starves
MONTHLY_RENDER_MINUTES = {"free": 10, "pro": 120, "business": 600, "enterprise": 6000}  # minutes of video


def resolutions_for(tier: str) -> list[str]:
    """The resolutions a person on `tier` may choose, smallest first."""
    return [
        resolution.value
        for resolution in Resolution
        if tier not in WATERMARKED_TIERS or resolution.value not in PAID_ONLY_RESOLUTIONS
    ]
