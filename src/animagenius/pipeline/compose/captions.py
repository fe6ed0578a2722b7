"""Burned-in captions as an ASS script built from the narration's word timings, in one of three styles.

Every style draws inside the frame's caption box (visuals/zones.py), which never meets the content box:
its lines are placed one by one (`\\pos`), the last at the bottom of the box, with the font shrunk until the
style's lines fit the box's height. Lines and cues break at phrase boundaries, as in the subtitle files
(cues.py, phrases.py). Two-line captions sit on a translucent dark backdrop, as on broadcast and YouTube;
the few large words of `bold` and social captions are white with a dark outline and shadow, as on
Reels and TikTok. Both read on light and dark slides.

- 16:9 and 1:1: `clean` is two lines at most (42 characters, fewer where the box is narrower), like the
  subtitle files; `karaoke` is laid out like `clean` and lights up the word being said; `bold` is one line of
  2–4 large words at a time.
- 9:16: `bold` and `karaoke` become social captions: 2–4 words on one line with the spoken word lit, at
  least 40 px of capital height on a 720-px-wide frame (scaled with the width), in the band above the
  app's own caption and buttons. `clean` stays two lines of plain text at that same size.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from PIL import ImageFont

from animagenius.pipeline.compose.caption_fonts import caption_font_file
from animagenius.pipeline.compose.cues import (
    READABLE_LINE_CHARS,
    CueRules,
    best_lines,
    clock_parts,
    cue_groups,
    cue_times,
    width,
)
from animagenius.pipeline.compose.phrases import guess_language
from animagenius.pipeline.domain import WordTiming
from animagenius.pipeline.video import Aspect, CaptionPosition, CaptionStyle
from animagenius.pipeline.visuals.zones import Box, frame_zones

_STYLE_FIELDS = (
    "Name", "Fontname", "Fontsize", "PrimaryColour", "SecondaryColour", "OutlineColour", "BackColour", "Bold",
    "Italic", "Underline", "StrikeOut", "ScaleX", "ScaleY", "Spacing", "Angle", "BorderStyle", "Outline",
    "Shadow", "Alignment", "MarginL", "MarginR", "MarginV", "Encoding",
)  # fmt: skip
_HIGHLIGHT = "&H0000D7FF&"  # gold, in ASS blue-green-red order
_WHITE = "&H00FFFFFF&"
# Inter's metrics as libass sizes it (the font size is the line's height, ascent plus descent), measured:
INK_TOP = 0.70  # highest ink above the baseline (an accented capital)
INK_BOTTOM = 0.16  # lowest ink below it (g, j, p)
DESCENT = 0.225  # from the baseline to the bottom of the line, where `\an2\pos` puts y
CAP_HEIGHT = 0.50
_PITCH = 0.78  # from one baseline to the next: 1.12 em, tighter than libass's own 1.43 em for Inter
_BACKDROP_ABOVE, _BACKDROP_BELOW = 0.74, 0.26  # the backdrop's reach from the baselines, in font sizes
_BACKDROP_SIDE = 0.30
_BACKDROP_COLOUR = r"\1c&H000000&\1a&H38&"  # black, about four fifths opaque
_ADVANCE = 0.40  # a character's mean advance, measured 0.34; the margin keeps lines inside the box
_EM = 2048 / 2929  # Inter's em in font sizes
_WIDTH_MARGIN = 1.03  # libass's hinting and faux bold against Pillow's advances
SOCIAL_CAP_PX_PER_720 = 42  # VIDEO-STYLE: social captions at least 40 px on a 720-px-wide frame


@dataclass(frozen=True)
class Look:
    lines: int
    max_words: int | None
    min_words: int
    highlight: bool
    size: float  # font size as a fraction of the frame's height (9:16: set by the capital height instead)
    outline: float  # outline and shadow as fractions of the font size
    shadow: float
    backdrop: bool = False  # a translucent box behind the lines instead of an outline


LOOKS: dict[CaptionStyle, Look] = {
    "clean": Look(2, None, 1, False, 0.065, 0.0, 0.0, backdrop=True),
    "karaoke": Look(2, None, 1, True, 0.065, 0.0, 0.0, backdrop=True),
    "bold": Look(1, 4, 2, False, 0.10, 0.07, 0.035),
}
SOCIAL = Look(1, 4, 2, True, 0.0, 0.07, 0.035)


def look_for(style: CaptionStyle, aspect: Aspect) -> Look:
    """The look of `style` at this frame shape: at 9:16 `bold` and `karaoke` are social captions."""
    if style == "none":
        raise ValueError("the 'none' caption style has no look")
    return SOCIAL if aspect is Aspect.PORTRAIT and style != "clean" else LOOKS[style]


@dataclass(frozen=True)
class CaptionLayout:
    """Where and how large a style's lines are drawn in a frame."""

    box: Box
    points: int
    lines: int
    max_chars: int
    outline: int
    shadow: int
    look: Look
    pad_top: int  # what is drawn beyond the letters: outline and shadow, or the backdrop
    pad_bottom: int
    pad_side: int

    @property
    def rules(self) -> CueRules:
        look = self.look
        min_s = 0.0 if look.max_words else CueRules().min_s  # social captions flip with the speech
        return CueRules(
            max_chars=self.max_chars, max_lines=self.lines, max_words=look.max_words,
            min_words=look.min_words, min_s=min_s, measure=self.measure, max_width=self.max_width,
        )  # fmt: skip

    @property
    def max_width(self) -> int:
        return self.box.width - 2 * self.pad_side

    def measure(self, line: str) -> float:
        """The line's drawn width in pixels, at this layout's size."""
        return line_width_em(line) * _EM * self.points

    def line_bottoms(self, count: int, points: int) -> list[int]:
        """The y of each of `count` lines' bottoms (for `\\an2\\pos`), the last just inside the box."""
        last_baseline = self.box.bottom - self.pad_bottom - INK_BOTTOM * points
        return [
            round(last_baseline + DESCENT * points - (count - 1 - index) * _PITCH * points)
            for index in range(count)
        ]


