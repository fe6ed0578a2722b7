from celery import Task, shared_task

from animagenius.billing.events import events_unapplied, webhook_event_apply
from animagenius.billing.jobs import WEBHOOK_APPLY
from animagenius.billing.paypal.errors import PayPalUnavailable
from animagenius.billing.reconcile import subscriptions_reconcile
from animagenius.billing.subscriptions import tiers_expire


@shared_task(bind=True, acks_late=True, name=WEBHOOK_APPLY, max_retries=8)
def webhook_apply(self: Task, event_id: str) -> str:
    try:
        return webhook_event_apply(event_id=event_id)
    except PayPalUnavailable as error:  # the event stays unapplied; the sweep is the backstop
        raise self.retry(exc=error, countdown=min(600, 5 * 2**self.request.retries)) from error


@shared_task(name="billing.webhooks_sweep")
def webhooks_sweep() -> int:
    applied = 0
    for event_id in events_unapplied():
        try:
            webhook_event_apply(event_id=event_id)
            applied += 1
        except PayPalUnavailable:
            break  # PayPal is down: the next sweep goes on
    return applied


@shared_task(name="billing.subscriptions_reconcile")
def reconcile() -> dict[str, object]:
    result = subscriptions_reconcile()
    return {"read": result.read, "fixed": result.fixed, "failed": result.failed, "tiers": result.tiers_moved}


@shared_task(name="billing.tiers_expire")
def tiers_expire_task() -> int:
    return tiers_expire()
