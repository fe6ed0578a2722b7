"""Pictures from a text-to-image model on Replicate (Flux by default), through its predictions API
(`replicate.Predictions`). Off unless REPLICATE_API_KEY is set.
"""

from __future__ import annotations

import io
from pathlib import Path

from animagenius.pipeline.providers.remote.config import ReplicateConfig
from animagenius.pipeline.providers.remote.openai_images import checked_picture
from animagenius.pipeline.providers.remote.replicate import ReplicateGenerator, ReplicateModel
from animagenius.pipeline.video import Aspect

ASPECT_RATIOS = {Aspect.LANDSCAPE: "16:9", Aspect.PORTRAIT: "9:16", Aspect.SQUARE: "1:1"}
MAX_DOWNLOAD_BYTES = 40 * 2**20


class ReplicateImages(ReplicateGenerator):
    @staticmethod
    def model_of(config: ReplicateConfig) -> ReplicateModel:
        return ReplicateModel(
            name=config.model,
            name_setting="REPLICATE_MODEL",
            timeout_s=config.timeout_s,
            timeout_setting="REPLICATE_TIMEOUT_S",
            made="picture",
        )

    def generate(self, prompt: str, *, aspect: Aspect, out: Path) -> Path:
        inputs = {"prompt": prompt, "aspect_ratio": ASPECT_RATIOS[aspect], "output_format": "png"}
        url = self._predictions.output_url(inputs)
        downloaded = io.BytesIO()
        self._predictions.download(url, downloaded, max_bytes=MAX_DOWNLOAD_BYTES)
        checked_picture(downloaded.getvalue()).save(out, format="PNG")
        return out
