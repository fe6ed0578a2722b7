"""A render requested through the web runs in a separate Celery worker process, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from animagenius.billing.models import UsageMetric
from animagenius.studio.models import FileProcessingLog, Project, RenderJob
from tests.web.helpers import wait_for_job

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def submit(client: Client, name: str, content: bytes, **options: str) -> Project:
    form = {"aspect": "16:9", "resolution": "720p", "duration": "30", **options}
    response = client.post(
        reverse("studio:project_list"), {**form, "source_file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Project.objects.get(id=response["Location"].rstrip("/").split("/")[-1])


def test_upload_is_rendered_by_the_worker_process(celery_worker, signed_in, corpus, ffprobe):
    project = submit(signed_in, "pep-0020.rst", (corpus / "text/pep-0020.rst").read_bytes(), aspect="1:1")

    job = wait_for_job(project)

    assert job.status == RenderJob.Status.DONE, job.error
    assert job.attempts == 1 and job.progress == 100.0 and job.finished_at is not None
    project.refresh_from_db()
    assert project.status == Project.Status.DONE
    assert project.title == "The Zen of Python"  # the document's own title replaces the file name
    assert project.ai_script is not None and project.ai_script["title"] == "The Zen of Python"
    assert project.video_duration_s is not None
    probe = ffprobe(Path(project.video.path))
    video = [s for s in probe["streams"] if s["codec_type"] == "video"]
    assert [(s["codec_name"], s["width"], s["height"]) for s in video] == [("h264", 720, 720)]
    assert abs(float(probe["format"]["duration"]) - project.video_duration_s) < 0.5
    assert UsageMetric.objects.get(user=project.owner, action="render").quantity == pytest.approx(
        project.video_duration_s, abs=0.01
    )
    steps = list(FileProcessingLog.objects.filter(project=project).values_list("step", "status"))
    assert ("reading", "ok") in steps and ("rendering video", "ok") in steps

    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()
    assert "<video" in page and reverse("studio:project_video", args=[project.id]) in page
    assert celery_worker.alive
    broker = "redis://" if settings.REDIS_URL else "filesystem://"
    assert f"Connected to {broker}" in celery_worker.output()  # CI runs this on both brokers


HOSTILE = [
    ("empty.md", lambda corpus: b"", "empty.md is empty"),
    (
        "report.pdf",
        lambda corpus: b"Plain words pretending to be a PDF.\n" * 20,
        "report.pdf is named .pdf but is not a PDF",
    ),
    (
        "GHOSTSCRIPT-698804-1-fuzzed.pdf",
        lambda corpus: (corpus / "pdf/GHOSTSCRIPT-698804-1-fuzzed.pdf").read_bytes(),
        "has no readable text",
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_bad_input_fails_the_job_with_a_reason_shown_on_the_page(
    celery_worker, signed_in, corpus, name, content, expected
):
    project = submit(signed_in, name, content(corpus))

    job = wait_for_job(project, timeout_s=60)

    assert job.status == RenderJob.Status.FAILED
    assert expected in job.error
    response = signed_in.get(reverse("studio:project_detail", args=[project.id]))
    assert response.status_code == 200
    assert expected in response.content.decode()
    status = signed_in.get(reverse("studio:project_status", args=[project.id])).content.decode()
    assert 'data-status="failed"' in status and "hx-trigger" not in status  # polling stops
    assert FileProcessingLog.objects.filter(project=project, status="failed").exists()
    assert celery_worker.alive, celery_worker.output()[-2000:]
