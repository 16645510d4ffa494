"""URLs of the figures pages (included by config/urls.py)."""

from django.urls import path

from tracker.figures.comparison_view import ComparisonView
from tracker.figures.dashboard import DashboardView
from tracker.figures.views import FigureEnrollmentsView, FigureHiresView

urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("figures/enrollments/", FigureEnrollmentsView.as_view(), name="figure_enrollments"),
    path("figures/hires/", FigureHiresView.as_view(), name="figure_hires"),
    path("figures/compare/", ComparisonView.as_view(), name="figure_comparison"),
]
