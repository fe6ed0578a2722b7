"""Media files built for these tests with the bundled ffmpeg, and the offline speech recogniser."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.providers.protocols import Transcriber


@pytest.fixture(scope="session")
def transcriber() -> Transcriber:
    """The bundled Whisper model, loaded once per test session."""
    from animagenius.pipeline.voice.transcribers import TRANSCRIBERS

    return TRANSCRIBERS.create("whisper")


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for files made from the corpus (trusted inputs, so plain ffmpeg is fine here)."""
    return tmp_path_factory.mktemp("made")


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-nostdin", "-v", "error", "-y", *args], check=True, timeout=120)


@pytest.fixture(scope="session")
def piped_mkv(made: Path, corpus: Path) -> Path:
    """Matroska written to a pipe: the container cannot state its duration."""
    target = made / "piped.mkv"
    with target.open("wb") as sink:
        subprocess.run(
            [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(corpus / "video/bigbuckbunny.mp4"),
             "-c", "copy", "-f", "matroska", "pipe:1"],
            stdout=sink, check=True, timeout=120,
        )  # fmt: skip
    return target


@pytest.fixture(scope="session")
def rotated_mp4(made: Path, corpus: Path) -> Path:
    """A phone-style clip: landscape pixels with a display matrix turning it a quarter."""
    target = made / "rotated.mp4"
    ffmpeg(
        "-display_rotation",
        "90",
        "-i",
        str(corpus / "video/carphone_distorted.mp4"),
        "-c",
        "copy",
        str(target),
    )
    return target


@pytest.fixture(scope="session")
def cover_art_mp3(made: Path, corpus: Path) -> Path:
    """Speech with an album cover embedded: one picture, which does not make it a video."""
    target = made / "with-cover.mp3"
    ffmpeg(
        "-i", str(corpus / "audio/jfk.flac"), "-i", str(corpus / "video/carphone_distorted.mp4"),
        "-map", "0:a", "-map", "1:v", "-vf", "select=eq(n\\,0)", "-c:a", "libmp3lame", "-c:v", "mjpeg",
        "-disposition:v", "attached_pic", str(target),
    )  # fmt: skip
    return target


@pytest.fixture(scope="session")
def sound_only_mp4(made: Path, corpus: Path) -> Path:
    target = made / "speech.mp4"
    ffmpeg("-i", str(corpus / "audio/jfk.flac"), "-c:a", "aac", str(target))
    return target


@pytest.fixture(scope="session")
def silence_wav(made: Path) -> Path:
    target = made / "silence.wav"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "4", str(target))
    return target


@pytest.fixture(scope="session")
def hls_segment(made: Path, corpus: Path) -> Path:
    """A local transport-stream file a playlist can point at."""
    target = made / "segment.ts"
    ffmpeg("-i", str(corpus / "video/carphone_distorted.mp4"), "-c", "copy", "-f", "mpegts", str(target))
    return target
