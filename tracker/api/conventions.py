"""Conventions and their commitments in force, read only, through convention_list (a
partner reads the conventions its organisation is party to; 404 for the others)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from conventions.filters import ConventionFilter
from conventions.models import Commitment, Convention, ConventionParty
from conventions.selectors import convention_list, current_commitments_of
from tracker.api.base import SmallListPagination, api_user
from tracker.api.protocol import ApiViewMixin
from tracker.api.sync import with_updated_since

# The web filter's choices (the signature years of the user's conventions) are known per
# request only: tell the schema they are years.
set_override(ConventionFilter.base_filters["signature_year"], "field", OpenApiTypes.INT)


class CommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commitment
        fields = ["indicator", "year", "target_value"]


class PartySerializer(serializers.ModelSerializer):
    partner = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = ConventionParty
        fields = ["partner_id", "partner", "role"]


class ConventionSerializer(serializers.ModelSerializer):
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    zones = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    filieres = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    commitments = serializers.SerializerMethodField()

    class Meta:
        model = Convention
        fields = [
            "id",
            "reference",
            "title",
            "kind",
            "status",
            "signed_on",
            "starts_on",
            "ends_on",
            "budget_state_mad",
            "budget_partner_mad",
            "regions",
            "zones",
            "filieres",
            "parties",
            "commitments",
        ]

    @extend_schema_field(CommitmentSerializer(many=True))
    def get_commitments(self, convention: Convention) -> list[dict[str, Any]]:
        """The targets in force (the latest amendment's), loaded for the whole page."""
        by_convention = self.context.get("commitments", {})
        return CommitmentSerializer(by_convention.get(convention.pk, []), many=True).data


class ConventionViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Convention.objects.none()  # the model, for the schema; rows: get_queryset
    serializer_class = ConventionSerializer
    filterset_class = with_updated_since(ConventionFilter)
    pagination_class = SmallListPagination
    ordering_fields = ["reference", "title", "kind", "status", "signed_on", "starts_on", "ends_on"]
    ordering = ["reference"]
    filter_backends = [
        *viewsets.ReadOnlyModelViewSet.filter_backends,
        filters.OrderingFilter,
    ]

    def get_queryset(self) -> QuerySet[Convention]:
        return (
            convention_list(user=api_user(self.request))
            .prefetch_related("regions", "zones", "filieres", "parties__partner")
            .order_by("reference")
        )

    def _with_commitments(self, conventions: list[Convention]) -> dict[str, Any]:
        by_convention: dict[int, list[Commitment]] = defaultdict(list)
        commitments = current_commitments_of(conventions=[c.pk for c in conventions]).order_by(
            "year", "indicator"
        )
        for commitment in commitments:
            by_convention[commitment.convention_id].append(commitment)
        return {**self.get_serializer_context(), "commitments": by_convention}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        data = ConventionSerializer(rows, many=True, context=self._with_commitments(rows)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        convention = self.get_object()
        context = self._with_commitments([convention])
        return Response(ConventionSerializer(convention, context=context).data)
