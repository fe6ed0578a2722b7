from django.urls import path

from animagenius.studio import file_views, views

app_name = "studio"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("brand/", views.brand_kit, name="brand_kit"),
    path("brand/logo", file_views.brand_logo, name="brand_logo"),
    path("<uuid:project_id>/", views.project_detail, name="project_detail"),
    path("<uuid:project_id>/status/", views.project_status, name="project_status"),
    path("<uuid:project_id>/video.mp4", file_views.project_video, name="project_video"),
    path("<uuid:project_id>/render/", views.project_render, name="project_render"),
    path("<uuid:project_id>/delete/", views.project_delete, name="project_delete"),
    path("renditions/<uuid:rendition_id>/<str:kind>", file_views.rendition_file, name="rendition_file"),
    path("jobs/<uuid:job_id>/cancel/", views.job_cancel, name="job_cancel"),
    path("jobs/<uuid:job_id>/events/", views.job_events, name="job_events"),
    path("<uuid:project_id>/script/", views.script_save, name="script_save"),
    path("<uuid:project_id>/script/draft/", views.script_draft, name="script_draft"),
    path("<uuid:project_id>/script/estimate/", views.script_estimate, name="script_estimate"),
    path(
        "<uuid:project_id>/script/versions/<uuid:version_id>/restore/",
        views.script_version_restore,
        name="script_version_restore",
    ),
]
