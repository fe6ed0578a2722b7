"""A project's render options: stored as the person chose them, rendered with what the plan and brand add.

The contract is `pipeline.video.RenderOptions`; a project keeps the person's choices as its JSON
(`Project.options`, read back as `Project.render_options`). What the person does not choose (the plan's mark,
the owner's brand kit, the path of their own music file) is added by `project_options` when the job renders.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from animagenius.billing.plans import plan_for
from animagenius.pipeline.video import Brand, RenderOptions
from animagenius.studio import selectors
from animagenius.studio.models import Asset, Project
from animagenius.studio.storage import media_copy

ADDED_AT_RENDER = frozenset({"watermark", "brand"})
"""RenderOptions fields that are not the person's choice: `project_options` sets them."""
CHOSEN = tuple(name for name in RenderOptions.model_fields if name not in {*ADDED_AT_RENDER, "fps"})
"""The RenderOptions fields a person chooses (on the page, in the API): what a project stores."""
PUBLIC_NAMES = {"target_duration_s": "duration", "format": "video_format", "captions": "caption_style"}
"""The names the page's form and the API give three options (their names before the contract's); every
other option is named as its RenderOptions field."""


def public_name(option: str) -> str:
    """The name of the form and API field that sets the RenderOptions field `option`."""
    return PUBLIC_NAMES.get(option, option)


def option_name(public: str) -> str:
    """The RenderOptions field that the form or API field `public` sets (itself if it sets none)."""
    return {shown: option for option, shown in PUBLIC_NAMES.items()}.get(public, public)


def options_stored(options: RenderOptions, *, music: str | None = None) -> dict[str, Any]:
    """`options` as a project stores them (its `options` JSON): the person's choices (CHOSEN).
    `music` replaces the options' music (blank: the project's own file plays, stored as an asset)."""
    stored = options.model_dump(mode="json", include=set(CHOSEN))
    return stored if music is None else {**stored, "music": music}


def project_options(project: Project, *, workdir: Path) -> RenderOptions:
    """The options to render `project` with: the person's, plus their plan's mark, their brand kit and
    their own music file, the files copied into `workdir` (the pipeline reads them from there)."""
    chosen = project.render_options
    music = _music_copy(project, workdir / "music")
    return chosen.model_copy(
        update={
            "music": str(music) if music else chosen.music,
            "brand": _brand(project, workdir / "brand"),
            "watermark": plan_for(project.owner.subscription_tier).watermark,
        }
    )


def _music_copy(project: Project, folder: Path) -> Path | None:
    """The project's own music file, if any, copied into `folder` under the name it was uploaded with."""
    asset = project.assets.filter(kind=Asset.Kind.MUSIC).first()
    return media_copy(asset.file, folder / asset.original_name) if asset is not None else None


def _brand(project: Project, folder: Path) -> Brand:
    """The owner's brand kit as the render uses it, its files copied into `folder`."""
    kit = selectors.brand_kit_get(user=project.owner)
    if kit is None:
        return Brand()
    return Brand(
        accent=kit.accent,
        font=media_copy(kit.font, folder / Path(kit.font.name).name) if kit.font else None,
        logo=media_copy(kit.logo, folder / Path(kit.logo.name).name) if kit.logo else None,
    )
