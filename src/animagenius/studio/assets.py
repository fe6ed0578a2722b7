"""The files of a project: an upload stored as an asset, names made safe for storage, files deleted once
no row names them."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile

from animagenius.studio.models import (
    Asset,
    Project,
)
from animagenius.studio.storage import media_write

logger = logging.getLogger(__name__)


def asset_store(
    project: Project,
    *,
    kind: str,
    name: str,
    content: UploadedFile | ContentFile[bytes],
    position: int = 0,
) -> Asset:
    asset = Asset(
        project=project, kind=kind, position=position, original_name=name, size_bytes=content.size or 0
    )
    prefix = f"{position:02d}" if kind == Asset.Kind.SOURCE else kind
    with media_write("your upload"):
        asset.file.save(f"{project.id}/{prefix}-{name}", content, save=False)
    asset.save()
    return asset


def files_delete(files: set[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:  # the rows are gone either way; a file left behind is only disk space
            logger.warning("could not delete %s", name, exc_info=True)


def safe_name(name: str) -> str:
    base = Path(name).name
    cleaned = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "upload"
    return cleaned[:120]
