"""Trainees (persons): read through trainee_list, personal data masked by PrivacyPolicy
exactly as on the pages. The identity is the national record; the contact details are
the caller's organisation's own record of the person (staff: the most recently updated
record, and every operator's under ``contacts``, labelled). A person is usually created
or updated through its enrollment
(``trainee`` in POST /enrollments/ and /enrollments/upsert/), found by CIN; a record is
also corrected here (trainee_update: who may edit people in one of the person's
cohorts, optimistic locking on ``version``), and an admin records a person enrolled
nowhere yet (trainee_create)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, QuerySet, Value
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.policy import (
    MASK,
    PERSONAL_FIELDS,
    PrivacyPolicy,
    can_create_person,
    can_edit_person,
    can_request_identity_correction,
)
from conventions.models import Region
from tracker.api.base import LargeListPagination, StrictSerializer, api_user
from tracker.api.identity_corrections import (
    CorrectionRequestInputSerializer,
    IdentityCorrectionSerializer,
)
from tracker.api.protocol import ApiViewMixin
from tracker.api.sync import with_updated_since
from tracker.models import CONTACT_FIELDS, ChangeLog, Enrollment, Trainee, TraineeContact
from tracker.rules import normalize_cin
from tracker.selectors import trainee_list
from tracker.services.identity_corrections import identity_correction_request
from tracker.services.trainees import (
    PERSON_INPUT_FIELDS,
    TraineeInput,
    contact_operator_for,
    trainee_create,
    trainee_update,
)

API = ChangeLog.Source.API

# A person's fields, as the trainee services name them: identity, then contact details.
PERSON_FIELDS = PERSON_INPUT_FIELDS

CONTACT_NEEDS_OPERATOR = _(
    "Les coordonnées sont celles d'un opérateur : elles s'enregistrent avec l'inscription "
    "de la personne dans une cohorte."
)

ARABIC_NAMES = ("first_name_ar", "last_name_ar")

UPDATE_FIELDS = tuple(name for name in PERSON_FIELDS if name != "cin")


class TraineeInputSerializer(StrictSerializer):
    """A person as sent by a partner; the rules (CIN, phone, e-mail, birth date) are
    those of tracker.services.trainees.trainee_clean, applied by the service."""

    cin = serializers.CharField(max_length=20)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    sex = serializers.ChoiceField(choices=Trainee.Sex.choices)
    birth_date = serializers.DateField()
    first_name_ar = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name_ar = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    residence_region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    education_level = serializers.ChoiceField(
        choices=Trainee.EducationLevel.choices, required=False, allow_blank=True
    )

    def to_input(self) -> TraineeInput:
        return TraineeInput(**self.validated_data)


class TraineeUpdateSerializer(TraineeInputSerializer):
    """A correction of a person's record. The CIN identifies the person (enrollments,
    imports find them by it): it is not rewritten, and refused if sent."""

    cin = None
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="La version lue ; omise, la version actuelle (pas de contrôle de conflit).",
    )


class PersonSerializer(serializers.Serializer):
    """A person as shown: personal data (law 09-08) only to who may see it, else masked
    ("•••"); ``personal_data_visible`` says which."""

    id = serializers.IntegerField(read_only=True)
    cin = serializers.CharField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    first_name_ar = serializers.CharField(read_only=True)
    last_name_ar = serializers.CharField(read_only=True)
    sex = serializers.CharField(read_only=True)
    birth_date = serializers.CharField(read_only=True, help_text=_("AAAA-MM-JJ, ou masquée"))
    phone = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    residence_region = serializers.CharField(read_only=True, allow_null=True)
    education_level = serializers.CharField(read_only=True)
    personal_data_visible = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(
        read_only=True, help_text=_("À renvoyer pour corriger la personne (PATCH /trainees/).")
    )


def _plain(raw: Any) -> Any:
    return raw.isoformat() if hasattr(raw, "isoformat") else raw


def contact_data(contact: TraineeContact | None) -> dict[str, Any]:
    """One operator's record as shown (empty values when there is none)."""
    data: dict[str, Any] = {}
    for name in CONTACT_FIELDS:
        if name == "residence_region":
            region = contact.residence_region if contact is not None else None
            data[name] = region.code if region is not None else None
        else:
            data[name] = getattr(contact, name) if contact is not None else ""
    return data


