from django.urls import include, path

app_name = "rollout"

urlpatterns = [
    path("", include("rollout.urls_cohorts")),
]
