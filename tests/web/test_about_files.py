"""“About these files” in the studio: the new-video form keeps the person's text about their photos or clips,
a photo-only project without one fails its script job saying what to add, and the text can be added on the
project page to write the script again, without uploading again.

Script jobs run here in-process (the service the worker runs); the render goes through the real worker."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from animagenius.pipeline.script.about import ABOUT, MAX_ABOUT_CHARS
from animagenius.studio.jobs.execute import script_job_execute
from animagenius.studio.models import Project, RenderJob
from tests.web.helpers import wait_for_job

ROSE = "A yellow rose from the garden behind our house. We planted it three years ago with our daughter."
OPTIONS = {"aspect": "16:9", "resolution": "720p", "duration": "30"}


def create(client: Client, corpus: Path, **fields: str) -> Project:
    photo = SimpleUploadedFile("flower.jpg", (corpus / "images/flower.jpg").read_bytes())
    response = client.post(reverse("studio:project_list"), {**OPTIONS, "source_file": photo, **fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Project.objects.get(id=response["Location"].rstrip("/").split("/")[-1])


def draft(project: Project) -> RenderJob:
    """Run the project's queued script job as the worker would, in this process."""
    job = project.render_jobs.get(status=RenderJob.Status.QUEUED)
    script_job_execute(job_id=job.id)
    job.refresh_from_db()
    project.refresh_from_db()
    return job


def page(client: Client, project: Project) -> str:
    return html.unescape(client.get(reverse("studio:project_detail", args=[project.id])).content.decode())


def test_the_new_video_form_offers_about_these_files_and_says_when_it_matters(signed_in: Client) -> None:
    form = html.unescape(signed_in.get(reverse("studio:project_list")).content.decode())

    assert "About these files" in form
    textarea = re.search(r'<textarea name="about"[^>]*>', form)
    assert textarea and f'maxlength="{MAX_ABOUT_CHARS}"' in textarea.group()
    assert "Photos and silent clips have no words of their own" in form and "narrated first" in form


def test_the_form_keeps_the_text_with_the_project(signed_in: Client, corpus: Path, media: Path) -> None:
    project = create(signed_in, corpus, about=f"  {ROSE}\r\n")

    assert project.about == ROSE
    assert project.render_jobs.get().kind == RenderJob.Kind.SCRIPT
    assert f"About these files: “{ROSE}”" in page(signed_in, project)


def test_a_text_too_long_is_refused_next_to_the_field(signed_in: Client, corpus: Path, media: Path) -> None:
    photo = SimpleUploadedFile("flower.jpg", (corpus / "images/flower.jpg").read_bytes())
    fields = {**OPTIONS, "source_file": photo, "about": "A rose. " * 400}

    response = signed_in.post(reverse("studio:project_list"), fields)

    assert response.status_code == 400
    assert (
        "The description of your files is 3,199 characters long; keep it to 3,000"
        in response.content.decode()
    )
    assert not Project.objects.exists()


def test_a_photo_without_a_description_fails_saying_what_to_add_and_can_be_written_again_with_one(
    signed_in: Client, corpus: Path, media: Path
) -> None:
    project = create(signed_in, corpus)

    failed = draft(project)

    assert failed.status == RenderJob.Status.FAILED
    assert failed.error.startswith("flower.jpg is a photo with no words to narrate: describe what it shows")
    shown = page(signed_in, project)
    assert "The script could not be written." in shown and failed.error in shown
    assert 'id="script-draft-again"' in shown and '<textarea name="about"' in shown

    response = signed_in.post(reverse("studio:script_draft", args=[project.id]), {"about": ROSE})

    assert response.status_code == 302
    drafted = draft(project)
    assert drafted.status == RenderJob.Status.DONE, drafted.error
    assert project.about == ROSE and project.status == Project.Status.REVIEW
    script = project.script_versions.get(number=1).script
    narrated = " ".join(scene["narration"] for scene in script["scenes"])
    assert "A yellow rose from the garden behind our house." in narrated
    assert project.source_blocks[0]["file"] == ABOUT.file and project.source_blocks[0]["text"] in ROSE
    photo = next(index for index, block in enumerate(project.source_blocks) if block["file"] == "flower.jpg")
    assert photo in [scene["visual"]["block"] for scene in script["scenes"]], "the photo described is shown"


def test_writing_again_with_a_text_too_long_keeps_the_project_as_it_was(
    signed_in: Client, corpus: Path, media: Path
) -> None:
    project = create(signed_in, corpus)
    draft(project)

    response = signed_in.post(reverse("studio:script_draft", args=[project.id]), {"about": "A rose. " * 400})

    assert response.status_code == 400
    assert "keep it to 3,000" in response.content.decode()
    project.refresh_from_db()
    assert project.about == "" and project.render_jobs.count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_described_photo_is_rendered_by_the_worker(celery_worker, signed_in: Client, corpus: Path) -> None:
    project = create(signed_in, corpus, about=ROSE)  # no review: the render is queued as the script is saved

    job = wait_for_job(project)

    assert (job.kind, job.status) == (RenderJob.Kind.RENDER, RenderJob.Status.DONE), job.error
    project.refresh_from_db()
    assert project.video and project.video_duration_s is not None and project.ai_script is not None
    assert "A yellow rose from the garden" in project.ai_script["scenes"][0]["narration"]
