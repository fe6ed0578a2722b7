"""Replicate's predictions API, shared by every model we run there (Flux pictures, Veo clips).

`POST /models/<owner>/<name>/predictions` with `Prefer: wait` answers with the finished prediction when the
model is quick; otherwise its `urls.get` is polled until it succeeds, fails or the time is up. The output is
a URL (or a list of them) whose file is downloaded, up to a size cap. Every message names the setting a
person would change (`REPLICATE_API_KEY`, `REPLICATE_VIDEO_MODEL`, `REPLICATE_VIDEO_TIMEOUT_S`…).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

import httpx

from animagenius.pipeline.errors import ProviderBadOutput, ProviderUnavailable
from animagenius.pipeline.providers.remote.config import ReplicateConfig
from animagenius.pipeline.providers.remote.speech import Endpoint, post

FINISHED = ("succeeded", "failed", "canceled")


@dataclass(frozen=True)
class ReplicateModel:
    """One model on Replicate and the settings that choose it and bound its wait."""

    name: str  # owner/name, e.g. "google/veo-3-fast"
    name_setting: str  # "REPLICATE_VIDEO_MODEL"
    timeout_s: float  # for the whole prediction, polling included
    timeout_setting: str  # "REPLICATE_VIDEO_TIMEOUT_S"
    made: str  # what it makes, for messages: "picture", "clip"


class Predictions:
    """Runs predictions of `model` with `config`'s key and address, and downloads what they made."""

    def __init__(
        self,
        config: ReplicateConfig,
        model: ReplicateModel,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not config.enabled:
            raise ProviderUnavailable("Replicate has no API key; set REPLICATE_API_KEY")
        self.config, self.model = config, model
        self._sleep, self._clock = sleep, clock
        self._endpoint = Endpoint(
            label="Replicate",
            prefix="REPLICATE_",
            key_header=lambda key: {"Authorization": f"Bearer {key}", "Prefer": "wait"},
            model_setting=model.name_setting,
        )

    @property
    def identity(self) -> str:
        return f"replicate:{self.config.base_url.rstrip('/')}:{self.model.name}"

    def output_url(self, inputs: dict[str, Any]) -> str:
        """The URL of what a prediction with `inputs` made, once it has succeeded."""
        deadline = self._clock() + self.model.timeout_s
        response = post(
            f"{self.config.base_url.rstrip('/')}/models/{self.model.name}/predictions",
            body={"input": inputs},
            config=self.config,
            endpoint=self._endpoint,
            sleep=self._sleep,
        )
        prediction = _prediction(response.content)
        while prediction.get("status") not in FINISHED:
            if self._clock() >= deadline:
                raise ProviderUnavailable(
                    f"Replicate's prediction was still {prediction.get('status', 'running')} after "
                    f"{self.model.timeout_s:g} s ({self.model.timeout_setting})"
                )
            self._sleep(self.config.poll_s)
            prediction = _prediction(self._get(_poll_url(prediction)).content)
        if prediction["status"] != "succeeded":
            raise ProviderUnavailable(
                f"Replicate's model could not make the {self.model.made}: {prediction.get('error')}"
            )
        return _output_url(prediction, made=self.model.made)

    def download(self, url: str, sink: BinaryIO, *, max_bytes: int) -> None:
        """Write the file at `url` to `sink`; ProviderBadOutput once it grows past `max_bytes`."""
        made = self.model.made
        try:
            with httpx.stream("GET", url, timeout=self.config.timeout_s, follow_redirects=True) as response:
                if response.status_code != 200:
                    status = response.status_code
                    raise ProviderUnavailable(f"Replicate's {made} at {url} answered HTTP {status}")
                written = 0
                for chunk in response.iter_bytes():
                    written += len(chunk)
                    if written > max_bytes:
                        raise ProviderBadOutput(
                            f"Replicate's {made} at {url} is larger than {max_bytes / 2**20:g} MB"
                        )
                    sink.write(chunk)
        except httpx.HTTPError as error:
            raise ProviderUnavailable(f"cannot download Replicate's {made} from {url} ({error})") from None

    def _get(self, url: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.config.api_key.get_secret_value()}"}
        try:
            response = httpx.get(url, headers=headers, timeout=self.config.timeout_s)
        except httpx.HTTPError as error:
            raise ProviderUnavailable(f"cannot reach Replicate at {url} ({error})") from None
        if response.status_code != 200:
            raise ProviderUnavailable(f"Replicate answered HTTP {response.status_code} for {url}")
        return response


class ReplicateGenerator:
    """What a generator running one model on Replicate (`model_of` its settings) shares: the predictions,
    its name and identity."""

    name = "replicate"

    def __init__(
        self,
        config: ReplicateConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._predictions = Predictions(config, self.model_of(config), sleep=sleep, clock=clock)
        self.identity = self._predictions.identity

    @staticmethod
    def model_of(config: ReplicateConfig) -> ReplicateModel:
        raise NotImplementedError


def _prediction(content: bytes) -> dict[str, Any]:
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


def _output_url(prediction: dict[str, Any], *, made: str) -> str:
    output = prediction.get("output")
    url = output[0] if isinstance(output, list) and output else output
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ProviderBadOutput(f"Replicate's finished prediction has no {made} URL in its output")
    return url
