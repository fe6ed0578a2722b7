"""What the studio's tests do as a person would: post the new-video form, wait for a job, read the script
editor's form, watch a worker's encoders; and the files they upload."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from animagenius.accounts.models import User
from animagenius.pipeline.video import RenderOptions
from animagenius.studio import services
from animagenius.studio.jobs.execute import script_job_execute
from animagenius.studio.jobs.queue import script_job_create
from animagenius.studio.models import Project, RenderJob, ScriptVersion
from tests.factories import TIDES, TIDES_PROSE, render_job_rendered_create
from tests.processes import running_ffmpegs

JOB_TIMEOUT_S = 240
BRAND_GREEN = (22, 163, 74)


def wait_for_job(project: Project, *, timeout_s: float = JOB_TIMEOUT_S) -> RenderJob:
    """Poll the database (as the browser does) until the project's latest job ends."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = project.render_jobs.order_by("-created_at").first()
        if job is not None and job.is_finished:
            return job
        time.sleep(0.5)
    raise AssertionError(f"render job of {project.title!r} did not finish within {timeout_s} s")


def workdir_removed(job: RenderJob, *, timeout_s: float = 30) -> bool:
    """Whether the job's work directory is gone within `timeout_s`: the worker removes it just after it
    records the job's end, so a test that saw the end may look a moment too soon."""
    from django.conf import settings

    workdir = Path(settings.RENDER_WORKDIR) / str(job.id)
    deadline = time.monotonic() + timeout_s
    while workdir.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return not workdir.exists()


def latest(project: Project) -> ScriptVersion:
    """The project's newest script version."""
    return project.script_versions.order_by("-number").first()  # type: ignore[return-value]


def new_video(client: Client, **fields: Any):
    """Post the new-video form: the short tides article, 16:9, 720p, 30 s, with `fields`."""
    form = {"text": TIDES_PROSE, "aspect": "16:9", "resolution": "720p", "duration": "30", **fields}
    return client.post(reverse("studio:project_list"), form)


def render_from_the_form(client: Client, **fields: str) -> Project:
    """The one project the new-video form makes (with review and `fields`), its script drafted and its video
    rendered in this process, as the worker does it."""
    response = new_video(client, **{"review": "on", **fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get()
    script_job_execute(job_id=project.render_jobs.get().id)
    project.refresh_from_db()
    job = render_job_rendered_create(project=project)
    assert job.status == RenderJob.Status.DONE, job.error
    return project


def encoding_render(owner: User, worker_pid: int, *, stage: str = "") -> tuple[Project, RenderJob, list[int]]:
    """A short article drafted and rendered at once by the worker `worker_pid`, returned once its render
    runs an encoder (in `stage`, if given), with the encoders' process ids."""
    project = services.project_create(
        owner=owner,
        title="",
        options=RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=30),
        uploads=[SimpleUploadedFile("tides.md", TIDES.encode())],
    )
    script_job_create(project=project, render_after=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = RenderJob.objects.filter(project=project, kind=RenderJob.Kind.RENDER).first()
        encoders = running_ffmpegs(worker_pid)
        running = job is not None and job.status == RenderJob.Status.RUNNING
        if running and encoders and job is not None and job.stage.startswith(stage):
            return project, job, encoders
        time.sleep(0.05)
    raise AssertionError("the render never started an encoder")


def logo_upload(*, name: str = "logo.png", colour: tuple[int, int, int] = BRAND_GREEN) -> SimpleUploadedFile:
    """A 300×100 PNG logo in one colour."""
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 100), (*colour, 255)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def editor_form(script: dict[str, Any], *, version: int) -> dict[str, Any]:
    """What the script editor posts for `script` (a ScriptVersion's JSON) left as it is."""
    form: dict[str, Any] = {"version": str(version), "scene": []}
    for scene in script["scenes"]:
        form.update(scene_fields(scene["id"], scene, scene_id=scene["id"]))
        form["scene"].append(scene["id"])
    return form


def scene_fields(key: str, scene: dict[str, Any], *, scene_id: str = "") -> dict[str, Any]:
    visual = scene.get("visual") or {"kind": "slide", "block": None, "prompt": ""}
    kind = visual["kind"] if visual.get("block") is None else f"{visual['kind']}:{visual['block']}"
    bullets = list(scene.get("bullets", ()))
    return {
        f"{key}-id": scene_id,
        f"{key}-title": scene["title"],
        f"{key}-narration": scene["narration"],
        f"{key}-bullet": [*bullets, "", "", ""][: max(3, len(bullets))],
        f"{key}-visual": kind,
        f"{key}-prompt": visual.get("prompt", ""),
    }
