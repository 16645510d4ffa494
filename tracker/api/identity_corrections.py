"""Identity corrections on the API: an operator asks (``POST /trainees/{id}/
correction-request/``, with the proposed identity and a comment); staff read the queue
(``GET /identity-corrections/``, scoped by identity_correction_list) and apply or
decline (``POST /identity-corrections/{id}/apply/`` and ``.../decline/``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.policy import can_handle_identity_correction
from tracker.api.base import SmallListPagination, StrictSerializer, api_user
from tracker.models import IdentityCorrectionRequest, Trainee
from tracker.selectors import identity_correction_list
from tracker.services.identity_corrections import (
    identity_correction_apply,
    identity_correction_decline,
)


class CorrectionProposalSerializer(StrictSerializer):
    """The identity as it should read, only the fields to correct."""

    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)
    first_name_ar = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name_ar = serializers.CharField(max_length=100, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Trainee.Sex.choices, required=False)
    birth_date = serializers.DateField(required=False)


class CorrectionRequestInputSerializer(StrictSerializer):
    proposed = CorrectionProposalSerializer()
    comment = serializers.CharField(
        max_length=2000, help_text=_("Pourquoi corriger (la pièce qui le justifie).")
    )


class StaffAnswerSerializer(StrictSerializer):
    staff_comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class IdentityCorrectionSerializer(serializers.ModelSerializer):
    operator_name = serializers.CharField(source="operator.name", read_only=True)

    class Meta:
        model = IdentityCorrectionRequest
        fields = [
            "id",
            "trainee",
            "operator",
            "operator_name",
            "proposed",
            "comment",
            "status",
            "staff_comment",
            "created_at",
            "handled_at",
        ]
        read_only_fields = fields


class IdentityCorrectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = IdentityCorrectionRequest.objects.none()  # the model, for the schema
    serializer_class = IdentityCorrectionSerializer
    pagination_class = SmallListPagination

    def get_queryset(self) -> QuerySet[IdentityCorrectionRequest]:
        return identity_correction_list(user=api_user(self.request)).order_by("created_at", "id")

    def _answer(self, request: Request, service: Any) -> Response:
        correction = self.get_object()  # 404 outside the user's scope
        user = api_user(request)
        if not can_handle_identity_correction(user, correction.trainee):
            raise PermissionDenied
        serializer = StaffAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        done = service(
            request=correction,
            actor=user,
            staff_comment=serializer.validated_data.get("staff_comment", ""),
        )
        return Response(self.get_serializer(done).data)

    @extend_schema(request=StaffAnswerSerializer, responses=IdentityCorrectionSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        """Staff: the proposed identity becomes the national record's (both operators
        read it)."""
        return self._answer(request, identity_correction_apply)

    @extend_schema(request=StaffAnswerSerializer, responses=IdentityCorrectionSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """Staff: declined, with a comment for the operator."""
        return self._answer(request, identity_correction_decline)
