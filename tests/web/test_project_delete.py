"""Deleting a project from its page and through the API: the rows and every file made from it go, other
people's projects stay, and the render minutes it used stay used.

A project deleted while its worker renders it is tested in a real browser with a real worker
(tests/e2e/test_project_delete.py).
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from animagenius.accounts.models import User
from animagenius.api import services as api_services
from animagenius.billing import selectors as billing_selectors
from animagenius.billing.models import UsageMetric
from animagenius.studio import services
from animagenius.studio.jobs.watch import CANCEL_POLL_S, JobWatch
from animagenius.studio.models import Asset, FileProcessingLog, Project, RenderJob, Rendition, ScriptVersion
from tests.factories import PASSWORD, project_drafted_create, render_job_rendered_create


@pytest.fixture
def finished(user: User, media: Path) -> Project:
    """A project with an upload, a script and a rendered video."""
    project = project_drafted_create(owner=user)
    job = render_job_rendered_create(project=project)
    assert job.status == RenderJob.Status.DONE, job.error
    return project


def stored_files(project: Project) -> list[Path]:
    fields = [project.video, *(asset.file for asset in project.assets.all())]
    for rendition in Rendition.objects.filter(job__project=project):
        fields += [rendition.video, rendition.poster, rendition.preview, rendition.captions]
    return sorted({Path(field.path) for field in fields if field.name})


def test_deleting_from_the_page_removes_the_project_its_rows_and_its_files(
    signed_in: Client, finished: Project, user: User, django_capture_on_commit_callbacks
) -> None:
    files = stored_files(finished)
    assert len(files) >= 5 and all(path.is_file() for path in files)  # upload, video, poster, preview, cues
    used = billing_selectors.render_quota_get(user=user, reserved_s=0).used_s
    assert used > 0
    page = signed_in.get(reverse("studio:project_detail", args=[finished.id])).content.decode()
    assert 'id="project-delete"' in page and "data-confirm=" in page

    with django_capture_on_commit_callbacks(execute=True):  # the files go once the deletion commits
        response = signed_in.post(reverse("studio:project_delete", args=[finished.id]), follow=True)

    assert response.redirect_chain == [(reverse("studio:project_list"), 302)]
    page = response.content.decode()
    assert escape(f"“{finished.display_title}” was deleted, with its videos and uploads.") in page
    assert reverse("studio:project_detail", args=[finished.id]) not in page
    assert not Project.objects.filter(id=finished.id).exists()
    for model in (RenderJob, ScriptVersion, Asset, FileProcessingLog):
        assert not model.objects.filter(project_id=finished.id).exists(), model.__name__
    assert not Rendition.objects.exists()
    assert [path for path in files if path.exists()] == []
    still_used = billing_selectors.render_quota_get(user=user, reserved_s=0).used_s
    assert still_used == used, "deleting gives no render minutes back"
    assert UsageMetric.objects.filter(user=user, action="render").count() == 1


def test_a_project_is_deleted_only_by_its_owner_and_only_with_a_post(
    client: Client, signed_in: Client, user: User, media: Path
) -> None:
    project = project_drafted_create(owner=user)
    url = reverse("studio:project_delete", args=[project.id])

    assert signed_in.get(url).status_code == 405
    other = User.objects.create_user("bo@example.com", PASSWORD)
    client.force_login(other)
    assert client.post(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302  # to the sign-in page
    assert Project.objects.filter(id=project.id).exists()
    assert all(Path(asset.file.path).is_file() for asset in project.assets.all())


def test_the_api_deletes_a_project_with_204_then_answers_404(
    client: Client, finished: Project, user: User, django_capture_on_commit_callbacks
) -> None:
    files = stored_files(finished)
    token = api_services.api_key_create(owner=user, name="cleanup").token
    url = f"/api/v1/projects/{finished.id}"
    bearer = {"Authorization": f"Bearer {token}"}
    stranger = api_services.api_key_create(
        owner=User.objects.create_user("bo@example.com", PASSWORD), name="nosy"
    ).token

    assert client.delete(url, headers={"Authorization": f"Bearer {stranger}"}).status_code == 404
    assert Project.objects.filter(id=finished.id).exists()

    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.delete(url, headers=bearer)

    assert (deleted.status_code, deleted.content) == (204, b"")
    assert client.get(url, headers=bearer).status_code == 404
    assert client.delete(url, headers=bearer).json() == {"detail": "No such project."}
    assert [path for path in files if path.exists()] == []


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_row_is_deleted_under_it_is_stopped_like_a_cancelled_one(media: Path) -> None:
    owner = User.objects.create_user("cy@example.com", PASSWORD)
    project = Project.objects.create(owner=owner, source_name="tides.md")
    job = RenderJob.objects.create(
        project=project, kind=RenderJob.Kind.RENDER, status=RenderJob.Status.RUNNING
    )
    with JobWatch(job.id) as watch:
        time.sleep(3 * CANCEL_POLL_S)  # the watch has seen the row
        assert not watch.cancelled.is_set()

        services.project_delete(project=project)

        assert watch.cancelled.wait(timeout=40 * CANCEL_POLL_S), "the watch did not notice the row go"


@pytest.mark.django_db(transaction=True)
def test_a_row_never_seen_does_not_stop_the_job(media: Path) -> None:
    """The watch's connection may not see a job yet (one written in a transaction not committed yet)."""
    with JobWatch(uuid.uuid4()) as watch:
        time.sleep(4 * CANCEL_POLL_S)

        assert not watch.cancelled.is_set()
