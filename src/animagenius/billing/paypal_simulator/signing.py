"""The simulator's webhook signatures: an RSA key (kept in the state, so a restart signs with the same key and
an app that cached the certificate keeps verifying) and a self-signed certificate made at start.

PayPal signs `<transmission id>|<transmission time>|<webhook id>|<CRC32 of the raw body, unsigned decimal>`
with RSA-SHA256 (PKCS #1 v1.5), base64-encoded."""

from __future__ import annotations

import base64
import zlib
from datetime import timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from animagenius.billing.paypal_simulator.wire import now

CERT_PATH = "/v1/notifications/certs/CERT-simulator.pem"
AUTH_ALGO = "SHA256withRSA"
CERT_VALID = timedelta(days=365)


def signed_text(*, transmission_id: str, transmission_time: str, webhook_id: str, body: bytes) -> bytes:
    return f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}".encode()


class Signer:
    def __init__(self, key: rsa.RSAPrivateKey) -> None:
        self.key = key
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Local PayPal simulator"),
                x509.NameAttribute(NameOID.COMMON_NAME, "messageverificationcerts.simulator.local"),
            ]
        )
        start = now() - timedelta(days=1)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + CERT_VALID)
            .sign(key, hashes.SHA256())
        )

    @classmethod
    def from_pem(cls, key_pem: str) -> Signer:
        """A signer with the key `key_pem`, or a new key when it is empty."""
        if not key_pem:
            return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))
        key = serialization.load_pem_private_key(key_pem.encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("the saved signing key is not an RSA key")
        return cls(key)

    @property
    def key_pem(self) -> str:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    @property
    def cert_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def sign(self, *, transmission_id: str, transmission_time: str, webhook_id: str, body: bytes) -> str:
        text = signed_text(
            transmission_id=transmission_id,
            transmission_time=transmission_time,
            webhook_id=webhook_id,
            body=body,
        )
        return base64.b64encode(self.key.sign(text, padding.PKCS1v15(), hashes.SHA256())).decode()

    def verify(
        self, *, transmission_id: str, transmission_time: str, webhook_id: str, body: bytes, signature: str
    ) -> bool:
        text = signed_text(
            transmission_id=transmission_id,
            transmission_time=transmission_time,
            webhook_id=webhook_id,
            body=body,
        )
        try:
            raw = base64.b64decode(signature, validate=True)
            self.key.public_key().verify(raw, text, padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError):
            return False
        return True
