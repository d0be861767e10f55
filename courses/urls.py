from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("mi-avance/", views.dashboard, name="dashboard"),
    path("buscar/", views.search, name="search"),
    path("cursos/<int:course_id>/inscripcion/", views.enrol, name="enrol"),
]
