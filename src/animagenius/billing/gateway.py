"""The PayPal client and webhook certificates of this process, for the settings in force (one client per
settings: a test that points PAYPAL elsewhere gets a client of its own)."""

from __future__ import annotations

import functools

from django.conf import settings

from animagenius.billing.paypal.client import PayPalClient
from animagenius.billing.paypal.settings import PayPalSettings
from animagenius.billing.paypal.webhooks import CertificateCache


def paypal() -> PayPalClient:
    return _client(settings.PAYPAL)


def certificates() -> CertificateCache:
    return _certificates(settings.PAYPAL)


@functools.lru_cache(maxsize=4)
def _client(paypal_settings: PayPalSettings) -> PayPalClient:
    return PayPalClient(paypal_settings)


@functools.lru_cache(maxsize=4)
def _certificates(paypal_settings: PayPalSettings) -> CertificateCache:
    return CertificateCache()
