"""A job's work directory: the project's files copied in under the names the person gave them."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings

from animagenius.studio.models import (
    Asset,
    Project,
    RenderJob,
)
from animagenius.studio.storage import media_copy


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


def asset_copy(asset: Asset, folder: Path) -> Path:
    """`asset`'s file copied into `folder` under the name the person uploaded it with."""
    return media_copy(asset.file, folder / asset.original_name)
