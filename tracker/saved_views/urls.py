"""URLs of the dashboard's saved views (included by config/urls.py)."""

from django.urls import path

from tracker.saved_views.views import (
    saved_view_open,
    saved_view_remove,
    saved_view_save,
    saved_view_sharing,
)

urlpatterns = [
    path("dashboard/views/", saved_view_save, name="saved_view_save"),
    path("dashboard/views/<int:pk>/", saved_view_open, name="saved_view_open"),
    path("dashboard/views/<int:pk>/delete/", saved_view_remove, name="saved_view_remove"),
    path("dashboard/views/<int:pk>/share/", saved_view_sharing, name="saved_view_sharing"),
]
