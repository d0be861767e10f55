from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("mi-avance/", views.dashboard, name="dashboard"),
]
