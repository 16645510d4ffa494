"""Every API error is JSON of one shape:

    {"detail": "<summary>", "errors": [{"field": "trainee.cin", "reason": "...", "code": "..."}]}

``field`` is null for an error about the request as a whole. Django ValidationErrors
raised by the services become 400 (409 for an edit conflict), PermissionDenied 403,
Http404 404, throttling 429 with Retry-After."""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

GENERAL_FIELDS = {NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY, "detail"}


def flatten(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """DRF's nested error detail -> a flat list of {field, reason, code}."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            name = "" if key in GENERAL_FIELDS else str(key)
            errors += flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
        return errors
    if isinstance(detail, list):
        errors = []
        for index, value in enumerate(detail):
            # A list of messages stays on the field; a list of objects gets an index.
            errors += flatten(value, f"{prefix}[{index}]" if isinstance(value, dict) else prefix)
        return errors
    return [
        {
            "field": prefix or None,
            "reason": str(detail),
            "code": getattr(detail, "code", None) or "invalid",
        }
    ]


def _summary(status_code: int) -> str:
    return {
        400: _("Requête invalide : voir les erreurs."),
        401: _("Authentification requise."),
        403: _("Action non autorisée."),
        404: _("Introuvable."),
        409: _("Conflit de modification."),
        429: _("Trop de requêtes."),
    }.get(status_code, _("Erreur."))


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        # Missing or outside the user's scope: one answer, naming no model.
        exc = exceptions.NotFound(_("Introuvable."))
    if isinstance(exc, DjangoValidationError):
        code = 409 if getattr(exc, "code", None) == "conflict" else 400
        invalid = exceptions.ValidationError(as_serializer_error(exc))
        invalid.status_code = code
        exc = invalid
    if isinstance(exc, exceptions.Throttled):
        wait = math.ceil(exc.wait or 1)
        exc = exceptions.Throttled(
            wait=wait,
            detail=_("Trop de requêtes : réessayez dans %(n)s secondes.") % {"n": wait},
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        # A bug: logged with its traceback; the client still gets JSON, with no detail.
        logger.error("API error", exc_info=exc)
        set_rollback()
        return Response(
            {"detail": _("Erreur interne : rien n'a été enregistré."), "errors": []},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        # A single message (403, 404, 401, 429...): the summary is the message itself.
        response.data = {"detail": str(data["detail"]), "errors": flatten(data)}
    else:
        response.data = {"detail": _summary(response.status_code), "errors": flatten(data)}
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and isinstance(
        exc, exceptions.Throttled
    ):
        response["Retry-After"] = str(math.ceil(exc.wait or 1))
    return response
