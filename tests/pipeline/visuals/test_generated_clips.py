"""Generated scene clips through Replicate's predictions API (Veo), served locally in the wire format the real
one speaks (a prediction polled at `urls.get`, its output downloaded) with a real MP4 made by ffmpeg; the clip
is checked before use, made once per prompt and shape, and plays in its scene; failures fall back to a
designed slide and the job says why."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.domain import Scene, Script, Visual
from animagenius.pipeline.errors import InvalidOption, ProviderBadOutput, ProviderUnavailable
from animagenius.pipeline.ingest import ingest_text
from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.providers.remote import replicate_videos
from animagenius.pipeline.providers.remote.config import ReplicateConfig
from animagenius.pipeline.providers.remote.replicate_videos import ReplicateVideos
from animagenius.pipeline.providers.videos import VIDEO_GENERATORS, configured_video_generator
from animagenius.pipeline.run import run
from animagenius.pipeline.video import Aspect, RenderOptions
from animagenius.pipeline.visuals.generated import generated_clips
from tests.pipeline.chat_server import Answer, ChatServer, json_answer, prediction, raw, status

FrameGrabber = Callable[[Path, float], Image.Image]
BLUE = (30, 80, 220)
PROMPT = "Waves rolling onto a beach at dusk, slow aerial shot"


def make_media(out: Path, *inputs: str, faststart: bool = False) -> bytes:
    """A small file encoded by the bundled ffmpeg from lavfi sources, as bytes."""
    sources = [arg for source in inputs for arg in ("-f", "lavfi", "-i", source)]
    moov = ["-movflags", "+faststart"] if faststart else []
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-y", *sources, "-pix_fmt", "yuv420p", "-c:v", "libx264",
         "-preset", "ultrafast", *moov, str(out)],
        check=True, timeout=60, capture_output=True,
    )  # fmt: skip
    return out.read_bytes()


@pytest.fixture(scope="module")
def blue_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A 4-second solid blue 640×360 clip, as Veo would send (MP4, H.264)."""
    colour = "0x{:02x}{:02x}{:02x}".format(*BLUE)
    return make_media(tmp_path_factory.mktemp("clip") / "blue.mp4", f"color=c={colour}:s=640x360:r=24:d=4")


