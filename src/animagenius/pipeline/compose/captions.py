"""Burned-in captions as an ASS script built from the narration's word timings, in one of three styles.

`clean` sits at the bottom in at most two balanced lines on a translucent box; `bold` shows a few large words
at a time in the middle of the frame; `karaoke` is laid out like `clean` and has one event per spoken word,
with that word highlighted. Every style keeps inside the aspect ratio's safe area (for 9:16: clear of the
app's caption/description zone at the bottom, its action rail on the right and its header at the top).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import subprocess
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from animagenius.pipeline.domain import Aspect, CaptionStyle, Resolution, WordTiming, frame_size

_PAUSE_BREAK_S = 0.6
_LINGER_S = 0.25
_STYLE_FIELDS = (
    "Name", "Fontname", "Fontsize", "PrimaryColour", "SecondaryColour", "OutlineColour", "BackColour", "Bold",
    "Italic", "Underline", "StrikeOut", "ScaleX", "ScaleY", "Spacing", "Angle", "BorderStyle", "Outline",
    "Shadow", "Alignment", "MarginL", "MarginR", "MarginV", "Encoding",
)  # fmt: skip
_READABLE_LINE_CHARS = 42  # subtitling guidelines' longest comfortable line
_AVERAGE_GLYPH_EM = 0.6  # mean advance of a bold sans glyph, in ems; errs wide so lines never overflow
LINE_HEIGHT_EM = 1.25
_BOTTOM_ALIGNED, _MIDDLE_ALIGNED = 2, 5
_HIGHLIGHT = "&H0000D7FF&"  # gold, in ASS blue-green-red order


@dataclass(frozen=True)
class SafeArea:
    """Fractions of the frame's width or height that captions keep clear of, on each side."""

    left: float
    right: float
    top: float
    bottom: float


SAFE_AREAS = {
    Aspect.LANDSCAPE: SafeArea(left=0.06, right=0.06, top=0.06, bottom=0.07),
    Aspect.SQUARE: SafeArea(left=0.07, right=0.07, top=0.08, bottom=0.08),
    Aspect.PORTRAIT: SafeArea(left=0.06, right=0.16, top=0.10, bottom=0.22),
}


@dataclass(frozen=True)
class StyleLook:
    font_em: float  # font size as a fraction of the frame's short side
    max_lines: int
    max_words: int | None
    alignment: int
    border_style: int  # 1: outline and shadow, 3: opaque box
    outline_em: float
    shadow_em: float
    back_colour: str


LOOKS: dict[CaptionStyle, StyleLook] = {
    "clean": StyleLook(0.05, 2, None, _BOTTOM_ALIGNED, 3, 0.17, 0.0, "&H66000000"),
    "karaoke": StyleLook(0.05, 2, None, _BOTTOM_ALIGNED, 3, 0.17, 0.0, "&H66000000"),
    "bold": StyleLook(0.085, 1, 3, _MIDDLE_ALIGNED, 1, 0.09, 0.05, "&H80000000"),
}


@dataclass(frozen=True)
class Caption:
    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True)
class CaptionFonts:
    """The font family captions use, other families for words it lacks glyphs for, and libass's fontsdir."""

    family: str
    directory: Path
    word_families: Mapping[str, str]


def font_size(size: tuple[int, int], style: CaptionStyle) -> int:
    return round(min(size) * LOOKS[style].font_em)


def line_chars(size: tuple[int, int], aspect: Aspect, style: CaptionStyle = "clean") -> int:
    """Most characters a caption line holds at this frame size without leaving the safe area."""
    safe = SAFE_AREAS[aspect]
    usable_width = size[0] * (1 - safe.left - safe.right)
    glyph_width = min(size) * LOOKS[style].font_em * _AVERAGE_GLYPH_EM
    return min(_READABLE_LINE_CHARS, int(round(usable_width / glyph_width, 6)))  # same at 720p and 1080p


