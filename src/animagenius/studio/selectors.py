"""Reads for the studio. Every query for a person is scoped to them; the render queue is the workers'."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from animagenius.accounts.models import User
from animagenius.pipeline.domain import Block, Provenance, SourceDocument
from animagenius.pipeline.visuals.brand import LOGO_FILES, LOGO_HEAD_BYTES, logo_format
from animagenius.pipeline.voice.narrate import VoiceInfo
from animagenius.pipeline.voice.narrate import voice_list as pipeline_voice_list
from animagenius.studio.models import (
    Asset,
    BrandKit,
    Project,
    RenderJob,
    Rendition,
    ScriptVersion,
)


def project_list(*, user: User) -> QuerySet[Project]:
    return Project.objects.filter(owner=user).order_by("-created_at")


def project_get(*, user: User, project_id: uuid.UUID) -> Project:
    """The user's project; raises Project.DoesNotExist for anyone else's."""
    return Project.objects.get(id=project_id, owner=user)


def project_music_name(*, project: Project) -> str:
    """What plays under the narration: the person's own file's name, a built-in track's name, or ""."""
    own = project.assets.filter(kind=Asset.Kind.MUSIC).values_list("original_name", flat=True).first()
    return own or project.render_options.music


def voice_list() -> list[VoiceInfo]:
    """The voices a project can be narrated with, for the new-video form and `/voices/`."""
    return pipeline_voice_list(settings=settings.PROVIDER_SETTINGS)


def project_resolutions(*, project: Project, renditions: Sequence[str] | None = None) -> list[str]:
    """The resolution of each video a render of `project` makes: the main one, then its extra renditions
    (`renditions`, specs as a queued job keeps them; the project's own when not given)."""
    main = project.render_options
    specs = project.extra_renditions if renditions is None else renditions
    return [main.resolution.value, *(main.rendition(spec).resolution.value for spec in specs)]


def rendition_list(*, job: RenderJob) -> QuerySet[Rendition]:
    """The videos `job` made, the main one first."""
    return job.renditions.order_by("position")


def rendition_get(*, user: User, rendition_id: uuid.UUID) -> Rendition:
    """One video of the user's projects; raises Rendition.DoesNotExist for anyone else's."""
    return Rendition.objects.select_related("job__project").get(id=rendition_id, job__project__owner=user)


def brand_kit_get(*, user: User) -> BrandKit | None:
    return BrandKit.objects.filter(owner=user).first()


@dataclass(frozen=True)
class StoredLogo:
    path: Path
    media_type: str
    filename: str


def brand_logo_get(*, user: User) -> StoredLogo | None:
    """The user's logo as the picture its bytes are (checked when it was handed in), whatever it was named;
    None without one. Raises FileNotFoundError when its file is gone."""
    kit = brand_kit_get(user=user)
    if kit is None or not kit.logo:
        return None
    path = Path(kit.logo.path)
    with path.open("rb") as stored:
        found = logo_format(stored.read(LOGO_HEAD_BYTES))
    if found is None:
        return None
    media_type, suffix = LOGO_FILES[found]
    return StoredLogo(path=path, media_type=media_type, filename=f"logo{suffix}")


def script_version_latest(*, project: Project) -> ScriptVersion | None:
    return project.script_versions.order_by("-number").first()


def script_version_list(*, project: Project) -> QuerySet[ScriptVersion]:
    return project.script_versions.select_related("created_by", "restored_from").order_by("-number")


def script_version_by_number(*, project: Project, number: int) -> ScriptVersion | None:
    return project.script_versions.filter(number=number).first()


def script_version_get(*, project: Project, version_id: uuid.UUID) -> ScriptVersion:
    """One version of the project's script; raises ScriptVersion.DoesNotExist for any other."""
    return project.script_versions.get(id=version_id)


def project_document(*, project: Project) -> SourceDocument:
    """The project's document as far as edited scripts are checked against it: its blocks' kinds and text.

    Built from what the script job kept (`Project.source_blocks`), so pages never read the sources again.
    """
    blocks = tuple(
        Block(
            kind=block["kind"],
            text=block["text"],
            source=Provenance(file=block["file"], page=block.get("page"), slide=block.get("slide")),
            image=Path(block["image"]) if block["image"] else None,
        )
        for block in project.source_blocks
    )
    return SourceDocument(title=project.display_title, blocks=blocks)


