from django.urls import path

from . import learner_views

app_name = "assessments"

urlpatterns = [
    path(
        "evaluaciones/<int:assessment_id>/comenzar/",
        learner_views.assessment_begin_by_id,
        name="begin",
    ),
    path(
        "evaluaciones/intentos/<uuid:attempt_uuid>/",
        learner_views.attempt_detail,
        name="attempt",
    ),
    path(
        "evaluaciones/intentos/<uuid:attempt_uuid>/guardar/",
        learner_views.attempt_save,
        name="attempt_save",
    ),
    path(
        "evaluaciones/intentos/<uuid:attempt_uuid>/resumen/",
        learner_views.attempt_summary,
        name="attempt_summary",
    ),
    path(
        "evaluaciones/intentos/<uuid:attempt_uuid>/enviar/",
        learner_views.attempt_submit,
        name="attempt_submit",
    ),
    path(
        "evaluaciones/intentos/<uuid:attempt_uuid>/resultado/",
        learner_views.attempt_result,
        name="attempt_result",
    ),
]
