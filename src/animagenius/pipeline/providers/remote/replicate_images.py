"""Pictures from a text-to-image model on Replicate (Flux by default), through its predictions API.

`POST /models/<owner>/<name>/predictions` with `Prefer: wait` answers with the finished prediction when the
model is quick; otherwise its `urls.get` is polled until it succeeds, fails or the time is up. The output is
a URL (or a list of them) to download. Off unless REPLICATE_API_KEY is set.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from animagenius.pipeline.domain import Aspect
from animagenius.pipeline.errors import ProviderBadOutput, ProviderUnavailable
from animagenius.pipeline.providers.remote.config import ReplicateConfig
from animagenius.pipeline.providers.remote.openai_images import checked_picture
from animagenius.pipeline.providers.remote.speech import Endpoint, post

ASPECT_RATIOS = {Aspect.LANDSCAPE: "16:9", Aspect.PORTRAIT: "9:16", Aspect.SQUARE: "1:1"}
MAX_DOWNLOAD_BYTES = 40 * 2**20
ENDPOINT = Endpoint(
    label="Replicate",
    prefix="REPLICATE_",
    key_header=lambda key: {"Authorization": f"Bearer {key}", "Prefer": "wait"},
    model_setting="REPLICATE_MODEL",
)


class ReplicateImages:
    def __init__(
        self,
        config: ReplicateConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not config.enabled:
            raise ProviderUnavailable("Replicate has no API key; set REPLICATE_API_KEY")
        self.config = config
        self._sleep, self._clock = sleep, clock
        self.name = "replicate"
        self.identity = f"replicate:{config.base_url.rstrip('/')}:{config.model}"

    @classmethod
    def from_env(cls) -> ReplicateImages:
        return cls(ReplicateConfig.from_env(os.environ))

    def generate(self, prompt: str, *, aspect: Aspect, out: Path) -> Path:
        deadline = self._clock() + self.config.timeout_s
        body = {"input": {"prompt": prompt, "aspect_ratio": ASPECT_RATIOS[aspect], "output_format": "png"}}
        response = post(
            f"{self.config.base_url.rstrip('/')}/models/{self.config.model}/predictions",
            body=body,
            config=self.config,
            endpoint=ENDPOINT,
            sleep=self._sleep,
        )
        prediction = _json(response.content)
        while prediction.get("status") not in ("succeeded", "failed", "canceled"):
            if self._clock() >= deadline:
                raise ProviderUnavailable(
                    f"Replicate's prediction was still {prediction.get('status', 'running')} after "
                    f"{self.config.timeout_s:g} s (REPLICATE_TIMEOUT_S)"
                )
            self._sleep(self.config.poll_s)
            prediction = _json(self._get(_poll_url(prediction)).content)
        if prediction["status"] != "succeeded":
            raise ProviderUnavailable(
                f"Replicate's model could not make the picture: {prediction.get('error')}"
            )
        checked_picture(self._download(_output_url(prediction))).save(out, format="PNG")
        return out

    def _get(self, url: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.config.api_key.get_secret_value()}"}
        try:
            response = httpx.get(url, headers=headers, timeout=self.config.timeout_s)
        except httpx.HTTPError as error:
            raise ProviderUnavailable(f"cannot reach Replicate at {url} ({error})") from None
        if response.status_code != 200:
            raise ProviderUnavailable(f"Replicate answered HTTP {response.status_code} for {url}")
        return response

    def _download(self, url: str) -> bytes:
        try:
            with httpx.stream("GET", url, timeout=self.config.timeout_s, follow_redirects=True) as response:
                if response.status_code != 200:
                    raise ProviderUnavailable(
                        f"Replicate's picture at {url} answered HTTP {response.status_code}"
                    )
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > MAX_DOWNLOAD_BYTES:
                        raise ProviderBadOutput(f"Replicate's picture at {url} is larger than 40 MB")
                return bytes(data)
        except httpx.HTTPError as error:
            raise ProviderUnavailable(f"cannot download Replicate's picture from {url} ({error})") from None


def _json(content: bytes) -> dict[str, Any]:
    try:
        prediction = json.loads(content)
    except ValueError:
        prediction = None
    if not isinstance(prediction, dict) or "status" not in prediction:
        raise ProviderBadOutput("Replicate answered without a prediction (no JSON with a status)")
    return prediction


def _poll_url(prediction: dict[str, Any]) -> str:
    url = (prediction.get("urls") or {}).get("get")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ProviderBadOutput("Replicate's running prediction has no urls.get to poll")
    return url


def _output_url(prediction: dict[str, Any]) -> str:
    output = prediction.get("output")
    url = output[0] if isinstance(output, list) and output else output
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ProviderBadOutput("Replicate's finished prediction has no picture URL in its output")
    return url
