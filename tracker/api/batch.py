"""``POST /api/v1/batch/``: up to API_BATCH_MAX_RECORDS enrollments (with their hires)
at once, all or nothing, through the import machinery (tracker.services.api_batch)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.api.base import StrictSerializer, api_user
from tracker.imports.columns import COLUMNS
from tracker.services.api_batch import records_import

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


class BatchErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    field = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class BatchResultSerializer(serializers.Serializer):
    committed = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = BatchErrorSerializer(many=True)


class BatchView(APIView):
    @extend_schema(
        request=BatchRequestSerializer,
        responses={200: BatchResultSerializer, 400: BatchResultSerializer},
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
        (200, ``committed`` true); otherwise writes nothing (400, every error listed)."""
        serializer = BatchRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = records_import(
            user=api_user(request),
            records=serializer.validated_data["records"],
            dry_run=serializer.validated_data["dry_run"],
        )
        data = {
            "committed": result.committed,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": [
                {"index": e.index, "field": e.field, "reason": e.reason} for e in result.errors
            ],
        }
        code = status.HTTP_400_BAD_REQUEST if result.errors else status.HTTP_200_OK
        return Response(data, status=code)
