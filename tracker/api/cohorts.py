"""Cohorts: read through cohort_list; created and edited by the convention's managers
and admins through the cohort services (a partner gets 403, as on the web)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from conventions.models import Convention, Filiere, Partner, Region, Zone
from conventions.selectors import convention_list, partner_list
from tracker.api.base import (
    ScopedPrimaryKeyRelatedField,
    SmallListPagination,
    StrictSerializer,
    api_user,
)
from tracker.api.protocol import ApiViewMixin
from tracker.api.sync import with_updated_since
from tracker.filters import CohortFilter
from tracker.models import Cohort
from tracker.selectors import COHORT_RELATED, cohort_list
from tracker.services.cohorts import cohort_create, cohort_update


class CohortSerializer(serializers.ModelSerializer):
    convention_reference = serializers.CharField(source="convention.reference", read_only=True)
    operator_name = serializers.CharField(source="operator.name", read_only=True)
    filiere = serializers.CharField(source="filiere.code", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    zone = serializers.CharField(source="zone.code", read_only=True, allow_null=True)

    class Meta:
        model = Cohort
        fields = [
            "id",
            "code",
            "convention",
            "convention_reference",
            "operator",
            "operator_name",
            "filiere",
            "metier",
            "region",
            "zone",
            "city",
            "modality",
            "hours",
            "planned_seats",
            "starts_on",
            "ends_on",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CohortWriteSerializer(StrictSerializer):
    code = serializers.CharField(max_length=40)
    convention = ScopedPrimaryKeyRelatedField(
        selector=convention_list, queryset=Convention.objects.none()
    )
    operator = ScopedPrimaryKeyRelatedField(selector=partner_list, queryset=Partner.objects.none())
    filiere = serializers.SlugRelatedField(slug_field="code", queryset=Filiere.objects.all())
    metier = serializers.CharField(max_length=120)
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    zone = serializers.SlugRelatedField(
        slug_field="code", queryset=Zone.objects.all(), allow_null=True, required=False
    )
    city = serializers.CharField(max_length=100)
    modality = serializers.ChoiceField(choices=Cohort.Modality.choices)
    hours = serializers.IntegerField(min_value=1, max_value=100_000)
    planned_seats = serializers.IntegerField(min_value=1, max_value=100_000)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = serializers.ChoiceField(choices=Cohort.Status.choices, required=False)


class CohortViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Cohort.objects.none()  # the model, for the schema; rows: get_queryset
    serializer_class = CohortSerializer
    filterset_class = with_updated_since(CohortFilter)
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    # The web list sorts on these (indexed) columns only.
    ordering_fields = ["code", "starts_on"]
    pagination_class = SmallListPagination
    # Cohorts are written by staff only: a partner gets 403 before its body is read (an
    # edit: 404 first outside its scope, then 403, see tracker.api.permissions).
    staff_actions = ("create",)

    def get_queryset(self) -> QuerySet[Cohort]:
        return cohort_list(user=api_user(self.request)).select_related(*COHORT_RELATED)

    def _saved(self, cohort: Cohort, code: int) -> Response:
        cohort = self.get_queryset().get(pk=cohort.pk)
        return Response(CohortSerializer(cohort).data, status=code)

    @extend_schema(request=CohortWriteSerializer, responses={201: CohortSerializer})
    def create(self, request: Request) -> Response:
        serializer = CohortWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = {"zone": None, **serializer.validated_data}
        cohort = cohort_create(actor=api_user(request), **data)
        return self._saved(cohort, status.HTTP_201_CREATED)

    def _update(self, request: Request, *, partial: bool) -> Response:
        cohort = self.get_object()
        serializer = CohortWriteSerializer(
            data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        changes: dict[str, Any] = dict(serializer.validated_data)
        cohort = cohort_update(cohort=cohort, actor=api_user(request), **changes)
        return self._saved(cohort, status.HTTP_200_OK)

    @extend_schema(request=CohortWriteSerializer, responses={200: CohortSerializer})
    def update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, partial=False)

    @extend_schema(request=CohortWriteSerializer, responses={200: CohortSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, partial=True)
