"""A person's own recording as the narration: aligned to the script, cut per scene, captions follow it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from animagenius.pipeline.domain import Scene, Script, WordTiming
from animagenius.pipeline.errors import InputError
from animagenius.pipeline.providers.protocols import Voice
from animagenius.pipeline.run import run
from animagenius.pipeline.script.edit import script_dump
from animagenius.pipeline.video import RenderOptions
from animagenius.pipeline.voice.recording import RecordingMismatch
from tests.pipeline.cli_helpers import assert_one_line_error, cli
from tests.pipeline.media_helpers import kept_recording
from tests.pipeline.voice_helpers import speak_with_pauses

NARRATIONS = (
    "Beautiful code is better than ugly code.",
    "Explicit choices beat implicit magic every time.",
    "Simple ideas are easier to explain to a friend.",
)
OPTIONS = RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=15)


def _script() -> Script:
    return Script(
        title="Zen in three lines",
        target_duration_s=10,
        scenes=tuple(
            Scene(title=title, narration=text)
            for title, text in zip(("Beauty", "Explicit", "Simple"), NARRATIONS, strict=True)
        ),
    )


def _srt_cues(path: Path) -> list[tuple[float, str]]:
    cues = []
    for block in path.read_text().strip().split("\n\n"):
        lines = block.splitlines()
        h, m, s, ms = map(int, re.match(r"(\d+):(\d+):(\d+),(\d+)", lines[1]).groups())  # type: ignore[union-attr]
        cues.append((h * 3600 + m * 60 + s + ms / 1000, " ".join(lines[2:])))
    return cues


@pytest.fixture(scope="module")
def recording() -> tuple[Path, float, list[WordTiming]]:
    return kept_recording("zen-recording")  # NARRATIONS, read by Piper with pauses


@pytest.mark.slow
def test_recording_is_the_narration_and_captions_follow_it(
    recording: tuple[Path, float, list[WordTiming]],
    corpus: Path,
    tmp_path: Path,
    ffprobe: Callable[[Path], dict[str, Any]],
) -> None:
    audio, length, spoken = recording
    out = tmp_path / "mine.mp4"

    result = run(
        [corpus / "text/pep-0020.rst"], options=OPTIONS, workdir=tmp_path / "work",
        out=out, script=_script(), recording=audio,
    )  # fmt: skip

    duration = float(ffprobe(out)["format"]["duration"])
    assert abs(duration - length) <= 0.25, f"video {duration:.2f} s, recording {length:.2f} s"
    assert len(result.scene_starts_s) == 3
    for number, start in enumerate(result.scene_starts_s[1:], start=1):
        last_word = next(w for w in reversed(spoken) if w.word == NARRATIONS[number - 1].split()[-1])
        first_word = next(w for w in spoken if w.word == NARRATIONS[number].split()[0])
        assert last_word.end_s - 0.1 <= start <= first_word.start_s + 0.1, "slides change in the pause"
    cues = _srt_cues(out.with_suffix(".srt"))
    captions = " ".join(text for _, text in cues)
    for text in NARRATIONS:
        assert text in captions
    remaining = list(spoken)
    for start, text in cues:
        first = text.split()[0]
        index = next(i for i, w in enumerate(remaining) if w.word == first)
        expected = remaining[index].start_s
        remaining = remaining[index + 1 :]
        assert abs(start - expected) <= 0.2, f"{text!r} shown at {start:.2f} s, said at {expected:.2f} s"


def test_recording_of_other_words_is_refused(piper_voice: Voice, corpus: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.m4a"
    speak_with_pauses(
        piper_voice, ("The weather today is cold and rainy, with strong winds from the north.",), other
    )

    with pytest.raises(RecordingMismatch, match="does not follow the script") as raised:
        run(
            [corpus / "text/pep-0020.rst"], options=OPTIONS,
            workdir=tmp_path / "work", out=tmp_path / "x.mp4", script=_script(), recording=other,
        )  # fmt: skip
    assert "other.m4a" in str(raised.value)
    assert "edit the script to what you said" in str(raised.value)


def test_non_audio_recording_is_refused(corpus: Path, tmp_path: Path) -> None:
    fake = tmp_path / "notes.m4a"
    fake.write_text("these are my notes, not a recording\n")

    with pytest.raises(InputError, match=r"notes\.m4a is a text file"):
        run(
            [corpus / "text/pep-0020.rst"], options=OPTIONS,
            workdir=tmp_path / "work", out=tmp_path / "x.mp4", script=_script(), recording=fake,
        )  # fmt: skip


def test_cli_narration_needs_audio_and_a_script(animagenius: Path, corpus: Path, tmp_path: Path) -> None:
    fake = tmp_path / "notes.m4a"
    fake.write_text("these are my notes, not a recording\n")
    script = tmp_path / "script.json"
    script.write_text(script_dump(_script()))
    source = corpus / "text/pep-0020.rst"

    bad_file = cli(animagenius, "render", source, "--script", script, "--narration", fake, "-o", "x.mp4",
                   "--quiet", cwd=tmp_path)  # fmt: skip
    no_script = cli(animagenius, "render", source, "--narration", fake, "-o", "x.mp4", cwd=tmp_path)

    assert_one_line_error(bad_file, "notes.m4a is a text file")
    assert_one_line_error(no_script, "--narration notes.m4a needs the script you read", "--script")
