"""Reads for the studio. Every query is scoped to the person asking."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from animagenius.accounts.models import User
from animagenius.studio.models import Project, RenderJob


def project_list(*, user: User) -> QuerySet[Project]:
    return Project.objects.filter(owner=user).order_by("-created_at")


def project_get(*, user: User, project_id: uuid.UUID) -> Project:
    """The user's project; raises Project.DoesNotExist for anyone else's."""
    return Project.objects.get(id=project_id, owner=user)


def render_job_latest(*, project: Project) -> RenderJob | None:
    return project.render_jobs.order_by("-created_at").first()


def render_job_get(*, job_id: uuid.UUID) -> RenderJob:
    return RenderJob.objects.select_related("project").get(id=job_id)
