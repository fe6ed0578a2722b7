"""The API key page: a key is shown once, stored as a hash, and stops working when revoked."""

from __future__ import annotations

import hashlib
import re

from django.test import Client
from django.urls import reverse

from animagenius.api import services
from animagenius.api.models import ApiKey

TOKEN = re.compile(r'<code id="new-key-token">(ag_[\w-]+)</code>')


def test_a_new_key_is_shown_once_and_only_its_hash_is_stored(client: Client, user):
    client.force_login(user)

    response = client.post(reverse("api_keys:list"), {"name": "build server"})

    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    match = TOKEN.search(response.content.decode())
    assert match, response.content.decode()
    token = match.group(1)
    key = ApiKey.objects.get(owner=user)
    assert key.name == "build server"
    assert key.hashed == hashlib.sha256(token.encode()).hexdigest()
    assert key.prefix == token[:10] and token.startswith("ag_") and len(token) > 40
    stored = [str(value) for value in ApiKey.objects.filter(id=key.id).values().get().values()]
    assert token not in stored
    page = client.get(reverse("api_keys:list")).content.decode()
    assert token not in page and f"{key.prefix}…" in page and "build server" in page and "never" in page


def test_the_key_lets_a_program_in_and_records_when_it_was_used(client: Client, user):
    new = services.api_key_create(owner=user, name="laptop")

    response = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {new.token}"})

    assert response.status_code == 200, response.content
    first_use = ApiKey.objects.get(id=new.key.id).last_used_at
    assert first_use is not None
    client.get("/api/v1/projects", headers={"Authorization": f"Bearer {new.token}"})
    assert ApiKey.objects.get(id=new.key.id).last_used_at == first_use  # written at most once a minute


def test_a_revoked_key_is_refused(client: Client, user):
    new = services.api_key_create(owner=user, name="old")
    client.force_login(user)

    response = client.post(reverse("api_keys:revoke", args=[new.key.id]))

    assert response.status_code == 302
    assert ApiKey.objects.get(id=new.key.id).revoked_at is not None
    assert "Revoked" in client.get(reverse("api_keys:list")).content.decode()
    client.logout()
    refused = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {new.token}"})
    assert refused.status_code == 401
    assert "Bearer" in refused.json()["detail"]


def test_another_persons_key_cannot_be_revoked_or_seen(client: Client, user, other_user):
    theirs = services.api_key_create(owner=other_user, name="grace's key")
    client.force_login(user)

    response = client.post(reverse("api_keys:revoke", args=[theirs.key.id]))

    assert response.status_code == 404
    assert ApiKey.objects.get(id=theirs.key.id).revoked_at is None
    assert "grace's key" not in client.get(reverse("api_keys:list")).content.decode()


def test_the_key_page_needs_a_sign_in_and_a_name(client: Client, user):
    assert client.get(reverse("api_keys:list")).status_code == 302
    client.force_login(user)
    response = client.post(reverse("api_keys:list"), {"name": ""})
    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_a_deactivated_persons_key_is_refused(client: Client, user):
    new = services.api_key_create(owner=user, name="laptop")
    user.is_active = False
    user.save()

    response = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {new.token}"})

    assert response.status_code == 401
