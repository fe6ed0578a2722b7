"""Burned-in captions: short lines that follow the speech, never overlap, and form a valid ASS script."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from animagenius.pipeline.compose.captions import Caption, caption_lines, write_ass
from animagenius.pipeline.domain import Aspect, WordTiming
from animagenius.pipeline.providers.protocols import Voice

ZEN = (
    "Beautiful is better than ugly. Explicit is better than implicit. Simple is better than complex. "
    "Complex is better than complicated. Flat is better than nested. Sparse is better than dense. "
    "Special cases aren't special enough to break the rules. Although practicality beats purity."
)
LONG_SENTENCE = (
    "Dynamic languages such as JavaScript, Python, and Ruby are popular since they are expressive, "
    "accessible to non-experts, and make deployment as easy as distributing a source file."
)
TIMESTAMP = re.compile(r"^\d+:\d\d:\d\d\.\d\d$")


def evenly_timed(
    text: str, *, start_s: float = 0.0, word_s: float = 0.3, gap_s: float = 0.05
) -> list[WordTiming]:
    """Word timings as a voice would report them, for a steady speaker."""
    words = []
    at = start_s
    for word in text.split():
        words.append(WordTiming(word=word, start_s=round(at, 3), end_s=round(at + word_s, 3)))
        at += word_s + gap_s
    return words


def assert_well_formed(captions: list[Caption], words: list[WordTiming], max_chars: int) -> None:
    assert " ".join(caption.text for caption in captions) == " ".join(word.word for word in words)
    for caption in captions:
        assert caption.start_s < caption.end_s
        assert len(caption.text) <= max_chars or " " not in caption.text, caption
        assert not any(word.endswith((".", "!", "?")) for word in caption.text.split()[:-1]), (
            f"a sentence ends inside {caption.text!r}"
        )
    for before, after in itertools.pairwise(captions):
        assert before.end_s <= after.start_s, f"{before} overlaps {after}"


@pytest.mark.parametrize("max_chars", [24, 30, 42])
def test_caption_lines_group_words_within_the_limit(max_chars: int) -> None:
    words = evenly_timed(LONG_SENTENCE)

    captions = caption_lines(words, max_chars=max_chars)

    assert_well_formed(captions, words, max_chars)
    assert 1 < len(captions) < len(words), "words are grouped, not shown one by one or all at once"
    assert captions[0].start_s == words[0].start_s, "a line appears when its first word is spoken"
    assert max(len(caption.text) for caption in captions) > max_chars * 0.6, "lines are filled reasonably"


def test_caption_lines_break_at_sentence_ends() -> None:
    words = evenly_timed("It works. Ship it! Are you sure? Yes.")

    captions = caption_lines(words, max_chars=42)

    assert [caption.text for caption in captions] == ["It works.", "Ship it!", "Are you sure?", "Yes."]


def test_caption_lines_break_at_long_pauses() -> None:
    words = [
        *evenly_timed("First we wait", start_s=0.0),
        *evenly_timed("and then we go", start_s=3.0),
    ]

    captions = caption_lines(words, max_chars=42)

    assert [caption.text for caption in captions] == ["First we wait", "and then we go"]
    assert captions[0].end_s < 3.0, "the line does not stay on screen through the pause"
    assert captions[0].end_s >= words[2].end_s, "the line stays while its last word is spoken"


def test_single_word_longer_than_the_limit_gets_its_own_line() -> None:
    words = evenly_timed("See internationalization-and-localization-guidelines today")

    captions = caption_lines(words, max_chars=24)

    assert_well_formed(captions, words, 24)
    assert "internationalization-and-localization-guidelines" in [caption.text for caption in captions]


def test_caption_lines_with_real_voice_timings(piper_voice: Voice) -> None:
    speech = piper_voice.synthesize(ZEN)
    words = list(speech.words)

    for max_chars in (24, 42):
        captions = caption_lines(words, max_chars=max_chars)
        assert_well_formed(captions, words, max_chars)
        assert len(captions) >= 8, "one line per aphorism at least"
        assert captions[-1].end_s <= speech.duration_s + 0.3
        for word in words:
            showing = [c for c in captions if c.start_s <= (word.start_s + word.end_s) / 2 < c.end_s]
            assert len(showing) == 1, f"{word} is not captioned while spoken"
            assert word.word in showing[0].text.split()


def test_no_words_no_captions() -> None:
    assert caption_lines([], max_chars=42) == []


def _dialogues(ass: str) -> list[list[str]]:
    events = ass.split("[Events]", 1)[1]
    fields = [line.split(":", 1)[1].strip() for line in events.splitlines() if line.startswith("Format:")]
    assert fields == ["Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text"]
    return [
        line.split(": ", 1)[1].split(",", 9) for line in events.splitlines() if line.startswith("Dialogue:")
    ]


@pytest.mark.parametrize(
    ("aspect", "size"),
    [(Aspect.LANDSCAPE, (1280, 720)), (Aspect.PORTRAIT, (720, 1280)), (Aspect.SQUARE, (1080, 1080))],
)
def test_write_ass_is_a_valid_script(tmp_path: Path, aspect: Aspect, size: tuple[int, int]) -> None:
    sentences = ["It works.", "Ship it today!", "Are you sure?", "Yes, we are."]  # each fits any line length
    words = evenly_timed(" ".join(sentences), start_s=0.3)

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
    assert len(dialogues) == len(sentences)
    assert [fields[9] for fields in dialogues] == sentences
    ends = []
    for layer, start, end, style_name, *_ in dialogues:
        assert layer == "0"
        assert style_name == "Caption"
        assert TIMESTAMP.match(start), start
        assert TIMESTAMP.match(end), end
        ends.append((start, end))
    assert ends[0][0] == "0:00:00.30"
    assert all(start < end for start, end in ends)
    assert all(previous_end <= start for (_, previous_end), (start, _) in itertools.pairwise(ends))


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
    assert [(fields[1], fields[9]) for fields in dialogues] == [
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
    assert "{" not in text
    assert "}" not in text
    assert text.startswith("Use ")
    assert text.endswith("braces in code.")