def caption_layout(
    size: tuple[int, int], aspect: Aspect, style: CaptionStyle, captions_at: CaptionPosition = "bottom"
) -> CaptionLayout:
    """The style's font size, lines and line length in this frame's caption box (at its bottom or top)."""
    width, height = size
    look = look_for(style, aspect)
    box = frame_zones(size, aspect, captions_at).captions
    if aspect is Aspect.PORTRAIT:
        wanted = math.ceil(width * SOCIAL_CAP_PX_PER_720 / 720 / CAP_HEIGHT)
    else:
        wanted = round(height * look.size)
    if look.backdrop:
        pads = (_BACKDROP_ABOVE - INK_TOP, _BACKDROP_BELOW - INK_BOTTOM, _BACKDROP_SIDE)
    else:
        pads = (look.outline, look.outline + look.shadow, look.outline + look.shadow)
    block = INK_TOP + (look.lines - 1) * _PITCH + INK_BOTTOM + pads[0] + pads[1]
    points = min(wanted, math.floor(box.height / block))
    outline, shadow = round(points * look.outline), round(points * look.shadow)
    if not look.backdrop:
        outline, shadow = max(2, outline), max(1, shadow)
    pad_top, pad_bottom, pad_side = (math.ceil(points * pad) for pad in pads)
    max_chars = min(READABLE_LINE_CHARS, math.floor((box.width - 2 * pad_side) / (_ADVANCE * points)))
    return CaptionLayout(
        box, points, look.lines, max_chars, outline, shadow, look, pad_top, pad_bottom, pad_side
    )


def line_width_em(line: str) -> float:
    """A line's advance in ems (a wide East Asian character: one em), plus a margin."""
    words = sum(_word_em(word) for word in line.split(" "))
    return _WIDTH_MARGIN * (words + line.count(" ") * _word_em(" "))


@functools.lru_cache(maxsize=65536)
def _word_em(word: str) -> float:
    wide = sum(unicodedata.east_asian_width(char) in "WF" for char in word)
    narrow = "".join(char for char in word if unicodedata.east_asian_width(char) not in "WF")
    return wide + (_inter().getlength(narrow) / 1000 if narrow else 0.0)


@functools.cache
def _inter() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(caption_font_file()), 1000)


