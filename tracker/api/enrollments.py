"""Enrollments: list and read through enrollment_list; create, upsert (by CIN and
cohort), correct, and move the status only through explicit actions (graduate, drop
out, fail), each one call to the enrollment services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.policy import PrivacyPolicy, can_reopen_enrollment
from tracker.api.base import (
    LargeListPagination,
    ScopedPrimaryKeyRelatedField,
    StrictSerializer,
    api_user,
    prefix_errors,
)
from tracker.api.protocol import ApiViewMixin
from tracker.api.sync import with_updated_since
from tracker.api.trainees import (
    PERSON_FIELDS,
    PersonSerializer,
    TraineeInputSerializer,
    person_data,
)
from tracker.filters import EnrollmentFilter
from tracker.models import ChangeLog, Cohort, Enrollment
from tracker.selectors import cohort_list, enrollment_list, trainee_contacts_readable
from tracker.services.enrollment_sync import enrollment_upsert
from tracker.services.enrollments import (
    enrollment_create,
    enrollment_drop_out,
    enrollment_fail,
    enrollment_graduate,
    enrollment_reopen,
    enrollment_update,
)
from tracker.services.trainees import TraineeInput

API = ChangeLog.Source.API


class EnrollmentSerializer(serializers.ModelSerializer):
    cohort_code = serializers.CharField(source="cohort.code", read_only=True)
    trainee = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "cohort",
            "cohort_code",
            "trainee",
            "status",
            "enrolled_on",
            "exited_on",
            "graduated_on",
            "certificate_ref",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer)
    def get_trainee(self, enrollment: Enrollment) -> dict[str, Any]:
        policy: PrivacyPolicy = self.context["policy"]
        # The record of the enrollment's operator: a partner's own (it sees only its own
        # enrollments), for staff that operator's, as the enrollment is its.
        contact = None
        if policy.can_see_contact(enrollment.cohort, enrollment.operator_id):
            contact = enrollment.trainee.contact_for(enrollment.operator_id)
        return person_data(
            enrollment.trainee,
            visible=policy.can_see(enrollment.cohort),
            contact=contact,
            arabic_names_visible=policy.can_see_arabic_names(enrollment.cohort, contact),
        )


class EnrollmentCreateSerializer(StrictSerializer):
    cohort = ScopedPrimaryKeyRelatedField(selector=cohort_list, queryset=Cohort.objects.none())
    trainee = TraineeInputSerializer()
    enrolled_on = serializers.DateField()
    certificate_ref = serializers.CharField(max_length=60, required=False, allow_blank=True)


class EnrollmentUpdateSerializer(StrictSerializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="La version lue ; omise, la version actuelle (pas de contrôle de conflit).",
    )
    enrolled_on = serializers.DateField()
    certificate_ref = serializers.CharField(max_length=60, allow_blank=True, required=False)
    graduated_on = serializers.DateField(required=False, allow_null=True)
    exited_on = serializers.DateField(required=False, allow_null=True)


class GraduateSerializer(StrictSerializer):
    version = serializers.IntegerField(required=False, min_value=1)
    graduated_on = serializers.DateField()
    certificate_ref = serializers.CharField(max_length=60, required=False, allow_blank=True)


class ReopenSerializer(StrictSerializer):
    version = serializers.IntegerField(required=False, min_value=1)
    reason = serializers.CharField(
        max_length=500, help_text=_("Motif de la correction, gardé dans l'historique.")
    )


class ExitSerializer(StrictSerializer):
    version = serializers.IntegerField(required=False, min_value=1)
    exited_on = serializers.DateField()


@contextmanager
def trainee_errors() -> Iterator[None]:
    """The person's errors named ``trainee.<field>``, as sent."""
    try:
        yield
    except ValidationError as error:
        raise prefix_errors(error, fields=PERSON_FIELDS, prefix="trainee") from error


class EnrollmentViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Enrollment.objects.none()  # the model, for the schema; rows: get_queryset
    serializer_class = EnrollmentSerializer
    filterset_class = with_updated_since(EnrollmentFilter)
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    # The web list sorts on these (indexed) columns only.
    ordering_fields = ["enrolled_on", "graduated_on", "id"]
    pagination_class = LargeListPagination

    def get_queryset(self) -> QuerySet[Enrollment]:
        user = api_user(self.request)
        contacts = trainee_contacts_readable(user=user).select_related("residence_region")
        return (
            enrollment_list(user=user)
            .select_related("cohort", "trainee")
            .prefetch_related(Prefetch("trainee__contacts", contacts))
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["policy"] = PrivacyPolicy.for_user(api_user(self.request))
        return context

    def _show(self, enrollment: Enrollment, code: int = status.HTTP_200_OK) -> Response:
        enrollment = self.get_queryset().get(pk=enrollment.pk)
        return Response(self.get_serializer(enrollment).data, status=code)

    def _input(self, serializer_class: type[serializers.Serializer], **kwargs: Any) -> Any:
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return serializer

    @extend_schema(request=EnrollmentCreateSerializer, responses={201: EnrollmentSerializer})
    def create(self, request: Request) -> Response:
        """Enrolls a person (found by CIN, or created) in a cohort."""
        data = self._input(EnrollmentCreateSerializer).validated_data
        with trainee_errors():
            enrollment = enrollment_create(
                cohort=data["cohort"],
                trainee=TraineeInput(**data["trainee"]),
                enrolled_on=data["enrolled_on"],
                certificate_ref=data.get("certificate_ref", ""),
                actor=api_user(request),
                source=API,
            )
        return self._show(enrollment, status.HTTP_201_CREATED)

    @extend_schema(
        request=EnrollmentCreateSerializer,
        responses={200: EnrollmentSerializer, 201: EnrollmentSerializer},
    )
    @action(detail=False, methods=["post"])
    def upsert(self, request: Request) -> Response:
        """The enrollment of this CIN in this cohort, created (201) or brought up to
        date (200); sending the same data again changes nothing."""
        data = self._input(EnrollmentCreateSerializer).validated_data
        with trainee_errors():
            enrollment, created = enrollment_upsert(
                cohort=data["cohort"],
                trainee=TraineeInput(**data["trainee"]),
                enrolled_on=data["enrolled_on"],
                certificate_ref=data.get("certificate_ref"),
                actor=api_user(request),
                source=API,
            )
        return self._show(enrollment, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def _update(self, request: Request, *, partial: bool) -> Response:
        enrollment = self.get_object()
        data = self._input(EnrollmentUpdateSerializer, partial=partial).validated_data
        current = {
            "enrolled_on": enrollment.enrolled_on,
            "certificate_ref": enrollment.certificate_ref,
            "graduated_on": enrollment.graduated_on,
            "exited_on": enrollment.exited_on,
        }
        if not partial:
            current["certificate_ref"] = ""
        values = {**current, **data}
        values.setdefault("version", self.expected_version(request, enrollment.version))
        enrollment = enrollment_update(
            enrollment=enrollment, actor=api_user(request), source=API, **values
        )
        return self._show(enrollment)

    @extend_schema(request=EnrollmentUpdateSerializer)
    def update(self, request: Request, pk: str | None = None) -> Response:
        """Corrects dates and certificate; the status moves only through the actions."""
        return self._update(request, partial=False)

    @extend_schema(request=EnrollmentUpdateSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, partial=True)

    def _transition(
        self, service: Callable[..., Enrollment], serializer_class: type[StrictSerializer]
    ) -> Response:
        enrollment = self.get_object()
        data = dict(self._input(serializer_class).validated_data)
        data.setdefault("version", self.expected_version(self.request, enrollment.version))
        enrollment = service(
            enrollment=enrollment, actor=api_user(self.request), source=API, **data
        )
        return self._show(enrollment)

    @extend_schema(request=GraduateSerializer, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def graduate(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(enrollment_graduate, GraduateSerializer)

    @extend_schema(request=ExitSerializer, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"], url_path="drop-out")
    def drop_out(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(enrollment_drop_out, ExitSerializer)

    @extend_schema(request=ExitSerializer, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def fail(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(enrollment_fail, ExitSerializer)

    @extend_schema(request=ReopenSerializer, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """A staff correction (admins, the convention's managers): a closed enrollment
        back in training, with a reason. Partners get 403: their writes follow the
        lifecycle."""
        enrollment = self.get_object()
        if not can_reopen_enrollment(api_user(request), enrollment.cohort):
            raise PermissionDenied  # before the body: one answer, whatever was sent
        return self._transition(enrollment_reopen, ReopenSerializer)
