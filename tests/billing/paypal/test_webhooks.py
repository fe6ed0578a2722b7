"""A webhook is trusted only when PayPal signed it for our webhook: events signed as PayPal signs them (a
key and self-signed certificate made here, the certificate served on 127.0.0.1 as the local simulator serves
its own) pass; every way of getting it wrong is refused with its own reason, and no certificate is fetched
from where PayPal's could not be."""

from __future__ import annotations

import base64
import json
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from animagenius.billing.paypal.settings import PayPalSettings
from animagenius.billing.paypal.webhooks import (
    CertificateCache,
    RejectReason,
    WebhookRejected,
    webhook_verify,
)

WEBHOOK_ID = "WH-LOCAL-SIMULATOR"


@dataclass
class CertServer:
    url: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        state = self.server.state
        state.hits.append(self.path)
        content = state.files.get(self.path)
        self.send_response(200 if content is not None else 404)
        self.send_header("Content-Length", str(len(content or b"")))
        self.end_headers()
        self.wfile.write(content or b"")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    state: CertServer


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[_Server] = []

    def start() -> CertServer:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.state = CertServer(url=f"http://127.0.0.1:{server.server_address[1]}")
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return server.state

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Signer:
    key: rsa.RSAPrivateKey
    cert_pem: bytes


def signer(*, valid_from: datetime, valid_to: datetime) -> Signer:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "messageverificationcerts.paypal.test")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .sign(key, hashes.SHA256())
    )
    return Signer(key=key, cert_pem=certificate.public_bytes(serialization.Encoding.PEM))


@pytest.fixture(scope="module")
def paypal_key() -> Signer:
    now = datetime.now(UTC)
    return signer(valid_from=now - timedelta(days=1), valid_to=now + timedelta(days=365))


@pytest.fixture
def simulator(serve, paypal_key) -> CertServer:
    """The local PayPal's origin, serving its certificate as PayPal serves its own."""
    state = serve()
    state.files["/v1/notifications/certs/CERT-LOCAL"] = paypal_key.cert_pem
    return state


@pytest.fixture
def settings(simulator) -> PayPalSettings:
    return PayPalSettings.from_env({"PAYPAL_API_BASE": simulator.url})


@pytest.fixture
def certificates() -> Iterator[CertificateCache]:
    certificates = CertificateCache()
    yield certificates
    certificates.close()


def an_event(event_id: str = "WH-4RS12345AB678901C-5X123456AB789012D") -> bytes:
    event = {
        "id": event_id,
        "event_version": "1.0",
        "create_time": "2026-12-07T10:00:00Z",
        "resource_type": "subscription",
        "resource_version": "2.0",
        "event_type": "BILLING.SUBSCRIPTION.ACTIVATED",
        "summary": "Subscription activated",
        "resource": {"id": "I-0001", "status": "ACTIVE", "plan_id": "P-0001"},
        "links": [],
    }
    return json.dumps(event).encode()


def signed_headers(
    body: bytes,
    *,
    key: rsa.RSAPrivateKey,
    cert_url: str,
    webhook_id: str = WEBHOOK_ID,
    transmission_id: str = "69cd13f0-d67a-11e5-baa3-778b53f4ae55",
) -> dict[str, str]:
    """The headers PayPal sends with `body`, signed as PayPal signs."""
    transmission_time = "2026-12-07T10:00:01Z"
    signed = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}".encode()
    signature = key.sign(signed, padding.PKCS1v15(), hashes.SHA256())
    return {
        "PAYPAL-TRANSMISSION-ID": transmission_id,
        "PAYPAL-TRANSMISSION-TIME": transmission_time,
        "PAYPAL-TRANSMISSION-SIG": base64.b64encode(signature).decode(),
        "PAYPAL-CERT-URL": cert_url,
        "PAYPAL-AUTH-ALGO": "SHA256withRSA",
    }


def rejection(**kwargs: Any) -> WebhookRejected:
    with pytest.raises(WebhookRejected) as rejected:
        webhook_verify(**kwargs)
    return rejected.value


def test_an_event_paypal_signed_for_our_webhook_is_accepted(simulator, settings, certificates, paypal_key):
    body = an_event()
    headers = signed_headers(
        body, key=paypal_key.key, cert_url=f"{simulator.url}/v1/notifications/certs/CERT-LOCAL"
    )
    event = webhook_verify(headers=headers, body=body, settings=settings, certificates=certificates)
    assert event["id"] == "WH-4RS12345AB678901C-5X123456AB789012D"
    assert event["event_type"] == "BILLING.SUBSCRIPTION.ACTIVATED" and event["resource"]["id"] == "I-0001"
    django_style = {name.title(): value for name, value in headers.items()}  # Paypal-Transmission-Id, …
    assert (
        webhook_verify(headers=django_style, body=body, settings=settings, certificates=certificates) == event
    )


