"""Evaluation pages under /evaluacion/: each area keeps its own routes."""

from django.urls import include, path

from . import urls_capture, urls_plans, urls_portfolio

app_name = "evaluation"

urlpatterns = [
    path("evaluacion/", include(urls_plans)),
    path("evaluacion/", include(urls_capture)),
    path("evaluacion/", include(urls_portfolio)),
]
