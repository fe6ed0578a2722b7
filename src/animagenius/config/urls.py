from django.contrib import admin
from django.urls import include, path

from animagenius.studio import views as studio_views

urlpatterns = [
    path("", studio_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("projects/", include("animagenius.studio.urls")),
]
