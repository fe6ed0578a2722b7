"""Other workers rendering a picture's runs beside the one that renders the video (segments.render_picture).

A farm is given the plan of the runs still to render; it hands them out one at a time, to this worker and to
helpers elsewhere that see the same files (the work folder, the segment cache), and counts them done. The
worker that renders the video takes runs too, so the video is finished even when no helper ever comes.
The studio's farm keeps the runs in the database (studio/jobs/farm.py); without one, runs render here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from animagenius.pipeline.compose.segments import RunPlan


@dataclass(frozen=True)
class Elsewhere:
    """The runs helpers render or rendered: each one's fraction done; and how many runs are not done yet,
    anywhere."""

    fractions: Mapping[int, float]
    left: int


class SharedRuns(Protocol):
    def claim(self) -> int | None:
        """A run nobody renders (or whose helper stopped beating), now this worker's; None when none is."""

    def done(self, number: int) -> None:
        """Run `number`, claimed here, is in its cache files."""

    def elsewhere(self) -> Elsewhere:
        """How the helpers are doing. A helper whose run fails gives it back: it is claimed again (here, in
        the end), so a real fault shows as this worker's own error."""

    def close(self) -> None:
        """The video is joined, failed or cancelled: helpers stop."""


class RunFarm(Protocol):
    def share(self, plan: RunPlan) -> SharedRuns | None:
        """The plan's runs handed out to helpers too; None when no helper could take any (render here)."""
