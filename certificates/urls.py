from django.urls import path

from . import hr_views, portfolio_zip, views_learner, views_public

app_name = "certificates"

urlpatterns = [
    # --- Public verification (anyone, signed in or not) ---------------------------
    path("verificar/", views_public.verify_form, name="verify_form"),
    path("verificar/<str:code>/", views_public.verify, name="verify"),
    # --- Learner: own certificates ------------------------------------------------
    path(
        "constancias/<str:code>/pdf/",
        views_learner.certificate_pdf,
        name="download",
    ),
    # --- HR screens (list, detail, revoke, re-issue, bulk download) ---------------
    # (HR and superusers only: certificates.access.hr_required; views in hr_views)
    path("certificados/", hr_views.certificate_list, name="hr_list"),
    # HR: the portafolios de evidencias in one ZIP (evaluation's PDFs, streamed).
    path(
        "evaluacion/portafolios.zip",
        portfolio_zip.portfolios_zip,
        name="hr_portfolios_zip",
    ),
    path("certificados/por-vencer/", hr_views.expiring, name="hr_expiring"),
    path("certificados/exportar.csv", hr_views.export_csv, name="hr_export_csv"),
    path("certificados/exportar.xlsx", hr_views.export_xlsx, name="hr_export_xlsx"),
    path("certificados/descarga-zip/", hr_views.bulk_zip, name="hr_bulk_zip"),
    path(
        "certificados/descargas/<int:pk>/",
        hr_views.bulk_status,
        name="hr_bulk_status",
    ),
    path(
        "certificados/descargas/<int:pk>/estado/",
        hr_views.bulk_status_json,
        name="hr_bulk_status_json",
    ),
    path(
        "certificados/descargas/<int:pk>/archivo/",
        hr_views.bulk_file,
        name="hr_bulk_file",
    ),
    path("certificados/<int:pk>/", hr_views.certificate_detail, name="hr_detail"),
    path("certificados/<int:pk>/pdf/", hr_views.certificate_pdf, name="hr_pdf"),
    path(
        "certificados/<int:pk>/generar-pdf/",
        hr_views.certificate_render,
        name="hr_render",
    ),
    path(
        "certificados/<int:pk>/revocar/",
        hr_views.certificate_revoke,
        name="hr_revoke",
    ),
    path(
        "certificados/<int:pk>/reemitir/",
        hr_views.certificate_reissue,
        name="hr_reissue",
    ),
]
