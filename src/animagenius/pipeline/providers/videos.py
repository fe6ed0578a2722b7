"""The video generator registry. Importing this module registers the built-in generators.

There is no offline generator: a scene that asks for a generated clip while none is configured shows a
designed slide, and the job says so.
"""

from __future__ import annotations

from animagenius.pipeline.providers.protocols import VideoGenerator
from animagenius.pipeline.providers.registry import ProviderRegistry
from animagenius.pipeline.providers.remote.replicate_videos import ReplicateVideos
from animagenius.pipeline.providers.settings import ProviderSettings

DEFAULT_VIDEO_GENERATOR = "replicate"  # used once REPLICATE_API_KEY is set
VIDEO_GENERATORS: ProviderRegistry[VideoGenerator] = ProviderRegistry("video generator")


@VIDEO_GENERATORS.register("replicate")
def _replicate(*, settings: ProviderSettings) -> VideoGenerator:
    return ReplicateVideos(settings.replicate)


def configured_video_generator(
    name: str, *, settings: ProviderSettings | None = None
) -> VideoGenerator | None:
    """The generator called `name` if it is set up (keyed); None when it is not, or `name` is blank."""
    return VIDEO_GENERATORS.create_if_set_up(name, settings=settings)
