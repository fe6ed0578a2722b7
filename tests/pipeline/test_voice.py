"""Narration with the bundled Piper voice: real audio, and a start/end time for every written word."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from animagenius.pipeline.domain import Scene
from animagenius.pipeline.providers.protocols import Speech, Voice
from animagenius.pipeline.voice import LEAD_IN_S, PAUSE_AFTER_S, narrate_scene

SENTENCES = [
    "In 2024 we shipped the product.",
    "There should be one-- and preferably only one --obvious way to do it.",
    "Note that LO must be an inner loop of LR. • If LO has a compiled tree, we call it (see [12]).",
    "Dr. Smith ran 3.5 km on 12/05/2023 -- really? Yes!",
    "When recording reaches line 4, Trace- Monkey observes that it has reached an inner loop header.",
]


def assert_timings_fit(speech: Speech, text: str) -> None:
    written = text.split()
    assert [timing.word for timing in speech.words] == written, "one timing per written word, same order"
    starts = [timing.start_s for timing in speech.words]
    assert starts == sorted(starts), "start times never go backwards"
    for timing in speech.words:
        assert 0.0 <= timing.start_s <= timing.end_s <= speech.duration_s + 1e-3, timing
    for before, after in zip(speech.words, speech.words[1:], strict=False):
        assert before.end_s <= after.start_s + 1e-3, f"{before} overlaps {after}"


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
