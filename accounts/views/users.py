"""Users pages: the list (with the pending invitations), one user's page with its role,
deactivation / reactivation and history, and the administration history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.filters import AccountEventFilter, UserFilter
from accounts.forms import RoleForm
from accounts.models import User
from accounts.policy import may_change_active, may_change_role
from accounts.selectors import account_event_list, invitation_list, user_admin_list
from accounts.services.user_admin import user_deactivate, user_reactivate, user_role_change
from accounts.tables import (
    ACCOUNT_EVENT_EXPORT_COLUMNS,
    USER_EXPORT_COLUMNS,
    AccountEventTable,
    UserTable,
)
from accounts.views.gates import require_user_administration
from web.form_errors import show_service_error
from web.lists import ScopedListView
from web.mixins import get_scoped_object_or_404


class UserListView(ScopedListView):
    selector = user_admin_list
    filterset_class = UserFilter
    table_class = UserTable
    template_name = "accounts/user_list.html"
    export_columns = USER_EXPORT_COLUMNS
    export_filename = "utilisateurs"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_user_administration(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["invitations"] = [
            invitation
            for invitation in invitation_list(user=self.request.user).filter(  # type: ignore[arg-type]
                accepted_at=None, revoked_at=None
            )[:50]
            if invitation.is_pending
        ]
        return context


class AccountHistoryView(ScopedListView):
    selector = account_event_list
    filterset_class = AccountEventFilter
    table_class = AccountEventTable
    template_name = "accounts/history.html"
    export_columns = ACCOUNT_EVENT_EXPORT_COLUMNS
    export_filename = "historique-comptes"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_user_administration(request)
        return super().dispatch(request, *args, **kwargs)


def _target(request: HttpRequest, pk: int) -> tuple[User, User]:
    actor = require_user_administration(request)
    return actor, get_scoped_object_or_404(user_admin_list, user=actor, pk=pk)


def user_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, target = _target(request, pk)
    role_form = RoleForm(initial={"role": target.role, "partner": target.partner_id}, actor=actor)
    return _detail_page(request, actor, target, role_form)


def _detail_page(
    request: HttpRequest, actor: User, target: User, role_form: RoleForm, status: int = 200
) -> HttpResponse:
    context = {
        "target": target,
        "role_form": role_form if may_change_role(actor, target) else None,
        "may_change_active": may_change_active(actor, target),
        "events": account_event_list(user=actor).filter(target_user=target)[:50],
    }
    return render(request, "accounts/user_detail.html", context, status=status)


@require_POST
def user_role_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, target = _target(request, pk)
    if not may_change_role(actor, target):
        raise PermissionDenied
    form = RoleForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            user_role_change(
                actor=actor,
                user=target,
                role=form.cleaned_data["role"],
                partner=form.cleaned_data["partner"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Rôle de %(user)s modifié.") % {"user": target.username})
            return redirect("accounts:user_detail", pk=target.pk)
    return _detail_page(request, actor, target, form, status=400)


@require_POST
def user_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, target = _target(request, pk)
    user_deactivate(actor=actor, user=target)
    messages.success(
        request,
        _("Compte de %(user)s désactivé : ses sessions et ses jetons d'API sont refusés.")
        % {"user": target.username},
    )
    return redirect("accounts:user_detail", pk=target.pk)


@require_POST
def user_reactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, target = _target(request, pk)
    user_reactivate(actor=actor, user=target)
    messages.success(request, _("Compte de %(user)s réactivé.") % {"user": target.username})
    return redirect("accounts:user_detail", pk=target.pk)