def person_data(
    trainee: Trainee,
    *,
    visible: bool,
    contact: TraineeContact | None = None,
    arabic_names_visible: bool = True,
) -> dict[str, Any]:
    """The identity (masked unless ``visible``) and ``contact``, the one operator's record
    the caller may read here (None: nothing shown). The Arabic names are left empty when
    not ``arabic_names_visible`` (a partner that never supplied them)."""
    data: dict[str, Any] = {
        "id": trainee.pk,
        "personal_data_visible": visible,
        "version": trainee.version,
    }
    for name in PERSON_INPUT_FIELDS:
        if name in CONTACT_FIELDS:
            continue
        if name in ARABIC_NAMES and visible and not arabic_names_visible:
            data[name] = ""
            continue
        raw = getattr(trainee, name)
        if name in PERSONAL_FIELDS and not visible and raw not in (None, ""):
            data[name] = MASK
        else:
            data[name] = _plain(raw)
    data.update(contact_data(contact if visible else None))
    return data


class OperatorContactSerializer(serializers.Serializer):
    """One operator's record of a person, labelled by operator (staff only)."""

    operator = serializers.IntegerField(read_only=True)
    operator_name = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    residence_region = serializers.CharField(read_only=True, allow_null=True)
    education_level = serializers.CharField(read_only=True)


class TraineeSerializer(PersonSerializer):
    contacts = OperatorContactSerializer(
        many=True,
        read_only=True,
        help_text=_("Les coordonnées de chaque opérateur (équipe du programme seulement)."),
    )

    def to_representation(self, trainee: Trainee) -> dict[str, Any]:
        user = self.context["request"].user
        visible = bool(getattr(trainee, "visible", False))
        # The partner's own record (the only one prefetched for it); staff: the latest.
        shown = max(trainee.contacts.all(), key=lambda c: (c.updated_at, c.pk), default=None)
        arabic = not user.is_partner or bool(shown is not None and shown.arabic_names_known)
        data = person_data(trainee, visible=visible, contact=shown, arabic_names_visible=arabic)
        data["contacts"] = []
        if visible and not user.is_partner:
            data["contacts"] = [
                {
                    "operator": contact.operator_id,
                    "operator_name": contact.operator.name,
                    **contact_data(contact),
                }
                for contact in trainee.contacts.all()
            ]
        return data


