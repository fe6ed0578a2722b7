"""Production settings keep their promises (issue 19, item 9): `check --deploy` finds nothing to warn about;
a weak SECRET_KEY or a missing mail server stops start-up; account emails reach a real mail server; every
answer carries HSTS for a year with subdomains, and a Content-Security-Policy."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, process_env
from tests.processes import free_port, process_stop, web_server_start
from tests.security.conftest import manage, production_env
from tests.security.smtp_server import SmtpServer


def test_check_deploy_reports_no_issue():
    completed = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "System check identified no issues" in completed.stdout
    assert "WARNING" not in completed.stdout + completed.stderr


@pytest.mark.parametrize(
    ("key", "what"),
    [
        (secrets.token_urlsafe(40)[:49], "49 characters"),
        ("abcd" * 20, "4 different"),
        ("django-insecure-" + secrets.token_urlsafe(48), "Django placeholder prefix"),
    ],
    ids=["short", "few-characters", "placeholder"],
)
def test_a_weak_secret_key_stops_start_up(key: str, what: str):
    completed = manage("check", env=production_env(SECRET_KEY=key))

    assert completed.returncode != 0
    assert "SECRET_KEY is too weak" in completed.stderr and what in completed.stderr
    assert "at least 50 characters with at least 5 different ones" in completed.stderr
    assert key not in completed.stderr  # the key itself is never printed


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ({}, "production sends sign-up and password-reset emails and has no mail server configured"),
        (
            {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
            "EMAIL_BACKEND='django.core.mail.backends.console.EmailBackend' prints each email in the server",
        ),
        (
            {"EMAIL_URL": "smtp://mailer:hunter2@:twenty-five"},
            "EMAIL_URL='smtp://mailer:***@:twenty-five' has",
        ),
        ({"EMAIL_URL": "mail.example.com"}, "EMAIL_URL='mail.example.com' must start with one of: smtp://"),
        (
            {"EMAIL_HOST": "smtp.example.com", "EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"},
            "EMAIL_USE_TLS and EMAIL_USE_SSL are both true",
        ),
    ],
)
def test_production_without_a_real_mail_server_does_not_start(email: dict[str, str], message: str):
    env = production_env(**{"EMAIL_URL": None, **email})

    completed = manage("check", env=env)

    assert completed.returncode != 0
    assert message in completed.stderr
    assert "hunter2" not in completed.stderr


@pytest.fixture
def mail_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.mark.parametrize("style", ["EMAIL_URL", "EMAIL_HOST"])
def test_account_emails_go_to_the_configured_mail_server(mail_server: SmtpServer, style: str):
    if style == "EMAIL_URL":
        email = {"EMAIL_URL": f"smtp://mailer:s%3Acret@127.0.0.1:{mail_server.port}"}
    else:
        email = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mail_server.port), "EMAIL_HOST_USER": "mailer",
                 "EMAIL_HOST_PASSWORD": "s:cret", "EMAIL_USE_TLS": "false"}  # fmt: skip

    completed = manage("sendtestemail", "ada@example.com", env=production_env(**{"EMAIL_URL": None, **email}))

    assert completed.returncode == 0, completed.stderr
    assert "ada@example.com" not in completed.stdout  # delivered, not printed to the log
    (delivered,) = mail_server.delivered
    assert delivered.recipients == ["ada@example.com"]
    assert delivered.login == ("mailer", "s:cret")
    assert delivered.message["To"] == "ada@example.com"


@pytest.fixture
def production_server(tmp_path: Path, django_db_setup: None) -> Iterator[str]:
    """The site under gunicorn with production settings, on the test database; its URL."""
    port = free_port()
    env = production_env(process_env(EVENTS_URL="https://events.animagenius.example.com:8443"))
    server = web_server_start(port=port, log=tmp_path / "web.log", cwd=ROOT, env=env)
    yield f"http://127.0.0.1:{port}"
    process_stop(server)


@pytest.mark.django_db(transaction=True)
def test_every_answer_carries_hsts_for_a_year_and_the_content_security_policy(production_server: str):
    behind_https = {"X-Forwarded-Proto": "https"}  # what the TLS-terminating proxy adds

    home = httpx.get(f"{production_server}/", headers=behind_https, timeout=30)
    login = httpx.get(f"{production_server}/accounts/login/", headers=behind_https, timeout=30)
    plain = httpx.get(f"{production_server}/accounts/login/", timeout=30)

    for page in (home, login):
        assert page.status_code == 200, page.text[:500]
        assert page.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
        policy = dict(
            directive.split(" ", 1) for directive in page.headers["content-security-policy"].split("; ")
        )
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
        assert policy["connect-src"] == "'self' https://events.animagenius.example.com:8443"
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
        assert page.headers["x-content-type-options"] == "nosniff"
    assert plain.status_code == 301  # plain HTTP goes to HTTPS
    assert plain.headers["location"] == production_server.replace("http:", "https:") + "/accounts/login/"


@pytest.mark.parametrize(
    ("paypal", "message"),
    [
        ({"PAYPAL_MODE": None}, "production takes payments through PayPal: set PAYPAL_CLIENT_ID"),
        (
            {"PAYPAL_MODE": "live"},
            "PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET, PAYPAL_WEBHOOK_ID are required when PAYPAL_MODE is live",
        ),
        ({"PAYPAL_MODE": "paper"}, "PAYPAL_MODE must be one of local, sandbox, live, not 'paper'"),
        (
            {"PAYPAL_MODE": "live", "PAYPAL_CLIENT_ID": "app", "PAYPAL_CLIENT_SECRET": "s3cr3t-value"},
            "PAYPAL_WEBHOOK_ID is required",
        ),
    ],
)
def test_production_without_paypal_credentials_does_not_start(paypal: dict[str, str | None], message: str):
    completed = manage("check", env=production_env(**paypal))

    assert completed.returncode != 0
    assert message in completed.stderr, completed.stderr[-2000:]
    assert "s3cr3t-value" not in completed.stderr
