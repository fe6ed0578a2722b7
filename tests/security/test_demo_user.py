"""The demo account (an admin with a published password) exists only on a development machine: under the
local settings with DEBUG on. Anywhere else `ensure_demo_user` refuses, changes nothing and exits non-zero,
and `make run` starts without it, saying so (issue 19, item 2)."""

from __future__ import annotations

import sqlite3

import pytest

from animagenius.accounts.management.commands.ensure_demo_user import DEMO_EMAIL, DEMO_PASSWORD
from animagenius.accounts.models import User
from tests.conftest import process_env
from tests.security.conftest import MakeRun, manage, production_env

pytestmark = pytest.mark.django_db(transaction=True)  # the command runs in a process of its own

REFUSAL = "No demo account here"


@pytest.mark.parametrize(
    ("settings_module", "debug"),
    [
        ("animagenius.config.settings.production", None),
        ("animagenius.config.settings.test", "true"),
        ("animagenius.config.settings.local", "false"),
    ],
)
def test_the_demo_account_is_refused_outside_a_development_machine(settings_module: str, debug: str | None):
    env = production_env(process_env(), DJANGO_SETTINGS_MODULE=settings_module, DEBUG=debug)

    completed = manage("ensure_demo_user", env=env)

    assert completed.returncode != 0
    assert REFUSAL in completed.stderr and settings_module in completed.stderr
    assert "createsuperuser" in completed.stderr  # what to do instead
    assert DEMO_PASSWORD not in completed.stdout  # no login printed
    assert not User.objects.filter(email=DEMO_EMAIL).exists()


def test_a_refusal_leaves_an_existing_demo_account_as_it_was():
    existing = User.objects.create_user(DEMO_EMAIL, "changed-by-its-owner-42")

    completed = manage("ensure_demo_user", env=production_env(process_env()))

    assert completed.returncode != 0 and REFUSAL in completed.stderr
    existing.refresh_from_db()
    assert existing.check_password("changed-by-its-owner-42") and not existing.is_staff


def test_under_local_settings_with_debug_the_demo_admin_is_made():
    env = process_env(DJANGO_SETTINGS_MODULE="animagenius.config.settings.local", DEBUG="true")

    completed = manage("ensure_demo_user", env=env)

    assert completed.returncode == 0, completed.stderr
    assert f"{DEMO_EMAIL} / {DEMO_PASSWORD}" in completed.stdout
    demo = User.objects.get(email=DEMO_EMAIL)
    assert demo.is_staff and demo.is_superuser and demo.has_usable_password()


def test_make_run_in_production_starts_without_the_demo_account_and_says_so(make_run: MakeRun):
    output = make_run.output()

    assert REFUSAL in output and "animagenius.config.settings.production" in output
    assert "Starting without the demo account" in output
    assert f"{DEMO_EMAIL} / {DEMO_PASSWORD}" not in output
    with sqlite3.connect(make_run.var / "db.sqlite3") as database:
        (count,) = database.execute(
            "SELECT count(*) FROM accounts_user WHERE email = ?", [DEMO_EMAIL]
        ).fetchone()
    assert count == 0
