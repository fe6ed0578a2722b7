"""Sign-up tells no one whether an address already has an account: the page is the same either way, and the
address's owner gets an email (a link to confirm, or a note that they already have an account)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from animagenius.accounts.models import User
from tests.conftest import email_verified

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase-42"


def sign_up(email: str) -> tuple[int, str, str]:
    """A fresh browser signs up as `email`: the status, where it was sent, and that page's text (the address
    it names written as <email>)."""
    browser = Client()
    answer = browser.post(
        reverse("account_signup"),
        {"email": email, "password1": "another-long-passphrase-7", "password2": "another-long-passphrase-7"},
    )
    page = browser.get(answer["Location"]) if answer.status_code == 302 else answer
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())
    text = text.replace(email, "<email>")
    return answer.status_code, answer.get("Location", ""), text


def test_a_registered_address_gets_the_same_answer_as_a_new_one_and_an_email():
    ada = email_verified(User.objects.create_user("ada@example.com", PASSWORD))

    new = sign_up("grace@example.com")
    registered = sign_up("ada@example.com")

    assert registered == new  # same status, same next page, word for word
    assert new[0] == 302 and "already" not in new[2].lower() and "Verify Your Email Address" in new[2]
    to_ada = [message for message in mail.outbox if message.to == ["ada@example.com"]]
    to_grace = [message for message in mail.outbox if message.to == ["grace@example.com"]]
    assert len(to_ada) == 1 and "already exists" in to_ada[0].subject.lower()
    assert len(to_grace) == 1 and "/accounts/confirm-email/" in str(to_grace[0].body)
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)  # the sign-up changed nothing of the account it met
    assert User.objects.filter(email="ada@example.com").count() == 1
