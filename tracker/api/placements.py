"""Hires: list and read through placement_list; recorded and corrected through the
placement services (placement_check holds every hire rule, as for the form and the
import)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from conventions.models import Filiere, Partner, Region, Zone
from conventions.selectors import partner_list
from tracker.api.base import (
    LargeListPagination,
    ScopedPrimaryKeyRelatedField,
    StrictSerializer,
    api_user,
)
from tracker.api.protocol import ApiViewMixin
from tracker.api.sync import with_updated_since
from tracker.filters import PlacementFilter
from tracker.models import ChangeLog, Enrollment, HireVerification, Placement
from tracker.selectors import enrollment_list, placement_list
from tracker.services.placements import (
    PLACEMENT_FIELDS,
    PlacementInput,
    placement_create,
    placement_delete,
    placement_update,
    placement_upsert,
)

# The fields a hire is written from: the service's own list.
INPUT_FIELDS = PLACEMENT_FIELDS


def employer_choices(*, user: User) -> QuerySet[Partner]:
    """The employers the hire form offers the user (the same list)."""
    return partner_list(user=user).filter(kind=Partner.Kind.EMPLOYER)


class CnssVerificationSerializer(serializers.Serializer):
    """What the CNSS declarations say of a hire: a status, never a salary or a declared
    employer. A retention is null until the declarations cover its month."""

    verified = serializers.BooleanField(read_only=True)
    retained_6m = serializers.SerializerMethodField()
    retained_12m = serializers.SerializerMethodField()

    def get_retained_6m(self, verification: HireVerification) -> bool | None:
        return verification.retained_6m if verification.eligible_6m else None

    def get_retained_12m(self, verification: HireVerification) -> bool | None:
        return verification.retained_12m if verification.eligible_12m else None


class PlacementSerializer(serializers.ModelSerializer):
    cohort_code = serializers.CharField(source="enrollment.cohort.code", read_only=True)
    employer_display = serializers.CharField(read_only=True)
    filiere = serializers.CharField(source="filiere.code", read_only=True)
    zone = serializers.CharField(source="zone.code", read_only=True, allow_null=True)
    region = serializers.CharField(source="region.code", read_only=True, allow_null=True)
    # Read through placement_list, the verification scope's own (accounts.policy scoped
    # by operator): a status is only ever shown with a hire the caller reads.
    cnss_verification = CnssVerificationSerializer(
        source="verification",
        read_only=True,
        allow_null=True,
        help_text="Le statut de l'embauche dans les déclarations CNSS ; null tant qu'elle "
        "n'y a pas été comparée.",
    )

    class Meta:
        model = Placement
        fields = [
            "id",
            "enrollment",
            "cohort_code",
            "employer",
            "employer_name",
            "employer_ice",
            "employer_display",
            "hired_on",
            "contract_type",
            "job_title",
            "filiere",
            "zone",
            "region",
            "gross_monthly_salary_mad",
            "ended_on",
            "cnss_verified_on",
            "cnss_verification",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PlacementWriteSerializer(StrictSerializer):
    employer = ScopedPrimaryKeyRelatedField(
        selector=employer_choices, queryset=Partner.objects.none(), required=False, allow_null=True
    )
    employer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    employer_ice = serializers.CharField(max_length=15, required=False, allow_blank=True)
    hired_on = serializers.DateField()
    contract_type = serializers.ChoiceField(choices=Placement.ContractType.choices)
    job_title = serializers.CharField(max_length=150)
    filiere = serializers.SlugRelatedField(slug_field="code", queryset=Filiere.objects.all())
    zone = serializers.SlugRelatedField(
        slug_field="code", queryset=Zone.objects.all(), required=False, allow_null=True
    )
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    gross_monthly_salary_mad = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True
    )
    ended_on = serializers.DateField(required=False, allow_null=True)
    cnss_verified_on = serializers.DateField(required=False, allow_null=True)


class PlacementCreateSerializer(PlacementWriteSerializer):
    enrollment = ScopedPrimaryKeyRelatedField(
        selector=enrollment_list, queryset=Enrollment.objects.none()
    )


class PlacementUpdateSerializer(PlacementWriteSerializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="La version lue ; omise, la version actuelle (pas de contrôle de conflit).",
    )


def _input(data: dict[str, Any]) -> PlacementInput:
    values = {name: data[name] for name in INPUT_FIELDS if name in data}
    for name in ("employer_name", "employer_ice"):
        values[name] = values.get(name) or ""
    return PlacementInput(**values)


class PlacementViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Placement.objects.none()  # the model, for the schema; rows: get_queryset
    serializer_class = PlacementSerializer
    filterset_class = with_updated_since(PlacementFilter)
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    # The web list sorts on this (indexed) column only.
    ordering_fields = ["hired_on", "id"]
    pagination_class = LargeListPagination

    def get_queryset(self) -> QuerySet[Placement]:
        return placement_list(user=api_user(self.request)).select_related(
            "enrollment__cohort", "employer", "filiere", "zone", "region", "verification"
        )

    def _show(self, placement: Placement, code: int = status.HTTP_200_OK) -> Response:
        placement = self.get_queryset().get(pk=placement.pk)
        return Response(PlacementSerializer(placement).data, status=code)

    def _validated(self, serializer_class: type[StrictSerializer], **kwargs: Any) -> Any:
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(request=PlacementCreateSerializer, responses={201: PlacementSerializer})
    def create(self, request: Request) -> Response:
        data = self._validated(PlacementCreateSerializer)
        placement = placement_create(
            enrollment=data["enrollment"],
            data=_input(data),
            actor=api_user(request),
            source=ChangeLog.Source.API,
        )
        return self._show(placement, status.HTTP_201_CREATED)

    @extend_schema(
        request=PlacementCreateSerializer,
        responses={200: PlacementSerializer, 201: PlacementSerializer},
    )
    @action(detail=False, methods=["post"])
    def upsert(self, request: Request) -> Response:
        """The hire of this enrollment, hire date and employer, recorded (201) or brought
        up to date (200); sending the same data again changes nothing."""
        data = self._validated(PlacementCreateSerializer)
        placement, created = placement_upsert(
            enrollment=data["enrollment"],
            data=_input(data),
            actor=api_user(request),
            source=ChangeLog.Source.API,
        )
        return self._show(placement, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _update(self, request: Request, *, partial: bool) -> Response:
        placement = self.get_object()
        data = self._validated(PlacementUpdateSerializer, partial=partial)
        if partial:
            data = {**{name: getattr(placement, name) for name in INPUT_FIELDS}, **data}
        placement = placement_update(
            placement=placement,
            version=data.get("version", self.expected_version(request, placement.version)),
            data=_input(data),
            actor=api_user(request),
            source=ChangeLog.Source.API,
        )
        return self._show(placement)

    @extend_schema(request=PlacementUpdateSerializer)
    def update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, partial=False)

    @extend_schema(request=PlacementUpdateSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, partial=True)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        """Deletes a hire recorded by mistake (``If-Match`` checks the version); the
        deletion is listed by ``GET /deletions/`` for the clients that mirror hires."""
        placement = self.get_object()
        placement_delete(
            placement=placement,
            version=self.expected_version(request, placement.version),
            actor=api_user(request),
            source=ChangeLog.Source.API,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
