from django.urls import path

from animagenius.api import views

app_name = "api_keys"
urlpatterns = [
    path("", views.api_key_list, name="list"),
    path("<uuid:key_id>/revoke/", views.api_key_revoke, name="revoke"),
]
