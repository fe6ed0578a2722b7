"""The video's shots on the timeline: each scene's stills, one after another as its items appear.

A scene may have several stills: the first from the scene's start, each next one from the moment the voice
reaches what it adds (a bullet, a chart's next bar, a highlight). They share one slow Ken Burns move over the
whole scene, so a new still differs from the one before only by what appears, and comes in with a short
fade: the item fades in while the rest stays put. Between scenes comes the video's transition.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from animagenius.pipeline.compose.segments import Clip, Shot

REVEAL_S = 0.25  # an item fading in
MAX_HELD_S = 8.0  # a still is not held longer without a change (VIDEO-STYLE: a change every 3-8 s)
PUSH = 3.0  # how much faster a held still closes in for a while
MIN_STAGE_S = 0.6  # a still shown for less than this is skipped: the next one follows too soon


@dataclass(frozen=True)
class SceneStills:
    """A scene's stills: `stills[0]` from the scene's start, `stills[k]` from `at_s[k]` seconds into it. All
    close in on `focus` (None: the first still's own). A scene that plays a `clip` has one still."""

    stills: tuple[Path, ...]
    at_s: tuple[float, ...] = (0.0,)
    focus: tuple[float, float] | None = None
    clip: Clip | None = None

    @classmethod
    def of(cls, still: Path | SceneStills, clip: Clip | None = None) -> SceneStills:
        if isinstance(still, SceneStills):
            return still if clip is None else replace(still, clip=clip)
        return cls(stills=(still,), clip=clip)


@dataclass(frozen=True)
class _Stage:
    still: Path
    first: int
    scene: int
    push: bool = False  # the same still as before, closing in faster: a held still's change of pace


def scene_shots(
    scenes: Sequence[SceneStills],
    starts_s: Sequence[float],
    total_s: float,
    *,
    fps: int,
    transitions: Sequence[str | None],
    transition_s: float,
    zoom_end: float,
    reveal_s: float = REVEAL_S,
) -> list[Shot]:
    """The shots of `scenes` starting at `starts_s`. `transitions[i]` is how scene i comes in over scene i-1
    (an xfade name; None: a cut), each `transition_s` long, never more than half of either shot it joins.

    Each scene closes in from 1 to `zoom_end` over its length; a still held longer than MAX_HELD_S is cut,
    where it would be, into stretches that alternately close in PUSH times faster: nothing stays put."""
    firsts = [round(start * fps) for start in starts_s]
    ends = [*firsts[1:], round(total_s * fps)]
    stages: list[_Stage] = []
    for index, scene in enumerate(scenes):
        held = _stages(scene, index, firsts[index], ends[index], fps=fps)
        stages += (
            held if scene.clip is not None else _pushed(held, ends[index], longest=round(MAX_HELD_S * fps))
        )
    overlaps = [0]
    for before, after in itertools.pairwise(stages):
        if after.still == before.still:
            overlaps.append(0)  # the same picture goes on, only its pace changes: nothing to fade
        elif after.scene == before.scene:
            overlaps.append(round(reveal_s * fps))
        else:
            overlaps.append(0 if transitions[after.scene] is None else round(transition_s * fps))
    lengths = [b.first - a.first for a, b in itertools.pairwise(stages)] + [ends[-1] - stages[-1].first]
    for position in range(1, len(stages)):
        overlaps[position] = max(
            0, min(overlaps[position], lengths[position - 1] // 2, lengths[position] // 2)
        )
    shots: list[Shot] = []
    zoom = 1.0
    for position, stage in enumerate(stages):
        scene = scenes[stage.scene]
        if position == 0 or stages[position - 1].scene != stage.scene:
            zoom = 1.0
        end = ends[-1] if position + 1 == len(stages) else stages[position + 1].first + overlaps[position + 1]
        rate = (zoom_end - 1) / max(1, ends[stage.scene] - firsts[stage.scene]) * (PUSH if stage.push else 1)
        shots.append(
            Shot(
                still=stage.still,
                first_frame=stage.first,
                frames=end - stage.first,
                zoom_start=round(zoom, 6),
                zoom_end=round(zoom + rate * (end - stage.first - 1), 6),
                clip=scene.clip,
                transition="fade" if position == 0 else _transition_name(stages, position, transitions),
                focus=scene.focus,
            )
        )
        following = stages[position + 1].first if position + 1 < len(stages) else end
        zoom += rate * (following - stage.first)
    return shots


def _pushed(stages: list[_Stage], end: int, *, longest: int) -> list[_Stage]:
    """`stages` with each one held longer than `longest` frames cut into equal stretches, every other one
    a push."""
    pushed = []
    for position, stage in enumerate(stages):
        until = stages[position + 1].first if position + 1 < len(stages) else end
        parts = max(1, -(-(until - stage.first) // longest))
        step = (until - stage.first) / parts
        pushed += [
            _Stage(stage.still, stage.first + round(part * step), stage.scene, push=part % 2 == 1)
            for part in range(parts)
        ]
    return pushed


def shots_for(
    stills: Sequence[Path],
    starts_s: Sequence[float],
    total_s: float,
    *,
    fps: int,
    crossfade_s: float,
    zoom_end: float,
    clips: Sequence[Clip | None] = (),
    transition: str = "fade",
) -> list[Shot]:
    """One still per scene, each crossfading (`transition`) into the next."""
    shown = list(clips) + [None] * (len(stills) - len(clips))
    scenes = [SceneStills.of(still, clip) for still, clip in zip(stills, shown, strict=True)]
    return scene_shots(
        scenes, starts_s, total_s, fps=fps, transitions=[transition] * len(scenes),
        transition_s=crossfade_s, zoom_end=zoom_end,
    )  # fmt: skip


def _stages(scene: SceneStills, index: int, first: int, end: int, *, fps: int) -> list[_Stage]:
    """The scene's stills with their first frames. Each shows for MIN_STAGE_S at least: one due too soon
    after the last comes in with it (its item a moment late, never early); in a scene too short to reveal
    anything, the whole still shows from the start."""
    if scene.clip is not None or len(scene.stills) == 1:
        return [_Stage(scene.stills[0], first, index)]
    shortest = round(MIN_STAGE_S * fps)
    kept = [_Stage(scene.stills[0], first, index)]
    for still, at in zip(scene.stills[1:], scene.at_s[1:], strict=True):
        frame = max(first + round(at * fps), kept[-1].first + (shortest if len(kept) == 1 else 0))
        frame = min(frame, end - shortest)
        if frame - kept[-1].first >= shortest:
            kept.append(_Stage(still, frame, index))
        elif len(kept) > 1:
            kept[-1] = _Stage(still, max(frame, kept[-1].first), index)
        else:
            kept[0] = _Stage(still, first, index)
    return kept


def _transition_name(stages: Sequence[_Stage], position: int, transitions: Sequence[str | None]) -> str:
    if stages[position].scene == stages[position - 1].scene:
        return "fade"
    return transitions[stages[position].scene] or "fade"
