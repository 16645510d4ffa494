"""Invitations: the form that sends one, its cancellation, and the public page where the
invitee chooses a password."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import InvitationAcceptForm, InvitationForm
from accounts.selectors import invitation_list
from accounts.services.invitations import (
    INVITATION_TTL_HOURS,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_revoke,
)
from accounts.views.gates import require_user_administration
from web.form_errors import show_service_error
from web.mixins import get_scoped_object_or_404


def invitation_create_view(request: HttpRequest) -> HttpResponse:
    actor = require_user_administration(request)
    form = InvitationForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            created = invitation_create(
                actor=actor,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                partner=form.cleaned_data["partner"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        except PermissionDenied:
            form.add_error(
                "partner",
                _("Vous invitez seulement des lecteurs et des éditeurs de votre organisation."),
            )
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s (lien valable %(hours)s heures).")
                % {"email": created.invitation.email, "hours": _ttl_hours()},
            )
            return redirect("accounts:user_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/invitation_form.html", {"form": form}, status=status)


def _ttl_hours() -> int:
    return INVITATION_TTL_HOURS


@require_POST
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_user_administration(request)
    invitation = get_scoped_object_or_404(invitation_list, user=actor, pk=pk)
    invitation_revoke(actor=actor, invitation=invitation)
    messages.success(request, _("Invitation de %(email)s annulée.") % {"email": invitation.email})
    return redirect("accounts:user_list")


@login_not_required
@never_cache
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    # The page speaks the invitation's language (the e-mail's), unless the visitor chose
    # one with the switcher.
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(invitation.language)
        request.LANGUAGE_CODE = invitation.language
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["new_password1"],
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Votre compte est créé. Connectez-vous avec l'identifiant %(username)s.")
                % {"username": invitation.email},
            )
            return redirect("login")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "invitation": invitation}
    return render(request, "accounts/invitation_accept.html", context, status=status)
