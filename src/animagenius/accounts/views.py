"""The admin's sign-in: the site's own sign-in page (allauth), with its limits on failed attempts."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def admin_login(request: HttpRequest) -> HttpResponse:
    """In place of Django's admin sign-in form, which checks passwords with no limit at all: signed out, to
    /accounts/login/?next=… (a password posted here is never checked); signed in as an admin, on to `next`;
    signed in without access, a page saying so (sending them to sign in would bring them back here)."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
    if request.user.is_active and request.user.is_staff:
        return redirect(target)
    return render(request, "accounts/admin_no_access.html", status=403)
