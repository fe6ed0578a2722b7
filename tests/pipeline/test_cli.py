"""The `animagenius` command as a person runs it: exit codes, one-line errors, progress on stderr."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.cli_helpers import EXIT_OK, assert_one_line_error, cli, last_line


@pytest.mark.slow
def test_render_portrait_video(
    animagenius: Path, corpus: Path, tmp_path: Path, ffprobe: Callable[[Path], dict[str, Any]]
) -> None:
    out = tmp_path / "videos" / "out.mp4"

    completed = cli(
        animagenius, "render", corpus / "text/pep-0020.rst", "-o", out,
        "--aspect", "9:16", "--resolution", "720p", "--duration", "30",
        cwd=tmp_path,
    )  # fmt: skip

    assert completed.returncode == EXIT_OK, completed.stderr
    assert out.is_file()
    assert out.stat().st_size > 10_000
    video = next(stream for stream in ffprobe(out)["streams"] if stream["codec_type"] == "video")
    assert (video["width"], video["height"]) == (720, 1280)

    # progress is reported on stderr while it works, and the result is summarised at the end
    stderr = completed.stderr
    for stage in ("writing script", "narrating", "rendering video"):
        assert stage in stderr, f"no progress for {stage!r} on stderr"
    assert "100.0%" in stderr
    assert last_line(stderr).startswith(f"wrote {out}")
    expected = ["out.jpg", "out.mp4", "out.preview.mp4", "out.srt", "out.vtt", "videos"]
    assert sorted(path.name for path in tmp_path.rglob("*")) == expected, (
        "the video, its captions, poster and preview; no stray files"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.md", b""),
        ("noise.pdf", bytes(range(256)) * 8),
        ("photo.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_file(
    animagenius: Path, tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "out.mp4"

    completed = cli(animagenius, "render", path, "-o", out, cwd=tmp_path)

    assert_one_line_error(completed, name)
    assert not out.exists(), "no half-written video"


def test_corrupt_pdf_from_the_corpus_exits_2(animagenius: Path, corpus: Path, tmp_path: Path) -> None:
    fuzzed = tmp_path / "PDFBOX-3148-2-fuzzed.pdf"
    shutil.copyfile(corpus / "pdf/PDFBOX-3148-2-fuzzed.pdf", fuzzed)

    completed = cli(animagenius, "render", fuzzed, "-o", tmp_path / "out.mp4", cwd=tmp_path)

    assert_one_line_error(completed, "PDFBOX-3148-2-fuzzed.pdf")


def test_missing_input_file_exits_2(animagenius: Path, tmp_path: Path) -> None:
    completed = cli(animagenius, "render", tmp_path / "nowhere.md", "-o", tmp_path / "out.mp4", cwd=tmp_path)

    assert_one_line_error(completed, "nowhere.md")


@pytest.mark.parametrize(
    ("option", "value", "mentions"),
    [
        ("--aspect", "4:3", ("4:3", "16:9", "9:16", "1:1")),
        ("--resolution", "8k", ("8k", "720p", "1080p", "4k")),
        ("--duration", "5", ("5", "15", "600")),
        ("--duration", "soon", ("--duration", "soon")),
        ("--encoders", "0", ("--encoders", "'0'", "1")),
        ("--encoders", "many", ("--encoders", "'many'")),
    ],
)
def test_bad_option_exits_2_before_any_work(
    animagenius: Path, corpus: Path, tmp_path: Path, option: str, value: str, mentions: tuple[str, ...]
) -> None:
    out = tmp_path / "out.mp4"

    completed = cli(
        animagenius, "render", corpus / "text/pep-0020.rst", "-o", out, option, value, cwd=tmp_path
    )

    assert_one_line_error(completed, *mentions)
    assert "%" not in completed.stderr, "options are checked before the pipeline starts"
    assert not out.exists()


def test_output_must_be_mp4(animagenius: Path, corpus: Path, tmp_path: Path) -> None:
    completed = cli(
        animagenius, "render", corpus / "text/pep-0020.rst", "-o", tmp_path / "out.avi", cwd=tmp_path
    )

    assert_one_line_error(completed, "out.avi")


def test_usage_errors_exit_2(animagenius: Path, tmp_path: Path) -> None:
    assert_one_line_error(cli(animagenius, cwd=tmp_path))
    assert_one_line_error(cli(animagenius, "render", "x.md", cwd=tmp_path), "-o")
    assert_one_line_error(cli(animagenius, "publish", "x.md", cwd=tmp_path), "publish")


def test_help_lists_the_options(animagenius: Path, tmp_path: Path) -> None:
    completed = cli(animagenius, "render", "--help", cwd=tmp_path)

    assert completed.returncode == EXIT_OK
    for option in ("--aspect", "--resolution", "--duration", "--output", "16:9", "720p", "--about"):
        assert option in completed.stdout


def test_a_photo_without_a_description_exits_2_saying_what_to_add(
    animagenius: Path, corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.mp4"

    completed = cli(animagenius, "render", corpus / "images/flower.jpg", "-o", out, "--quiet", cwd=tmp_path)

    assert_one_line_error(
        completed, "flower.jpg is a photo with no words to narrate", "describe what it shows", "--about"
    )
    assert not out.exists()


def test_a_description_too_long_exits_2_before_any_work(
    animagenius: Path, corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.mp4"
    about = "A yellow rose from our garden. " * 200

    completed = cli(
        animagenius, "render", corpus / "images/flower.jpg", "-o", out, "--about", about, cwd=tmp_path
    )

    assert_one_line_error(completed, "the description of your files is 6,199 characters long", "3,000")
    assert "%" not in completed.stderr
    assert not out.exists()
