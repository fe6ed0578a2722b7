"""`about` in the API: a person's text about their photos or clips, narrated first; with none, a photo's
script job fails saying what to add, and `POST /projects/{id}/script` writes it again with the text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from animagenius.studio.jobs.execute import script_job_execute
from animagenius.studio.models import Project, RenderJob

pytestmark = pytest.mark.django_db

ROSE = "A yellow rose from the garden behind our house. We planted it three years ago with our daughter."
TOO_LONG = "A rose. " * 400


def create(api: Any, corpus: Path, **fields: str) -> Any:
    photo = SimpleUploadedFile("flower.jpg", (corpus / "images/flower.jpg").read_bytes())
    return api.post("/projects", {"source_file": photo, "review": "true", **fields})


def draft(project_id: str) -> RenderJob:
    """Run the project's queued script job as the worker would, in this process."""
    job = RenderJob.objects.get(project_id=project_id, status=RenderJob.Status.QUEUED)
    script_job_execute(job_id=job.id)
    job.refresh_from_db()
    return job


def narration(project_id: str) -> str:
    script = Project.objects.get(id=project_id).script_versions.get(number=1).script
    return " ".join(scene["narration"] for scene in script["scenes"])


def test_a_photo_with_about_is_narrated_from_it(api, media, corpus: Path):
    response = create(api, corpus, about=ROSE)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["about"] == ROSE
    assert draft(body["id"]).status == RenderJob.Status.DONE
    assert api.get(f"/projects/{body['id']}").json()["script_version"] == 1
    assert "A yellow rose from the garden behind our house." in narration(body["id"])


def test_without_about_the_job_says_what_to_add_and_the_script_can_be_written_again(api, media, corpus: Path):
    project_id = create(api, corpus).json()["id"]
    draft(project_id)

    failed = api.get(f"/projects/{project_id}").json()["job"]
    assert failed["status"] == "failed"
    assert failed["error"].startswith("flower.jpg is a photo with no words to narrate")
    assert "the API's `about` field" in failed["error"]

    again = api.post_json(f"/projects/{project_id}/script", {"about": ROSE})

    assert again.status_code == 202, again.content
    assert (again.json()["kind"], again.json()["status"]) == ("script", "queued")
    assert draft(project_id).status == RenderJob.Status.DONE
    assert api.get(f"/projects/{project_id}").json()["about"] == ROSE
    assert "A yellow rose from the garden behind our house." in narration(project_id)
    refused = api.post_json(f"/projects/{project_id}/script", {})
    assert refused.status_code == 409 and "already has a script" in refused.json()["detail"]


def test_about_too_long_is_422_on_the_field(api, media, corpus: Path):
    created = create(api, corpus, about=TOO_LONG)

    assert created.status_code == 422, created.content
    assert "keep it to 3,000" in " ".join(created.json()["errors"]["about"])
    assert not Project.objects.exists()

    project_id = create(api, corpus).json()["id"]
    draft(project_id)
    again = api.post_json(f"/projects/{project_id}/script", {"about": TOO_LONG})
    assert again.status_code == 422 and "keep it to 3,000" in " ".join(again.json()["errors"]["about"])
    assert Project.objects.get(id=project_id).about == ""
