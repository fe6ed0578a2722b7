"""A PDF page with no readable text, even by OCR, is named on the script job: on the project's page and in
the API. The job runs as the worker runs it (in this process): sandboxed read, real OCR, offline writer."""

from __future__ import annotations

import io
from pathlib import Path

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from animagenius.accounts.models import User
from animagenius.api import services as api_services
from tests.factories import project_drafted_create

DATA = Path(__file__).resolve().parents[1] / "pipeline" / "data"
NOTICE = "Page 2 of field-notes.pdf has no readable text, even by OCR; it is left out of the script."


def field_notes() -> bytes:
    """A readable page, then a page of made-up words in a font without a map to letters."""
    source = PdfReader(DATA / "unmapped-fonts.pdf")
    writer = PdfWriter()
    writer.add_page(source.pages[0])
    writer.add_page(source.pages[3])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_page_left_out_is_named_on_the_job_page_and_api(
    user: User, signed_in: Client, client: Client, settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RENDER_WORKDIR = tmp_path / "work"

    project = project_drafted_create(owner=user, name="field-notes.pdf", content=field_notes())

    job = project.render_jobs.get()
    assert job.notices[0] == NOTICE  # first; the writer may add its own (a short document, here)
    assert project.script_versions.get().notices == job.notices
    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()
    assert 'id="job-notices"' in page and NOTICE in page
    token = api_services.api_key_create(owner=user, name="tests").token
    body = client.get(f"/api/v1/jobs/{job.id}", headers={"Authorization": f"Bearer {token}"}).json()
    assert body["notices"] == job.notices
