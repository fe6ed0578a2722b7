"""Where things go in a frame of each shape: the box a scene's content is drawn in and the box its burned
captions sit in, which never meet (../shared/VIDEO-STYLE.md gathers the rules).

16:9 and 1:1 keep broadcast margins and put captions in a band at the bottom. 9:16 is laid out for the phone:
Reels and TikTok cover the top 14 %, the bottom 35 % and the sides with their own buttons, so the message
sits in the middle band and the captions just above the covered bottom, not at the very bottom. Captions
asked for at the top (RenderOptions.caption_position) take the same band at the top of the same safe span,
and the content moves down below them.
Both the slides (visuals/layout.py) and the captions (compose/captions.py) read their boxes from here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from animagenius.pipeline.video import Aspect, CaptionPosition


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: `right` and `bottom` are exclusive."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def centre_x(self) -> int:
        return (self.left + self.right) // 2

    def intersects(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def contains(self, other: Box) -> bool:
        return (
            self.left <= other.left
            and self.top <= other.top
            and other.right <= self.right
            and other.bottom <= self.bottom
        )


@dataclass(frozen=True)
class _Shape:
    """Fractions of the frame: content margins, and the caption band's top and bottom (of the height) and
    side margins (of the width)."""

    content_left: float
    content_right: float
    content_top: float
    content_bottom: float
    captions_left: float
    captions_right: float
    captions_top: float
    captions_bottom: float
    body_min: float  # smallest body text, as a fraction of the frame's height (16:9, 1:1) or width (9:16)
    title_min: float

    def captions_on_top(self) -> _Shape:
        """The caption band first, at the top of the safe span the content and captions share, then the
        same gap and the content, down to where the captions ended."""
        band = self.captions_bottom - self.captions_top
        gap = self.captions_top - self.content_bottom
        return replace(
            self,
            captions_top=self.content_top,
            captions_bottom=self.content_top + band,
            content_top=self.content_top + band + gap,
            content_bottom=self.captions_bottom,
        )


_SHAPES = {
    # SMPTE title safe (90 %) and our 5 %+ margins; captions in the bottom band
    Aspect.LANDSCAPE: _Shape(0.06, 0.06, 0.07, 0.765, 0.06, 0.06, 0.785, 0.93, 1 / 25, 1 / 14),
    Aspect.SQUARE: _Shape(0.07, 0.07, 0.07, 0.75, 0.07, 0.07, 0.77, 0.93, 1 / 25, 1 / 14),
    # Reels: nothing in the top 14 %, the bottom 35 % or 6 % at each side; TikTok's buttons on the right
    Aspect.PORTRAIT: _Shape(0.08, 0.08, 0.14, 0.515, 0.06, 0.12, 0.535, 0.65, 0.055, 0.075),
}


@dataclass(frozen=True)
class Zones:
    """A frame's content box, caption box, and the smallest legible body and title sizes in pixels."""

    size: tuple[int, int]
    content: Box
    captions: Box
    body_min: int
    title_min: int


def frame_zones(size: tuple[int, int], aspect: Aspect, captions_at: CaptionPosition = "bottom") -> Zones:
    width, height = size
    shape = _SHAPES[aspect] if captions_at == "bottom" else _SHAPES[aspect].captions_on_top()
    content = Box(
        round(width * shape.content_left),
        round(height * shape.content_top),
        width - round(width * shape.content_right),
        round(height * shape.content_bottom),
    )
    captions = Box(
        round(width * shape.captions_left),
        round(height * shape.captions_top),
        width - round(width * shape.captions_right),
        round(height * shape.captions_bottom),
    )
    measure = width if aspect is Aspect.PORTRAIT else height
    return Zones(
        size=size,
        content=content,
        captions=captions,
        body_min=round(measure * shape.body_min),
        title_min=round(measure * shape.title_min),
    )
