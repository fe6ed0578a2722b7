"""Narration with the bundled Piper voice: real audio, and a start/end time for every written word."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from animagenius.pipeline.domain import Scene
from animagenius.pipeline.providers.local.piper import PiperTTS
from animagenius.pipeline.providers.protocols import Speech, Voice
from animagenius.pipeline.voice.narrate import (
    LEAD_IN_S,
    PAUSE_AFTER_S,
    narrate,
    narrate_scene,
    narrate_text,
    voice_list,
    voice_preview,
)
from animagenius.pipeline.voice.text import speakable
from animagenius.pipeline.voice.voices import VOICES, FallbackVoice, voice_chain
from tests.pipeline.voice_helpers import assert_timings_fit, preview_seconds_expected

SENTENCES = [
    "In 2024 we shipped the product.",
    "There should be one-- and preferably only one --obvious way to do it.",
    "Note that LO must be an inner loop of LR. • If LO has a compiled tree, we call it (see [12]).",
    "Dr. Smith ran 3.5 km on 12/05/2023 -- really? Yes!",
    "When recording reaches line 4, Trace- Monkey observes that it has reached an inner loop header.",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_every_written_word_gets_a_timing(piper_voice: Voice, text: str) -> None:
    speech = piper_voice.synthesize(text)

    assert speech.sample_rate >= 16000
    assert speech.samples.dtype == np.float32
    assert 0.5 < speech.duration_s < 15
    assert float(np.abs(speech.samples).max()) > 0.05, "the audio is not silent"
    assert_timings_fit(speech, text)
    assert speech.words[-1].end_s > 0.6 * speech.duration_s, "the timings cover the whole utterance"


def test_numbers_take_as_long_as_they_are_spoken(piper_voice: Voice) -> None:
    """'2024' is spoken as 'twenty twenty-four', so it lasts much longer than 'we'."""
    speech = piper_voice.synthesize("In 2024 we shipped")
    timing = {word.word: word for word in speech.words}

    year = timing["2024"].end_s - timing["2024"].start_s
    we = timing["we"].end_s - timing["we"].start_s
    assert year > 2 * we, f"'2024' lasts {year:.3f} s, 'we' {we:.3f} s"
    assert timing["we"].start_s >= timing["2024"].end_s - 1e-3


def test_words_run_together_in_speech_still_get_their_own_time(piper_voice: Voice) -> None:
    """Spoken, "does not" and "of an" are one sound group each, and "Statement. Assignment" has no break."""
    text = "It does not fit, for the most part. Statement. Assignment of an expression is in a scope."
    speech = piper_voice.synthesize(text)

    assert_timings_fit(speech, text)
    for timing in speech.words:
        assert timing.end_s - timing.start_s >= 0.01, f"{timing} has no time of its own"
        segment = speech.samples[
            round(timing.start_s * speech.sample_rate) : round(timing.end_s * speech.sample_rate)
        ]
        assert float(np.abs(segment).max()) > 0.02, f"{timing} is silent"


def test_word_timings_match_the_sound(piper_voice: Voice) -> None:
    """Inside a word there is sound; the timings are not spread evenly over the clip."""
    speech = piper_voice.synthesize("Beautiful is better than ugly. Explicit is better than implicit.")
    samples, rate = speech.samples, speech.sample_rate
    for timing in speech.words:
        segment = samples[round(timing.start_s * rate) : round(timing.end_s * rate)]
        assert segment.size > 0, f"{timing} has no duration"
        assert float(np.abs(segment).max()) > 0.02, f"{timing} is silent"
    # the pause between the two sentences falls between "ugly." and "Explicit", not inside a word
    window = round(0.08 * rate)
    energy = np.convolve(samples.astype(np.float64) ** 2, np.ones(window), mode="valid")
    margin = round(0.5 * rate)
    pause_s = (margin + int(np.argmin(energy[margin:-margin])) + window / 2) / rate
    by_word = {word.word: word for word in speech.words}
    assert by_word["ugly."].end_s <= pause_s <= by_word["Explicit"].start_s, f"pause at {pause_s:.3f} s"
    first_word_start = speech.words[0].start_s
    assert float(np.abs(samples[: max(1, round(first_word_start * rate) - 200)]).max(initial=0.0)) < 0.1


def test_narrate_scene_writes_wav_of_the_track_length(piper_voice: Voice, tmp_path: Path) -> None:
    scene = Scene(
        title="The Zen of Python",
        bullets=("Beautiful is better than ugly",),
        narration="Beautiful is better than ugly. Explicit is better than implicit.",
        source_blocks=(3, 4),
    )
    out = tmp_path / "scene-00.wav"

    track = narrate_scene(scene, voice=piper_voice, out=out)

    assert track.audio == out
    with wave.open(str(out), "rb") as wav:
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        frames, rate = wav.getnframes(), wav.getframerate()
        samples = np.frombuffer(wav.readframes(frames), dtype="<i2")
    assert frames / rate == pytest.approx(track.duration_s, abs=1e-6)

    assert [word.word for word in track.words] == scene.narration.split()
    assert track.words[0].start_s >= LEAD_IN_S, "word times include the lead-in silence"
    assert track.words[-1].end_s <= track.duration_s - PAUSE_AFTER_S + 1e-3
    assert all(0 <= word.start_s <= word.end_s <= track.duration_s for word in track.words)

    lead_in = samples[: round(LEAD_IN_S * rate)]
    trailing = samples[-round(PAUSE_AFTER_S * rate) :]
    assert np.abs(lead_in).max() == 0, "the lead-in is silent"
    assert np.abs(trailing).max() == 0, "the pause after the scene is silent"
    assert np.abs(samples).max() > 1000, "the narration is audible"


# ---------------------------------------------------------------- speed


@pytest.mark.parametrize("speed", [0.75, 1.5])
def test_speed_changes_the_length_by_its_ratio_and_keeps_the_timings(
    piper_voice: Voice, speed: float
) -> None:
    # Piper draws each phoneme's length with random noise: one short sentence varies by ±5 % from one
    # synthesis to the next (a ratio outside ±10 % about once in 200 runs), eight sentences by ±1.5 %.
    text = (
        "Beautiful is better than ugly. Explicit is better than implicit. Simple is better than complex. "
        "Complex is better than complicated. Flat is better than nested. Sparse is better than dense. "
        "Readability counts. Special cases aren't special enough to break the rules."
    )
    own_pace = piper_voice.synthesize(text)

    faster_or_slower = piper_voice.synthesize(text, speed=speed)

    assert own_pace.duration_s / faster_or_slower.duration_s == pytest.approx(speed, rel=0.1)
    assert_timings_fit(faster_or_slower, text)
    assert faster_or_slower.words[-1].end_s > 0.8 * faster_or_slower.duration_s


def test_espeak_speed_changes_the_length_by_its_ratio(espeak_voice: Voice) -> None:
    text = "Simple is better than complex. Complex is better than complicated."

    ratio = espeak_voice.synthesize(text).duration_s / espeak_voice.synthesize(text, speed=1.5).duration_s

    assert ratio == pytest.approx(1.5, rel=0.1)


# ---------------------------------------------------------------- cache


class CountingVoice:
    """A real voice that counts how often it is asked to speak."""

    def __init__(self, voice: Voice) -> None:
        self.voice = voice
        self.name, self.identity, self.language = voice.name, voice.identity, voice.language
        self.description, self.words_per_minute = voice.description, voice.words_per_minute
        self.quality = voice.quality
        self.spoken: list[str] = []

    def synthesize(self, text: str, *, speed: float = 1.0) -> Speech:
        self.spoken.append(text)
        return self.voice.synthesize(text, speed=speed)


def two_scenes(first: str, second: str) -> tuple[Scene, Scene]:
    return (
        Scene(title="Scene 1", bullets=(), narration=first, source_blocks=(0,)),
        Scene(title="Scene 2", bullets=(), narration=second, source_blocks=(0,)),
    )


def unwatched(fraction: float) -> None:
    """Progress nobody looks at."""


def test_a_second_narration_comes_from_the_cache(piper_voice: Voice, tmp_path: Path) -> None:
    voice = CountingVoice(piper_voice)
    scenes = two_scenes("Errors should never pass silently.", "Unless explicitly silenced.")
    cache = tmp_path / "cache"

    first = narrate(
        scenes, voice=voice, workdir=_dir(tmp_path / "one"), on_fraction=unwatched, cache_dir=cache
    )
    again = narrate(
        scenes, voice=voice, workdir=_dir(tmp_path / "two"), on_fraction=unwatched, cache_dir=cache
    )

    assert len(voice.spoken) == 2, "each scene was synthesised once"
    assert [n.cached for n in first] == [False, False] and [n.cached for n in again] == [True, True]
    for before, after in zip(first, again, strict=True):
        assert after.track.audio.read_bytes() == before.track.audio.read_bytes()
        assert after.track.words == before.track.words
        assert after.track.duration_s == pytest.approx(before.track.duration_s)


def test_editing_one_scene_or_the_speed_synthesises_again(piper_voice: Voice, tmp_path: Path) -> None:
    voice = CountingVoice(piper_voice)
    cache = tmp_path / "cache"
    original = two_scenes("Errors should never pass silently.", "Unless explicitly silenced.")
    edited = two_scenes("Errors should never pass silently.", "Unless they are silenced.")

    narrate(original, voice=voice, workdir=_dir(tmp_path / "a"), on_fraction=unwatched, cache_dir=cache)
    narrate(edited, voice=voice, workdir=_dir(tmp_path / "b"), on_fraction=unwatched, cache_dir=cache)
    assert voice.spoken[2:] == ["Unless they are silenced."], "only the edited scene is spoken again"

    narrate(
        edited, voice=voice, workdir=_dir(tmp_path / "c"), on_fraction=unwatched, cache_dir=cache, speed=1.25
    )
    assert len(voice.spoken) == 5, "a new speed speaks every scene again"
    assert not list(cache.glob("*.tmp")), "no temporary files are left behind"


def test_the_same_sound_written_differently_is_not_taken_from_the_cache(
    espeak_voice: Voice, tmp_path: Path
) -> None:
    voice = CountingVoice(espeak_voice)
    cache = tmp_path / "cache"

    narrate_text("In the 1990s.", voice=voice, out=tmp_path / "a.wav", cache_dir=cache)
    spelled_out = narrate_text(
        "In the nineteen nineties.", voice=voice, out=tmp_path / "b.wav", cache_dir=cache
    )

    assert not spelled_out.cached
    assert [word.word for word in spelled_out.track.words] == ["In", "the", "nineteen", "nineties."]


def _dir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


# ---------------------------------------------------------------- what the voice says


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It grew 3.5% in the 1990s.", "It grew 3.5% in the nineteen nineties."),
        ("It cost $2,048, e.g. for Dr. Smith.", "It cost 2,048 dollars, for example for Dr. Smith."),
        ("See https://pdf.js.org/docs.", "See pdf dot js dot org slash docs."),
        ("Visit www.python.org/ today", "Visit python dot org today"),
        ("Tabs vs. spaces, i.e., taste", "Tabs versus spaces, that is, taste"),
        ("Fig. 3 and No. 5, not no.", "figure 3 and number 5, not no."),
        ("$5 million or $2.50 or $1", "5 million dollars or 2 dollars 50 cents or 1 dollar"),
        ("the '80s, 2000s and 1900s", "the eighties, two thousands and nineteen hundreds"),
        ("in 1905, 1990 and 2024", "in nineteen oh five, nineteen ninety and 2024"),
        ("2x faster on pages 5–10", "2 times faster on pages 5 to 10"),
    ],
)
def test_numbers_abbreviations_and_urls_read_sensibly(written: str, spoken: str) -> None:
    assert speakable(written) == spoken


@pytest.mark.parametrize("text", ["3.5% of 2,048", "Dr. Smith, etc.", "C++ and lcov.info", "the 3rd case"])
def test_what_espeak_already_reads_well_is_left_alone(text: str) -> None:
    assert speakable(text) == text


def test_captions_show_the_written_words_while_the_voice_says_the_spoken_ones(
    piper_voice: Voice, tmp_path: Path
) -> None:
    text = "In the 1990s it cost $2,048, see https://pdf.js.org/docs for more."
    voice = CountingVoice(piper_voice)

    narration = narrate_text(text, voice=voice, out=tmp_path / "scene.wav")

    assert voice.spoken == [
        "In the nineteen nineties it cost 2,048 dollars, see pdf dot js dot org slash docs for more."
    ]
    words = narration.track.words
    assert [word.word for word in words] == text.split()
    url = next(word for word in words if word.word.startswith("https"))
    assert url.end_s - url.start_s > 1.0, "the URL lasts as long as its seven spoken words"
    starts = [word.start_s for word in words]
    assert starts == sorted(starts)


# ---------------------------------------------------------------- espeak-ng and the fallback chain


@pytest.fixture(scope="session")
def espeak_voice() -> Voice:
    return VOICES.create("espeak")


@pytest.mark.parametrize("text", SENTENCES[:2])
def test_espeak_speaks_with_a_timing_for_every_word(espeak_voice: Voice, text: str) -> None:
    speech = espeak_voice.synthesize(text)

    assert float(np.abs(speech.samples).max()) > 0.05, "the audio is not silent"
    assert_timings_fit(speech, text)
    for timing in speech.words:
        segment = speech.samples[
            round(timing.start_s * speech.sample_rate) : round(timing.end_s * speech.sample_rate)
        ]
        assert float(np.abs(segment).max(initial=0.0)) > 0.02, f"{timing} is silent"


def test_espeak_timings_follow_the_sound_not_an_even_split(espeak_voice: Voice) -> None:
    speech = espeak_voice.synthesize("In 2024 we shipped")
    timing = {word.word: word for word in speech.words}

    assert timing["2024"].end_s - timing["2024"].start_s > 2 * (timing["we"].end_s - timing["we"].start_s)


def test_a_broken_piper_falls_back_to_espeak_with_a_notice(tmp_path: Path) -> None:
    chain = FallbackVoice([PiperTTS(tmp_path / "missing.onnx"), VOICES.create("espeak")])
    cache = tmp_path / "cache"

    narration = narrate_text(
        "Now is better than never.", voice=chain, out=tmp_path / "s.wav", cache_dir=cache
    )

    assert [word.word for word in narration.track.words] == ["Now", "is", "better", "than", "never."]
    assert len(narration.notices) == 1
    assert "piper:missing" in narration.notices[0] and "espeak" in narration.notices[0]
    assert not list(cache.glob("*.json")), "a fallback's speech is not cached under the voice asked for"


def test_the_default_chain_ends_with_espeak() -> None:
    chain = voice_chain(["piper"])

    assert isinstance(chain, FallbackVoice)
    assert [voice.name for voice in chain.voices] == ["piper:en_US-joe-medium", "espeak:en-us"]


# ---------------------------------------------------------------- voice picker


def test_voice_list_describes_every_voice() -> None:
    voices = {info.name: info for info in voice_list()}

    assert {"piper", "espeak"} <= set(voices)
    assert voices["piper"].language == "en-US"
    for info in voices.values():
        assert info.description and 100 < info.words_per_minute < 250


def test_voice_preview_writes_a_short_sample_once(tmp_path: Path) -> None:
    cache = tmp_path / "cache"

    first = voice_preview("espeak", tmp_path / "espeak.wav", cache_dir=cache)
    written = {path: path.stat().st_mtime_ns for path in cache.iterdir()}
    again = voice_preview("espeak", tmp_path / "again.wav", cache_dir=cache)

    with wave.open(str(first), "rb") as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert abs(seconds / preview_seconds_expected("espeak") - 1) <= 0.2, f"{seconds:.2f} s of sample"
    assert again.read_bytes() == first.read_bytes()
    assert {path: path.stat().st_mtime_ns for path in cache.iterdir()} == written, "cache not rewritten"
