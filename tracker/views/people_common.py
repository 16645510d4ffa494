"""Helpers shared by the people views (cohorts, enrollments, hires)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tracker.services.locking import ConcurrentEditError
from web.form_errors import show_service_error


def render_form_with_error(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    form: BaseForm,
    error: ValidationError,
) -> HttpResponse:
    """The form again, with the service's error on it; 409 for an edit conflict."""
    show_service_error(form, error)
    status = 409 if isinstance(error, ConcurrentEditError) else 200
    return render(request, template, {**context, "form": form}, status=status)
