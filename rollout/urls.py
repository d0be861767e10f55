from django.urls import include, path

from . import dashboard_views as dashboards
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
    path("tablero/", dashboards.overview, name="dashboard"),
    path(
        "tablero/embudo.csv",
        dashboards.overview,
        {"fmt": "funnel"},
        name="dashboard_funnel_csv",
    ),
    path(
        "tablero/certificadas.csv",
        dashboards.overview,
        {"fmt": "timeline"},
        name="dashboard_timeline_csv",
    ),
    path("tablero/mapas/", dashboards.heat_maps, name="dashboard_heat_maps"),
    path(
        "tablero/mapas.csv",
        dashboards.heat_maps,
        {"fmt": "csv"},
        name="dashboard_heat_maps_csv",
    ),
    path("tablero/instructores/", dashboards.trainers, name="dashboard_trainers"),
    path(
        "tablero/instructores.csv",
        dashboards.trainers,
        {"fmt": "csv"},
        name="dashboard_trainers_csv",
    ),
    path("tablero/metas/", dashboards.targets, name="targets"),
    path(
        "tablero/metas/<int:pk>/borrar/",
        dashboards.target_delete,
        name="target_delete",
    ),
    path("", include("rollout.urls_cohorts")),
    path("", include("rollout.urls_qualification")),
]
