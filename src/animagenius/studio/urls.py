from django.urls import path

from animagenius.studio import views

app_name = "studio"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("<uuid:project_id>/", views.project_detail, name="project_detail"),
    path("<uuid:project_id>/status/", views.project_status, name="project_status"),
    path("<uuid:project_id>/video.mp4", views.project_video, name="project_video"),
]
