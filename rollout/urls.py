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
    path(
        "tablero/personal/importar/vista-previa/",
        views_roster.roster_preview,
        name="roster_preview",
    ),
    path(
        "tablero/personal/invitaciones/",
        views_roster.invitation_list,
        name="invitation_list",
    ),
    path(
        "tablero/personal/<int:pk>/invitar/",
        views_roster.invitation_resend,
        name="invitation_resend",
    ),
    path("", include("rollout.urls_cohorts")),
    path("", include("rollout.urls_qualification")),
]
