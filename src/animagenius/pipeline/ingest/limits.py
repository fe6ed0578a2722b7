"""How much one upload may ask of us, per subscription tier. Checked before any heavy work starts."""

from __future__ import annotations

from pydantic import Field

from animagenius.pipeline.domain import Frozen

MB = 1024 * 1024


class IngestLimits(Frozen):
    max_bytes: int = Field(50 * MB, description="largest file accepted")
    max_pages: int = Field(300, description="most pages of a PDF (or slides of a presentation)")
    max_pixels: int = Field(40_000_000, description="largest image, in pixels")
    max_duration_s: float = Field(30 * 60, description="longest recording or clip")
    timeout_s: float = Field(300, description="wall-clock time allowed to read one file")
    memory_bytes: int = Field(3 * 1024 * MB, description="address space allowed to the reading process")


TIER_LIMITS: dict[str, IngestLimits] = {
    "free": IngestLimits(max_bytes=25 * MB, max_pages=50, max_pixels=25_000_000, max_duration_s=10 * 60),
    "pro": IngestLimits(max_bytes=100 * MB, max_pages=300, max_pixels=50_000_000, max_duration_s=60 * 60),
    "business": IngestLimits(
        max_bytes=250 * MB, max_pages=500, max_pixels=100_000_000, max_duration_s=2 * 3600
    ),
    "enterprise": IngestLimits(
        max_bytes=1024 * MB, max_pages=2000, max_pixels=200_000_000, max_duration_s=4 * 3600, timeout_s=1800
    ),
}
DEFAULT_LIMITS = IngestLimits()
