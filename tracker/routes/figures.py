"""URLs of the figures pages (included by tracker/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
