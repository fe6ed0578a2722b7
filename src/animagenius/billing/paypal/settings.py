"""Where PayPal is and who we are to it, read from the environment (docs/billing.md, Settings).

`local` is the simulator on this machine; `sandbox` and `live` are PayPal's and need the REST app's
credentials and the webhook's id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, cast
from urllib.parse import urlsplit

Mode = Literal["local", "sandbox", "live"]

API_BASES: dict[Mode, str] = {
    "local": "http://127.0.0.1:{simulator_port}",
    "sandbox": "https://api-m.sandbox.paypal.com",
    "live": "https://api-m.paypal.com",
}

# Where PayPal's approval pages are: the subscribe form's redirect goes there (the page's CSP form-action)
APPROVAL_ORIGINS: dict[Mode, str | None] = {
    "live": "https://www.paypal.com",
    "sandbox": "https://www.sandbox.paypal.com",
    "local": None,  # the simulator's own origin
}

# The simulator's own credentials and webhook id; PayPal's modes have none to fall back on.
CREDENTIAL_DEFAULTS: dict[Mode, dict[str, str]] = {
    "local": {
        "PAYPAL_CLIENT_ID": "sim-client",
        "PAYPAL_CLIENT_SECRET": "sim-secret",
        "PAYPAL_WEBHOOK_ID": "WH-LOCAL-SIMULATOR",
    },
    "sandbox": {},
    "live": {},
}

DEFAULT_SIMULATOR_PORT = 8790
PAYPAL_CERT_HOST_SUFFIX = ".paypal.com"


@dataclass(frozen=True)
class PayPalSettings:
    mode: Mode
    client_id: str
    client_secret: str = field(repr=False)
    webhook_id: str  # the id PayPal gave our webhook: part of the text every event's signature covers
    base_url: str  # the REST API root, no trailing slash
    timeout_s: float = 10.0  # per HTTP call to PayPal (connect and each read)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> PayPalSettings:
        """The settings the environment describes; a ValueError naming the variable when it is wrong."""
        given = {name: value for name, value in environ.items() if name.startswith("PAYPAL_") and value}
        mode_name = given.get("PAYPAL_MODE", "sandbox" if "PAYPAL_CLIENT_ID" in given else "local")
        if mode_name not in API_BASES:
            raise ValueError(f"PAYPAL_MODE must be one of {', '.join(API_BASES)}, not {mode_name!r}")
        mode = cast(Mode, mode_name)
        values = {**CREDENTIAL_DEFAULTS[mode], **given}
        missing = [
            name
            for name in ("PAYPAL_CLIENT_ID", "PAYPAL_CLIENT_SECRET", "PAYPAL_WEBHOOK_ID")
            if name not in values
        ]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            raise ValueError(f"{', '.join(missing)} {verb} required when PAYPAL_MODE is {mode}")
        base_url = values.get("PAYPAL_API_BASE") or API_BASES[mode].format(
            simulator_port=_port(values.get("PAYPAL_SIMULATOR_PORT", str(DEFAULT_SIMULATOR_PORT)))
        )
        if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
            raise ValueError(f"PAYPAL_API_BASE must be an http(s) URL, not {base_url!r}")
        return cls(
            mode=mode,
            client_id=values["PAYPAL_CLIENT_ID"],
            client_secret=values["PAYPAL_CLIENT_SECRET"],
            webhook_id=values["PAYPAL_WEBHOOK_ID"],
            base_url=base_url.rstrip("/"),
        )

    @property
    def approval_origin(self) -> str:
        """The origin of PayPal's approval pages, where a person goes to approve a subscription."""
        scheme, host, port = _origin(self.base_url)
        return APPROVAL_ORIGINS[self.mode] or f"{scheme}://{host}" + (f":{port}" if port else "")

    def cert_url_allowed(self, url: str) -> bool:
        """Whether a webhook's `PAYPAL-CERT-URL` may be fetched: HTTPS on a `*.paypal.com` host; in local
        mode also the simulator's own origin (the only place plain HTTP is accepted)."""
        try:
            scheme, host, port = _origin(url)
        except ValueError:  # a port that is not a number
            return False
        if "@" in urlsplit(url).netloc:
            return False
        on_paypal = scheme == "https" and port in (None, 443) and host.endswith(PAYPAL_CERT_HOST_SUFFIX)
        return on_paypal or (self.mode == "local" and (scheme, host, port) == _origin(self.base_url))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"PAYPAL_SIMULATOR_PORT must be a port number (1-65535), not {text!r}")
    return int(text)
