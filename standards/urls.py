from django.urls import path

from . import views

app_name = "standards"

urlpatterns = [
    path("estandar/<str:code>/", views.standard_detail, name="standard_detail"),
]
