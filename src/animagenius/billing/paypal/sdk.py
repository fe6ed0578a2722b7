"""PayPal's official SDK (paypal-server-sdk) set up for us: pointed at our API base (the simulator's too),
authenticated with the token of our `TokenCache`, and its failures turned into ours.

What we take from the SDK is the request side: its request models, its serialization, its HTTP transport.
What we do not take is its answer models: we read the raw JSON it hands back (`ApiResponse.text`) into our own
types, because its models lose documented fields — the revise answer has no `effective_time`, and every
number read with a truthiness test turns 0 into something else (`failed_payments_count: 0` → None,
`total_cycles: 0`, PayPal's "forever", → 1) — and keep money as strings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apimatic_core.exceptions.auth_validation_exception import AuthValidationException
from paypalserversdk.configuration import Configuration, Server
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.o_auth_token import OAuthToken
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from animagenius.billing.paypal.errors import (
    PayPalAuthFailed,
    PayPalUnavailable,
    error_from_answer,
)
from animagenius.billing.paypal.settings import PayPalSettings
from animagenius.billing.paypal.tokens import TokenCache

_NEVER = 2**62  # an expiry (Unix seconds) the SDK's clock never reaches


class _OurBaseUrl(Configuration):
    """The SDK's configuration with our API base instead of one fixed per `Environment`."""

    def __init__(self, *, base_url: str, **options: Any) -> None:
        self._our_base_url = base_url
        super().__init__(**options)

    def get_base_uri(self, server: Server = Server.DEFAULT) -> str:
        return self._our_base_url


class _CacheBackedToken(OAuthToken):
    """The SDK keeps the last token it was given and asks for another only once that one has expired by its
    `expiry`; this token's expiry follows our cache, so it lapses the moment our cache drops or replaces it
    and the SDK never holds a token of its own."""

    def __init__(self, tokens: TokenCache, value: str) -> None:
        super().__init__(access_token=value, token_type="Bearer")
        self._tokens = tokens

    @property
    def expiry(self) -> int:
        return _NEVER if self._tokens.is_current(self.access_token) else 0


def sdk_client(settings: PayPalSettings, tokens: TokenCache) -> Any:
    """A `PaypalServersdkClient` on `settings.base_url` that takes its bearer token from `tokens`."""
    credentials = ClientCredentialsAuthCredentials(
        o_auth_client_id=settings.client_id,
        o_auth_client_secret=settings.client_secret,
        o_auth_token_provider=lambda _last_token, _auth_manager: _CacheBackedToken(tokens, tokens.get()),
    )
    config = _OurBaseUrl(
        base_url=settings.base_url,
        timeout=settings.timeout_s,
        max_retries=0,  # a retry is the caller's decision (PayPalUnavailable says when it is worth one)
        client_credentials_auth_credentials=credentials,
    )
    return PaypalServersdkClient(config=config)


def sdk_call(call: str, run: Callable[[], Any]) -> str:
    """Run one SDK call: the raw text of its 2xx answer, or our exception for its failure."""
    try:
        response = run()
    except ApiException as error:
        raise error_from_answer(
            call=call, status=error.response_code, body=error.response.text or ""
        ) from error
    except AuthValidationException as error:  # our token lapsed between handing it over and its use
        raise PayPalAuthFailed(
            call=call, status=401, name="TOKEN_REFUSED_BY_SDK", message=str(error), debug_id=None
        ) from error
    except OSError as error:  # requests' errors (connection, timeout) are OSErrors
        raise PayPalUnavailable(f"{call}: PayPal did not answer: {error!r}") from error
    return str(response.text or "")
