from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from animagenius.accounts.models import User
from animagenius.studio.models import Project
from tests.factories import project_drafted_create, user_create


@pytest.fixture
def user(db: None) -> User:
    return user_create(email="ada@example.com")


@pytest.fixture
def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    """Uploads, renders and voice previews in this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RENDER_WORKDIR = tmp_path / "work"
    settings.VOICE_PREVIEW_DIR = tmp_path / "previews"
    return tmp_path


@pytest.fixture
def tides(user: User, media: Path) -> Project:
    """The user's project of the tides article, its script drafted (version 1), ready to render."""
    return project_drafted_create(owner=user)
