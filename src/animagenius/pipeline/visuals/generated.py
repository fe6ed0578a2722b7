"""Pictures and clips made for the scenes that ask for one (visual kinds `generated` and `generated-clip`), by
the configured generators.

Each is made once per (generator, prompt, aspect; a clip's length too) and kept in a cache, so re-rendering
an edited script, or another rendition of the same shape, asks for nothing again. A scene whose picture or
clip cannot be made shows a designed slide instead, and the job says why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from animagenius.pipeline.domain import Scene
from animagenius.pipeline.errors import ProviderError
from animagenius.pipeline.media.files import whole_file
from animagenius.pipeline.providers.protocols import ImageGenerator, VideoGenerator
from animagenius.pipeline.video import Aspect

Made = tuple[dict[int, Path], list[str]]
"""Scene index → its generated file, for each scene that asked and got one; and the notices for the others."""


def generated_pictures(
    scenes: Sequence[Scene], *, aspect: Aspect, generator: ImageGenerator | None, cache_dir: Path
) -> Made:
    """The generated picture of every scene whose visual is `generated`."""
    wanted = _asking(scenes, "generated")
    if wanted and generator is None:
        return {}, [_off(wanted, made="picture", switch="image generation is off (set IMAGES_API_KEY)")]

    def picture(index: int) -> Path:
        assert generator is not None
        prompt = scenes[index].visual.prompt.strip()
        return _cached(
            cache_dir / _key(generator.identity, aspect.value, prompt, suffix=".png"),
            lambda out: generator.generate(prompt, aspect=aspect, out=out),
        )

    return _each(wanted, picture, made="picture")


def generated_clips(
    scenes: Sequence[Scene],
    *,
    aspect: Aspect,
    scene_s: Sequence[float],
    generator: VideoGenerator | None,
    cache_dir: Path,
) -> Made:
    """The generated clip of every scene whose visual is `generated-clip`: the shortest the generator makes
    that lasts the scene (`scene_s`), else its longest (the renderer holds the clip's last frame)."""
    wanted = _asking(scenes, "generated-clip")
    if wanted and generator is None:
        return {}, [_off(wanted, made="clip", switch="video generation is off (set REPLICATE_API_KEY)")]

    def clip(index: int) -> Path:
        assert generator is not None
        prompt, seconds = scenes[index].visual.prompt.strip(), clip_length(generator, scene_s[index])
        return _cached(
            cache_dir / _key(generator.identity, aspect.value, str(seconds), prompt, suffix=".mp4"),
            lambda out: generator.generate(prompt, aspect=aspect, seconds=seconds, out=out),
        )

    return _each(wanted, clip, made="clip")


def clip_length(generator: VideoGenerator, scene_s: float) -> int:
    """The shortest clip `generator` makes that lasts `scene_s`, else its longest."""
    lasting = [seconds for seconds in generator.durations_s if seconds >= scene_s]
    return min(lasting) if lasting else max(generator.durations_s)


def _asking(scenes: Sequence[Scene], kind: str) -> list[int]:
    return [index for index, scene in enumerate(scenes) if scene.visual.kind == kind]


def _off(wanted: Sequence[int], *, made: str, switch: str) -> str:
    numbers = ", ".join(str(index + 1) for index in wanted)
    return f"Scene {numbers} asks for a generated {made}, but {switch}; a designed slide is shown instead."


def _each(wanted: Sequence[int], make: Callable[[int], Path], *, made: str) -> Made:
    files: dict[int, Path] = {}
    notices: list[str] = []
    for index in wanted:
        try:
            files[index] = make(index)
        except ProviderError as error:
            notices.append(
                f"Scene {index + 1}'s {made} could not be generated ({error}); a designed slide is shown."
            )
    return files, notices


def _key(*parts: str, suffix: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40] + suffix


def _cached(cached: Path, generate: Callable[[Path], object]) -> Path:
    """`cached` if it is there; else `generate(path)` writes it (whole, or not at all)."""
    if cached.is_file():
        return cached
    cached.parent.mkdir(parents=True, exist_ok=True)
    with whole_file(cached) as partial:
        generate(partial)
    return cached
