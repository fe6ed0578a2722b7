"""An OpenAI-compatible `POST /images/generations` picture maker (OpenAI, or any server speaking its format).

Asks for one picture in the shape nearest the video's aspect and takes it from the answer's `b64_json`.
The picture is checked (it must open as an image of sane size) before it is used. Off unless IMAGES_API_KEY
is set.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from animagenius.pipeline.errors import ProviderBadOutput, ProviderUnavailable
from animagenius.pipeline.providers.remote.config import ImageConfig
from animagenius.pipeline.providers.remote.speech import Endpoint, post
from animagenius.pipeline.video import Aspect

SIZES = {Aspect.LANDSCAPE: "1536x1024", Aspect.PORTRAIT: "1024x1536", Aspect.SQUARE: "1024x1024"}
MAX_PIXELS = 16_000_000
ENDPOINT = Endpoint(
    label="the image generation endpoint",
    prefix="IMAGES_",
    key_header=lambda key: {"Authorization": f"Bearer {key}"},
    model_setting="IMAGES_MODEL",
)


class OpenAIImages:
    def __init__(self, config: ImageConfig, *, sleep: Callable[[float], None] = time.sleep) -> None:
        if not config.enabled:
            raise ProviderUnavailable("image generation has no API key; set IMAGES_API_KEY")
        self.config = config
        self._sleep = sleep
        self.name = "openai"
        self.identity = f"openai:{config.base_url.rstrip('/')}:{config.model}:{config.quality}"

    def generate(self, prompt: str, *, aspect: Aspect, out: Path) -> Path:
        body = {"model": self.config.model, "prompt": prompt, "n": 1, "size": SIZES[aspect]}
        if self.config.model.startswith("dall-e"):  # gpt-image models always answer in base64
            body["response_format"] = "b64_json"
        else:
            body["quality"] = self.config.quality
        response = post(
            self.config.base_url.rstrip("/") + "/images/generations",
            body=body,
            config=self.config,
            endpoint=ENDPOINT,
            sleep=self._sleep,
        )
        picture = checked_picture(_b64(response.content))
        picture.save(out, format="PNG")
        return out


def _b64(content: bytes) -> bytes:
    try:
        encoded = json.loads(content)["data"][0]["b64_json"]
        return base64.b64decode(encoded, validate=True)
    except (ValueError, KeyError, IndexError, TypeError, binascii.Error):
        raise ProviderBadOutput(
            f"{ENDPOINT.label} answered without a base64 picture in data[0].b64_json; check IMAGES_MODEL"
        ) from None


def checked_picture(data: bytes) -> Image.Image:
    """`data` as an RGB picture, if it is one of sane size; else ProviderBadOutput."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ProviderBadOutput(
                    f"{ENDPOINT.label} sent a {image.width}×{image.height} picture, too big"
                )
            image.load()
            return image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ProviderBadOutput(f"{ENDPOINT.label} sent something that is not a picture") from None
