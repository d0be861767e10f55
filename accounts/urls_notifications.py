from django.urls import path

from . import notification_views as views

app_name = "notifications"

urlpatterns = [
    path("cuenta/avisos/", views.preferences, name="preferences"),
    path("cuenta/avisos/baja/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