@pytest.fixture(scope="module")
def moving_mp4(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """A 4-second test pattern, with its index at the end and at the start (faststart)."""
    folder = tmp_path_factory.mktemp("moving")
    source = "testsrc2=s=640x360:r=24:d=4"
    return make_media(folder / "end.mp4", source), make_media(folder / "start.mp4", source, faststart=True)


def video_file(data: bytes) -> Answer:
    return raw(data, content_type="video/mp4")


def veo(chat_server: ChatServer, **changes: Any) -> ReplicateVideos:
    config = ReplicateConfig(
        base_url=chat_server.base_url, api_key="r8-test", max_attempts=2, backoff_s=0, poll_s=0.01, **changes
    )
    return ReplicateVideos(config, sleep=lambda _: None)


def succeeded(chat_server: ChatServer) -> Answer:
    return prediction(chat_server, "succeeded", output=f"{chat_server.base_url}/files/clip.mp4")


def blue_share(image: Image.Image) -> float:
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    return float((np.abs(pixels - np.array(BLUE)).max(axis=2) <= 16).mean())


# ---------------------------------------------------------------- the provider


def test_veo_is_asked_as_documented_polled_and_the_clip_is_downloaded(
    chat_server: ChatServer, tmp_path: Path, blue_mp4: bytes, ffprobe: Callable[[Path], dict[str, Any]]
) -> None:
    chat_server.queue(
        prediction(chat_server, "starting"),
        prediction(chat_server, "processing"),
        succeeded(chat_server),
        video_file(blue_mp4),
    )

    out = veo(chat_server).generate(PROMPT, aspect=Aspect.PORTRAIT, seconds=6, out=tmp_path / "c.mp4")

    created, *polls, download = chat_server.requests
    assert created.path == "/v1/models/google/veo-3-fast/predictions"
    assert created.headers["Authorization"] == "Bearer r8-test" and created.headers["Prefer"] == "wait"
    assert created.body == {
        "input": {"prompt": PROMPT, "aspect_ratio": "9:16", "duration": 6, "generate_audio": False}
    }
    assert [poll.path for poll in polls] == ["/v1/predictions/p1", "/v1/predictions/p1"]
    assert polls[0].headers["Authorization"] == "Bearer r8-test"
    assert download.path == "/v1/files/clip.mp4"
    streams = ffprobe(out)["streams"]
    assert [stream["codec_type"] for stream in streams] == ["video"]


def test_a_square_video_asks_for_a_wide_clip_and_the_model_is_configurable(
    chat_server: ChatServer, tmp_path: Path, blue_mp4: bytes
) -> None:
    chat_server.queue(succeeded(chat_server), video_file(blue_mp4))

    made = veo(chat_server, video_model="google/veo-3")
    made.generate(PROMPT, aspect=Aspect.SQUARE, seconds=4, out=tmp_path / "c.mp4")

    assert chat_server.requests[0].path == "/v1/models/google/veo-3/predictions"
    assert chat_server.requests[0].body["input"]["aspect_ratio"] == "16:9", "Veo makes no square video"
    assert made.identity.endswith(":google/veo-3")


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (lambda s, m: [prediction(s, "failed", error="The prompt was flagged")],
         "could not make the clip: The prompt was flagged"),
        (lambda s, m: [prediction(s, "canceled")], "could not make the clip"),
        (lambda s, m: [prediction(s, "succeeded", output=[])], "no clip URL in its output"),
        (lambda s, m: [succeeded(s), raw(b"<!doctype html><html><body>Bad gateway</body></html>")],
         "Replicate's clip is not a video (it starts '<!doctype html>"),
        (lambda s, m: [succeeded(s), video_file(truncated(m[0]))], "is a video that is cut off or damaged"),
        (lambda s, m: [succeeded(s), video_file(truncated(m[1]))], "is a video that is cut off or damaged ("),
        (lambda s, m: [succeeded(s), video_file(b"\x00\x00\x00\x18ftypmp42" + bytes(200))],
         "is a video that is cut off or damaged"),
        (lambda s, m: [succeeded(s), video_file(b"")], "Replicate's clip is an empty file"),
        (lambda s, m: [succeeded(s), status(404)], "Replicate's clip at"),
        (lambda s, m: [status(401)], "refused the API key (HTTP 401"),
        (lambda s, m: [status(404)], "check REPLICATE_BASE_URL and REPLICATE_VIDEO_MODEL"),
        (lambda s, m: [json_answer({"detail": "no"})], "answered without a prediction"),
    ],
    ids=["failed", "canceled", "no-output", "html", "cut-index-at-end", "cut-index-at-start", "empty-mp4",
         "empty-file", "download-404", "bad-key", "unknown-model", "not-a-prediction"],
)  # fmt: skip
def test_bad_outputs_are_named(
    chat_server: ChatServer, tmp_path: Path, moving_mp4: tuple[bytes, bytes], answers: Any, message: str
) -> None:
    chat_server.queue(*answers(chat_server, moving_mp4))
    out = tmp_path / "c.mp4"

    with pytest.raises((ProviderUnavailable, ProviderBadOutput), match=re.escape(message)):
        veo(chat_server).generate(PROMPT, aspect=Aspect.LANDSCAPE, seconds=8, out=out)


def test_a_sound_only_file_is_refused(chat_server: ChatServer, tmp_path: Path) -> None:
    sound = tmp_path / "sound.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=d=2", "-c:a", "aac", str(sound)],
        check=True, timeout=60, capture_output=True,
    )  # fmt: skip
    chat_server.queue(succeeded(chat_server), video_file(sound.read_bytes()))

    with pytest.raises(ProviderBadOutput, match="Replicate's clip is sound only, without moving pictures"):
        veo(chat_server).generate(PROMPT, aspect=Aspect.LANDSCAPE, seconds=8, out=tmp_path / "c.mp4")