def font_size(size: tuple[int, int], aspect: Aspect, style: CaptionStyle) -> int:
    return caption_layout(size, aspect, style).points


class AssEvent(NamedTuple):
    start_s: float
    end_s: float
    text: str  # ASS markup, escaped
    layer: int = 0  # higher layers are drawn over lower ones


@dataclass(frozen=True)
class AssScript:
    """An ASS subtitle script: its header (frame size, style) and its timed events."""

    header: str
    events: tuple[AssEvent, ...]

    def text(self) -> str:
        return self.header + "".join(f"{_dialogue(*event)}\n" for event in self.events)

    def window(self, start_s: float, end_s: float) -> AssScript:
        """The events shown between `start_s` and `end_s`, on a clock that starts at `start_s`."""
        length = end_s - start_s
        shown = (
            AssEvent(
                max(0.0, event.start_s - start_s), min(length, event.end_s - start_s), event.text, event.layer
            )
            for event in self.events
            if event.end_s > start_s and event.start_s < end_s
        )
        return AssScript(self.header, tuple(shown))


@dataclass(frozen=True)
class _Writer:
    layout: CaptionLayout
    font_name: str
    word_fonts: Mapping[str, str]
    language: str | None


def ass_script(
    words: Sequence[WordTiming],
    *,
    size: tuple[int, int],
    aspect: Aspect,
    font_name: str,
    style: CaptionStyle = "clean",
    word_fonts: Mapping[str, str] | None = None,
    language: str | None = None,
    captions_at: CaptionPosition = "bottom",
) -> AssScript:
    """The captions of `words` in `style`, laid out in the frame's caption box."""
    layout = caption_layout(size, aspect, style, captions_at)
    language = language or guess_language([w.word for w in words])
    rules = layout.rules
    groups = cue_groups(words, rules=rules, language=language)
    writer = _Writer(layout, font_name, word_fonts or {}, language)
    events: list[AssEvent] = []
    for group, (start, end) in zip(groups, cue_times(groups, rules), strict=True):
        events += _cue_events(group, start, end, writer)
    return captions_script(
        events, size=size, aspect=aspect, font_name=font_name, style=style, captions_at=captions_at
    )


def captions_script(
    events: Sequence[AssEvent],
    *,
    size: tuple[int, int],
    aspect: Aspect,
    font_name: str,
    style: CaptionStyle,
    captions_at: CaptionPosition = "bottom",
) -> AssScript:
    """An ASS script of ready-made `events` with the header of `style` (plain events sit at the box's
    bottom, centred in it)."""
    layout = caption_layout(size, aspect, style, captions_at)
    return AssScript(_ass_header(layout, size=size, font_name=font_name), tuple(events))


def write_ass(
    words: Sequence[WordTiming],
    *,
    size: tuple[int, int],
    aspect: Aspect,
    font_name: str,
    out: Path,
    style: CaptionStyle = "clean",
    word_fonts: Mapping[str, str] | None = None,
) -> Path:
    script = ass_script(
        words, size=size, aspect=aspect, font_name=font_name, style=style, word_fonts=word_fonts
    )
    out.write_text(script.text(), encoding="utf-8")
    return out


