"""The API key page: list, create (the token is shown once) and revoke a person's keys."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from animagenius.accounts.models import User
from animagenius.api import selectors, services
from animagenius.api.forms import ApiKeyForm
from animagenius.api.models import ApiKey
from animagenius.core.ratelimit import RateLimited, refusal_page


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def api_key_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ApiKeyForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.api_key_create_limit(owner=user)
            except RateLimited as refusal:
                return refusal_page(request, refusal)
            # rendered, not redirected: the token exists only in this response
            created = services.api_key_create(owner=user, name=form.cleaned_data["name"])
            form = ApiKeyForm()
            status = 201
        else:
            status = 400
    context = {"form": form, "created": created, "keys": selectors.api_key_list(user=user)}
    response = render(request, "api/api_keys.html", context, status=status)
    if created is not None:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, key_id: uuid.UUID) -> HttpResponse:
    try:
        key = selectors.api_key_get(user=_user(request), key_id=key_id)
    except ApiKey.DoesNotExist:
        raise Http404("No such API key") from None
    services.api_key_revoke(key=key)
    return redirect("api_keys:list")
