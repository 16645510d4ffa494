"""``/healthz`` and ``/readyz``, for load balancers and monitoring: JSON, no login."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tracker.health import readiness


@never_cache
@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answers: no database, no cache, nothing else asked."""
    return JsonResponse({"status": "ok"})


@never_cache
@login_not_required
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """503 when this process cannot serve (database unreachable or not migrated, cache or
    broker unreachable); 200 "degraded" when only the worker's or beat's heartbeat is
    stale, so a dead worker does not take every web server out of the load balancer."""
    serving, healthy, checks = readiness()
    status = "ok" if healthy else "degraded" if serving else "unavailable"
    return JsonResponse({"status": status, "checks": checks}, status=200 if serving else 503)
