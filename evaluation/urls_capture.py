"""Observation capture: records, their items, evidence and signatures."""

from django.urls import path

from . import capture_views

urlpatterns = [
    path(
        "planes/<uuid:plan_uuid>/instrumentos/<int:instrument_pk>/registro/",
        capture_views.observation_start,
        name="observation_start",
    ),
    path(
        "registros/<uuid:uuid>/",
        capture_views.observation_detail,
        name="observation",
    ),
    path(
        "registros/<uuid:uuid>/guardar/",
        capture_views.observation_save,
        name="observation_save",
    ),
    path(
        "registros/<uuid:uuid>/evidencias/",
        capture_views.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "registros/<uuid:uuid>/firmar/",
        capture_views.observation_sign,
        name="observation_sign",
    ),
    path(
        "registros/<uuid:uuid>/corregir/",
        capture_views.observation_correct,
        name="observation_correct",
    ),
    path(
        "evidencias/<uuid:token>/",
        capture_views.evidence_download,
        name="evidence",
    ),
]
