"""Cohorts, sessions and attendance (filled in by the cohorts work)."""

urlpatterns = []
