"""The pages a person sees: PayPal's approval page (Approve / Cancel) and the simulator's dashboard, where
subscriptions are billed, failed, refunded and expired by hand and webhooks re-sent."""

from __future__ import annotations

from html import escape

from animagenius.billing.paypal_simulator import billing, catalog
from animagenius.billing.paypal_simulator.routing import Request, Response, Router, html_response, redirect
from animagenius.billing.paypal_simulator.state import State, Subscription
from animagenius.billing.paypal_simulator.subscriptions import ALLOWED_FROM, approve_url
from animagenius.billing.paypal_simulator.webhooks import Webhooks
from animagenius.billing.paypal_simulator.wire import PayPalError

BANNER = "Local PayPal simulator — no real money"
STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f5f7fa;color:#1c2430}
header{background:#003087;color:#fff;padding:12px 24px;font-weight:600}
main{max-width:1100px;margin:24px auto;padding:0 24px}
.card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:20px 24px;margin-bottom:20px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e6ebf0;vertical-align:top}
th{color:#5b6675;font-weight:600}
button{font:inherit;border:1px solid #9aa6b2;background:#fff;border-radius:16px;padding:3px 12px;margin:2px;
cursor:pointer}
button.primary{background:#0070ba;border-color:#0070ba;color:#fff;padding:8px 28px}
form{display:inline}
.price{font-size:28px;font-weight:600}
.error{background:#fdecea;border-color:#f5c2bd}
.muted{color:#5b6675}
code{font-size:13px}
td.time{white-space:nowrap}
"""
FROM = {"from": "dashboard"}  # a form with a field, so every browser sends it as a form
PERIOD = {"DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}


def _page(title: str, body: str, status: int = 200) -> Response:
    return html_response(
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'><style>{STYLE}</style></head>"
        f"<body><header>{BANNER}</header><main>{body}</main></body></html>",
        status,
    )


def _button(action: str, label: str, *, hidden: dict[str, str] | None = None, primary: bool = False) -> str:
    fields = "".join(
        f"<input type=hidden name='{escape(k)}' value='{escape(v)}'>" for k, v in (hidden or {}).items()
    )
    css = " class=primary" if primary else ""
    return f"<form method=post action='{escape(action)}'>{fields}<button{css}>{escape(label)}</button></form>"


def _error_page(error: PayPalError) -> Response:
    detail = error.details[0]["description"] if error.details else error.message
    return _page("Cannot do that", f"<div class='card error'>{escape(detail)}</div>", error.status)


class Pages:
    def __init__(self, *, state: State, webhooks: Webhooks) -> None:
        self.state, self.webhooks = state, webhooks

    def install(self, router: Router) -> None:
        router.add("GET", "/", lambda request: redirect("/simulator/"))
        router.add("GET", "/simulator", lambda request: redirect("/simulator/"))
        router.add("GET", "/webapps/billing/subscriptions", self.approval)
        router.add("POST", "/webapps/billing/subscriptions/approve", self.approve)
        router.add("POST", "/webapps/billing/subscriptions/cancel", self.cancel)
        router.add("GET", "/simulator/", self.dashboard)

    def _price(self, plan_id: str) -> str:
        price, currency, unit, count = catalog.plan_terms(catalog.plan(self.state, plan_id))
        period = PERIOD[unit] if count == 1 else f"{count} {PERIOD[unit]}s"
        return f"{price:.2f} {currency} / {period}"

    def approval(self, request: Request) -> Response:
        token = request.query.get("ba_token", "")
        try:
            subscription, revision = billing.by_approval_token(self.state, token)
        except PayPalError:
            return _page("Not found", "<div class='card error'>This approval link is not known.</div>", 404)
        plan_id = (
            subscription.revision["plan_id"] if revision and subscription.revision else subscription.plan_id
        )
        plan = catalog.plan(self.state, plan_id)
        waiting = revision or subscription.status == "APPROVAL_PENDING"
        heading = "Change your subscription" if revision else "Subscribe"
        buttons = (
            _button(
                "/webapps/billing/subscriptions/approve", "Approve", hidden={"ba_token": token}, primary=True
            )
            + _button("/webapps/billing/subscriptions/cancel", "Cancel", hidden={"ba_token": token})
            if waiting
            else f"<p class=muted>Nothing to approve: the subscription is {escape(subscription.status)}.</p>"
        )
        body = (
            f"<div class=card><h1>{heading}</h1>"
            f"<p class=muted>Plan</p><h2>{escape(plan['name'])}</h2>"
            f"<p>{escape(plan.get('description') or '')}</p>"
            f"<p class=price>{escape(self._price(plan_id))}</p>"
            f"<p class=muted>Subscriber: {escape(subscription.subscriber.get('email_address', ''))} · "
            f"subscription <code>{escape(subscription.id)}</code></p>{buttons}</div>"
        )
        return _page(f"{heading} — {plan['name']}", body)

    def approve(self, request: Request) -> Response:
        token = request.form().get("ba_token", "")
        try:
            return redirect(billing.approve(self.state, token=token, emit=self.webhooks.emit))
        except PayPalError as error:
            return _error_page(error)

    def cancel(self, request: Request) -> Response:
        try:
            return redirect(billing.approval_cancel(self.state, token=request.form().get("ba_token", "")))
        except PayPalError as error:
            return _error_page(error)

    def dashboard(self, request: Request) -> Response:
        error = request.query.get("error")
        parts = [f"<div class='card error'>{escape(error)}</div>"] if error else []
        parts.append(self._subscriptions_card())
        parts.append(self._deliveries_card())
        return _page("Local PayPal simulator", "".join(parts))

    def _subscriptions_card(self) -> str:
        rows = "".join(self._subscription_row(s) for s in reversed(list(self.state.subscriptions.values())))
        rows = rows or "<tr><td colspan=7 class=muted>No subscriptions yet.</td></tr>"
        return (
            "<div class=card><h2>Subscriptions</h2><table><tr><th>Subscription</th><th>Status</th>"
            "<th>Plan</th>"
            "<th>Next billing</th><th>Failed</th><th>Outstanding</th><th>Actions</th></tr>"
            f"{rows}</table></div>"
        )

    def _subscription_row(self, subscription: Subscription) -> str:
        plan = catalog.plan(self.state, subscription.plan_id)
        base = f"/simulator/subscriptions/{subscription.id}"
        armed = " <strong>(next payment fails)</strong>" if subscription.fail_next_payment else ""
        actions = "".join(
            _button(f"{base}/{path}", label, hidden=FROM)
            for path, label, move in (
                ("fail-next-payment", "Fail next payment", "fail-next-payment"),
                ("advance-cycle", "Advance one billing cycle", "bill"),
                ("refund-last-payment", "Refund last payment", "refund"),
                ("expire", "Expire", "expire"),
            )
            if subscription.status in ALLOWED_FROM[move]
        )
        if subscription.status == "APPROVAL_PENDING":
            approval = escape(approve_url(self.state, subscription.ba_token))
            actions = f"<a href='{approval}'>Approval page</a> {actions}"
        return (
            f"<tr><td><code>{escape(subscription.id)}</code><br><span class=muted>"
            f"{escape(subscription.subscriber.get('email_address', ''))}</span></td>"
            f"<td>{escape(subscription.status)}{armed}</td>"
            f"<td>{escape(plan['name'])}<br><span class=muted>{escape(self._price(plan['id']))}</span></td>"
            f"<td class=time>{escape(subscription.next_billing_time or '—')}</td>"
            f"<td>{subscription.failed_payments_count}</td><td>{escape(subscription.outstanding)}</td>"
            f"<td>{actions}</td></tr>"
        )

    def _deliveries_card(self) -> str:
        rows = "".join(
            f"<tr><td><code>{escape(d.event_id)}</code></td><td>{escape(d.event_type)}</td>"
            f"<td><code>{escape(d.resource_id)}</code></td>"
            f"<td>{d.status_code if d.status_code is not None else escape(d.error or 'pending')}</td>"
            f"<td>{d.attempts}</td><td class=time>{escape(d.time or d.created)}</td>"
            f"<td>{_button(f'/simulator/deliveries/{d.event_id}/resend', 'Re-send', hidden=FROM)}</td></tr>"
            for d in reversed(list(self.state.deliveries.values()))
        )
        rows = rows or "<tr><td colspan=7 class=muted>No webhooks sent yet.</td></tr>"
        return (
            "<div class=card><h2>Webhook deliveries</h2><table><tr><th>Event</th><th>Type</th>"
            "<th>Resource</th>"
            f"<th>Answer</th><th>Attempts</th><th>Time</th><th></th></tr>{rows}</table></div>"
        )
