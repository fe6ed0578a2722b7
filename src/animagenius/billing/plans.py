"""What each subscription tier may render (upload limits per tier: pipeline/ingest/limits.py)."""

from __future__ import annotations

from animagenius.pipeline.domain import Resolution

WATERMARKED_TIERS = frozenset({"free"})  # their videos carry the AnimaGenius mark
PAID_ONLY_RESOLUTIONS = frozenset({Resolution.UHD.value})


def resolutions_for(tier: str) -> list[str]:
    """The resolutions a person on `tier` may choose, smallest first."""
    return [
        resolution.value
        for resolution in Resolution
        if tier not in WATERMARKED_TIERS or resolution.value not in PAID_ONLY_RESOLUTIONS
    ]
