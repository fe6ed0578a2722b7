from django.contrib import admin
from django.urls import include, path

from animagenius.accounts import views as accounts_views
from animagenius.api.v1 import api as api_v1
from animagenius.studio import file_views as studio_files
from animagenius.studio import views as studio_views

urlpatterns = [
    path("", studio_views.home, name="home"),
    path("admin/login/", accounts_views.admin_login),  # before the admin's own: sign-in is rate limited
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/api-keys/", include("animagenius.api.urls")),
    path("api/v1/", api_v1.urls),
    path("projects/", include("animagenius.studio.urls")),
    path("", include("animagenius.billing.urls")),
    path("voices/", studio_files.voice_list, name="voice_list"),
    path("voices/<str:name>/preview", studio_files.voice_preview, name="voice_preview"),
]
