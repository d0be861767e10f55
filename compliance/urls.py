from django.urls import path

from . import views, views_exports

app_name = "compliance"

urlpatterns = [
    # --- Public verification of a DC-3 (the QR code lands here) ------------------
    path("verificar/dc3/<str:code>/", views.verify, name="verify"),
    # --- The worker's own DC-3 ---------------------------------------------------
    path("mi-avance/dc3/<int:pk>/pdf/", views.own_dc3_pdf, name="own_pdf"),
    # --- HR (compliance.access.hr_required; scoped to HR's units) ----------------
    path("tablero/dc3/", views.dc3_list, name="list"),
    path("tablero/dc3/pendientes/", views.dc3_pending, name="pending"),
    path(
        "tablero/dc3/emitir/<int:course_pk>/<int:worker_pk>/",
        views.dc3_issue,
        name="issue",
    ),
    path("tablero/dc3/descarga.zip", views_exports.dc3_zip, name="zip"),
    path("tablero/dc3/lista-dc4/", views_exports.dc4, name="dc4"),
    path("tablero/dc3/<int:pk>/pdf/", views.dc3_pdf, name="pdf"),
    path("tablero/dc3/<int:pk>/reemitir/", views.dc3_reissue, name="reissue"),
]
