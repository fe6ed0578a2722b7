"""The image generator registry. Importing this module registers the built-in generators.

There is no offline generator: a scene that asks for a generated picture while none is configured shows
a designed slide, and the job says so.
"""

from __future__ import annotations

from animagenius.pipeline.providers.protocols import ImageGenerator
from animagenius.pipeline.providers.registry import ProviderRegistry
from animagenius.pipeline.providers.remote.openai_images import OpenAIImages
from animagenius.pipeline.providers.remote.replicate_images import ReplicateImages
from animagenius.pipeline.providers.settings import ProviderSettings

DEFAULT_IMAGE_GENERATOR = "openai"  # used once IMAGES_API_KEY is set
IMAGE_GENERATORS: ProviderRegistry[ImageGenerator] = ProviderRegistry("image generator")


@IMAGE_GENERATORS.register("openai")
def _openai(*, settings: ProviderSettings) -> ImageGenerator:
    return OpenAIImages(settings.images)


@IMAGE_GENERATORS.register("replicate")
def _replicate(*, settings: ProviderSettings) -> ImageGenerator:
    return ReplicateImages(settings.replicate)


def configured_image_generator(
    name: str, *, settings: ProviderSettings | None = None
) -> ImageGenerator | None:
    """The generator called `name` if it is set up (keyed); None when it is not, or `name` is blank."""
    return IMAGE_GENERATORS.create_if_set_up(name, settings=settings)