def caption_lines(
    words: Sequence[WordTiming], *, max_chars: int, max_lines: int = 1, max_words: int | None = None
) -> list[Caption]:
    """Group words into on-screen captions: break at sentence ends, pauses, or when the lines are full."""
    return _timed(_word_groups(words, max_chars=max_chars, max_lines=max_lines, max_words=max_words))


def caption_lines_for(words: Sequence[WordTiming], aspect: Aspect) -> list[Caption]:
    """The cues exported to SRT and WebVTT: those of the `clean` style, at any resolution."""
    return _timed(_style_groups(words, aspect=aspect, style="clean", size=frame_size(aspect, Resolution.HD)))


def _style_groups(
    words: Sequence[WordTiming], *, aspect: Aspect, style: CaptionStyle, size: tuple[int, int]
) -> list[list[WordTiming]]:
    look = LOOKS[style]
    max_chars = line_chars(size, aspect, style)
    return _word_groups(words, max_chars=max_chars, max_lines=look.max_lines, max_words=look.max_words)


def _word_groups(
    words: Sequence[WordTiming], *, max_chars: int, max_lines: int = 1, max_words: int | None = None
) -> list[list[WordTiming]]:
    groups: list[list[WordTiming]] = []
    for word in words:
        current = groups[-1] if groups else None
        if current is None or _starts_group(current, word, max_chars, max_lines, max_words):
            groups.append([word])
        else:
            current.append(word)
    return _without_orphans(groups, max_chars, max_lines)


def _starts_group(
    current: list[WordTiming], word: WordTiming, max_chars: int, max_lines: int, max_words: int | None
) -> bool:
    full = max_words is not None and len(current) >= max_words
    return full or _ends_group(current, word) or not _fits([*current, word], max_chars, max_lines)


def _ends_group(current: list[WordTiming], word: WordTiming) -> bool:
    return current[-1].word.endswith((".", "!", "?")) or word.start_s - current[-1].end_s > _PAUSE_BREAK_S


def _fits(group: Sequence[WordTiming], max_chars: int, max_lines: int) -> bool:
    return balanced_lines([w.word for w in group], max_chars=max_chars, max_lines=max_lines) is not None


def _without_orphans(
    groups: list[list[WordTiming]], max_chars: int, max_lines: int
) -> list[list[WordTiming]]:
    """A lone word that only overflowed its sentence's previous caption takes a word from it for company."""
    for before, after in itertools.pairwise(groups):
        continues_sentence = not _ends_group(before, after[0])
        if (
            len(after) == 1
            and len(before) >= 3
            and continues_sentence
            and _fits([before[-1], *after], max_chars, max_lines)
        ):
            after.insert(0, before.pop())
    return groups


def balanced_lines(words: Sequence[str], *, max_chars: int, max_lines: int = 2) -> list[str] | None:
    """The words in as few lines of at most `max_chars` as they need, evenly filled; None if they do not fit.

    A single word longer than a line still gets a line of its own, since words are never split.
    """
    text = " ".join(words)
    if len(text) <= max_chars or len(words) == 1:
        return [text]
    if max_lines < 2:
        return None
    best: list[str] | None = None
    for cut in range(1, len(words)):
        head = " ".join(words[:cut])
        rest = balanced_lines(words[cut:], max_chars=max_chars, max_lines=max_lines - 1)
        if len(head) > max_chars or rest is None:
            continue
        candidate = [head, *rest]
        if best is None or _raggedness(candidate) < _raggedness(best):
            best = candidate
    return best


def _raggedness(lines: Sequence[str]) -> tuple[int, int]:
    """Fewer lines first, then the shortest longest line: two lines come out balanced, never orphaned."""
    return len(lines), max(len(line) for line in lines)


def _timed(groups: Sequence[Sequence[WordTiming]]) -> list[Caption]:
    return [
        Caption(group[0].start_s, end_s, " ".join(w.word for w in group))
        for group, end_s in zip(groups, _caption_ends(groups), strict=True)
    ]


