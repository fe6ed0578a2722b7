from django.contrib import admin
from django.urls import include, path

from animagenius.studio import views as studio_views

urlpatterns = [
    path("", studio_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("projects/", include("animagenius.studio.urls")),
    path("voices/", studio_views.voice_list, name="voice_list"),
    path("voices/<str:name>/preview", studio_views.voice_preview, name="voice_preview"),
]
