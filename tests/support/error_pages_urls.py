"""A URLconf for tests/web/test_error_pages.py: the product's routes and error handlers, plus
views that fail on purpose (a suspicious request, a refusal, a crash, a database query)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from accounts.models import User
from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as product_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@login_not_required
def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("forged request")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("internal reason that must not be shown")


@login_not_required
def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


@login_not_required
def reads_the_database(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(User.objects.count()))


urlpatterns = [
    path("test-errors/400/", suspicious),
    path("test-errors/403/", forbidden),
    path("test-errors/500/", crash),
    path("test-errors/database/", reads_the_database),
    *product_urlpatterns,
]
