"""PayPal settings come from the environment and fail fast, naming the variable: without credentials we talk
to the local simulator; with them, to PayPal's sandbox unless told `live`."""

from __future__ import annotations

import pytest

from animagenius.billing.paypal.settings import PayPalSettings

PAYPAL_CREDENTIALS = {
    "PAYPAL_CLIENT_ID": "AbC",
    "PAYPAL_CLIENT_SECRET": "s3cret",
    "PAYPAL_WEBHOOK_ID": "WH-1",
}


def test_without_credentials_the_local_simulator_is_used():
    settings = PayPalSettings.from_env({"HOME": "/root"})
    assert settings.mode == "local"
    assert (settings.client_id, settings.client_secret) == ("sim-client", "sim-secret")
    assert settings.webhook_id == "WH-LOCAL-SIMULATOR"
    assert settings.base_url == "http://127.0.0.1:8790"
    assert PayPalSettings.from_env({"PAYPAL_SIMULATOR_PORT": "9001"}).base_url == "http://127.0.0.1:9001"


def test_with_credentials_the_sandbox_is_the_default_and_live_is_chosen_by_name():
    sandbox = PayPalSettings.from_env(PAYPAL_CREDENTIALS)
    assert (sandbox.mode, sandbox.base_url) == ("sandbox", "https://api-m.sandbox.paypal.com")
    assert (sandbox.client_id, sandbox.client_secret, sandbox.webhook_id) == ("AbC", "s3cret", "WH-1")
    live = PayPalSettings.from_env({**PAYPAL_CREDENTIALS, "PAYPAL_MODE": "live"})
    assert (live.mode, live.base_url) == ("live", "https://api-m.paypal.com")


def test_an_api_base_override_wins_for_tests():
    settings = PayPalSettings.from_env({"PAYPAL_API_BASE": "http://127.0.0.1:5555/"})
    assert (settings.mode, settings.base_url) == ("local", "http://127.0.0.1:5555")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PAYPAL_MODE": "production"}, r"PAYPAL_MODE must be one of local, sandbox, live, not 'production'"),
        ({"PAYPAL_MODE": "live"}, r"PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET, PAYPAL_WEBHOOK_ID are required"),
        ({"PAYPAL_CLIENT_ID": "AbC"}, r"PAYPAL_CLIENT_SECRET, PAYPAL_WEBHOOK_ID are required .* sandbox"),
        ({**PAYPAL_CREDENTIALS, "PAYPAL_WEBHOOK_ID": ""}, r"PAYPAL_WEBHOOK_ID is required when PAYPAL_MODE"),
        ({"PAYPAL_SIMULATOR_PORT": "http"}, r"PAYPAL_SIMULATOR_PORT must be a port number"),
        ({"PAYPAL_SIMULATOR_PORT": "70000"}, r"PAYPAL_SIMULATOR_PORT must be a port number"),
        ({"PAYPAL_API_BASE": "ftp://x"}, r"PAYPAL_API_BASE must be an http\(s\) URL"),
    ],
)
def test_a_wrong_environment_is_refused_naming_the_variable(environ, message):
    with pytest.raises(ValueError, match=message):
        PayPalSettings.from_env(environ)


def test_the_client_secret_stays_out_of_logs():
    assert "s3cret" not in repr(PayPalSettings.from_env(PAYPAL_CREDENTIALS))


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://api.paypal.com/v1/notifications/certs/CERT-360caa42", True),
        ("https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1", True),
        ("https://api.paypal.com:443/v1/notifications/certs/CERT-1", True),
        ("http://api.paypal.com/v1/notifications/certs/CERT-1", False),
        ("https://api.paypal.com:8443/cert", False),
        ("https://paypal.com.evil.example/cert", False),
        ("https://evilpaypal.com/cert", False),
        ("https://api.paypal.com@evil.example/cert", False),
        ("https://api.paypal.com:x/cert", False),
        (
            "http://127.0.0.1:8790/certs/sim.pem",
            False,
        ),  # the simulator's address is PayPal only in local mode
    ],
)
def test_webhook_certificates_come_from_paypal_hosts_over_https(url, allowed):
    assert PayPalSettings.from_env(PAYPAL_CREDENTIALS).cert_url_allowed(url) is allowed


def test_in_local_mode_the_simulator_may_serve_certificates_over_http():
    local = PayPalSettings.from_env({})
    assert local.cert_url_allowed("http://127.0.0.1:8790/certs/sim.pem")
    assert local.cert_url_allowed("https://api.paypal.com/v1/notifications/certs/CERT-1")
    assert not local.cert_url_allowed("http://127.0.0.1:8791/certs/sim.pem")
    assert not local.cert_url_allowed("http://localhost:8790/certs/sim.pem")
