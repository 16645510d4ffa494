"""URLs of the CNSS declarations import's pages (included by tracker/imports/urls.py).
Their paths stay under verification/, beside the CNSS pages they feed."""

from django.urls import path

from tracker.imports.declarations import views

urlpatterns = [
    path("verification/declarations/", views.declarations_list, name="declarations_list"),
    path(
        "verification/declarations/sample/", views.declarations_sample, name="declarations_sample"
    ),
    path(
        "verification/declarations/<int:pk>/", views.declarations_detail, name="declarations_detail"
    ),
    path(
        "verification/declarations/<int:pk>/confirm/",
        views.declarations_confirm_view,
        name="declarations_confirm",
    ),
    path(
        "verification/declarations/<int:pk>/cancel/",
        views.declarations_cancel_view,
        name="declarations_cancel",
    ),
]
