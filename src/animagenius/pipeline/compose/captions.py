"""Burned-in captions as an ASS script built from the narration's word timings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from animagenius.pipeline.domain import Aspect, WordTiming

_MAX_CHARS = {Aspect.LANDSCAPE: 42, Aspect.SQUARE: 30, Aspect.PORTRAIT: 24}
_BOTTOM_MARGIN = {Aspect.LANDSCAPE: 0.07, Aspect.SQUARE: 0.08, Aspect.PORTRAIT: 0.2}  # 9:16 clears app UI
_PAUSE_BREAK_S = 0.6
_STYLE_FIELDS = (
    "Name", "Fontname", "Fontsize", "PrimaryColour", "SecondaryColour", "OutlineColour", "BackColour", "Bold",
    "Italic", "Underline", "StrikeOut", "ScaleX", "ScaleY", "Spacing", "Angle", "BorderStyle", "Outline",
    "Shadow", "Alignment", "MarginL", "MarginR", "MarginV", "Encoding",
)  # fmt: skip
_LINGER_S = 0.25


@dataclass(frozen=True)
class Caption:
    start_s: float
    end_s: float
    text: str


def caption_lines(words: Sequence[WordTiming], *, max_chars: int) -> list[Caption]:
    """Group words into on-screen lines: break at sentence ends, pauses, or the line length limit."""
    groups: list[list[WordTiming]] = []
    for word in words:
        current = groups[-1] if groups else None
        if current is None or _breaks(current, word, max_chars):
            groups.append([word])
        else:
            current.append(word)
    captions = [Caption(g[0].start_s, g[-1].end_s, " ".join(w.word for w in g)) for g in groups]
    for index, caption in enumerate(captions):
        limit = captions[index + 1].start_s if index + 1 < len(captions) else caption.end_s + _LINGER_S
        captions[index] = Caption(caption.start_s, min(caption.end_s + _LINGER_S, limit), caption.text)
    return captions


def _breaks(current: list[WordTiming], word: WordTiming, max_chars: int) -> bool:
    length = sum(len(w.word) + 1 for w in current) + len(word.word)
    ends_sentence = current[-1].word.endswith((".", "!", "?"))
    return length > max_chars or ends_sentence or word.start_s - current[-1].end_s > _PAUSE_BREAK_S


def write_ass(
    words: Sequence[WordTiming], *, size: tuple[int, int], aspect: Aspect, font_name: str, out: Path
) -> Path:
    width, height = size
    font_size = round(min(width, height) * 0.05)
    margin_v = round(height * _BOTTOM_MARGIN[aspect])
    margin_h = round(width * 0.06)
    header = f"""[Script Info]
ScriptType: v4.00+
PlayResX: {width}
PlayResY: {height}
WrapStyle: 0
ScaledBorderAndShadow: yes

[V4+ Styles]
Format: {", ".join(_STYLE_FIELDS)}
Style: Caption,{font_name},{font_size},&H00FFFFFF,&H00FFFFFF,&H00000000,&H99000000,-1,0,0,0,100,100,0,0,3,\
{max(2, font_size // 6)},0,2,{margin_h},{margin_h},{margin_v},1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""
    events = [
        f"Dialogue: 0,{_timestamp(c.start_s)},{_timestamp(c.end_s)},Caption,,0,0,0,,{_escape(c.text)}"
        for c in caption_lines_for(words, aspect)
    ]
    out.write_text(header + "\n".join(events) + "\n", encoding="utf-8")
    return out


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


def caption_lines_for(words: Sequence[WordTiming], aspect: Aspect) -> list[Caption]:
    return caption_lines(words, max_chars=_MAX_CHARS[aspect])


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
