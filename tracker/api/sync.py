"""Incremental sync: ``updated_since`` on every list (an indexed ``updated_at``), and the
deletions feed (``GET /api/v1/deletions/``), so that a client mirrors its data exactly:
read what changed since its last run, delete what was deleted since."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.pagination import CursorPagination

from tracker.api.base import CheckedPageSize, api_user
from tracker.api.protocol import ApiViewMixin
from tracker.models import ChangeLog, Deletion
from tracker.selectors import deletion_list

# The API names an entity as its list does.
ENTITY_NAMES: dict[str, str] = {
    ChangeLog.Entity.PLACEMENT: "hire",
    ChangeLog.Entity.ENROLLMENT: "enrollment",
    ChangeLog.Entity.TRAINEE: "trainee",
}


@extend_schema_field({"type": "string", "format": "date-time"})
class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            field_name="updated_at",
            lookup_expr="gte",
            label=_("Modifiés depuis (ISO 8601, avec fuseau)"),
            **kwargs,
        )


def with_updated_since(filterset: type[django_filters.FilterSet]) -> type[Any]:
    """The list's filters (shared with its page) plus ``updated_since``, for the API."""
    return type(
        f"Api{filterset.__name__}",
        (filterset,),
        {"updated_since": UpdatedSinceFilter(), "__module__": __name__},
    )


class DeletionSerializer(serializers.ModelSerializer):
    entity = serializers.SerializerMethodField()
    id = serializers.IntegerField(source="object_id")

    class Meta:
        model = Deletion
        fields = ["entity", "id", "deleted_at"]

    def get_entity(self, deletion: Deletion) -> str:
        return ENTITY_NAMES.get(deletion.entity, deletion.entity)


class DeletionFilter(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(
        field_name="deleted_at", lookup_expr="gte", label=_("Supprimés depuis (ISO 8601)")
    )

    class Meta:
        model = Deletion
        fields: list[str] = []


class DeletionPagination(CheckedPageSize, CursorPagination):
    page_size = 100
    ordering = ("deleted_at", "id")


class DeletionViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Rows deleted since ``since``: ``{"entity": "hire", "id": 52, "deleted_at": ...}``,
    oldest first."""

    queryset = Deletion.objects.none()
    serializer_class = DeletionSerializer
    filterset_class = DeletionFilter
    pagination_class = DeletionPagination

    def get_queryset(self) -> QuerySet[Deletion]:
        return deletion_list(user=api_user(self.request))
