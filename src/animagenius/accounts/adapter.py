"""allauth's adapter, with our limits on failed sign-ins (signin_limits.py) in place of its lock-out."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from animagenius.accounts import signin_limits
from animagenius.core.ratelimit import RateLimited


class AccountAdapter(DefaultAccountAdapter):
    _attempt: signin_limits.Attempt | None = None

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth's own "login_failed" limit locks an account for 5 minutes after 5 failures from anywhere;
        # this replaces it (the call to super() would consume it)
        login = str(credentials.get("email") or credentials.get("username") or "")
        try:
            self._attempt = signin_limits.attempt_begin(ip=self.get_client_ip(request), login=login)
        except RateLimited as refusal:
            raise forms.ValidationError(str(refusal), code="too_many_login_attempts") from None

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is not None and self._attempt is not None:
            signin_limits.attempt_succeeded(self._attempt)
        return user
