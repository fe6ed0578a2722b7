from typing import Any

from django.core.management.base import BaseCommand, CommandError

from animagenius.billing.paypal.errors import PayPalError
from animagenius.billing.plan_sync import paypal_plans_sync


class Command(BaseCommand):
    help = (
        "Create or update the PayPal product and one PayPal plan per paid tier and period; store their ids."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            for line in paypal_plans_sync():
                self.stdout.write(line)
        except PayPalError as error:
            raise CommandError(f"PayPal refused or could not be reached: {error}") from error