def _caption_ends(groups: Sequence[Sequence[WordTiming]]) -> list[float]:
    """A caption lingers a moment after its last word, but never into the next one."""
    ends = []
    for index, group in enumerate(groups):
        lingered = group[-1].end_s + _LINGER_S
        ends.append(min(lingered, groups[index + 1][0].start_s) if index + 1 < len(groups) else lingered)
    return ends


# ---------------------------------------------------------------- the ASS script


@dataclass(frozen=True)
class _TextLayout:
    max_chars: int
    points: int
    font_name: str
    word_fonts: Mapping[str, str]


class AssEvent(NamedTuple):
    start_s: float
    end_s: float
    text: str  # ASS markup, escaped


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
            AssEvent(max(0.0, event.start_s - start_s), min(length, event.end_s - start_s), event.text)
            for event in self.events
            if event.end_s > start_s and event.start_s < end_s
        )
        return AssScript(self.header, tuple(shown))


def ass_script(
    words: Sequence[WordTiming],
    *,
    size: tuple[int, int],
    aspect: Aspect,
    font_name: str,
    style: CaptionStyle = "clean",
    word_fonts: Mapping[str, str] | None = None,
) -> AssScript:
    """The captions of `words` in `style`, laid out for the frame."""
    if style == "none":
        raise ValueError("the 'none' caption style has no ASS script")
    groups = _style_groups(words, aspect=aspect, style=style, size=size)
    layout = _TextLayout(line_chars(size, aspect, style), font_size(size, style), font_name, word_fonts or {})
    events = _karaoke_events(groups, layout) if style == "karaoke" else _caption_events(groups, layout)
    return captions_script(events, size=size, aspect=aspect, font_name=font_name, style=style)


def captions_script(
    events: Sequence[AssEvent], *, size: tuple[int, int], aspect: Aspect, font_name: str, style: CaptionStyle
) -> AssScript:
    """An ASS script of ready-made `events` with the header of `style`."""
    return AssScript(_ass_header(size=size, aspect=aspect, font_name=font_name, style=style), tuple(events))


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