@dataclass(frozen=True)
class VisualChoice:
    value: str  # "slide", "generated", "generated-clip", or "<visual kind>:<block index>"
    label: str


SLIDE = VisualChoice("slide", "Designed slide")
GENERATED = VisualChoice("generated", "Generated image (describe it below)")
GENERATED_CLIP = VisualChoice("generated-clip", "Generated video clip (describe it below)")
_SHOWN_AS = {
    "figure": ("figure",),
    "table": ("table", "chart"),
    "quote": ("quote",),
    "code": ("code",),
}
"""Block kinds offered to every scene, and the visual kinds that show them (a table without numbers to
chart is drawn as a table even when a chart is chosen)."""
_OWN = {
    "paragraph": ("quote", "number", "definition"),
    "list_item": ("quote", "number"),
    "notes": ("quote", "number", "definition"),
    "transcript": ("quote", "number"),
}
"""Block kinds offered only to the scenes written from them, and how each can be shown."""
_KIND_LABELS = {"number": "Key number", "definition": "Definition", "diagram": "Diagram"}
DIAGRAM_MIN_ITEMS = 3
LABEL_CHARS = 60


def visual_choices(
    *, blocks: Sequence[dict[str, Any]], scene_blocks: Sequence[int] = (), current: str = ""
) -> list[VisualChoice]:
    """What a scene can show: a slide, the document's figures, tables, listings and lists (as diagrams);
    its own source text as a quote, a key-number or definition card, or its page; or a generated image or
    video clip. The scene's current visual is always among them."""
    offered = [
        (kind, index)
        for index, block in enumerate(blocks)
        if block["kind"] in _SHOWN_AS and (block["kind"] != "figure" or block["image"])
        for kind in _SHOWN_AS[block["kind"]]
    ]
    offered += [("diagram", index) for index in _list_starts(blocks)]
    own = [index for index in scene_blocks if 0 <= index < len(blocks)]
    offered += [("page", index) for index in own if _on_pdf_page(blocks[index]) or _on_slide(blocks[index])][
        :1
    ]
    offered += [(kind, index) for index in own for kind in _OWN.get(blocks[index]["kind"], ())]
    shown = [_block_choice(kind, index, blocks) for kind, index in dict.fromkeys(offered)]
    choices = [SLIDE, *shown, GENERATED, GENERATED_CLIP]
    if current and current not in {choice.value for choice in choices}:
        choices.insert(1, _current_choice(current, blocks))
    return choices


def _list_starts(blocks: Sequence[dict[str, Any]]) -> list[int]:
    """The first item of each run of DIAGRAM_MIN_ITEMS list items or more."""
    starts, run = [], 0
    for index, block in enumerate([*blocks, {"kind": ""}]):
        if block["kind"] == "list_item":
            run += 1
            continue
        if run >= DIAGRAM_MIN_ITEMS:
            starts.append(index - run)
        run = 0
    return starts


def _on_pdf_page(block: dict[str, Any]) -> bool:
    return bool(block.get("page")) and str(block["file"]).lower().endswith(".pdf")


def _on_slide(block: dict[str, Any]) -> bool:
    return bool(block.get("slide")) and str(block["file"]).lower().endswith(".pptx")


def _current_choice(value: str, blocks: Sequence[dict[str, Any]]) -> VisualChoice:
    kind, _, index = value.partition(":")
    if index.isdigit() and int(index) < len(blocks):
        return _block_choice(kind, int(index), blocks)
    return VisualChoice(value, f"{value} (not in this document)")


def _block_choice(kind: str, index: int, blocks: Sequence[dict[str, Any]]) -> VisualChoice:
    caption = " ".join(blocks[index]["text"].split()) or f"block {index}"
    if len(caption) > LABEL_CHARS:
        caption = caption[: LABEL_CHARS - 1].rstrip() + "…"
    if kind == "page":
        where = (
            f"Page {blocks[index]['page']}"
            if blocks[index].get("page")
            else f"Slide {blocks[index].get('slide')}"
        )
        return VisualChoice(f"page:{index}", f"{where} itself: {caption}")
    label = _KIND_LABELS.get(kind, kind.capitalize())
    return VisualChoice(f"{kind}:{index}", f"{label}: {caption}")
