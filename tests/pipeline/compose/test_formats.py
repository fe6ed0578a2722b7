"""Every output format, size and aspect plays: ffprobe of what `run()` and the CLI write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from animagenius.pipeline.compose.gif import MAX_BYTES
from animagenius.pipeline.domain import Scene, Script
from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.run import run
from animagenius.pipeline.script.edit import script_dump
from animagenius.pipeline.video import RenderOptions
from tests.pipeline.cli_helpers import assert_one_line_error, cli

ZEN = Script(
    title="Zen",
    target_duration_s=15,
    scenes=(
        Scene(title="Beauty", narration="Beautiful is better than ugly."),
        Scene(title="Explicit", narration="Explicit is better than implicit."),
    ),
)

Probe = Callable[[Path], dict[str, Any]]


@pytest.fixture(scope="module")
def voice_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("voice")


def render(corpus: Path, folder: Path, voice_cache: Path, name: str, **options: Any) -> Path:
    chosen = RenderOptions.read(
        **{"aspect": "16:9", "resolution": "720p", "target_duration_s": 15, **options}
    )
    out = folder / name
    run([corpus / "text/pep-0020.rst"], options=chosen, workdir=folder / f"work-{name}", out=out, script=ZEN,
        voice_cache_dir=voice_cache)  # fmt: skip
    return out


def streams(info: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [stream for stream in info["streams"] if stream["codec_type"] == kind]


@pytest.mark.slow
def test_h265_mp4_is_tagged_for_browsers_and_quicktime(
    corpus: Path, tmp_path: Path, voice_cache: Path, ffprobe: Probe
) -> None:
    info = ffprobe(render(corpus, tmp_path, voice_cache, "h265.mp4", codec="h265"))

    (video,) = streams(info, "video")
    assert (video["codec_name"], video["codec_tag_string"]) == ("hevc", "hvc1")
    assert (video["width"], video["height"]) == (1280, 720)
    assert [audio["codec_name"] for audio in streams(info, "audio")] == ["aac"]
    assert float(info["format"]["duration"]) > 3


@pytest.mark.slow
def test_webm_is_vp9_with_opus(corpus: Path, tmp_path: Path, voice_cache: Path, ffprobe: Probe) -> None:
    info = ffprobe(render(corpus, tmp_path, voice_cache, "zen.webm", format="webm", aspect="9:16"))

    (video,) = streams(info, "video")
    assert "webm" in info["format"]["format_name"]
    assert (video["codec_name"], video["width"], video["height"]) == ("vp9", 720, 1280)
    assert [audio["codec_name"] for audio in streams(info, "audio")] == ["opus"]


@pytest.mark.slow
def test_gif_loops_under_the_size_cap_with_no_sound(
    corpus: Path, tmp_path: Path, voice_cache: Path, ffprobe: Probe
) -> None:
    gif = render(corpus, tmp_path, voice_cache, "zen.gif", format="gif", aspect="1:1")

    info = ffprobe(gif)
    (video,) = streams(info, "video")
    assert video["codec_name"] == "gif"
    assert (video["width"], video["height"]) == (640, 640)
    assert not streams(info, "audio")
    assert 0 < gif.stat().st_size <= MAX_BYTES
    assert b"NETSCAPE2.0" in gif.read_bytes()[:1024], "the loop extension: plays forever"


@pytest.mark.slow
def test_1080p_and_4k_are_rendered_at_their_size(
    corpus: Path, tmp_path: Path, voice_cache: Path, ffprobe: Probe
) -> None:
    full_hd = ffprobe(render(corpus, tmp_path, voice_cache, "1080.mp4", resolution="1080p", aspect="1:1"))
    uhd = ffprobe(render(corpus, tmp_path, voice_cache, "4k.mp4", resolution="4k"))

    assert [(v["width"], v["height"]) for v in streams(full_hd, "video")] == [(1080, 1080)]
    assert [(v["width"], v["height"], v["codec_name"]) for v in streams(uhd, "video")] == [
        (3840, 2160, "h264")
    ]


def test_a_codec_for_another_container_is_refused() -> None:
    with pytest.raises(InvalidOption, match=r"codec h265 is for \.mp4 files"):
        RenderOptions.read(
            aspect="16:9", resolution="720p", target_duration_s=30, format="webm", codec="h265"
        )


def test_cli_picks_the_format_from_the_extension(
    animagenius: Path, corpus: Path, tmp_path: Path, ffprobe: Probe
) -> None:
    script = tmp_path / "zen.json"
    script.write_text(script_dump(ZEN))
    source = corpus / "text/pep-0020.rst"

    webm = cli(animagenius, "render", source, "--script", script, "-o", "zen.webm", "--quiet", cwd=tmp_path)
    wrong = cli(
        animagenius, "render", source, "--script", script, "--codec", "h265", "-o", "x.webm", cwd=tmp_path
    )

    assert webm.returncode == 0, webm.stderr
    assert [s["codec_name"] for s in ffprobe(tmp_path / "zen.webm")["streams"]] == ["vp9", "opus"]
    assert_one_line_error(wrong, "codec h265 is for .mp4 files")


@pytest.mark.slow
def test_cli_renditions_are_written_next_to_the_main_video(
    animagenius: Path, corpus: Path, tmp_path: Path, ffprobe: Probe
) -> None:
    script = tmp_path / "zen.json"
    script.write_text(script_dump(ZEN))

    done = cli(animagenius, "render", corpus / "text/pep-0020.rst", "--script", script, "-o", "zen.mp4",
               "--rendition", "9:16,720p,webm", "--rendition", "1:1,720p,gif", "--quiet",
               cwd=tmp_path)  # fmt: skip

    assert done.returncode == 0, done.stderr
    main, portrait, square = (
        ffprobe(tmp_path / name) for name in ("zen.mp4", "zen-9x16-720p.webm", "zen-1x1-720p.gif")
    )
    assert [(s["codec_name"], s["width"], s["height"]) for s in streams(main, "video")] == [
        ("h264", 1280, 720)
    ]
    assert [(s["codec_name"], s["width"], s["height"]) for s in streams(portrait, "video")] == [
        ("vp9", 720, 1280)
    ]
    assert [s["codec_name"] for s in streams(square, "video")] == ["gif"]
    durations = [float(info["format"]["duration"]) for info in (main, portrait, square)]
    assert max(durations) - min(durations) <= 0.15, f"one narration for all: {durations}"
    for name in ("zen.jpg", "zen-9x16-720p.jpg", "zen-1x1-720p.jpg", "zen-9x16-720p.preview.webm"):
        assert (tmp_path / name).stat().st_size > 1000, name


def test_a_rendition_must_name_aspect_resolution_and_format(
    animagenius: Path, corpus: Path, tmp_path: Path
) -> None:
    done = cli(animagenius, "render", corpus / "text/pep-0020.rst", "-o", "x.mp4", "--rendition", "9:16,720p",
               cwd=tmp_path)  # fmt: skip

    assert_one_line_error(done, "--rendition '9:16,720p' must name an aspect, a resolution and a format")
