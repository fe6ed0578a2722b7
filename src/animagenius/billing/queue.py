"""The default Celery queue of billing's tasks (webhooks, reconciliation; `BILLING_QUEUE`): a worker of its
own, so a PayPal event never waits behind a render. Django-free: `make run` reads it before Django starts."""

DEFAULT_BILLING_QUEUE = "billing"
