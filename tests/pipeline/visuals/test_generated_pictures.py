"""Generated scene pictures through an OpenAI-compatible `/images/generations` endpoint and Replicate's
predictions API, each served locally in the wire format the real one speaks (JSON with `data[0].b64_json`;
a prediction polled at `urls.get`, its output downloaded); failures fall back to a designed slide and the
job says why."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.domain import Scene, Script, Visual
from animagenius.pipeline.errors import ProviderBadOutput, ProviderUnavailable
from animagenius.pipeline.ingest import ingest_text
from animagenius.pipeline.providers.remote.config import ImageConfig, ReplicateConfig
from animagenius.pipeline.providers.remote.openai_images import OpenAIImages
from animagenius.pipeline.providers.remote.replicate_images import ReplicateImages
from animagenius.pipeline.run import run
from animagenius.pipeline.video import Aspect, RenderOptions
from animagenius.pipeline.visuals.generated import generated_pictures
from tests.pipeline.chat_server import ChatServer, json_answer, prediction, raw, status

ORANGE = (240, 120, 20)
PROMPT = "An orange sunset over a calm sea, flat illustration"


def png_answer(colour: tuple[int, int, int] = ORANGE, size: tuple[int, int] = (1536, 1024)) -> Any:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return json_answer({"created": 1, "data": [{"b64_json": base64.b64encode(buffer.getvalue()).decode()}]})


def generator(chat_server: ChatServer, **changes: Any) -> OpenAIImages:
    config = ImageConfig(
        base_url=chat_server.base_url, api_key="sk-test", max_attempts=2, backoff_s=0, **changes
    )
    return OpenAIImages(config, sleep=lambda _: None)


def test_the_request_is_the_documented_one_and_the_picture_is_kept(
    chat_server: ChatServer, tmp_path: Path
) -> None:
    chat_server.queue(png_answer(size=(1024, 1536)))

    out = generator(chat_server).generate(PROMPT, aspect=Aspect.PORTRAIT, out=tmp_path / "p.png")

    request = chat_server.requests[0]
    assert request.path == "/v1/images/generations"
    assert request.headers["Authorization"] == "Bearer sk-test"
    assert request.body == {"model": "gpt-image-1", "prompt": PROMPT, "n": 1, "size": "1024x1536",
                            "quality": "medium"}  # fmt: skip
    with Image.open(out) as picture:
        assert picture.size == (1024, 1536) and picture.getpixel((10, 10)) == ORANGE


@pytest.mark.parametrize(
    ("answer", "error", "message"),
    [
        (status(401), ProviderUnavailable, "refused the API key (HTTP 401"),
        (json_answer({"data": [{"url": "https://x.test/a.png"}]}), ProviderBadOutput, "data[0].b64_json"),
        (json_answer({"data": [{"b64_json": "not base64!"}]}), ProviderBadOutput, "data[0].b64_json"),
        (json_answer({"data": [{"b64_json": base64.b64encode(b"GIF89a broken").decode()}]}),
         ProviderBadOutput, "not a picture"),
        (raw(b"<html>gateway</html>"), ProviderBadOutput, "data[0].b64_json"),
    ],
)  # fmt: skip
def test_bad_answers_are_named(
    chat_server: ChatServer, tmp_path: Path, answer: Any, error: type[Exception], message: str
) -> None:
    chat_server.queue(answer)

    with pytest.raises(error, match=message.replace("(", r"\(").replace("[", r"\[")):
        generator(chat_server).generate(PROMPT, aspect=Aspect.LANDSCAPE, out=tmp_path / "p.png")


def test_a_busy_endpoint_is_retried(chat_server: ChatServer, tmp_path: Path) -> None:
    chat_server.queue(status(503), png_answer())

    generator(chat_server).generate(PROMPT, aspect=Aspect.LANDSCAPE, out=tmp_path / "p.png")

    assert len(chat_server.requests) == 2


def test_without_a_key_the_generator_is_off() -> None:
    with pytest.raises(ProviderUnavailable, match="set IMAGES_API_KEY"):
        OpenAIImages(ImageConfig())


def test_pictures_are_made_once_per_prompt_and_shape(chat_server: ChatServer, tmp_path: Path) -> None:
    scenes = [Scene(title="Sunset", narration="Evening.", visual=Visual(kind="generated", prompt=PROMPT))] * 2
    chat_server.queue(png_answer())
    made = generator(chat_server)

    first, notices = generated_pictures(scenes, aspect=Aspect.LANDSCAPE, generator=made, cache_dir=tmp_path)
    again, _ = generated_pictures(scenes, aspect=Aspect.LANDSCAPE, generator=made, cache_dir=tmp_path)

    assert len(chat_server.requests) == 1, "the same prompt and shape are asked for once"
    assert first == again and set(first) == {0, 1} and not notices


DOCUMENT = "# Evenings\n\nThe sun sets over the sea every evening, and the light turns orange and then red.\n"


def script_with_a_generated_scene() -> Script:
    return Script(
        title="Evenings",
        target_duration_s=15,
        scenes=(
            Scene(title="Sunset", narration="The sun sets over the sea.", visual=Visual(kind="generated",
                  prompt=PROMPT)),
            Scene(title="Colours", narration="The light turns orange, then red."),
        ),
    )  # fmt: skip


def render(tmp_path: Path, chat_server: ChatServer, name: str) -> tuple[Any, Image.Image]:
    result = run(
        ingest_text(DOCUMENT, name="evenings.md"), options=RenderOptions(captions="none"),
        workdir=tmp_path / f"work-{name}", out=tmp_path / f"{name}.mp4",
        script=script_with_a_generated_scene(),
        voice_name="espeak", voice_cache_dir=tmp_path / "voice", image_generator=generator(chat_server),
        image_cache_dir=tmp_path / f"pictures-{name}",
    )  # fmt: skip
    still = Image.open(tmp_path / f"work-{name}" / "rendition-0" / "slide-00.png").convert("RGB")
    return result, still


def orange_share(image: Image.Image) -> float:
    pixels = np.asarray(image, dtype=np.int16)
    return float((np.abs(pixels - np.array(ORANGE)).max(axis=2) <= 10).mean())


def test_the_scene_shows_its_generated_picture(chat_server: ChatServer, tmp_path: Path) -> None:
    chat_server.queue(png_answer())

    result, still = render(tmp_path, chat_server, "made")

    assert chat_server.requests[0].body["size"] == "1536x1024", "the 16:9 video's shape"
    assert orange_share(still) > 0.15, "the picture is shown, framed under the scene's title"
    assert not any("generated" in notice for notice in result.notices)


def test_a_picture_that_cannot_be_made_leaves_a_slide_and_a_notice(
    chat_server: ChatServer, tmp_path: Path
) -> None:
    chat_server.queue(status(500), status(500))

    result, still = render(tmp_path, chat_server, "failed")

    assert result.video.is_file(), "the video is made all the same"
    assert orange_share(still) < 0.01
    assert any(
        notice.startswith("Scene 1's picture could not be generated") and "HTTP 500" in notice
        and notice.endswith("a designed slide is shown.")
        for notice in result.notices
    ), result.notices  # fmt: skip


# ---------------------------------------------------------------- Replicate (Flux)


def replicate(chat_server: ChatServer, **changes: Any) -> ReplicateImages:
    config = ReplicateConfig(
        base_url=chat_server.base_url, api_key="r8-test", max_attempts=2, backoff_s=0, poll_s=0.01, **changes
    )
    return ReplicateImages(config, sleep=lambda _: None)


def png_file(colour: tuple[int, int, int] = ORANGE) -> Any:
    buffer = io.BytesIO()
    Image.new("RGB", (1344, 768), colour).save(buffer, format="PNG")
    return raw(buffer.getvalue(), content_type="image/png")


def test_replicate_is_asked_waits_polls_and_the_picture_is_downloaded(
    chat_server: ChatServer, tmp_path: Path
) -> None:
    file_url = f"{chat_server.base_url}/files/out-0.png"
    chat_server.queue(
        prediction(chat_server, "starting"), prediction(chat_server, "processing"),
        prediction(chat_server, "succeeded", output=[file_url]), png_file(),
    )  # fmt: skip

    out = replicate(chat_server).generate(PROMPT, aspect=Aspect.PORTRAIT, out=tmp_path / "p.png")

    created, *polls, download = chat_server.requests
    assert created.path == "/v1/models/black-forest-labs/flux-schnell/predictions"
    assert created.headers["Authorization"] == "Bearer r8-test" and created.headers["Prefer"] == "wait"
    assert created.body == {"input": {"prompt": PROMPT, "aspect_ratio": "9:16", "output_format": "png"}}
    assert [poll.path for poll in polls] == ["/v1/predictions/p1", "/v1/predictions/p1"]
    assert download.path == "/v1/files/out-0.png"
    with Image.open(out) as picture:
        assert picture.getpixel((5, 5)) == ORANGE


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (lambda s: [prediction(s, "failed", error="NSFW content")], "could not make the picture: NSFW"),
        (lambda s: [prediction(s, "succeeded", output=[])], "no picture URL in its output"),
        (lambda s: [prediction(s, "succeeded", output=[f"{s.base_url}/files/x.png"]), raw(b"<html>")],
         "not a picture"),
        (lambda s: [status(401)], "refused the API key (HTTP 401"),
    ],
)  # fmt: skip
def test_replicate_failures_are_named(
    chat_server: ChatServer, tmp_path: Path, answers: Any, message: str
) -> None:
    chat_server.queue(*answers(chat_server))

    with pytest.raises((ProviderUnavailable, ProviderBadOutput), match=re.escape(message)):
        replicate(chat_server).generate(PROMPT, aspect=Aspect.LANDSCAPE, out=tmp_path / "p.png")


def test_a_prediction_that_runs_too_long_is_given_up(chat_server: ChatServer, tmp_path: Path) -> None:
    chat_server.queue(*[prediction(chat_server, "processing")] * 50)
    ticks = iter(range(0, 1000, 10))
    config = ReplicateConfig(base_url=chat_server.base_url, api_key="r8-test", timeout_s=30, poll_s=0.01)
    slow = ReplicateImages(config, sleep=lambda _: None, clock=lambda: float(next(ticks)))

    with pytest.raises(ProviderUnavailable, match=r"still processing after 30 s \(REPLICATE_TIMEOUT_S\)"):
        slow.generate(PROMPT, aspect=Aspect.SQUARE, out=tmp_path / "p.png")
