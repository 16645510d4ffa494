"""URL of the typed-search filters' suggestions (included by config/urls.py)."""

from django.urls import path

from tracker.views.choices import choice_suggest

urlpatterns = [
    path("choices/<slug:kind>/", choice_suggest, name="choice_suggest"),
]