def test_a_download_past_the_cap_is_stopped(
    chat_server: ChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replicate_videos, "MAX_DOWNLOAD_BYTES", 2**20)
    chat_server.queue(succeeded(chat_server), video_file(bytes(3 * 2**20)))

    with pytest.raises(
        ProviderBadOutput, match=r"Replicate's clip at \S+/files/clip.mp4 is larger than 1 MB"
    ):
        veo(chat_server).generate(PROMPT, aspect=Aspect.LANDSCAPE, seconds=8, out=tmp_path / "c.mp4")


def test_a_clip_that_takes_too_long_is_given_up_by_its_own_timeout(
    chat_server: ChatServer, tmp_path: Path
) -> None:
    chat_server.queue(*[prediction(chat_server, "processing")] * 80)
    ticks = iter(range(0, 10_000, 60))
    config = ReplicateConfig(
        base_url=chat_server.base_url, api_key="r8-test", video_timeout_s=900, poll_s=0.01
    )
    slow = ReplicateVideos(config, sleep=lambda _: None, clock=lambda: float(next(ticks)))

    with pytest.raises(
        ProviderUnavailable, match=r"still processing after 900 s \(REPLICATE_VIDEO_TIMEOUT_S\)"
    ):
        slow.generate(PROMPT, aspect=Aspect.LANDSCAPE, seconds=8, out=tmp_path / "c.mp4")
    polls = len(chat_server.requests) - 1
    assert polls == 900 // 60 - 1, "a look a minute until the clip's own timeout (not the picture's 120 s)"


def test_without_a_key_video_generation_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPLICATE_API_KEY", raising=False)

    with pytest.raises(ProviderUnavailable, match="set REPLICATE_API_KEY"):
        ReplicateVideos(ReplicateConfig())
    assert configured_video_generator("replicate") is None
    assert configured_video_generator("") is None
    with pytest.raises(InvalidOption, match="unknown video generator provider 'sora'; known: replicate"):
        configured_video_generator("sora")


def test_with_a_key_the_configured_generator_is_replicate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLICATE_API_KEY", "r8-test")
    monkeypatch.setenv("REPLICATE_VIDEO_MODEL", "google/veo-3")

    made = configured_video_generator("replicate")

    assert isinstance(made, ReplicateVideos) and made.identity.endswith(":google/veo-3")
    assert VIDEO_GENERATORS.names == ["replicate"]


# ---------------------------------------------------------------- clips for scenes


def sea_scene(prompt: str = PROMPT) -> Scene:
    return Scene(title="The sea", narration="Waves.", visual=Visual(kind="generated-clip", prompt=prompt))


def test_clips_are_made_once_per_prompt_and_shape(
    chat_server: ChatServer, tmp_path: Path, blue_mp4: bytes
) -> None:
    scenes = [sea_scene(), Scene(title="Plain", narration="Words."), sea_scene()]
    chat_server.queue(
        succeeded(chat_server), video_file(blue_mp4), succeeded(chat_server), video_file(blue_mp4)
    )
    made = veo(chat_server)

    def clips(aspect: Aspect) -> tuple[dict[int, Path], list[str]]:
        return generated_clips(
            scenes, aspect=aspect, scene_s=[3.0, 2.0, 3.5], generator=made, cache_dir=tmp_path
        )

    first, notices = clips(Aspect.LANDSCAPE)
    again, _ = clips(Aspect.LANDSCAPE)
    portrait, _ = clips(Aspect.PORTRAIT)

    assert len(chat_server.requests) == 4, (
        "one prediction and download per shape, however often it is asked for"
    )
    assert first == again and set(first) == {0, 2} and first[0] == first[2] and not notices
    assert portrait[0] != first[0] and chat_server.requests[2].body["input"]["aspect_ratio"] == "9:16"
    assert chat_server.requests[0].body["input"]["duration"] == 4, "the shortest clip that lasts the scene"
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")], "no partial files left"


