"""Scenes that play a stretch of a source video (visual kind `clip`) instead of showing a still."""

from __future__ import annotations

from collections.abc import Sequence

from animagenius.pipeline.compose.segments import Clip
from animagenius.pipeline.domain import Scene, SourceDocument


def scene_clips(scenes: Sequence[Scene], document: SourceDocument) -> list[Clip | None]:
    """Per scene, the video stretch it plays: its block's scene of an uploaded video; None for the others
    (and for a clip whose video is not among the sources: it shows the scene's keyframe instead)."""
    videos = {media.path.name: media.path for media in document.media if media.kind == "video"}
    clips: list[Clip | None] = []
    for scene in scenes:
        shown = scene.visual.block if scene.visual.kind == "clip" else None
        block = document.blocks[shown] if shown is not None else None
        video = videos.get(block.source.file) if block is not None else None
        start = block.source.start_s if block is not None else None
        clips.append(Clip(video=video, start_s=start) if video is not None and start is not None else None)
    return clips
