"""Pictures made for the scenes that ask for one (visual kind `generated`), by the configured generator.

Each picture is made once per (generator, prompt, aspect) and kept in a cache, so re-rendering an edited
script, or another rendition of the same shape, asks for nothing again. A scene whose picture cannot be
made shows a designed slide instead, and the job says why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from animagenius.pipeline.domain import Aspect, Scene
from animagenius.pipeline.errors import ProviderError
from animagenius.pipeline.files import whole_file
from animagenius.pipeline.providers.protocols import ImageGenerator


def generated_pictures(
    scenes: Sequence[Scene], *, aspect: Aspect, generator: ImageGenerator | None, cache_dir: Path
) -> tuple[dict[int, Path], list[str]]:
    """Scene index → its generated picture, for every scene that asks for one and got it; and the notices
    for those that did not."""
    wanted = [(index, scene) for index, scene in enumerate(scenes) if scene.visual.kind == "generated"]
    if wanted and generator is None:
        numbers = ", ".join(str(index + 1) for index, _ in wanted)
        return {}, [
            f"Scene {numbers} asks for a generated picture, but image generation is off "
            "(set IMAGES_API_KEY); a designed slide is shown instead."
        ]
    pictures: dict[int, Path] = {}
    notices: list[str] = []
    for index, scene in wanted:
        assert generator is not None
        try:
            pictures[index] = _picture(generator, scene.visual.prompt, aspect=aspect, cache_dir=cache_dir)
        except ProviderError as error:
            notices.append(
                f"Scene {index + 1}'s picture could not be generated ({error}); a designed slide is shown."
            )
    return pictures, notices


def _picture(generator: ImageGenerator, prompt: str, *, aspect: Aspect, cache_dir: Path) -> Path:
    key = hashlib.sha256(f"{generator.identity}\n{aspect.value}\n{prompt.strip()}".encode()).hexdigest()[:40]
    cached = cache_dir / f"{key}.png"
    if cached.is_file():
        return cached
    cache_dir.mkdir(parents=True, exist_ok=True)
    with whole_file(cached) as partial:
        generator.generate(prompt.strip(), aspect=aspect, out=partial)
    return cached
