"""Clips from a text-to-video model on Replicate (Google Veo 3 Fast by default), through its predictions API
(`replicate.Predictions`). Off unless REPLICATE_API_KEY is set.

Veo's documented inputs are `prompt`, `aspect_ratio` ("16:9" or "9:16"), `duration` (4, 6 or 8 seconds) and
`generate_audio`; the scene plays the clip muted, so no sound is asked for. Veo makes no square video: a
square rendition asks for 16:9 and the renderer crops it. The downloaded file is checked (`checked_clip`)
before it is used.
"""

from __future__ import annotations

from pathlib import Path

from animagenius.pipeline.providers.remote.config import ReplicateConfig
from animagenius.pipeline.providers.remote.replicate import ReplicateGenerator, ReplicateModel
from animagenius.pipeline.video import Aspect

ASPECT_RATIOS = {Aspect.LANDSCAPE: "16:9", Aspect.PORTRAIT: "9:16", Aspect.SQUARE: "16:9"}
DURATIONS_S = (4, 6, 8)
MAX_DOWNLOAD_BYTES = 200 * 2**20


class ReplicateVideos(ReplicateGenerator):
    durations_s: tuple[int, ...] = DURATIONS_S

    @staticmethod
    def model_of(config: ReplicateConfig) -> ReplicateModel:
        return ReplicateModel(
            name=config.video_model,
            name_setting="REPLICATE_VIDEO_MODEL",
            timeout_s=config.video_timeout_s,
            timeout_setting="REPLICATE_VIDEO_TIMEOUT_S",
            made="clip",
        )

    def generate(self, prompt: str, *, aspect: Aspect, seconds: int, out: Path) -> Path:
        # the media probe (and the readers it brings) is loaded when a clip is made, not with the settings
        from animagenius.pipeline.providers.remote.video_files import checked_clip

        inputs = {
            "prompt": prompt,
            "aspect_ratio": ASPECT_RATIOS[aspect],
            "duration": seconds,
            "generate_audio": False,
        }
        url = self._predictions.output_url(inputs)
        with out.open("wb") as sink:
            self._predictions.download(url, sink, max_bytes=MAX_DOWNLOAD_BYTES)
        checked_clip(out, label="Replicate's clip")
        return out
