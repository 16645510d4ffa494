"""URLs of the CNSS verification pages (included by config/urls.py)."""

from django.urls import path

from tracker.verification import views

urlpatterns = [
    path("verification/", views.verification_figures, name="verification_figures"),
    path("verification/hires/", views.verification_hires, name="verification_hires"),
    path("verification/found/", views.verification_found, name="verification_found"),
    path("verification/graduates/", views.verification_graduates, name="verification_graduates"),
    path("verification/request/", views.request_file, name="verification_request"),
    path("verification/incentives/", views.incentive_report, name="incentive_report"),
]
