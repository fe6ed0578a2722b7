"""Captions as a viewer reads them: cues that follow the speech, broken where a phrase ends, within the
broadcast limits (42 characters a line, 2 lines, 5/6 s to 7 s a cue), in SRT, WebVTT and valid ASS."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from animagenius.pipeline.compose.captions import write_ass
from animagenius.pipeline.compose.cues import (
    Caption,
    CueRules,
    caption_lines,
    subtitle_cues,
    write_srt,
    write_vtt,
)
from animagenius.pipeline.domain import WordTiming
from animagenius.pipeline.providers.local.espeak import EspeakTTS
from animagenius.pipeline.providers.protocols import Voice
from animagenius.pipeline.video import Aspect
from tests.pipeline.caption_helpers import LONG_SENTENCE, PARAGRAPH, ZEN, evenly_timed

DATA = Path(__file__).parents[1] / "data"
FRENCH = (
    "La marée monte deux fois par jour le long de la côte. Les grandes marées arrivent au moment de la "
    "pleine lune, et les marées les plus faibles une semaine plus tard. Le port de Saint-Malo connaît "
    "certaines des plus fortes marées de toute l'Europe."
)
# words a line or cue never ends on (they bind to the next word), and pairs never parted
ENGLISH_BINDING = {"the", "a", "an", "this", "these", "those", "i", "we", "they", "he", "she", "is", "are",
                   "was", "were", "will", "can", "could", "has", "have", "had", "might"}  # fmt: skip
FRENCH_BINDING = {"le", "la", "les", "un", "une", "des", "du", "au", "aux", "l'"}
KEPT_TOGETHER = [
    ("Ada", "Lovelace"),
    ("Charles", "Babbage's"),
    ("analytical", "engine"),
    ("Dynamic", "languages"),
    ("elaborate", "pieces"),
    ("source", "file"),
    ("Saint-Malo", "connaît"),
]
TIMESTAMP = re.compile(r"^\d+:\d\d:\d\d\.\d\d$")
FRAME_S = 1 / 30


def recorded(name: str) -> list[WordTiming]:
    """The word timings of a person's (kept) recording."""
    return [WordTiming(**word) for word in json.loads((DATA / f"{name}.json").read_text())["words"]]


def breaks(captions: list[Caption]) -> list[tuple[str, str]]:
    """Every pair of words a line or cue break parts."""
    words = [line.split() for caption in captions for line in caption.lines]
    return [(before[-1], after[0]) for before, after in itertools.pairwise(words)]


def bare(word: str) -> str:
    return word.strip(".,;:!?").lower()


def assert_broadcast_cues(captions: list[Caption], words: list[WordTiming], binding: set[str]) -> None:
    assert " ".join(caption.text for caption in captions) == " ".join(word.word for word in words)
    for caption in captions:
        assert 1 <= len(caption.lines) <= 2, caption
        assert all(len(line) <= 42 for line in caption.lines), caption
        if len(caption.lines) == 2:
            assert len(caption.text) > 42, f"{caption} fits one line"
        assert 5 / 6 - 1e-3 <= caption.end_s - caption.start_s <= 7 + 1e-3, caption
    for before, after in itertools.pairwise(captions):
        assert after.start_s - before.end_s >= 2 * FRAME_S - 1e-3, f"{before} runs into {after}"
    for head, tail in breaks(captions):
        assert bare(head) not in binding, f"a break after {head!r}, before {tail!r}"
        assert (head, tail) not in KEPT_TOGETHER, f"{head} {tail} parted"


@pytest.fixture(scope="module")
def paragraph(piper_voice: Voice) -> list[WordTiming]:
    return list(piper_voice.synthesize(PARAGRAPH).words)


