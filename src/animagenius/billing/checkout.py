"""What a person (or an admin) does to a subscription: subscribe, come back from PayPal, change plan, cancel,
pay again after a suspension. Each asks PayPal, then reads the subscription back and syncs what PayPal says:
nothing here sets a status itself."""

from __future__ import annotations

import uuid

from animagenius.accounts.models import User
from animagenius.billing import gateway
from animagenius.billing.models import PayPalPlan, Subscription
from animagenius.billing.plans import Period, plan_for
from animagenius.billing.subscriptions import PAYING, Synced, subscription_pending_create, subscription_sync

Status = Subscription.Status


class BillingRefused(ValueError):
    """A person's billing request that cannot be done, with what to do instead."""


def subscription_start(*, user: User, tier: str, period: Period, return_url: str, cancel_url: str) -> str:
    """Create a PayPal subscription to `tier` billed per `period`; the URL of PayPal's approval page."""
    plan = _paypal_plan(tier=tier, period=period)
    if subscription_paying(user=user) is not None:
        raise BillingRefused("You already have a subscription: change its plan from your billing page.")
    name = (user.name or user.email.split("@")[0]).split(" ", 1)
    remote = gateway.paypal().subscription_create(
        plan_id=plan.paypal_plan_id,
        custom_id=str(user.pk),
        email=user.email,
        given_name=name[0],
        surname=name[1] if len(name) > 1 else "",
        return_url=return_url,
        cancel_url=cancel_url,
        request_id=f"subscribe-{uuid.uuid4()}",
    )
    if not remote.approve_url:
        raise BillingRefused("PayPal did not give an approval link; please try again.")
    subscription_pending_create(user=user, remote=remote, tier=tier, period=period, price=plan.price)
    return remote.approve_url


def subscription_refresh(*, user: User, paypal_id: str, source: str) -> Synced:
    """Read `user`'s subscription `paypal_id` from PayPal and apply it (the return from the approval page
    does not trust its URL: PayPal is asked)."""
    subscription = Subscription.objects.filter(user=user, paypal_subscription_id=paypal_id).first()
    if subscription is None:
        raise BillingRefused("That subscription is not one of yours.")
    return subscription_sync(remote=gateway.paypal().subscription_get(paypal_id), source=source)


def plan_change(*, user: User, tier: str, period: Period, return_url: str, cancel_url: str) -> str:
    """Revise the person's subscription to another plan; the URL where they approve it on PayPal. An upgrade
    counts from the approval; a downgrade keeps the higher plan until the period paid for ends."""
    subscription = subscription_paying(user=user)
    if subscription is None:
        raise BillingRefused("You have no active subscription to change; choose a plan to subscribe.")
    plan = _paypal_plan(tier=tier, period=period)
    if plan.paypal_plan_id == subscription.paypal_plan_id:
        raise BillingRefused(f"You are already on the {plan_for(tier).name} plan, billed {period}.")
    revision = gateway.paypal().subscription_revise(
        str(subscription.paypal_subscription_id),
        plan_id=plan.paypal_plan_id,
        return_url=return_url,
        cancel_url=cancel_url,
    )
    return revision.approve_url


def subscription_cancel(*, user: User, reason: str) -> Synced:
    """Cancel the person's subscription: no more payments; the plan stays until the paid period ends."""
    subscription = subscription_paying(user=user) or _suspended(user)
    if subscription is None:
        raise BillingRefused("You have no subscription to cancel.")
    paypal_id = str(subscription.paypal_subscription_id)
    gateway.paypal().subscription_cancel(paypal_id, reason=reason[:127] or "Cancelled by the subscriber")
    return subscription_refresh(user=user, paypal_id=paypal_id, source=f"cancelled by {user.email}")


def subscription_reactivate(*, user: User) -> Synced:
    """Pay the outstanding balance of a suspended subscription and make it active again."""
    subscription = _suspended(user)
    if subscription is None:
        raise BillingRefused("You have no suspended subscription to reactivate.")
    paypal_id = str(subscription.paypal_subscription_id)
    gateway.paypal().subscription_activate(paypal_id, reason="Reactivated by the subscriber")
    return subscription_refresh(user=user, paypal_id=paypal_id, source=f"reactivated by {user.email}")


def subscription_admin_move(*, subscription: Subscription, action: str, admin: User) -> Synced:
    """An admin suspends or activates a subscription on PayPal (`action`: "suspend" or "activate")."""
    paypal_id = str(subscription.paypal_subscription_id)
    call = {
        "suspend": gateway.paypal().subscription_suspend,
        "activate": gateway.paypal().subscription_activate,
    }
    call[action](paypal_id, reason=f"{action.capitalize()}d by an administrator")
    remote = gateway.paypal().subscription_get(paypal_id)
    return subscription_sync(remote=remote, source=f"{action} by admin {admin.email}")


def subscription_paying(*, user: User) -> Subscription | None:
    return Subscription.objects.filter(user=user, status__in=PAYING).order_by("-created_at").first()


def _suspended(user: User) -> Subscription | None:
    return Subscription.objects.filter(user=user, status=Status.SUSPENDED).order_by("-created_at").first()


def _paypal_plan(*, tier: str, period: Period) -> PayPalPlan:
    if not plan_for(tier).paid:
        raise BillingRefused(
            f"The {plan_for(tier).name} plan is not sold; cancel your subscription to move to it."
        )
    plan = PayPalPlan.objects.filter(tier=tier, period=period).first()
    if plan is None:
        raise BillingRefused(
            f"The {plan_for(tier).name} plan cannot be bought yet: its PayPal plan is missing "
            "(an administrator runs `manage.py paypal_sync_plans`)."
        )
    return plan
