from __future__ import annotations

import pytest
from django.test import Client

from animagenius.accounts.models import User

PASSWORD = "a-long-enough-passphrase-42"


@pytest.fixture
def user(db: None) -> User:
    return User.objects.create_user("ada@example.com", PASSWORD)


@pytest.fixture
def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
