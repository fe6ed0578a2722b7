"""PayPal, Django-free: the REST calls of our subscription billing (`client.PayPalClient`), the off-line check
of webhook signatures (`webhooks.webhook_verify`) and the settings both read (`settings.PayPalSettings`).

Import from the modules; this package imports nothing, so the webhook check does not load the SDK."""
