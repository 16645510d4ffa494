"""Every API error is one body, RFC 9457 ``application/problem+json``:

    {"type": "urn:problem:offshoring-tracker:duplicate_hire", "title": "Conflit",
     "status": 409, "detail": "<what happened>", "code": "duplicate_hire",
     "errors": [{"field": "trainee.cin", "reason": "...", "code": "invalid_cin",
                 "index": null}]}

``code`` is stable (clients branch on it; docs/api.md lists them), ``title`` and
``detail`` are in the request's language. ``errors`` holds one entry per wrong field
(``field`` null for the request as a whole; ``index``, the record of a batch). Django
ValidationErrors raised by the services become 400 (409 for a conflict with the stored
state), PermissionDenied 403, Http404 404, a body too large 413, throttling 429 with
Retry-After."""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from tracker.services.locking import ConcurrentEditError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE = "urn:problem:offshoring-tracker:"

# A service's ValidationError with one of these codes is a conflict with the stored
# state (409), not invalid input.
CONFLICT_CODES = {
    "conflict",
    "duplicate_hire",
    "idempotency_key_reused",
    "idempotency_request_in_progress",
}
# The code of an answer, by status, when no more specific one applies.
STATUS_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
}

GENERAL_FIELDS = {NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY, "detail"}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self, detail: str | None = None, code: str | None = None) -> None:
        super().__init__(detail or _("Requête trop volumineuse."), code)


def flatten(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """DRF's nested error detail -> a flat list of {field, reason, code, index}."""
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
            "index": None,
        }
    ]


def title_for(status_code: int) -> str:
    return {
        400: _("Requête invalide : voir les erreurs."),
        401: _("Authentification requise."),
        403: _("Action non autorisée."),
        404: _("Introuvable."),
        409: _("Conflit de modification."),
        413: _("Requête trop volumineuse."),
        429: _("Trop de requêtes."),
    }.get(status_code, _("Erreur."))


def problem(
    status_code: int,
    *,
    code: str,
    detail: str,
    errors: list[dict[str, Any]],
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """The one error body of the API (RFC 9457)."""
    body = {
        "type": PROBLEM_TYPE + code,
        "title": title_for(status_code),
        "status": status_code,
        "detail": detail,
        "code": code,
        "errors": errors,
        **extra,
    }
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _conflict_detail(exc: ConcurrentEditError) -> str:
    """The API's words for an edit conflict (the pages say "reload the page")."""
    return _(
        "Cet enregistrement a été modifié depuis la version envoyée (version actuelle : "
        "%(version)s). Relisez-le (GET), appliquez-y votre modification et renvoyez-la "
        "avec sa version."
    ) % {"version": exc.current_version if exc.current_version is not None else "?"}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    extra: dict[str, Any] = {}
    if isinstance(exc, Http404):
        # Missing or outside the user's scope: one answer, naming no model.
        exc = exceptions.NotFound(_("Introuvable."))
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    if isinstance(exc, ConcurrentEditError):
        extra["current_version"] = exc.current_version
        invalid = exceptions.ValidationError(
            {"version": [exceptions.ErrorDetail(_conflict_detail(exc), code="conflict")]}
        )
        invalid.status_code = status.HTTP_409_CONFLICT
        exc = invalid
    elif isinstance(exc, DjangoValidationError):
        conflict = getattr(exc, "code", None) in CONFLICT_CODES
        invalid = exceptions.ValidationError(as_serializer_error(exc))
        invalid.status_code = 409 if conflict else 400
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
        return problem(
            500,
            code="server_error",
            detail=_("Erreur interne : rien n'a été enregistré."),
            errors=[],
        )
    data = response.data
    errors = flatten(data)
    code: str | None = None
    if isinstance(data, dict) and set(data) == {"detail"}:
        # A single message (403, 404, 401, 429...): the detail is the message itself.
        detail = str(data["detail"])
        code = getattr(data["detail"], "code", None) or STATUS_CODES.get(response.status_code)
    else:
        detail = title_for(response.status_code)
        if response.status_code == status.HTTP_409_CONFLICT and errors:
            code = errors[0]["code"]
            detail = errors[0]["reason"]
    code = code or STATUS_CODES.get(response.status_code, "error")
    headers = {
        name: value
        for name, value in response.headers.items()
        if name in ("WWW-Authenticate", "Allow")
    }
    if isinstance(exc, exceptions.Throttled):
        headers["Retry-After"] = str(math.ceil(exc.wait or 1))
    return problem(
        response.status_code,
        code=code,
        detail=detail,
        errors=errors,
        headers=headers,
        **extra,
    )
