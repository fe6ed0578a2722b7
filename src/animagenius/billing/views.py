"""Pricing, subscribing through PayPal, the billing page and receipts, and PayPal's webhook."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from animagenius.accounts.models import User
from animagenius.billing import checkout, selectors
from animagenius.billing.events import webhook_receive
from animagenius.billing.jobs import webhook_apply_later
from animagenius.billing.paypal.errors import PayPalError
from animagenius.billing.paypal.webhooks import WebhookRejected
from animagenius.billing.plans import Period, UnknownPlan, plan_for
from animagenius.billing.statement import billing_statement, transaction_find
from animagenius.billing.subscriptions import PAYING, Synced
from animagenius.core.csp import form_action_allow
from animagenius.studio.views import request_user

logger = logging.getLogger(__name__)


@require_GET
def pricing(request: HttpRequest) -> HttpResponse:
    user = request_user(request) if request.user.is_authenticated else None
    period = Period.YEARLY if request.GET.get("period") == Period.YEARLY else Period.MONTHLY
    offers = selectors.pricing_offers(user=user)
    context = {"offers": offers, "period": period, "periods": list(Period)}
    page = render(request, "billing/pricing.html", context)
    return form_action_allow(page, settings.PAYPAL.approval_origin)  # subscribing goes on to PayPal


@login_required
@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    tier, period = request.POST.get("tier", ""), request.POST.get("period", Period.MONTHLY)
    if period not in list(Period):
        messages.error(request, f"Billing is monthly or yearly, not {period!r}; choose below.")
        return redirect("pricing")
    urls = {
        "return_url": request.build_absolute_uri(reverse("billing_return")),
        "cancel_url": request.build_absolute_uri(reverse("billing_approval_cancelled")),
    }
    try:
        if checkout.subscription_paying(user=user) is not None:
            approve_url = checkout.plan_change(user=user, tier=tier, period=Period(period), **urls)
        else:
            approve_url = checkout.subscription_start(user=user, tier=tier, period=Period(period), **urls)
    except checkout.BillingRefused as error:
        messages.error(request, str(error))
        return redirect("pricing")
    except UnknownPlan:
        messages.error(request, f"There is no plan called {tier!r}; choose one below.")
        return redirect("pricing")
    except PayPalError as error:
        return _paypal_down(request, error, back="pricing")
    return redirect(approve_url)


@login_required
@require_GET
def subscription_return(request: HttpRequest) -> HttpResponse:
    """PayPal sends the person back here after approving; PayPal is asked what happened."""
    user = request_user(request)
    paypal_id = request.GET.get("subscription_id", "")
    try:
        synced = checkout.subscription_refresh(user=user, paypal_id=paypal_id, source="return from PayPal")
    except checkout.BillingRefused as error:
        messages.error(request, str(error))
        return redirect("pricing")
    except PayPalError:
        synced = None
    if synced is not None and synced.subscription.status in PAYING:
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("billing")
            return response
        messages.success(request, f"You are on the {plan_for(synced.subscription.tier).name} plan.")
        return redirect("billing")
    template = "billing/_activating.html" if request.headers.get("HX-Request") else "billing/activating.html"
    return render(request, template, {"paypal_id": paypal_id})


@login_required
@require_GET
def approval_cancelled(request: HttpRequest) -> HttpResponse:
    messages.info(request, "You cancelled on PayPal: nothing was charged and your plan is unchanged.")
    return redirect("pricing")


@login_required
@require_GET
def billing(request: HttpRequest) -> HttpResponse:
    return render(
        request, "billing/billing.html", {"statement": billing_statement(user=request_user(request))}
    )


@login_required
@require_GET
def receipt(request: HttpRequest, transaction_id: str) -> HttpResponse:
    found = transaction_find(user=request_user(request), transaction_id=transaction_id)
    if found is None:
        raise Http404("no such payment")
    return render(request, "billing/receipt.html", {"found": found})


@login_required
@require_POST
def cancel(request: HttpRequest) -> HttpResponse:
    return _act(
        request, lambda user: checkout.subscription_cancel(user=user, reason=request.POST.get("reason", ""))
    )


@login_required
@require_POST
def reactivate(request: HttpRequest) -> HttpResponse:
    return _act(request, lambda user: checkout.subscription_reactivate(user=user))


@csrf_exempt
@require_POST
def paypal_webhook(request: HttpRequest) -> HttpResponse:
    try:
        received = webhook_receive(headers=request.headers, body=request.body)
    except WebhookRejected as error:
        logger.warning("PayPal webhook refused: %s", error)
        return HttpResponseBadRequest(f"refused: {error}", content_type="text/plain")
    if received.new:
        webhook_apply_later(event_id=received.event.event_id)
    return HttpResponse("ok", content_type="text/plain")


def _act(request: HttpRequest, action: Callable[[User], Synced]) -> HttpResponse:
    user = request_user(request)
    try:
        synced = action(user)
    except checkout.BillingRefused as error:
        messages.error(request, str(error))
    except PayPalError as error:
        return _paypal_down(request, error, back="billing")
    else:
        messages.success(
            request, f"Your subscription is now {synced.subscription.get_status_display().lower()}."
        )
    return redirect("billing")


def _paypal_down(request: HttpRequest, error: PayPalError, *, back: str) -> HttpResponse:
    logger.warning("PayPal call failed: %s", error)
    messages.error(
        request, "PayPal did not answer as expected; nothing was changed. Please try again in a minute."
    )
    return redirect(back)
