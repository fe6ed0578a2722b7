"""Captions cut from the narration's word timings: which words share a cue, where its lines break, how long it
stays, and the SRT and WebVTT files made of them.

Subtitle files follow broadcast practice (Netflix Timed Text Style Guide, ../shared/VIDEO-STYLE.md): at most
42 characters a line and 2 lines, one line when the cue fits it, each cue on screen 5/6 s to 7 s with at
least 2 frames between cues, lines and cues broken at phrase boundaries (phrases.py). A cue is only shorter
than 5/6 s when the next one is spoken straight after it and no merge fits (costly, so rare), or when the
video ends first: a short last word is not kept on screen past the end. Burned captions (captions.py) cut the
same way with their own limits; social captions follow the speech word by word, with no shortest time.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from animagenius.pipeline.compose.phrases import FORBIDDEN, break_cost, ends_sentence, guess_language
from animagenius.pipeline.domain import WordTiming

READABLE_LINE_CHARS = 42
MIN_CUE_S = 5 / 6
MAX_CUE_S = 7.0
LINGER_S = 0.25  # a cue stays a moment after its last word
_CLOSE_GAP_S = 0.5  # a shorter gap to the next cue is closed down to the 2 frames
_PAUSE_S = 0.6  # a silence this long is a natural place to end a cue
_LONG_PAUSE_S = 2.0  # no cue stays up through a silence this long
_CUE_COST = 8.0  # each cue costs a little, so cues fill up rather than flicker
_SHORT_COST = 60.0  # a cue shorter than the rules allow
_ORPHAN_COST = 12.0  # a cue of a word or two left over from the sentence before
_SENTENCE_INSIDE_COST = 8.0  # two sentences sharing a cue: only to keep a short one on screen long enough


@dataclass(frozen=True)
class CueRules:
    """How much a cue holds and how long it stays."""

    max_chars: int = READABLE_LINE_CHARS  # a line's characters (a wide East Asian character counts two)
    measure: Callable[[str], float] | None = None  # a line's drawn width, for burned captions
    max_width: float = math.inf

    def fits(self, line: str) -> bool:
        return width(line) <= self.max_chars and (
            self.measure is None or self.measure(line) <= self.max_width
        )

    max_lines: int = 2
    max_words: int | None = None
    min_words: int = 1
    min_s: float = MIN_CUE_S
    max_s: float = MAX_CUE_S
    gap_s: float = 2 / 30  # two frames at the video's rate


@dataclass(frozen=True)
class Caption:
    """One cue: its lines, shown from `start_s` to `end_s`."""

    start_s: float
    end_s: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def subtitle_cues(
    words: Sequence[WordTiming], *, fps: int = 30, until_s: float | None = None, language: str | None = None
) -> list[Caption]:
    """The cues of the SRT and WebVTT files: 42 characters by 2 lines, 5/6 s to 7 s each, none past
    `until_s` (the video's end)."""
    cues = caption_lines(words, rules=CueRules(gap_s=2 / fps), language=language)
    if cues and until_s is not None and cues[-1].end_s > until_s:
        last = cues[-1]
        cues[-1] = Caption(last.start_s, max(until_s, last.start_s + 0.01), last.lines)
    return cues


def caption_lines(
    words: Sequence[WordTiming], *, rules: CueRules = CueRules(), language: str | None = None
) -> list[Caption]:
    """Group words into timed cues with their lines broken at phrase boundaries."""
    groups = cue_groups(words, rules=rules, language=language)
    language = language or guess_language([w.word for w in words])
    return [
        Caption(start, end, tuple(best_lines([w.word for w in group], rules, language) or [_joined(group)]))
        for group, (start, end) in zip(groups, cue_times(groups, rules), strict=True)
    ]


def cue_groups(
    words: Sequence[WordTiming], *, rules: CueRules, language: str | None = None
) -> list[list[WordTiming]]:
    """The words cut into cues at the least costly places (a shortest path over the possible cuts)."""
    if not words:
        return []
    language = language or guess_language([w.word for w in words])
    count = len(words)
    best: list[tuple[float, int]] = [(0.0, 0)] + [(float("inf"), 0)] * count
    for end in range(1, count + 1):
        for start in range(end - 1, -1, -1):
            cost = _cue_cost(words, start, end, rules, language)
            if cost is None:
                break
            total = best[start][0] + cost
            if total < best[end][0]:
                best[end] = (total, start)
    cuts = [count]
    while cuts[-1] > 0:
        cuts.append(best[cuts[-1]][1])
    cuts.reverse()
    return [list(words[a:b]) for a, b in itertools.pairwise(cuts)]


def _cue_cost(
    words: Sequence[WordTiming], start: int, end: int, rules: CueRules, language: str | None
) -> float | None:
    """What a cue of words[start:end] costs; None if it and any longer one starting earlier cannot be."""
    group = words[start:end]
    single = len(group) == 1
    if not single and (
        (rules.max_words is not None and len(group) > rules.max_words)
        or group[-1].end_s - group[0].start_s > rules.max_s
        or width(_joined(group)) > rules.max_chars * rules.max_lines + rules.max_lines
        or _longest_pause(group) > _LONG_PAUSE_S
    ):
        return None
    texts = [w.word for w in group]
    split = _line_split(texts, rules, language)
    if split is None:
        return None if not single else FORBIDDEN
    cost = _CUE_COST + split[0]
    if end < len(words):
        cost += break_cost(words[end - 1].word, words[end].word, language)
        if words[end].start_s - words[end - 1].end_s >= _PAUSE_S:
            cost = min(cost, _CUE_COST + split[0])
    cost += _SENTENCE_INSIDE_COST * sum(ends_sentence(t) for t in texts[:-1])
    cost += 25.0 * sum(b.start_s - a.end_s >= _PAUSE_S for a, b in itertools.pairwise(group))
    if len(group) < rules.min_words:
        cost += _SHORT_COST
    if rules.max_words is None and len(group) <= 2 and start > 0 and not ends_sentence(words[start - 1].word):
        cost += _ORPHAN_COST
    if _shown_s(words, start, end, rules) < rules.min_s - 1e-6:
        cost += _SHORT_COST
    return cost


def _shown_s(words: Sequence[WordTiming], start: int, end: int, rules: CueRules) -> float:
    """How long the cue can stay: until its last word is said and a moment after, longer if there is room."""
    first, last = words[start], words[end - 1]
    wanted = max(last.end_s + LINGER_S - first.start_s, rules.min_s)
    room = words[end].start_s - rules.gap_s - first.start_s if end < len(words) else wanted
    return min(wanted, room)


def _longest_pause(group: Sequence[WordTiming]) -> float:
    return max((b.start_s - a.end_s for a, b in itertools.pairwise(group)), default=0.0)


def cue_times(groups: Sequence[Sequence[WordTiming]], rules: CueRules) -> list[tuple[float, float]]:
    """When each cue shows and goes: at its first word; a moment after its last, at least `min_s` after it
    showed if there is room, at most `max_s`, always `gap_s` before the next (a short gap closed to it)."""
    times = []
    for index, group in enumerate(groups):
        start, said = group[0].start_s, group[-1].end_s
        end = max(said + LINGER_S, start + rules.min_s)
        if index + 1 < len(groups):
            following = groups[index + 1][0].start_s - rules.gap_s
            end = min(following if following - end < _CLOSE_GAP_S else end, following)
        end = min(end, max(start + rules.max_s, said))  # a word longer than max_s stays while it is said
        times.append((start, max(end, start + 0.01)))
    return times


def best_lines(words: Sequence[str], rules: CueRules, language: str | None) -> list[str] | None:
    """The words as lines: one if it fits, else the phrase-truest balanced split; None if they do not fit."""
    split = _line_split(words, rules, language)
    return None if split is None else split[1]


def _line_split(
    words: Sequence[str], rules: CueRules, language: str | None, lines: int | None = None
) -> tuple[float, list[str]] | None:
    lines = rules.max_lines if lines is None else lines
    text = " ".join(words)
    if rules.fits(text) or len(words) == 1:
        return 0.0, [text]
    if lines < 2:
        return None
    best: tuple[float, list[str]] | None = None
    for cut in range(1, len(words)):
        head = " ".join(words[:cut])
        if not rules.fits(head):
            break
        rest = _line_split(words[cut:], rules, language, lines - 1)
        if rest is None:
            continue
        tail = rest[1][0]
        balance = 6.0 * abs(width(head) - width(tail)) / rules.max_chars
        top_heavy = 1.0 if width(head) > width(tail) else 0.0  # a bottom-heavy pair reads more easily
        cost = break_cost(words[cut - 1], words[cut], language) + balance + top_heavy + rest[0]
        if best is None or cost < best[0]:
            best = (cost, [head, *rest[1]])
    return best


def width(text: str) -> int:
    """Characters as a line holds them: a wide (East Asian) character takes the room of two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _joined(group: Sequence[WordTiming]) -> str:
    return " ".join(w.word for w in group)


# ---------------------------------------------------------------- SRT and WebVTT


def write_srt(captions: Sequence[Caption], out: Path) -> Path:
    """SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, then the cue's lines."""
    cues = [
        f"{number}\n{_clock(c.start_s, ',')} --> {_clock(c.end_s, ',')}\n" + "\n".join(c.lines) + "\n"
        for number, c in enumerate(captions, start=1)
    ]
    out.write_text("\n".join(cues), encoding="utf-8")
    return out


def write_vtt(captions: Sequence[Caption], out: Path) -> Path:
    """WebVTT, for the browser's <track> element."""
    cues = [
        f"{_clock(c.start_s, '.')} --> {_clock(c.end_s, '.')}\n" + "\n".join(map(_vtt_text, c.lines)) + "\n"
        for c in captions
    ]
    out.write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")
    return out


def clock_parts(seconds: float, *, ticks_per_second: int) -> tuple[int, int, int, int]:
    """(hours, minutes, seconds, ticks) of a non-negative time, rounded to the nearest tick."""
    ticks = max(0, round(seconds * ticks_per_second))
    whole, fraction = divmod(ticks, ticks_per_second)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return hours, minutes, secs, fraction


def _clock(seconds: float, separator: str) -> str:
    """SRT/WebVTT time: HH:MM:SS,mmm or HH:MM:SS.mmm."""
    hours, minutes, secs, millis = clock_parts(seconds, ticks_per_second=1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "->")
