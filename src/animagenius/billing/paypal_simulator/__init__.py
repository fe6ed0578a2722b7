"""The local PayPal: a small HTTP server that answers the PayPal calls of docs/billing.md in PayPal's wire
format, bills subscriptions when told to, and posts signed webhooks. No Django, no real money."""
