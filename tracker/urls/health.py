"""Health URLs for load balancers and monitoring (included by config/urls.py)."""

from django.urls import path

from tracker.views.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
