from django.http import HttpRequest

from animagenius.accounts.models import User
from animagenius.billing.plans import PAYMENT_FAILURE_THRESHOLD
from animagenius.billing.selectors import subscription_trouble


def billing_trouble(request: HttpRequest) -> dict[str, object]:
    """A past-due or suspended subscription, for the banner every page shows its owner."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    return {
        "billing_trouble": subscription_trouble(user=user),
        "billing_threshold": PAYMENT_FAILURE_THRESHOLD,
    }
