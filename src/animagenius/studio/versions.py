"""A project's script versions: the next number, the lock that serialises writers of a project's versions
and jobs, and what the studio keeps of a read document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.pipeline.domain import (
    Script,
    SourceDocument,
)
from animagenius.studio.models import (
    Project,
    ScriptVersion,
)

BLOCK_TEXT_CHARS = 160
"""How much of each source block's text a project keeps, for labels in the visual picker."""


def source_blocks_outline(document: SourceDocument) -> list[dict[str, Any]]:
    """What the studio keeps of a read document: each block's kind, the start of its text, its page, its
    picture."""
    return [
        {
            "kind": block.kind,
            "text": block.text[:BLOCK_TEXT_CHARS],
            "file": block.source.file,
            "page": block.source.page,
            "slide": block.source.slide,
            "image": block.image.name if block.image is not None else None,
        }
        for block in document.blocks
    ]


def version_create(
    project: Project,
    *,
    script: Script,
    writer: str,
    notices: Sequence[str] = (),
    created_by: User | None = None,
    restored_from: ScriptVersion | None = None,
) -> ScriptVersion:
    """The next version, with the project's `ai_script` kept equal to it. Call inside a transaction."""
    project_lock(project)
    data = script.model_dump(mode="json")
    version = ScriptVersion.objects.create(
        project=project,
        number=version_latest_number(project) + 1,
        script=data,
        writer=writer,
        notices=list(notices),
        created_by=created_by,
        restored_from=restored_from,
    )
    Project.objects.filter(id=project.id).update(ai_script=data, updated_at=timezone.now())
    project.ai_script = data
    return version


def project_lock(project: Project) -> None:
    """Serialise writers of one project's versions and jobs until the transaction ends (PostgreSQL; SQLite
    transactions already take the database's write lock)."""
    Project.objects.select_for_update().filter(id=project.id).values_list("id", flat=True).first()


def version_latest_number(project: Project) -> int:
    latest = project.script_versions.order_by("-number").values_list("number", flat=True).first()
    return latest or 0