def _ass_header(*, size: tuple[int, int], aspect: Aspect, font_name: str, style: CaptionStyle) -> str:
    width, height = size
    look = LOOKS[style]
    safe = SAFE_AREAS[aspect]
    points = font_size(size, style)
    margin_v = round(height * safe.bottom) if look.alignment == _BOTTOM_ALIGNED else 0
    outline = max(2, round(points * look.outline_em))
    shadow = round(points * look.shadow_em)
    fields = (
        f"Caption,{font_name},{points},&H00FFFFFF,{_HIGHLIGHT},&H00000000,{look.back_colour},-1,0,0,0,100,100,0,0,"
        f"{look.border_style},{outline},{shadow},{look.alignment},{round(width * safe.left)},"
        f"{round(width * safe.right)},{margin_v},1"
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


def _caption_events(groups: Sequence[Sequence[WordTiming]], layout: _TextLayout) -> list[AssEvent]:
    return [
        AssEvent(group[0].start_s, end_s, _ass_text(group, layout))
        for group, end_s in zip(groups, _caption_ends(groups), strict=True)
    ]


def _karaoke_events(groups: Sequence[Sequence[WordTiming]], layout: _TextLayout) -> list[AssEvent]:
    """One event per word: the whole caption, with the word being spoken in the highlight colour."""
    events = []
    for group, caption_end in zip(groups, _caption_ends(groups), strict=True):
        for index, word in enumerate(group):
            end_s = group[index + 1].start_s if index + 1 < len(group) else caption_end
            events.append(AssEvent(word.start_s, end_s, _ass_text(group, layout, highlighted=index)))
    return events


def _dialogue(start_s: float, end_s: float, text: str) -> str:
    return f"Dialogue: 0,{_timestamp(start_s)},{_timestamp(end_s)},Caption,,0,0,0,,{text}"


def _ass_text(group: Sequence[WordTiming], layout: _TextLayout, highlighted: int | None = None) -> str:
    """Escaped words balanced over lines (ASS hard breaks), with per-word font and highlight tags."""
    words = [w.word for w in group]
    lines = balanced_lines(words, max_chars=layout.max_chars) or [" ".join(words)]
    tagged = iter(_tagged_word(word, layout, index == highlighted) for index, word in enumerate(words))
    text = r"\N".join(" ".join(next(tagged) for _ in line.split(" ")) for line in lines)
    return _shrunk_to_fit(lines, layout) + text


def _shrunk_to_fit(lines: Sequence[str], layout: _TextLayout) -> str:
    """A font-size override for a word too long for any line, so it stays inside the safe area."""
    longest = max(len(line) for line in lines)
    if longest <= layout.max_chars:
        return ""
    return f"{{\\fs{layout.points * layout.max_chars // longest}}}"


def _tagged_word(word: str, layout: _TextLayout, highlighted: bool) -> str:
    text = _escape(word)
    family = layout.word_fonts.get(word)
    if family and family != layout.font_name:
        text = f"{{\\fn{family}}}{text}{{\\fn{layout.font_name}}}"
    if highlighted:
        text = f"{{\\c{_HIGHLIGHT}}}{text}{{\\c&H00FFFFFF&}}"
    return text


def _clock_parts(seconds: float, *, ticks_per_second: int) -> tuple[int, int, int, int]:
    """(hours, minutes, seconds, ticks) of a non-negative time, rounded to the nearest tick."""
    ticks = max(0, round(seconds * ticks_per_second))
    whole, fraction = divmod(ticks, ticks_per_second)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return hours, minutes, secs, fraction


def _timestamp(seconds: float) -> str:
    """ASS time: H:MM:SS.cc (centiseconds)."""
    hours, minutes, secs, centis = _clock_parts(seconds, ticks_per_second=100)
    return f"{hours}:{minutes:02d}:{secs:02d}.{centis:02d}"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("{", "(").replace("}", ")").replace("\n", " ")


# ---------------------------------------------------------------- fonts with the glyphs


@dataclass(frozen=True)
class FontFace:
    file: Path
    family: str
    style: str
    codepoints: tuple[tuple[int, int], ...]  # sorted inclusive ranges

    def covers(self, char: str) -> bool:
        code = ord(char)
        index = bisect.bisect_right(self.codepoints, (code, 0x10FFFF)) - 1
        return index >= 0 and self.codepoints[index][0] <= code <= self.codepoints[index][1]

    def coverage(self, chars: set[str]) -> int:
        return sum(self.covers(char) for char in chars)


_FACE_FORMAT = r"%{file}|%{family[0]}|%{style[0]}|%{charset}\n"
_CJK_REGIONS = {"HIRAGANA": "JP", "KATAKANA": "JP", "HANGUL": "KR"}


def caption_fonts(words: Sequence[WordTiming], *, font_name: str, font_dir: Path, into: Path) -> CaptionFonts:
    """Fonts that draw every caption character: the preferred one if it can, else one that covers the script.

    The chosen files are linked into `into`, which becomes libass's fontsdir, so the captions do not depend
    on the fontconfig fallback of whatever machine renders them.
    """
    own = [face for path in sorted(font_dir.iterdir()) if path.is_file() for face in _faces_in_file(path)]
    preferred = sorted(
        (face for face in own if face.family == font_name), key=lambda face: face.style != "Regular"
    )
    if not preferred:  # fontconfig's tools are missing: libass gets the caller's font and its own fallback
        return CaptionFonts(family=font_name, directory=font_dir, word_families={})
    candidates = [*preferred, *_system_faces()]
    text = " ".join(w.word for w in words)
    lacking = {char for char in _drawn_chars(text) if not preferred[0].covers(char)}
    main = _best_face(lacking, candidates, text, font_name) if lacking else preferred[0]
    word_faces = {
        word: _best_face(_drawn_chars(word), candidates, word, font_name)
        for word in sorted({w.word for w in words})
        if main.coverage(_drawn_chars(word)) < len(_drawn_chars(word))
    }
    _link_fonts([*preferred, *_family_faces({main, *word_faces.values()})], into=into)
    return CaptionFonts(
        family=main.family,
        directory=into,
        word_families={word: face.family for word, face in word_faces.items()},
    )


def _link_fonts(faces: Sequence[FontFace], *, into: Path) -> None:
    into.mkdir(parents=True, exist_ok=True)
    for face in faces:
        link = into / face.file.name
        link.unlink(missing_ok=True)
        link.symlink_to(face.file)


def _drawn_chars(text: str) -> set[str]:
    return {char for char in text if not char.isspace() and unicodedata.category(char)[0] != "C"}


def _best_face(chars: set[str], candidates: Sequence[FontFace], text: str, preferred: str) -> FontFace:
    region = _cjk_region(text)
    return max(
        enumerate(candidates),
        key=lambda item: (
            item[1].coverage(chars),
            -_family_rank(item[1].family, preferred, region),
            -item[0],
        ),
    )[1]


def _cjk_region(text: str) -> str | None:
    """JP, KR or SC: whose forms of the Han characters to draw; None for text without any."""
    names = [unicodedata.name(char, "") for char in text]
    for name in names:
        for script, region in _CJK_REGIONS.items():
            if name.startswith(script):
                return region
    return "SC" if any(name.startswith("CJK ") for name in names) else None


def _family_rank(family: str, preferred: str, cjk_region: str | None) -> int:
    """Lower is better: the preferred font, then a plain sans (for Han: the region's), then the rest."""
    if family == preferred:
        return 0
    if cjk_region and family == f"Noto Sans CJK {cjk_region}":
        return 1
    if any(word in family for word in ("Serif", "Mono", "Display", "UI", "Looped")):
        return 4
    return 2 if family.startswith("Noto Sans") else 3


def _family_faces(faces: set[FontFace]) -> list[FontFace]:
    """The regular and bold faces of the chosen families, so libass draws real bold rather than faking it."""
    families = {face.family for face in faces}
    return sorted(
        {*faces, *(face for face in _system_faces() if face.family in families)},
        key=lambda face: str(face.file),
    )


@functools.cache
def _system_faces() -> tuple[FontFace, ...]:
    """Regular and bold faces fontconfig knows; none where fontconfig's tools are not installed."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", _FACE_FORMAT], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    faces = (_parse_face(line) for line in listing.splitlines())
    return tuple(
        sorted((f for f in faces if f and f.style in ("Regular", "Bold")), key=lambda f: str(f.file))
    )


@functools.cache
def _faces_in_file(path: Path) -> tuple[FontFace, ...]:
    try:
        listing = subprocess.run(
            ["fc-query", "--format", _FACE_FORMAT, str(path)], capture_output=True, text=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(face for line in listing.splitlines() if (face := _parse_face(line)))


def _parse_face(line: str) -> FontFace | None:
    parts = line.split("|")
    if len(parts) != 4 or not parts[3]:
        return None
    file, family, style, charset = parts
    ranges = []
    for span in charset.split():
        low, _, high = span.partition("-")
        ranges.append((int(low, 16), int(high or low, 16)))
    return FontFace(file=Path(file), family=family, style=style, codepoints=tuple(sorted(ranges)))


# ---------------------------------------------------------------- SRT and WebVTT


def write_srt(captions: Sequence[Caption], out: Path) -> Path:
    """SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`."""
    cues = [
        f"{number}\n{_clock(c.start_s, ',')} --> {_clock(c.end_s, ',')}\n{c.text}\n"
        for number, c in enumerate(captions, start=1)
    ]
    out.write_text("\n".join(cues), encoding="utf-8")
    return out


def write_vtt(captions: Sequence[Caption], out: Path) -> Path:
    """WebVTT, for the browser's <track> element."""
    cues = [f"{_clock(c.start_s, '.')} --> {_clock(c.end_s, '.')}\n{_vtt_text(c.text)}\n" for c in captions]
    out.write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")
    return out


def _clock(seconds: float, separator: str) -> str:
    """SRT/WebVTT time: HH:MM:SS,mmm or HH:MM:SS.mmm."""
    hours, minutes, secs, millis = _clock_parts(seconds, ticks_per_second=1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "->")
