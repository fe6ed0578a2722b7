"""Checking that a webhook event was sent by PayPal for our webhook, off-line (docs/billing.md, Webhooks).

PayPal signs `<transmission id>|<transmission time>|<webhook id>|<CRC32 of the raw body>` with RSA-SHA256
(PKCS#1 v1.5) and names the certificate holding its public key in `PAYPAL-CERT-URL`. We fetch that
certificate only from a PayPal host over HTTPS (or, in local mode, from the simulator), once per URL, and
check the signature against our own webhook id, so an event signed for another webhook is refused."""

from __future__ import annotations

import base64
import binascii
import json
import threading
import zlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from animagenius.billing.paypal.settings import PayPalSettings

AUTH_ALGORITHM = "SHA256withRSA"
CERT_MAX_BYTES = 64 * 1024
CERT_FETCH_TIMEOUT_S = 5.0
CERT_CACHE_ENTRIES = 32  # PayPal rotates its signing certificate rarely; a few URLs at a time

HEADERS = {
    "transmission_id": "paypal-transmission-id",
    "transmission_time": "paypal-transmission-time",
    "transmission_sig": "paypal-transmission-sig",
    "cert_url": "paypal-cert-url",
    "auth_algo": "paypal-auth-algo",
}


class RejectReason(StrEnum):
    MISSING_HEADER = "missing_header"
    MALFORMED_HEADER = "malformed_header"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    CERT_URL_NOT_ALLOWED = "cert_url_not_allowed"
    CERT_UNAVAILABLE = "cert_unavailable"  # could not be fetched or read: may work on PayPal's retry
    CERT_NOT_VALID_NOW = "cert_not_valid_now"
    SIGNATURE_MISMATCH = "signature_mismatch"  # forged, altered, or signed for another webhook id
    NOT_AN_EVENT = "not_an_event"


class WebhookRejected(ValueError):
    """The request is not a PayPal event for our webhook; `reason` is what a log or metric should name."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(f"webhook rejected ({reason}): {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Certificate:
    public_key: rsa.RSAPublicKey
    not_before: datetime
    not_after: datetime


class CertificateCache:
    """PayPal's signing certificates by URL: each fetched once (a size-capped GET, no redirects), kept
    parsed, the least recently used dropped beyond `max_entries`. Thread-safe; a failed fetch is not kept,
    so the next event tries again."""

    def __init__(
        self,
        *,
        http: httpx.Client | None = None,
        timeout_s: float = CERT_FETCH_TIMEOUT_S,
        max_bytes: int = CERT_MAX_BYTES,
        max_entries: int = CERT_CACHE_ENTRIES,
    ) -> None:
        self._own_http = http is None
        self._http = http or httpx.Client(follow_redirects=False)
        self._timeout_s = timeout_s
        self._max_bytes = max_bytes
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, Certificate] = OrderedDict()
        self._fetch_locks: dict[str, threading.Lock] = {}

    def close(self) -> None:
        """Close the HTTP connections this cache opened (not an `http` client it was given)."""
        if self._own_http:
            self._http.close()

    def get(self, url: str) -> Certificate:
        """The certificate at `url` (fetched the first time); `WebhookRejected` when it cannot be had."""
        with self._lock:
            if url in self._entries:
                self._entries.move_to_end(url)
                return self._entries[url]
            fetch_lock = self._fetch_locks.setdefault(url, threading.Lock())
        with fetch_lock:  # one fetch per URL even when many events arrive at once
            with self._lock:
                if url in self._entries:
                    return self._entries[url]
            try:
                certificate = _certificate_from_pem(url, self._download(url))
            finally:
                with self._lock:
                    self._fetch_locks.pop(url, None)
            with self._lock:
                self._entries[url] = certificate
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
            return certificate

    def _download(self, url: str) -> bytes:
        try:
            with self._http.stream("GET", url, timeout=self._timeout_s, follow_redirects=False) as answer:
                if answer.status_code != 200:
                    raise WebhookRejected(
                        RejectReason.CERT_UNAVAILABLE, f"{url} answered {answer.status_code}"
                    )
                content = bytearray()
                for chunk in answer.iter_bytes():
                    content += chunk
                    if len(content) > self._max_bytes:
                        raise WebhookRejected(
                            RejectReason.CERT_UNAVAILABLE, f"{url} is larger than {self._max_bytes} bytes"
                        )
                return bytes(content)
        except httpx.HTTPError as error:
            raise WebhookRejected(
                RejectReason.CERT_UNAVAILABLE, f"{url} could not be fetched: {error!r}"
            ) from error


def webhook_verify(
    *, headers: Mapping[str, str], body: bytes, settings: PayPalSettings, certificates: CertificateCache
) -> dict[str, Any]:
    """The event PayPal sent (the parsed body), or `WebhookRejected` saying why it is not to be trusted."""
    given = {name.lower(): value.strip() for name, value in headers.items()}
    missing = [name for name in HEADERS.values() if not given.get(name)]
    if missing:
        raise WebhookRejected(RejectReason.MISSING_HEADER, f"no {', '.join(missing)}")
    values = {field: given[name] for field, name in HEADERS.items()}
    if values["auth_algo"] != AUTH_ALGORITHM:
        raise WebhookRejected(
            RejectReason.UNSUPPORTED_ALGORITHM, f"{values['auth_algo']!r} is not {AUTH_ALGORITHM}"
        )
    if "|" in values["transmission_id"] or "|" in values["transmission_time"]:
        raise WebhookRejected(RejectReason.MALFORMED_HEADER, "a transmission id or time contains '|'")
    try:
        signature = base64.b64decode(values["transmission_sig"], validate=True)
    except binascii.Error:
        raise WebhookRejected(
            RejectReason.MALFORMED_HEADER, "the transmission signature is not base64"
        ) from None
    if not settings.cert_url_allowed(values["cert_url"]):
        raise WebhookRejected(
            RejectReason.CERT_URL_NOT_ALLOWED, f"{values['cert_url']!r} is not a PayPal certificate URL"
        )
    certificate = certificates.get(values["cert_url"])
    now = datetime.now(UTC)
    if not certificate.not_before <= now <= certificate.not_after:
        raise WebhookRejected(
            RejectReason.CERT_NOT_VALID_NOW,
            f"the certificate is valid from {certificate.not_before} to {certificate.not_after}",
        )
    signed = "|".join(
        (values["transmission_id"], values["transmission_time"], settings.webhook_id, str(zlib.crc32(body)))
    )
    try:
        certificate.public_key.verify(signature, signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise WebhookRejected(
            RejectReason.SIGNATURE_MISMATCH,
            f"transmission {values['transmission_id']} is not signed for webhook {settings.webhook_id}",
        ) from None
    return _event(body)


def _event(body: bytes) -> dict[str, Any]:
    try:
        event = json.loads(body)
    except ValueError:
        raise WebhookRejected(RejectReason.NOT_AN_EVENT, "the body is not JSON") from None
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("event_type"), str)
        and isinstance(event.get("resource"), dict)
    ):
        raise WebhookRejected(
            RejectReason.NOT_AN_EVENT, "the body is not an object with id, event_type, resource"
        )
    return event


def _certificate_from_pem(url: str, pem: bytes) -> Certificate:
    try:
        certificate = x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise WebhookRejected(RejectReason.CERT_UNAVAILABLE, f"{url} is not a PEM certificate") from None
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise WebhookRejected(RejectReason.CERT_UNAVAILABLE, f"the certificate at {url} has no RSA key")
    return Certificate(
        public_key=public_key,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )
