from django.urls import include, path

from . import views_roster

app_name = "rollout"

urlpatterns = [
    path(
        "tablero/personal/importar/",
        views_roster.roster_upload,
        name="roster_upload",
    ),
    path(
        "tablero/personal/importar/guardar/",
        views_roster.roster_commit,
        name="roster_commit",
    ),
    path("", include("rollout.urls_cohorts")),
    path("", include("rollout.urls_qualification")),
]
