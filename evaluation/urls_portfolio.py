"""The portafolio de evidencias (the HR bulk ZIP lives in certificates.urls)."""

from django.urls import path

from . import portfolio_views

urlpatterns = [
    path(
        "juicios/<int:pk>/portafolio.pdf",
        portfolio_views.portfolio_pdf,
        name="portfolio",
    ),
]
