"""Editing a script scene by scene, and reading it back from `script.json`.

The web studio, the API and the CLI all edit through these functions, so an edit means the same everywhere.
Each returns a new `Script` (scripts are immutable); scene estimates are recomputed on the way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from animagenius.pipeline.domain import SOURCE_VISUALS, Scene, SceneRole, Script, SourceDocument, Visual
from animagenius.pipeline.errors import InvalidOption, InvalidScript
from animagenius.pipeline.visuals.icons import check_icon

MAX_SCRIPT_BYTES = 2 * 1024 * 1024


def scene_update(
    script: Script,
    scene_id: str,
    *,
    title: str | None = None,
    narration: str | None = None,
    bullets: Sequence[str] | None = None,
    visual: Visual | None = None,
) -> Script:
    """Change the given fields of one scene; fields left as None stay as they are."""
    scene = _scene(script, scene_id)
    changes: dict[str, Any] = {"title": title, "narration": narration, "visual": visual}
    changes = {key: value for key, value in changes.items() if value is not None}
    if bullets is not None:
        changes["bullets"] = tuple(bullets)
    edited = _build_scene({**scene.model_dump(), **changes}, where=f"scene {scene_id}")
    return _rebuild(script, [edited if s.id == scene_id else s for s in script.scenes])


def scene_move(script: Script, scene_id: str, *, to_index: int) -> Script:
    """Put a scene at position `to_index` (0-based, clamped to the script)."""
    scene = _scene(script, scene_id)
    others = [s for s in script.scenes if s.id != scene_id]
    others.insert(max(0, min(to_index, len(others))), scene)
    return _rebuild(script, others)


def scene_reorder(script: Script, scene_ids: Sequence[str]) -> Script:
    """Put the scenes in the order given; it must name every scene exactly once."""
    if sorted(scene_ids) != sorted(s.id for s in script.scenes):
        raise InvalidScript(
            "the new order must list every scene of the script exactly once; reload and retry"
        )
    by_id = {s.id: s for s in script.scenes}
    return _rebuild(script, [by_id[scene_id] for scene_id in scene_ids])


def scene_delete(script: Script, scene_id: str) -> Script:
    _scene(script, scene_id)
    if len(script.scenes) == 1:
        raise InvalidScript("a script needs at least one scene; edit this one instead of deleting it")
    return _rebuild(script, [s for s in script.scenes if s.id != scene_id])


def scene_add(
    script: Script,
    *,
    after: str | None,
    title: str,
    narration: str,
    bullets: Sequence[str] = (),
    visual: Visual | None = None,
    role: SceneRole = "body",
) -> Script:
    """Insert a new scene after the scene `after` (None: at the start). Its id is assigned here."""
    fields: dict[str, Any] = {"title": title, "narration": narration, "bullets": tuple(bullets), "role": role}
    if visual is not None:
        fields["visual"] = visual
    new = _build_scene(fields, where="the new scene")
    scenes = list(script.scenes)
    position = 0 if after is None else scenes.index(_scene(script, after)) + 1
    scenes.insert(position, new)
    return _rebuild(script, scenes)


def script_check_against(script: Script, document: SourceDocument) -> None:
    """Every pointer into the source must resolve, every source visual must show a block of its kind, and a
    named icon must be one of the bundled icons."""
    count = len(document.blocks)
    for number, scene in enumerate(script.scenes, start=1):
        where = f"scene {number} ({scene.title!r})"
        bad = [index for index in scene.source_blocks if not 0 <= index < count]
        if bad:
            raise InvalidScript(
                f"{where} points at source block {bad[0]}, but the document has blocks 0-{count - 1}; "
                "remove that pointer or pick a block that exists"
            )
        visual = scene.visual
        if visual.icon.strip():
            try:
                check_icon(visual.icon)
            except InvalidOption as unknown:
                raise InvalidScript(f"{where}: {unknown}") from None
        if visual.block is None or visual.kind not in SOURCE_VISUALS:
            continue
        if not 0 <= visual.block < count:
            raise InvalidScript(
                f"{where} shows source block {visual.block}, but the document has blocks 0-{count - 1}"
            )
        kind = document.blocks[visual.block].kind
        if kind not in SOURCE_VISUALS[visual.kind]:
            raise InvalidScript(
                f"{where} shows block {visual.block} as a {visual.kind}, but that block is a {kind}; "
                f"choose a {' or '.join(SOURCE_VISUALS[visual.kind])} block, or a slide"
            )
        if visual.kind in ("figure", "image") and document.blocks[visual.block].image is None:
            raise InvalidScript(f"{where} shows block {visual.block}, which has no picture; choose a slide")


def script_load(path: Path) -> Script:
    """Read a script written by `animagenius script` (and perhaps edited by hand)."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InvalidScript(f"{path}: cannot read the script ({error.strerror})") from None
    if size > MAX_SCRIPT_BYTES:
        raise InvalidScript(f"{path.name} is {size // 1024} KB; a script file is at most 2 MB")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InvalidScript(f"{path.name} is not UTF-8 text; save the script as UTF-8 JSON") from None
    except json.JSONDecodeError as error:
        raise InvalidScript(
            f"{path.name} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    return script_parse(data, where=path.name)


def script_parse(data: object, *, where: str = "the script") -> Script:
    if not isinstance(data, dict):
        raise InvalidScript(f"{where} must be a JSON object with 'title' and 'scenes'")
    try:
        return Script.model_validate(data)
    except ValidationError as error:
        raise InvalidScript(f"{where}: {_first_problem(error)}") from None


def script_dump(script: Script) -> str:
    return script.model_dump_json(indent=2) + "\n"


def _scene(script: Script, scene_id: str) -> Scene:
    try:
        return script.scene(scene_id)
    except KeyError:
        raise InvalidScript(
            f"the script has no scene {scene_id!r}; it may have been deleted meanwhile"
        ) from None


def _build_scene(fields: dict[str, Any], *, where: str) -> Scene:
    try:
        return Scene.model_validate(fields)
    except ValidationError as error:
        raise InvalidScript(f"{where}: {_first_problem(error)}") from None


def _rebuild(script: Script, scenes: list[Scene]) -> Script:
    return Script.model_validate({**dict(script), "scenes": tuple(scenes)})


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    location = ".".join(str(part) for part in problem["loc"])
    message = problem["msg"].removeprefix("Value error, ")
    return f"{location}: {message}" if location else message
