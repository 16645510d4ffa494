"""URLs of the conventions app: partners, conventions, review queue."""

from django.urls import path  # noqa: F401

app_name = "conventions"
urlpatterns: list = []