def test_the_certificate_is_fetched_once_for_many_events(simulator, settings, certificates, paypal_key):
    cert_url = f"{simulator.url}/v1/notifications/certs/CERT-LOCAL"
    events: list[dict[str, Any]] = []

    def receive(n: int) -> None:
        body = an_event(f"WH-{n}")
        headers = signed_headers(
            body, key=paypal_key.key, cert_url=cert_url, transmission_id=f"transmission-{n}"
        )
        events.append(
            webhook_verify(headers=headers, body=body, settings=settings, certificates=certificates)
        )

    threads = [threading.Thread(target=receive, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(event["id"] for event in events) == sorted(f"WH-{n}" for n in range(20))
    assert simulator.hits == ["/v1/notifications/certs/CERT-LOCAL"]


def test_a_forged_altered_or_foreign_event_fails_the_signature(simulator, settings, certificates, paypal_key):
    cert_url = f"{simulator.url}/v1/notifications/certs/CERT-LOCAL"
    body = an_event()
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attempts = {
        "forged": (body, signed_headers(body, key=forger, cert_url=cert_url)),
        "another webhook": (
            body,
            signed_headers(body, key=paypal_key.key, cert_url=cert_url, webhook_id="WH-X"),
        ),
        "altered body": (
            body.replace(b"ACTIVE", b"CANCELLED"),
            signed_headers(body, key=paypal_key.key, cert_url=cert_url),
        ),
    }
    for attempt, (sent_body, headers) in attempts.items():
        rejected = rejection(headers=headers, body=sent_body, settings=settings, certificates=certificates)
        assert rejected.reason is RejectReason.SIGNATURE_MISMATCH, attempt


def test_a_certificate_from_anywhere_but_paypal_is_never_fetched(
    serve, simulator, settings, certificates, paypal_key
):
    elsewhere = serve()  # the same machine, another origin: not the simulator
    elsewhere.files["/cert.pem"] = paypal_key.cert_pem
    body = an_event()
    for cert_url in (
        f"{elsewhere.url}/cert.pem",
        f"https://{elsewhere.url.removeprefix('http://')}/cert.pem",
        "https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1",
        "http://api.paypal.com/v1/notifications/certs/CERT-1",
    ):
        headers = signed_headers(body, key=paypal_key.key, cert_url=cert_url)
        rejected = rejection(headers=headers, body=body, settings=settings, certificates=certificates)
        assert rejected.reason is RejectReason.CERT_URL_NOT_ALLOWED, cert_url
    assert elsewhere.hits == [] and simulator.hits == []


def test_an_expired_certificate_is_refused(simulator, settings, certificates):
    now = datetime.now(UTC)
    expired = signer(valid_from=now - timedelta(days=400), valid_to=now - timedelta(days=35))
    simulator.files["/v1/notifications/certs/CERT-OLD"] = expired.cert_pem
    body = an_event()
    headers = signed_headers(
        body, key=expired.key, cert_url=f"{simulator.url}/v1/notifications/certs/CERT-OLD"
    )
    rejected = rejection(headers=headers, body=body, settings=settings, certificates=certificates)
    assert rejected.reason is RejectReason.CERT_NOT_VALID_NOW


def test_a_certificate_that_cannot_be_had_is_refused_and_tried_again_later(
    simulator, settings, certificates, paypal_key
):
    body = an_event()
    cert_url = f"{simulator.url}/v1/notifications/certs/CERT-NEW"
    headers = signed_headers(body, key=paypal_key.key, cert_url=cert_url)
    assert rejection(headers=headers, body=body, settings=settings, certificates=certificates).reason is (
        RejectReason.CERT_UNAVAILABLE
    )
    simulator.files["/v1/notifications/certs/CERT-NEW"] = b"-----BEGIN CERTIFICATE-----\n" * 5000
    assert rejection(headers=headers, body=body, settings=settings, certificates=certificates).reason is (
        RejectReason.CERT_UNAVAILABLE  # larger than any certificate
    )
    simulator.files["/v1/notifications/certs/CERT-NEW"] = paypal_key.cert_pem
    assert webhook_verify(headers=headers, body=body, settings=settings, certificates=certificates)["id"]
    assert len(simulator.hits) == 3


def test_headers_missing_malformed_or_naming_another_algorithm_are_refused(
    simulator, settings, certificates, paypal_key
):
    body = an_event()
    headers = signed_headers(
        body, key=paypal_key.key, cert_url=f"{simulator.url}/v1/notifications/certs/CERT-LOCAL"
    )
    for name in headers:
        without = {key: value for key, value in headers.items() if key != name}
        rejected = rejection(headers=without, body=body, settings=settings, certificates=certificates)
        assert rejected.reason is RejectReason.MISSING_HEADER and name.lower() in str(rejected)
    sha1 = {**headers, "PAYPAL-AUTH-ALGO": "SHA1withRSA"}
    rejected = rejection(headers=sha1, body=body, settings=settings, certificates=certificates)
    assert rejected.reason is RejectReason.UNSUPPORTED_ALGORITHM
    not_base64 = {**headers, "PAYPAL-TRANSMISSION-SIG": "not base64!"}
    rejected = rejection(headers=not_base64, body=body, settings=settings, certificates=certificates)
    assert rejected.reason is RejectReason.MALFORMED_HEADER
    assert simulator.hits == []  # none of these got as far as the certificate


@pytest.mark.parametrize("body", [b"<xml>not json</xml>", b"[1, 2]", b'{"id": "WH-1", "event_type": "X"}'])
def test_a_signed_body_that_is_not_an_event_is_refused(simulator, settings, certificates, paypal_key, body):
    headers = signed_headers(
        body, key=paypal_key.key, cert_url=f"{simulator.url}/v1/notifications/certs/CERT-LOCAL"
    )
    rejected = rejection(headers=headers, body=body, settings=settings, certificates=certificates)
    assert rejected.reason is RejectReason.NOT_AN_EVENT


def test_the_certificate_cache_is_bounded(simulator, paypal_key):
    certificates = CertificateCache(max_entries=2)
    for n in range(3):
        simulator.files[f"/certs/{n}"] = paypal_key.cert_pem
        certificates.get(f"{simulator.url}/certs/{n}")
    certificates.get(f"{simulator.url}/certs/2")
    certificates.get(f"{simulator.url}/certs/0")  # dropped when the third came in: fetched again
    assert simulator.hits == ["/certs/0", "/certs/1", "/certs/2", "/certs/0"]
