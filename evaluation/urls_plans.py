"""Plans, judgements and the evaluation lists (evaluation/plan_views.py)."""

from django.urls import path

from . import plan_views

urlpatterns = [
    path("planes/nuevo/", plan_views.plan_create, name="plan_create"),
    path("planes/<uuid:plan_uuid>/", plan_views.plan_detail, name="plan_detail"),
    path("planes/<uuid:plan_uuid>/editar/", plan_views.plan_edit, name="plan_edit"),
    path(
        "planes/<uuid:plan_uuid>/aceptar/",
        plan_views.plan_acknowledge,
        name="plan_acknowledge",
    ),
    path("planes/<uuid:plan_uuid>/juicio/", plan_views.plan_judge, name="plan_judge"),
    path("juicios/<int:pk>/", plan_views.judgement_detail, name="judgement_detail"),
    path(
        "juicios/<int:pk>/acuse/",
        plan_views.feedback_acknowledge,
        name="feedback_acknowledge",
    ),
    path("mis-evaluaciones/", plan_views.my_evaluations, name="my_evaluations"),
    path("evaluaciones/", plan_views.evaluation_list, name="evaluation_list"),
    path(
        "evaluaciones/exportar.csv",
        plan_views.evaluation_export_csv,
        name="evaluation_export_csv",
    ),
    path("analisis/", plan_views.item_analysis, name="item_analysis"),
]
