"""``POST /api/v1/batch/``: up to API_BATCH_MAX_RECORDS enrollments (with their hires)
at once, all or nothing, through the import machinery (tracker.imports.api_batch)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.policy import user_can_import
from tracker.api.base import StrictSerializer, api_user
from tracker.api.errors import PayloadTooLarge, problem
from tracker.api.protocol import ApiViewMixin
from tracker.imports.api_batch import BatchTooLarge, records_import
from tracker.imports.columns import COLUMNS

RECORD_HELP = _(
    "Un enregistrement = une ligne d'import : clés %(keys)s (mêmes règles et mêmes valeurs "
    "que le fichier d'import ; dates AAAA-MM-JJ)."
) % {"keys": ", ".join(column.key for column in COLUMNS)}


class BatchRecordSerializer(serializers.Serializer):
    """Documents one record; the values are checked by the import's rules."""

    cohort = serializers.CharField(help_text=_("Code de la cohorte"))
    cin = serializers.CharField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    sex = serializers.CharField(help_text="F, M")
    birth_date = serializers.CharField()
    status = serializers.CharField(help_text="enrolled, graduated, dropped_out, failed")
    enrolled_on = serializers.CharField()


class BatchRequestSerializer(StrictSerializer):
    records = serializers.ListField(
        child=serializers.DictField(), allow_empty=False, help_text=RECORD_HELP
    )
    dry_run = serializers.BooleanField(
        default=False, help_text=_("Valider seulement, sans rien enregistrer.")
    )


class BatchRecordResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("Rang de l'enregistrement envoyé (depuis 0)"))
    outcome = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    trainee = serializers.IntegerField(allow_null=True)
    enrollment = serializers.IntegerField(allow_null=True)
    hire = serializers.IntegerField(allow_null=True)


class BatchResultSerializer(serializers.Serializer):
    committed = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    records = BatchRecordResultSerializer(many=True)


class BatchView(ApiViewMixin, APIView):
    @extend_schema(
        request=BatchRequestSerializer,
        responses={200: BatchResultSerializer},
        examples=[
            OpenApiExample(
                "Deux inscriptions, dont une diplômée et embauchée",
                request_only=True,
                value={
                    "records": [
                        {
                            "cohort": "COH-2026-001",
                            "cin": "BK123456",
                            "last_name": "Alaoui",
                            "first_name": "Salma",
                            "sex": "F",
                            "birth_date": "2001-04-12",
                            "status": "graduated",
                            "enrolled_on": "2026-01-05",
                            "graduated_on": "2026-06-30",
                            "employer_name": "Atlas Services SA",
                            "employer_ice": "001234567000089",
                            "hired_on": "2026-07-15",
                            "contract_type": "cdi",
                            "job_title": "Conseillère clientèle",
                        },
                        {
                            "cohort": "COH-2026-001",
                            "cin": "BE765432",
                            "last_name": "Tazi",
                            "first_name": "Youssef",
                            "sex": "M",
                            "birth_date": "2000-11-02",
                            "status": "enrolled",
                            "enrolled_on": "2026-01-05",
                        },
                    ]
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        """Validates every record; with no error, writes them all in one transaction
        (200, ``committed`` true, each record with its ids and outcome); otherwise writes
        nothing (400, a problem listing every error with its record's ``index``)."""
        user = api_user(request)
        if not user_can_import(user):  # before the body: one answer, whatever was sent
            raise PermissionDenied
        serializer = BatchRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = records_import(
                user=user,
                records=serializer.validated_data["records"],
                dry_run=serializer.validated_data["dry_run"],
            )
        except BatchTooLarge as error:
            raise PayloadTooLarge(
                _("Au plus %(n)s enregistrements par lot.") % {"n": error.limit},
                code="batch_too_large",
            ) from None
        if result.errors:
            return problem(
                status.HTTP_400_BAD_REQUEST,
                code="invalid",
                detail=_("%(n)s erreur(s) : rien n'a été enregistré.") % {"n": len(result.errors)},
                errors=[
                    {"field": e.field, "reason": e.reason, "code": e.code, "index": e.index}
                    for e in result.errors
                ],
            )
        data = {
            "committed": result.committed,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "records": [
                {
                    "index": r.index,
                    "outcome": r.outcome,
                    "trainee": r.trainee,
                    "enrollment": r.enrollment,
                    "hire": r.hire,
                }
                for r in result.records
            ],
        }
        return Response(data, status=status.HTTP_200_OK)
