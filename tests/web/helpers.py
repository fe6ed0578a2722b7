from __future__ import annotations

import time

from animagenius.studio.models import Project, RenderJob

JOB_TIMEOUT_S = 240


def wait_for_job(project: Project, *, timeout_s: float = JOB_TIMEOUT_S) -> RenderJob:
    """Poll the database (as the browser does) until the project's latest job ends."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = project.render_jobs.order_by("-created_at").first()
        if job is not None and job.is_finished:
            return job
        time.sleep(0.5)
    raise AssertionError(f"render job of {project.title!r} did not finish within {timeout_s} s")
