"""Scenes that play a video instead of showing a still: a stretch of a source video (visual kind `clip`) or a
generated clip (`generated-clip`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from animagenius.pipeline.compose.segments import Clip
from animagenius.pipeline.domain import Scene, SourceDocument


def scene_clips(scenes: Sequence[Scene], document: SourceDocument) -> list[Clip | None]:
    """Per scene, the video stretch it plays: its block's shot of an uploaded video, never past the shot's
    end (segments.Clip slows or holds it when the scene is longer); None for the others
    (and for a clip whose video is not among the sources: it shows the scene's keyframe instead)."""
    videos = {media.path.name: media.path for media in document.media if media.kind == "video"}
    clips: list[Clip | None] = []
    for scene in scenes:
        shown = scene.visual.block if scene.visual.kind == "clip" else None
        block = document.blocks[shown] if shown is not None else None
        video = videos.get(block.source.file) if block is not None else None
        start = block.source.start_s if block is not None else None
        end = block.source.end_s if block is not None else None
        clips.append(Clip(video, start, end) if video is not None and start is not None else None)
    return clips


def with_generated(clips: Sequence[Clip | None], generated: Mapping[int, Path]) -> list[Clip | None]:
    """`clips` with each generated clip (scene index → file) played from its start in its scene."""
    return [
        Clip(video=generated[index], start_s=0.0) if index in generated else clip
        for index, clip in enumerate(clips)
    ]


def shots_shown_again(scenes: Sequence[Scene], document: SourceDocument) -> tuple[int, ...]:
    """The scenes that show a shot of an uploaded video (playing it, or its keyframe) that an earlier scene
    already showed: a well-made video has none (planning gives each shot to one scene at most)."""
    seen: set[int] = set()
    again = []
    for number, scene in enumerate(scenes):
        shown = scene.visual.block
        if shown is None or shown >= len(document.blocks) or document.blocks[shown].source.start_s is None:
            continue
        if document.blocks[shown].kind != "figure":
            continue
        if shown in seen:
            again.append(number)
        seen.add(shown)
    return tuple(again)