def _ass_header(layout: CaptionLayout, *, size: tuple[int, int], font_name: str) -> str:
    width, height = size
    box = layout.box
    margin_v = height - layout.line_bottoms(1, layout.points)[0]
    look = layout.look
    border = f"3,{round(layout.points * 0.12)},0" if look.backdrop else f"1,{layout.outline},{layout.shadow}"
    # plain events of a backdrop look get libass's box; other looks an opaque outline and a soft shadow
    edge, back = ("&H38000000", "&H38000000") if look.backdrop else ("&H00000000", "&H80000000")
    fields = (
        f"Caption,{font_name},{layout.points},{_WHITE},{_HIGHLIGHT},{edge},{back},-1,0,0,0,100,100,0,0,"
        f"{border},2,{box.left},{width - box.right},{margin_v},1"
    )
    return f"""[Script Info]
ScriptType: v4.00+
PlayResX: {width}
PlayResY: {height}
WrapStyle: 2
ScaledBorderAndShadow: yes

[V4+ Styles]
Format: {", ".join(_STYLE_FIELDS)}
Style: {fields}

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


def _cue_events(group: Sequence[WordTiming], start: float, end: float, writer: _Writer) -> list[AssEvent]:
    """The cue's lines, one event each; with a highlight, one set of lines per word while it is said."""
    layout = writer.layout
    words = [w.word for w in group]
    lines = best_lines(words, layout.rules, writer.language) or [" ".join(words)]
    steps: list[tuple[float, float, int | None]] = [(start, end, None)]
    if layout.look.highlight:
        steps = [
            (word.start_s, group[index + 1].start_s if index + 1 < len(group) else end, index)
            for index, word in enumerate(group)
        ]
    events = []
    for shown, gone, highlighted in steps:
        if layout.look.backdrop:
            events.append(AssEvent(shown, gone, _backdrop(lines, layout)))
        events += [AssEvent(shown, gone, text, 1) for text in _line_texts(lines, writer, highlighted)]
    return events


def _backdrop(lines: Sequence[str], layout: CaptionLayout) -> str:
    """A translucent box just around the lines (an ASS drawing, under them)."""
    points = math.floor(_fitting_points(lines, layout))
    bottoms = layout.line_bottoms(len(lines), points)
    top = round(bottoms[0] - DESCENT * points - _BACKDROP_ABOVE * points)
    bottom = round(bottoms[-1] - DESCENT * points + _BACKDROP_BELOW * points)
    half = math.ceil(max(layout.measure(line) for line in lines) * points / layout.points / 2)
    left = max(layout.box.left, layout.box.centre_x - half - layout.pad_side)
    right = min(layout.box.right, layout.box.centre_x + half + layout.pad_side)
    box_width, box_height = right - left, bottom - top
    return (
        rf"{{\an7\pos({left},{top})\bord0\shad0{_BACKDROP_COLOUR}\p1}}"
        rf"m 0 0 l {box_width} 0 {box_width} {box_height} 0 {box_height}{{\p0}}"
    )


def _fitting_points(lines: Sequence[str], layout: CaptionLayout) -> float:
    """The layout's font size, smaller for a word too long for any line."""
    overflow = max(
        max(width(line) / layout.max_chars, layout.measure(line) / layout.max_width) for line in lines
    )
    return layout.points / max(1.0, overflow)


def _line_texts(lines: Sequence[str], writer: _Writer, highlighted: int | None) -> list[str]:
    """Each line positioned in the caption box, escaped, with per-word font and highlight tags."""
    layout = writer.layout
    points = _fitting_points(lines, layout)
    size_tag = f"\\fs{math.floor(points)}" if points < layout.points else ""
    size_tag += "\\bord0\\shad0" if layout.look.backdrop else ""
    texts, index = [], 0
    for line, bottom in zip(lines, layout.line_bottoms(len(lines), math.floor(points)), strict=True):
        tagged = []
        for word in line.split(" "):
            tagged.append(_tagged_word(word, writer, index == highlighted))
            index += 1
        texts.append(f"{{\\an2\\pos({layout.box.centre_x},{bottom}){size_tag}}}" + " ".join(tagged))
    return texts


def _tagged_word(word: str, writer: _Writer, highlighted: bool) -> str:
    text = _escape(word)
    family = writer.word_fonts.get(word)
    if family and family != writer.font_name:
        text = f"{{\\fn{family}}}{text}{{\\fn{writer.font_name}}}"
    if highlighted:
        text = f"{{\\c{_HIGHLIGHT}}}{text}{{\\c{_WHITE}}}"
    return text


def _dialogue(start_s: float, end_s: float, text: str, layer: int) -> str:
    return f"Dialogue: {layer},{_timestamp(start_s)},{_timestamp(end_s)},Caption,,0,0,0,,{text}"


def _timestamp(seconds: float) -> str:
    """ASS time: H:MM:SS.cc (centiseconds)."""
    hours, minutes, secs, centis = clock_parts(seconds, ticks_per_second=100)
    return f"{hours}:{minutes:02d}:{secs:02d}.{centis:02d}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("{", "(").replace("}", ")").replace("\n", " ")
