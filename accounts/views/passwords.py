"""Password reset by e-mail (Django's flow), for a user who forgot their password or is
locked out: rate limited per client address and per e-mail address, and the same answer
whether or not the address belongs to someone."""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy

from accounts.services.users import user_login_locks_clear
from accounts.tasks import password_reset_email_task
from web.client_address import client_ip
from web.form_styles import StyledFormMixin, StyledSetPasswordForm


def _within_rate(key: str, limit: int) -> bool:
    """Counts one request under ``key``; False once ``limit`` were counted in the window."""
    window = settings.PASSWORD_RESET_RATE_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


class QueuedPasswordResetForm(StyledFormMixin, PasswordResetForm):
    """Queues the e-mail (tracker.password_reset_email) instead of sending it within the
    request: the answer takes the same time whether the address exists or not."""

    def save(  # type: ignore[override]
        self, *, request: HttpRequest, use_https: bool = False, **_options: Any
    ) -> None:
        domain = get_current_site(request).domain if request else "localhost"
        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(
                functools.partial(password_reset_email_task.delay, user.pk, domain, use_https)
            )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = client_ip(request) or "unknown"
        if not _within_rate(
            f"password-reset:address:{address}", settings.PASSWORD_RESET_RATE_PER_ADDRESS
        ):
            return render(request, "registration/password_reset_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: forms.Form) -> HttpResponse:
        email = form.cleaned_data["email"].strip().casefold()
        digest = hashlib.sha256(email.encode()).hexdigest()
        if not _within_rate(
            f"password-reset:email:{digest}", settings.PASSWORD_RESET_RATE_PER_EMAIL
        ):
            # Same answer as a sent e-mail: the page never tells whether the address exists.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = StyledSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: forms.Form) -> HttpResponse:
        response = super().form_valid(form)
        user_login_locks_clear(user=form.user)  # type: ignore[attr-defined]
        return response