class TraineeFilter(django_filters.FilterSet):
    cin = django_filters.CharFilter(method="by_cin", label=_("CIN"))
    sex = django_filters.ChoiceFilter(choices=Trainee.Sex.choices, label=_("Sexe"))

    class Meta:
        model = Trainee
        fields: list[str] = []

    def by_cin(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """Only among the persons whose data the user sees: a search never confirms that
        someone is enrolled elsewhere."""
        try:
            cin = normalize_cin(value)
        except ValidationError:
            return queryset.none()
        # ``visible`` is annotated by TraineeViewSet.get_queryset.
        return queryset.filter(visible=True, cin=cin)


class TraineeViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Trainee.objects.none()  # the model, for the schema; rows: get_queryset
    serializer_class = TraineeSerializer
    filterset_class = with_updated_since(TraineeFilter)
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["id"]
    pagination_class = LargeListPagination

    def get_queryset(self) -> QuerySet[Trainee]:
        user = api_user(self.request)
        policy = PrivacyPolicy.for_user(user)
        contacts = TraineeContact.objects.select_related("operator", "residence_region")
        if user.is_partner:  # a partner's own record only, never another operator's
            contacts = contacts.filter(operator_id=user.partner_id)
        trainees = trainee_list(user=user).prefetch_related(Prefetch("contacts", contacts))
        if user.is_admin:
            return trainees.annotate(visible=Value(True, output_field=BooleanField()))
        visible = Enrollment.objects.filter(policy.visible_enrollments_q(), trainee=OuterRef("pk"))
        return trainees.annotate(visible=Exists(visible))

    def _show(self, trainee: Trainee, code: int = status.HTTP_200_OK) -> Response:
        trainee = self.get_queryset().get(pk=trainee.pk)
        return Response(self.get_serializer(trainee).data, status=code)

    def _validated(self, serializer_class: type[StrictSerializer], **kwargs: Any) -> Any:
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(request=TraineeInputSerializer, responses={201: TraineeSerializer})
    def create(self, request: Request) -> Response:
        """Records a person enrolled nowhere yet: admins only. Everyone else creates a
        person by enrolling them (POST /enrollments/)."""
        user = api_user(request)
        if not can_create_person(user):  # before the body: one answer, whatever was sent
            raise PermissionDenied
        data = self._validated(TraineeInputSerializer)
        # Contact details belong to the operator that records them: a person enrolled
        # nowhere has none yet (refused rather than dropped).
        sent = [name for name in CONTACT_FIELDS if data.get(name) not in (None, "")]
        if sent:
            raise ValidationError(dict.fromkeys(sent, CONTACT_NEEDS_OPERATOR))
        trainee = trainee_create(data=TraineeInput(**data), actor=user, source=API)
        return self._show(trainee, status.HTTP_201_CREATED)

    def _update(self, request: Request, *, partial: bool) -> Response:
        user = api_user(request)
        trainee = self.get_object()  # 404 outside the user's scope
        if not can_edit_person(user, trainee):  # 403 inside it, without the right
            raise PermissionDenied
        data = self._validated(TraineeUpdateSerializer, partial=partial)
        version = data.pop("version", self.expected_version(request, trainee.version))
        if partial:
            # The fields not sent keep their values: the identity's, and the caller's
            # organisation's own record of the person.
            contact = trainee.contact_for(contact_operator_for(user, trainee))
            current = {
                name: getattr(contact, name) if contact is not None else None
                for name in CONTACT_FIELDS
            }
            current |= {
                name: getattr(trainee, name) for name in UPDATE_FIELDS if name not in current
            }
            current = {name: value for name, value in current.items() if value is not None}
            data = {**current, **data}
        trainee = trainee_update(
            trainee=trainee,
            version=version,
            data=TraineeInput(cin=trainee.cin, **data),
            actor=user,
            source=API,
        )
        return self._show(trainee)

    @extend_schema(request=TraineeUpdateSerializer, responses=TraineeSerializer)
    def update(self, request: Request, pk: str | None = None) -> Response:
        """Corrects a person's record; an optional field left out is cleared."""
        return self._update(request, partial=False)

    @extend_schema(request=TraineeUpdateSerializer, responses=TraineeSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Corrects the fields sent, keeping the others."""
        return self._update(request, partial=True)

    @extend_schema(
        request=CorrectionRequestInputSerializer, responses={201: IdentityCorrectionSerializer}
    )
    @action(detail=True, methods=["post"], url_path="correction-request")
    def correction_request(self, request: Request, pk: str | None = None) -> Response:
        """Asks the programme team to correct the person's identity (the only way once
        another operator trains the person too)."""
        user = api_user(request)
        trainee = self.get_object()  # 404 outside the user's scope
        if not can_request_identity_correction(user, trainee):
            raise PermissionDenied
        serializer = CorrectionRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        correction = identity_correction_request(
            trainee=trainee, actor=user, proposed=dict(data["proposed"]), comment=data["comment"]
        )
        return Response(
            IdentityCorrectionSerializer(correction).data, status=status.HTTP_201_CREATED
        )
