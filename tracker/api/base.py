"""What every resource of the API shares: serializers that refuse unknown or read-only
fields (no mass assignment), scoped querysets, pagination."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request

from accounts.models import User


class StrictSerializer(serializers.Serializer):
    """Refuses, naming it, any field the client may not set (read-only, another
    operator, a status, a role...) instead of silently ignoring it."""

    def to_internal_value(self, data: Any) -> Any:
        refused: dict[str, Any] = {}
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            refused = {
                str(key): [
                    serializers.ErrorDetail(
                        _("Ce champ ne peut pas être défini ici."), code="not_writable"
                    )
                ]
                for key in data
                if key not in writable
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            # Every error at once: the refused fields and the others.
            if refused and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **refused}) from error
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass


def api_user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class CheckedPageSize:
    """``page_size`` from 1 to ``max_page_size``: anything else is a 400 naming the
    bounds, never a silent default or cap."""

    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        default: int = self.page_size  # type: ignore[attr-defined]
        if raw is None:
            return default
        if not raw.strip().isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise serializers.ValidationError(
                {
                    self.page_size_query_param: [
                        serializers.ErrorDetail(
                            _("Un entier de 1 à %(max)s est attendu.")
                            % {"max": self.max_page_size},
                            code="invalid_page_size",
                        )
                    ]
                }
            )
        return int(raw)


class LargeListPagination(CheckedPageSize, CursorPagination):
    """Enrollments, hires, trainees: up to a million rows; a cursor stays fast at any
    depth (no OFFSET) and stable while rows are added."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "-id"


class SmallListPagination(CheckedPageSize, PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id looked up in the role-scoped selector: another partner's object answers the
    same "does not exist" as a missing one."""

    def __init__(self, *, selector: Any, **kwargs: Any) -> None:
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return self.selector(user=api_user(self.context["request"]))


def prefix_errors(error: Any, *, fields: tuple[str, ...], prefix: str) -> Any:
    """A service's ValidationError with the fields of a nested object renamed
    ``<prefix>.<field>`` (a trainee's CIN is ``trainee.cin`` in an enrollment)."""
    from django.core.exceptions import ValidationError

    if not hasattr(error, "error_dict"):
        return error
    renamed = {
        (f"{prefix}.{name}" if name in fields else name): messages
        for name, messages in error.error_dict.items()
    }
    return ValidationError(renamed)
