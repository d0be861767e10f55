"""Cohort routes; included by rollout/urls.py (app_name "rollout")."""

from django.urls import path

from . import cohort_views as views

urlpatterns = [
    path("tablero/grupos/", views.cohort_list, name="cohort_list"),
    path("tablero/grupos/nuevo/", views.cohort_create, name="cohort_create"),
    path("tablero/grupos/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("tablero/grupos/<int:pk>/inscribir/", views.cohort_enrol, name="cohort_enrol"),
    path(
        "tablero/grupos/<int:pk>/sesiones/nueva/",
        views.session_create,
        name="session_create",
    ),
    path(
        "tablero/grupos/<int:pk>/calendario.ics",
        views.cohort_calendar,
        name="cohort_calendar",
    ),
    path("tablero/sesiones/<int:pk>/asistencia/", views.attendance, name="attendance"),
    path("tablero/mi-calendario.ics", views.my_calendar, name="my_calendar"),
]
