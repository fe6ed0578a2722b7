"""Rendering a saved script narrated by the person's own recording, from the script editor.

The recording is the script read aloud by the Piper voice with pauses between scenes (its word times are
known); the render runs the real pipeline through the service the worker calls, in this process.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from animagenius.accounts.models import User
from animagenius.pipeline.script.edit import script_parse
from animagenius.pipeline.voice.voices import VOICES
from animagenius.studio.jobs.execute import render_job_execute
from animagenius.studio.models import Asset, Project, RenderJob
from tests.factories import TIDES_PROSE, project_drafted_create
from tests.pipeline.voice_helpers import speak_with_pauses
from tests.web.helpers import latest


@pytest.fixture
def project(user: User, settings, tmp_path: Path) -> Project:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RENDER_WORKDIR = tmp_path / "work"
    return project_drafted_create(owner=user, content=TIDES_PROSE.encode())


def render_post(client: Client, project: Project, **files: SimpleUploadedFile):
    version = latest(project)
    return client.post(reverse("studio:project_render", args=[project.id]), {"version": version.id, **files})


def test_editor_offers_to_narrate_with_my_own_recording(signed_in: Client, project: Project) -> None:
    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert "Narrate with my own recording" in page
    assert 'name="recording"' in page


@pytest.mark.slow
def test_my_recording_narrates_the_video(
    signed_in: Client, project: Project, tmp_path: Path, ffprobe
) -> None:
    scenes = script_parse(latest(project).script).scenes
    recording = tmp_path / "me reading.m4a"
    length, _ = speak_with_pauses(VOICES.create("piper"), tuple(s.narration for s in scenes), recording)

    response = render_post(
        signed_in, project, recording=SimpleUploadedFile(recording.name, recording.read_bytes())
    )

    assert response.status_code == 302
    job = RenderJob.objects.get(project=project, kind=RenderJob.Kind.RENDER)
    assert job.recording is not None and job.recording.kind == Asset.Kind.RECORDING
    assert job.recording.original_name == "me reading.m4a"
    render_job_execute(job_id=job.id)
    job.refresh_from_db()
    project.refresh_from_db()
    assert job.status == RenderJob.Status.DONE, job.error
    duration = float(ffprobe(Path(project.video.path))["format"]["duration"])
    assert abs(duration - length) <= 0.25, f"video {duration:.2f} s, recording {length:.2f} s"
    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()
    assert "narrated by your recording me reading.m4a" in page


def test_a_recording_that_is_not_sound_is_refused_on_the_page(signed_in: Client, project: Project) -> None:
    notes = SimpleUploadedFile("notes.m4a", b"these are my notes, not a recording\n")

    response = render_post(signed_in, project, recording=notes)

    assert response.status_code == 400
    assert "notes.m4a is a text file" in response.content.decode()
    assert not RenderJob.objects.filter(project=project, kind=RenderJob.Kind.RENDER).exists()
    assert not project.assets.filter(kind=Asset.Kind.RECORDING).exists()


def test_without_a_recording_the_voice_narrates(signed_in: Client, project: Project) -> None:
    response = render_post(signed_in, project)

    assert response.status_code == 302
    assert RenderJob.objects.get(project=project, kind=RenderJob.Kind.RENDER).recording is None
