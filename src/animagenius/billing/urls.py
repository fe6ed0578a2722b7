from django.urls import path

from animagenius.billing import views

urlpatterns = [
    path("pricing/", views.pricing, name="pricing"),
    path("billing/", views.billing, name="billing"),
    path("billing/subscribe/", views.subscribe, name="billing_subscribe"),
    path("billing/return/", views.subscription_return, name="billing_return"),
    path("billing/approval-cancelled/", views.approval_cancelled, name="billing_approval_cancelled"),
    path("billing/cancel/", views.cancel, name="billing_cancel"),
    path("billing/reactivate/", views.reactivate, name="billing_reactivate"),
    path("billing/receipts/<str:transaction_id>/", views.receipt, name="billing_receipt"),
    path("billing/paypal/webhook/", views.paypal_webhook, name="paypal_webhook"),
]
