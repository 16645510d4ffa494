"""The admins' review queue: submitted conventions, oldest first, with the signing
checks each passes or fails and the approve / return actions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.views.generic import ListView

from conventions.models import Convention
from conventions.selectors import review_queue
from conventions.services import convention_sign_checks
from tracker.mixins import RoleRequiredMixin
from tracker.models import Role


class ReviewQueueView(RoleRequiredMixin, ListView):
    allowed_roles = (Role.ADMIN,)
    template_name = "conventions/review_queue.html"
    context_object_name = "conventions"
    paginate_by = 50

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "is_partner", False):
            raise Http404  # partners learn nothing, not even that the page exists
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Convention]:
        return review_queue(user=self.request.user)  # type: ignore[arg-type]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            (convention, convention_sign_checks(convention=convention))
            for convention in context["conventions"]
        ]
        return context
