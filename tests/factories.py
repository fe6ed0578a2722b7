"""What the tests build in the database: people, projects with a drafted script, render jobs queued or run.

Plain functions with keyword-only arguments, named `<what>[_<state>]_create`. A drafted or rendered one is
made by the services the worker runs, called in this process, so it is what a real job leaves behind.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.pipeline.video import RenderOptions
from animagenius.studio import services
from animagenius.studio.jobs.execute import render_job_execute, script_job_execute
from animagenius.studio.jobs.queue import render_job_create, script_job_create
from animagenius.studio.models import Project, RenderJob

PASSWORD = "a-long-enough-passphrase-42"

# a short article with a table: a script of a few scenes, one of which can show the table
TIDES = (
    "# Tides\n\nThe moon pulls the oceans. Twice a day the water rises and falls.\n\n"
    "| Place | Range (m) |\n|---|---|\n| Bay of Fundy | 16 |\n| Bristol Channel | 15 |\n\n"
    "Spring tides are the largest; neap tides are the smallest of the month.\n"
)
# two paragraphs of prose on the same subject: the quickest full render
TIDES_PROSE = (
    "# Tides\n\nThe moon pulls the oceans, and twice a day the water rises and falls along the coast.\n\n"
    "Spring tides are the largest of the month; neap tides, a week later, are the smallest.\n"
)

_emails = itertools.count()


def user_create(*, tier: str = "free", email: str = "", password: str = PASSWORD, **fields: Any) -> User:
    """A person on the plan `tier`, at `email` (one of their own when not given)."""
    address = email or f"{tier}-{next(_emails)}@example.com"
    return User.objects.create_user(address, password, subscription_tier=tier, **fields)


def project_drafted_create(
    *, owner: User, name: str = "tides.md", content: bytes = TIDES.encode()
) -> Project:
    """A project of the upload `name` whose script job ran (in this process) and left version 1 for review:
    16:9, 720p, 30 s."""
    project = services.project_create(
        owner=owner,
        title="",
        options=RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=30),
        uploads=[SimpleUploadedFile(name, content)],
    )
    job = script_job_create(project=project, render_after=False)
    script_job_execute(job_id=job.id)
    project.refresh_from_db()
    return project


def render_job_queued_create(
    *,
    owner: User | None = None,
    tier: str = "free",
    waited_s: float = 0.0,
    status: str = RenderJob.Status.QUEUED,
) -> RenderJob:
    """A render job put in the queue `waited_s` ago and now in `status`, of a new project of `owner`'s (by
    default a new person on the plan `tier`) named after their plan; no script: the queue orders by plan
    and age."""
    owner = owner or user_create(tier=tier)
    project = Project.objects.create(owner=owner, title=f"{owner.subscription_tier} video")
    job = RenderJob.objects.create(project=project, status=status)
    RenderJob.objects.filter(id=job.id).update(created_at=timezone.now() - timedelta(seconds=waited_s))
    job.refresh_from_db()
    return job


def render_job_rendered_create(*, project: Project) -> RenderJob:
    """A render job of the project's latest script version, run to its end in this process as the worker runs
    it; the job and the project as they are then (the job's status tells how it ended)."""
    version = project.script_versions.order_by("-number").first()
    assert version is not None
    job = render_job_create(project=project, script_version=version)
    render_job_execute(job_id=job.id)
    job.refresh_from_db()
    project.refresh_from_db()
    return job
