"""/api/v1/ (the partner API), /api/schema/ (OpenAPI 3, generated from the code) and
/api/docs/ (Swagger UI, served from this host)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from tracker.api.batch import BatchView
from tracker.api.cohorts import CohortViewSet
from tracker.api.conventions import ConventionViewSet
from tracker.api.docs import ApiDocsView
from tracker.api.enrollments import EnrollmentViewSet
from tracker.api.figures import FiguresView
from tracker.api.identity_corrections import IdentityCorrectionViewSet
from tracker.api.placements import PlacementViewSet
from tracker.api.protocol import ApiViewMixin
from tracker.api.reference import FiliereViewSet, RegionViewSet, ZoneViewSet
from tracker.api.sync import DeletionViewSet
from tracker.api.trainees import TraineeViewSet


class Router(DefaultRouter):
    include_root_view = False
    # PUT/PATCH on /enrollments/1 as on /enrollments/1/: a partner's client need not care.
    trailing_slash = "/?"
    # JSON only, at one address per resource: the ".json" suffix routes DefaultRouter adds
    # answered writes with a 500 (the viewsets' actions take no "format" argument).
    include_format_suffixes = False


router = Router()
router.register("conventions", ConventionViewSet, basename="api-convention")
router.register("cohorts", CohortViewSet, basename="api-cohort")
router.register("trainees", TraineeViewSet, basename="api-trainee")
router.register("enrollments", EnrollmentViewSet, basename="api-enrollment")
router.register(
    "identity-corrections", IdentityCorrectionViewSet, basename="api-identity-correction"
)
router.register("hires", PlacementViewSet, basename="api-hire")
router.register("regions", RegionViewSet, basename="api-region")
router.register("zones", ZoneViewSet, basename="api-zone")
router.register("filieres", FiliereViewSet, basename="api-filiere")
router.register("deletions", DeletionViewSet, basename="api-deletion")


def _token_authenticated(patterns: list[Any]) -> list[Any]:
    """The API authenticates itself (token or session, in DRF): the site-wide login
    redirect must not answer an API client with the login page."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
        elif isinstance(pattern, URLResolver):
            _token_authenticated(pattern.url_patterns)
    return patterns


class ApiNotFoundView(ApiViewMixin, APIView):
    """Any other path under /api/v1/ (a mistyped route, an id that is not a number):
    the API's own 404 problem, never the site's HTML page."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        self.http_method_names = [request.method.lower()] if request.method else []
        setattr(self, request.method.lower(), self.not_found)
        return super().dispatch(request, *args, **kwargs)

    def not_found(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound


v1 = [
    *router.urls,
    path("figures/", FiguresView.as_view(), name="api-figures"),
    path("batch/", BatchView.as_view(), name="api-batch"),
    re_path(r"^.*$", ApiNotFoundView.as_view(), name="api-not-found"),
]

urlpatterns: list[URLPattern | URLResolver] = _token_authenticated(
    [
        path("v1/", include(v1)),
        path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
        path("docs/", ApiDocsView.as_view(), name="api-docs"),
    ]
)
