from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("buscar/", views.search, name="search"),
    path("cursos/<int:course_id>/inscripcion/", views.enrol, name="enrol"),
]
