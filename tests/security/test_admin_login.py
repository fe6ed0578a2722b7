"""The admin signs in on the site's sign-in page, under its limits: Django's own admin form, which checked
passwords without any, no longer checks one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from animagenius.accounts.models import User
from tests.conftest import email_verified
from tests.security.helpers import refusal_wait_s, sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "an-admins-long-passphrase-3"
LOGIN = reverse("account_login")


@pytest.fixture
def admin(db: None) -> User:
    return email_verified(User.objects.create_superuser("root@example.com", PASSWORD))


def test_the_admin_signs_in_on_the_sites_sign_in_page_and_lands_in_the_admin(admin: User):
    browser = Client()

    sent = browser.get("/admin/", follow=True)
    signed_in = browser.post(sent.request["PATH_INFO"] + "?" + sent.request["QUERY_STRING"],
                             {"login": admin.email, "password": PASSWORD})  # fmt: skip

    assert sent.request["PATH_INFO"] == LOGIN and sent.request["QUERY_STRING"] == "next=%2Fadmin%2F"
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_forty_passwords_posted_to_the_admin_form_are_never_checked(admin: User):
    attacker = Client()

    answers = [
        attacker.post("/admin/login/?next=/admin/", {"username": admin.email, "password": f"guess-{n}"})
        for n in range(40)
    ]
    right = attacker.post("/admin/login/?next=/admin/", {"username": admin.email, "password": PASSWORD})

    assert {answer.status_code for answer in [*answers, right]} == {302}
    assert {answer["Location"] for answer in [*answers, right]} == {f"{LOGIN}?next=%2Fadmin%2F"}
    assert attacker.get("/admin/").status_code == 302  # the right password, posted there, signed no one in


def test_guessing_the_admins_password_is_throttled_and_the_admin_elsewhere_still_gets_in(
    admin: User, settings
):
    settings.SIGNIN_BACKOFF_MAX_S = 2
    attacker, owner = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="203.0.113.20")

    guesses = [sign_in(attacker, admin.email, f"guess-{n}", next_url="/admin/") for n in range(5)]
    refused = sign_in(attacker, admin.email, PASSWORD, next_url="/admin/")

    assert all(guess.status_code == 200 and refusal_wait_s(guess) is None for guess in guesses)
    assert refused.status_code == 200 and refusal_wait_s(refused) is not None  # even the right password
    assert attacker.get("/admin/").status_code == 302
    wait_s = refusal_wait_s(sign_in(owner, admin.email, PASSWORD, next_url="/admin/")) or 0
    assert wait_s <= 2  # seconds, not the minutes a lock-out would take
    signed_in = sign_in(owner, admin.email, PASSWORD, next_url="/admin/", after_s=wait_s)
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert owner.get("/admin/").status_code == 200


def test_someone_signed_in_without_admin_access_is_told_so_not_sent_round_in_circles(db: None):
    person = Client()
    person.force_login(User.objects.create_user("ana@example.com", PASSWORD))

    page = person.get("/admin/", follow=True)

    assert page.status_code == 403 and len(page.redirect_chain) == 1
    assert "ana@example.com, an account without access to the admin" in page.content.decode()
