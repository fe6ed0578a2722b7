from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from animagenius.accounts.models import User
from animagenius.api import services
from tests.factories import user_create


@pytest.fixture
def user(db: None) -> User:
    return user_create(email="ada@example.com")


@pytest.fixture
def other_user(db: None) -> User:
    return user_create(email="grace@example.com")


@pytest.fixture
def token(user: User) -> str:
    return services.api_key_create(owner=user, name="tests").token


class Api:
    """The test client speaking to /api/v1 with a bearer key."""

    def __init__(self, client: Client, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self.client.get(f"/api/v1{path}", data, headers=self.headers, **extra)

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self.client.post(f"/api/v1{path}", data, headers=self.headers, **extra)

    def post_json(self, path: str, data: Any) -> Any:
        return self.post(path, data, content_type="application/json")


@pytest.fixture
def api(client: Client, token: str) -> Api:
    return Api(client, token)


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RENDER_WORKDIR = tmp_path / "work"
    return tmp_path
