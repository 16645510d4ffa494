"""The home page: one per role, each showing what that role comes to do."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from accounts.models import Role, User
from conventions.models import Convention
from conventions.selectors import convention_list
from tracker.figures.dashboard_slice import SAVED_VIEWS_SHOWN
from tracker.health import background_heartbeats
from tracker.saved_views.selectors import saved_view_list
from tracker.selectors import cohort_list


def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    saved = {"saved_views": list(saved_view_list(user=user)[:SAVED_VIEWS_SHOWN])}
    if user.role == Role.ADMIN:
        return render(request, "home/admin.html", {**_admin_context(user), **saved})
    if user.role == Role.MANAGER:
        return render(request, "home/manager.html", {**_manager_context(user), **saved})
    return render(request, "home/partner.html", {**_partner_context(user), **saved})


def _admin_context(user: User) -> dict[str, Any]:
    by_status = dict(Convention.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "status_counts": [
            (label, by_status.get(value, 0)) for value, label in Convention.Status.choices
        ],
        "awaiting_review": by_status.get(Convention.Status.SUBMITTED, 0),
        "eager_tasks": settings.CELERY_TASK_ALWAYS_EAGER,
        "heartbeats": None if settings.CELERY_TASK_ALWAYS_EAGER else background_heartbeats(),
    }


def _manager_context(user: User) -> dict[str, Any]:
    managed = convention_list(user=user).filter(managers=user).order_by("-reference")
    return {"managed_conventions": managed[:20], "managed_count": managed.count()}


def _partner_context(user: User) -> dict[str, Any]:
    return {
        "conventions": convention_list(user=user).order_by("-reference")[:20],
        "cohort_count": cohort_list(user=user).count(),
    }


@method_decorator(login_not_required, name="dispatch")
class PrivacyView(TemplateView):
    """Law 09-08 notice: purpose of the processing, who to contact, CNDP declaration."""

    template_name = "privacy.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cndp_declaration_number"] = settings.CNDP_DECLARATION_NUMBER
        context["privacy_contact_email"] = settings.PRIVACY_CONTACT_EMAIL
        return context