def test_subtitle_cues_of_a_real_narration_follow_broadcast_practice(paragraph: list[WordTiming]) -> None:
    captions = subtitle_cues(paragraph)

    assert_broadcast_cues(captions, paragraph, ENGLISH_BINDING)
    assert any(len(caption.lines) == 2 for caption in captions), "long sentences use the second line"
    assert ("Yes.",) not in [caption.lines for caption in captions], (
        "a one-word sentence is not flashed alone"
    )
    speeds = sorted(len(caption.text) / (caption.end_s - caption.start_s) for caption in captions)
    assert speeds[len(speeds) // 2] <= 20, f"about 17 characters a second to read: {speeds}"


@pytest.mark.parametrize("name", ["tides-recording", "zen-recording"])
def test_subtitle_cues_of_recorded_speech_follow_broadcast_practice(name: str) -> None:
    words = recorded(name)

    assert_broadcast_cues(subtitle_cues(words), words, ENGLISH_BINDING)


def test_french_subtitles_break_at_french_phrase_boundaries() -> None:
    words = list(EspeakTTS.for_language("fr").synthesize(FRENCH).words)

    captions = subtitle_cues(words)

    assert_broadcast_cues(captions, words, FRENCH_BINDING)


def test_lines_break_after_punctuation_and_before_conjunctions() -> None:
    words = evenly_timed(LONG_SENTENCE, word_s=0.25)

    captions = caption_lines(words, rules=CueRules(max_chars=42, max_lines=2))

    assert_broadcast_cues(captions, words, ENGLISH_BINDING)
    parted = breaks(captions)
    assert all(head.endswith(",") or bare(tail) in {"and", "since", "as", "to"} for head, tail in parted), (
        parted
    )


def test_a_language_we_have_no_words_for_breaks_at_punctuation_and_balances_lines() -> None:
    words = evenly_timed("Kiswahili ni lugha ya Kibantu, yenye wasemaji wengi Afrika Mashariki")

    (caption,) = caption_lines(words)

    assert caption.lines == ("Kiswahili ni lugha ya Kibantu,", "yenye wasemaji wengi Afrika Mashariki")


def test_subtitles_end_with_the_video() -> None:
    words = evenly_timed("Thanks.", start_s=9.6, word_s=0.3)

    (caption,) = subtitle_cues(words, until_s=10.0)

    assert caption.end_s == 10.0, "a short last word does not outstay the video"


def test_caption_lines_break_at_long_pauses() -> None:
    words = [
        *evenly_timed("First we wait", start_s=0.0),
        *evenly_timed("and then we go", start_s=3.0),
    ]

    captions = caption_lines(words)

    assert [caption.text for caption in captions] == ["First we wait", "and then we go"]
    assert captions[0].end_s < 3.0, "the line does not stay on screen through the pause"
    assert captions[0].end_s >= words[2].end_s, "the line stays while its last word is spoken"


def test_single_word_longer_than_the_limit_gets_its_own_line() -> None:
    words = evenly_timed("See internationalization-and-localization-guidelines today")

    captions = caption_lines(words, rules=CueRules(max_chars=24))

    assert ("internationalization-and-localization-guidelines",) in [caption.lines for caption in captions]


def test_caption_lines_with_real_voice_timings(piper_voice: Voice) -> None:
    speech = piper_voice.synthesize(ZEN)
    words = list(speech.words)

    for max_chars in (24, 42):
        captions = caption_lines(words, rules=CueRules(max_chars=max_chars))
        assert captions[-1].end_s <= speech.duration_s + 1.0
        for word in words:
            showing = [c for c in captions if c.start_s <= (word.start_s + word.end_s) / 2 < c.end_s]
            assert len(showing) == 1, f"{word} is not captioned while spoken"
            assert word.word in showing[0].text.split()


def test_srt_and_webvtt_put_each_line_on_its_own_line(tmp_path: Path) -> None:
    captions = [Caption(0.5, 3.0, ("Dynamic languages such as JavaScript,", "Python, and Ruby are popular")),
                Caption(3.2, 4.5, ("since <they> are expressive",))]  # fmt: skip

    srt = write_srt(captions, tmp_path / "c.srt").read_text(encoding="utf-8")
    vtt = write_vtt(captions, tmp_path / "c.vtt").read_text(encoding="utf-8")

    assert srt == (
        "1\n00:00:00,500 --> 00:00:03,000\n"
        "Dynamic languages such as JavaScript,\nPython, and Ruby are popular\n\n"
        "2\n00:00:03,200 --> 00:00:04,500\nsince <they> are expressive\n"
    )
    assert vtt == (
        "WEBVTT\n\n00:00:00.500 --> 00:00:03.000\n"
        "Dynamic languages such as JavaScript,\nPython, and Ruby are popular\n\n"
        "00:00:03.200 --> 00:00:04.500\nsince &lt;they&gt; are expressive\n"
    )


def test_no_words_no_captions() -> None:
    assert caption_lines([]) == []


def _dialogues(ass: str) -> list[list[str]]:
    events = ass.split("[Events]", 1)[1]
    fields = [line.split(":", 1)[1].strip() for line in events.splitlines() if line.startswith("Format:")]
    assert fields == ["Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text"]
    dialogues = [
        line.split(": ", 1)[1].split(",", 9) for line in events.splitlines() if line.startswith("Dialogue:")
    ]
    return [fields for fields in dialogues if "\\p1" not in fields[9]]  # the lines, not their backdrop


def _plain(text: str) -> str:
    return re.sub(r"\{[^}]*\}", "", text)


@pytest.mark.parametrize(
    ("aspect", "size"),
    [(Aspect.LANDSCAPE, (1280, 720)), (Aspect.PORTRAIT, (720, 1280)), (Aspect.SQUARE, (1080, 1080))],
)
def test_write_ass_is_a_valid_script(tmp_path: Path, aspect: Aspect, size: tuple[int, int]) -> None:
    sentences = ["It works, and we ship it today!", "Are you sure?", "Yes, we are sure of it."]
    words = evenly_timed(" ".join(sentences), start_s=0.3, word_s=0.5)

    path = write_ass(words, size=size, aspect=aspect, font_name="Inter", out=tmp_path / "captions.ass")

    ass = path.read_text(encoding="utf-8")
    assert ass.startswith("[Script Info]")
    assert f"PlayResX: {size[0]}\n" in ass
    assert f"PlayResY: {size[1]}\n" in ass
    assert "[V4+ Styles]" in ass
    style = next(line for line in ass.splitlines() if line.startswith("Style: Caption,"))
    assert style.split(",")[1] == "Inter"
    assert len(style.split(",")) == 23, "a style line has all 23 v4+ fields"

    dialogues = _dialogues(ass)
    assert " ".join(_plain(fields[9]) for fields in dialogues) == " ".join(sentences)
    assert all(re.match(r"\{\\an2\\pos\(\d+,\d+\)", fields[9]) for fields in dialogues), "each line placed"
    ends = []
    for layer, start, end, style_name, *_ in dialogues:
        assert layer == "1", "over the backdrop"
        assert style_name == "Caption"
        assert TIMESTAMP.match(start), start
        assert TIMESTAMP.match(end), end
        ends.append((start, end))
    assert ends[0][0] == "0:00:00.30"
    assert all(start < end for start, end in ends)
    cues = sorted(set(ends))
    assert all(previous_end <= start for (_, previous_end), (start, _) in itertools.pairwise(cues))


def test_write_ass_timestamps_past_a_minute_and_an_hour(tmp_path: Path) -> None:
    words = [
        WordTiming(word="Later.", start_s=61.5, end_s=62.04),
        WordTiming(word="Much", start_s=3661.25, end_s=3661.5),
        WordTiming(word="later.", start_s=3661.6, end_s=3662.0),
    ]

    path = write_ass(
        words, size=(1280, 720), aspect=Aspect.LANDSCAPE, font_name="Inter", out=tmp_path / "c.ass"
    )

    dialogues = _dialogues(path.read_text(encoding="utf-8"))
    assert [(fields[1], _plain(fields[9])) for fields in dialogues] == [
        ("0:01:01.50", "Later."),
        ("1:01:01.25", "Much later."),
    ]
    assert dialogues[1][2] == "1:01:02.25", "the last line lingers a quarter second"


def test_write_ass_text_cannot_inject_override_tags(tmp_path: Path) -> None:
    words = evenly_timed("Use {\\b1} braces in code.")

    path = write_ass(
        words, size=(1280, 720), aspect=Aspect.LANDSCAPE, font_name="Inter", out=tmp_path / "c.ass"
    )

    (text,) = [fields[9] for fields in _dialogues(path.read_text(encoding="utf-8"))]
    placed = re.match(r"\{\\an2\\pos\(\d+,\d+\)[^}]*\}", text)
    assert placed
    words_shown = text[placed.end() :]
    assert "{" not in words_shown
    assert "}" not in words_shown
    assert words_shown.startswith("Use ")
    assert words_shown.endswith("braces in code.")
