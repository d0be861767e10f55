"""Multiplicadores and the cascade; included by rollout/urls.py."""

from django.urls import path

from . import cascade_views, qualification_views

urlpatterns = [
    path(
        "tablero/multiplicadores/",
        qualification_views.people,
        name="multiplicadores",
    ),
    path(
        "tablero/multiplicadores/<int:pk>/",
        qualification_views.candidate,
        name="multiplicador",
    ),
    path(
        "tablero/multiplicadores/<int:pk>/modulo/",
        qualification_views.open_module,
        name="multiplicador_open_module",
    ),
    path("tablero/cascada/", cascade_views.cascade, name="cascade"),
    path("tablero/cascada/aristas.csv", cascade_views.cascade_csv, name="cascade_csv"),
]
