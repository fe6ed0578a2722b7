"""A job's work directory: the project's files copied in under the names the person gave them."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.db.models.fields.files import FieldFile

from animagenius.accounts.models import User
from animagenius.pipeline.domain import (
    Brand,
)
from animagenius.studio import selectors
from animagenius.studio.models import (
    Asset,
    Project,
    RenderJob,
)


def workdir_fresh(job: RenderJob) -> Path:
    """The job's work directory, emptied: a run that died may have left one behind."""
    workdir = Path(settings.RENDER_WORKDIR) / str(job.id)
    shutil.rmtree(workdir, ignore_errors=True)
    return workdir


def sources_copy(project: Project, folder: Path) -> list[Path]:
    """Give the pipeline the files under the names the person uploaded, so messages name them."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, asset in enumerate(project.assets.filter(kind=Asset.Kind.SOURCE).order_by("position")):
        target = folder / f"{index:02d}" / asset.original_name
        target.parent.mkdir()
        with asset.file.open("rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        paths.append(target)
    return paths


def music_copy(project: Project, folder: Path) -> str:
    """The path of the project's own music file copied into `folder`, or "" if it has none."""
    asset = project.assets.filter(kind=Asset.Kind.MUSIC).first()
    return str(asset_copy(asset, folder)) if asset is not None else ""


def asset_copy(asset: Asset, folder: Path) -> Path:
    """`asset`'s file copied into `folder` under the name the person uploaded it with."""
    return _file_copy(asset.file, folder / asset.original_name)


def brand_copy(owner: User, folder: Path) -> Brand:
    """The owner's brand kit as the render uses it, its files copied into `folder`."""
    kit = selectors.brand_kit_get(user=owner)
    if kit is None:
        return Brand()
    return Brand(
        accent=kit.accent,
        font=_file_copy(kit.font, folder / Path(kit.font.name).name) if kit.font else None,
        logo=_file_copy(kit.logo, folder / Path(kit.logo.name).name) if kit.logo else None,
    )


def _file_copy(stored: FieldFile, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with stored.open("rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy)
    return target
