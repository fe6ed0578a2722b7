"""How much one upload may ask of us. Checked before any heavy work starts. Each plan's values are in
billing/plans.py; the pipeline only takes an `IngestLimits`."""

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


DEFAULT_LIMITS = IngestLimits()