def test_a_scene_longer_than_any_clip_asks_for_the_longest(
    chat_server: ChatServer, tmp_path: Path, blue_mp4: bytes
) -> None:
    chat_server.queue(succeeded(chat_server), video_file(blue_mp4))

    generated_clips([sea_scene()], aspect=Aspect.LANDSCAPE, scene_s=[21.0], generator=veo(chat_server),
                    cache_dir=tmp_path)  # fmt: skip

    assert chat_server.requests[0].body["input"]["duration"] == 8


def test_without_a_generator_the_scenes_are_named(tmp_path: Path) -> None:
    scenes = [sea_scene(), Scene(title="Plain", narration="Words."), sea_scene("Gulls")]

    clips, notices = generated_clips(
        scenes, aspect=Aspect.LANDSCAPE, scene_s=[3.0] * 3, generator=None, cache_dir=tmp_path
    )

    assert clips == {}
    assert notices == [
        "Scene 1, 3 asks for a generated clip, but video generation is off (set REPLICATE_API_KEY); "
        "a designed slide is shown instead."
    ]


def test_a_generated_clip_needs_a_prompt() -> None:
    with pytest.raises(ValueError, match="a generated visual needs a prompt describing the clip"):
        Visual(kind="generated-clip", prompt="  ")
    assert Visual(kind="generated-clip", prompt="Gulls", block=3).block is None, "it shows no source block"


# ---------------------------------------------------------------- in the video

DOCUMENT = "# The sea\n\nWaves roll onto the beach at dusk, one after another, all evening long.\n"


def render(tmp_path: Path, chat_server: ChatServer, name: str) -> Any:
    script = Script(
        title="The sea",
        target_duration_s=15,
        scenes=(
            Scene(title="Waves", narration="Waves roll onto the beach at dusk.",
                  visual=Visual(kind="generated-clip", prompt=PROMPT)),
            Scene(title="Evening", narration="One after another, all evening long."),
        ),
    )  # fmt: skip
    return run(
        ingest_text(DOCUMENT, name="sea.md"), options=RenderOptions(captions="none"),
        workdir=tmp_path / f"work-{name}", out=tmp_path / f"{name}.mp4", script=script,
        voice_name="espeak", voice_cache_dir=tmp_path / "voice", video_generator=veo(chat_server),
        video_cache_dir=tmp_path / f"clips-{name}",
    )  # fmt: skip


def test_the_scene_plays_its_generated_clip(
    chat_server: ChatServer,
    tmp_path: Path,
    blue_mp4: bytes,
    grab_frame: FrameGrabber,
    ffprobe: Callable[[Path], dict[str, Any]],
) -> None:
    chat_server.queue(succeeded(chat_server), video_file(blue_mp4))

    result = render(tmp_path, chat_server, "made")

    assert chat_server.requests[0].body["input"]["aspect_ratio"] == "16:9"
    inside = result.scene_starts_s[0] + 1.0
    assert blue_share(grab_frame(result.video, inside)) > 0.9, "the clip fills the frame"
    assert blue_share(grab_frame(result.video, result.scene_starts_s[1] + 1.0)) < 0.05, "the next is a slide"
    assert not any("clip" in notice for notice in result.notices), result.notices
    probed = ffprobe(result.video)
    video = next(stream for stream in probed["streams"] if stream["codec_type"] == "video")
    assert (video["width"], video["height"]) == (1280, 720)
    assert float(probed["format"]["duration"]) == pytest.approx(result.duration_s, abs=0.2)


def test_a_clip_that_cannot_be_made_leaves_a_slide_and_a_notice(
    chat_server: ChatServer, tmp_path: Path, grab_frame: FrameGrabber
) -> None:
    chat_server.queue(status(500), status(500))

    result = render(tmp_path, chat_server, "failed")

    assert result.video.is_file(), "the video is made all the same"
    assert blue_share(grab_frame(result.video, result.scene_starts_s[0] + 1.0)) < 0.05
    assert any(
        notice.startswith("Scene 1's clip could not be generated") and "HTTP 500" in notice
        and notice.endswith("a designed slide is shown.")
        for notice in result.notices
    ), result.notices  # fmt: skip
