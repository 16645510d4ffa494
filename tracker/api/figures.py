"""Figures: the rollups, read through tracker.figures.selectors (a partner's figures are
summed over its own cohorts only), by dimension, member and period."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.api.base import api_user
from tracker.api.protocol import ApiViewMixin
from tracker.figures.selectors import (
    Figures,
    figures_by_member,
    figures_by_year,
    rollup_freshness,
    total_figures,
)
from tracker.models import Dimension
from tracker.models.rollups import MEASURES


class FigureQuerySerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(
        choices=Dimension.choices, required=False, default=Dimension.NATIONAL
    )
    member = serializers.IntegerField(
        required=False, min_value=0, help_text="id de la région, zone, convention, ..."
    )
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    until = serializers.DateField(
        required=False, help_text="Figures à date : jusqu'au trimestre de ce jour inclus."
    )


class FigureRowSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    member_id = serializers.IntegerField()
    year = serializers.IntegerField(allow_null=True)
    enrolled = serializers.IntegerField()
    women_enrolled = serializers.IntegerField()
    graduates = serializers.IntegerField()
    jobs_created = serializers.IntegerField()
    jobs_pre_graduation = serializers.IntegerField()
    placement_6m_eligible = serializers.IntegerField()
    placement_6m_placed = serializers.IntegerField()
    retention_12m_eligible = serializers.IntegerField()
    retention_12m_retained = serializers.IntegerField()
    placement_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    retention_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    women_share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class FiguresSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField(allow_null=True)
    reference_date = serializers.DateField()
    results = FigureRowSerializer(many=True)


def _row(dimension: str, member_id: int, year: int | None, figures: Figures) -> dict[str, Any]:
    return {
        "dimension": dimension,
        "member_id": member_id,
        "year": year,
        **{measure: figures.values[measure] for measure in MEASURES},
        "placement_rate": figures.placement_rate,
        "retention_rate": figures.retention_rate,
        "women_share": figures.women_share,
    }


class FiguresView(ApiViewMixin, APIView):
    extra_query_parameters = ("dimension", "member", "year", "until")
    """National: one row per year, or the year asked. By dimension: one row per member
    (all years, one year, or to date), or one row per year of the member asked."""

    @extend_schema(parameters=[FigureQuerySerializer], responses=FiguresSerializer)
    def get(self, request: Request) -> Response:
        query = FigureQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        user = api_user(request)
        dimension = params["dimension"]
        year, member, until = params.get("year"), params.get("member"), params.get("until")
        rows: list[dict[str, Any]]
        if dimension == Dimension.NATIONAL:
            if year is not None:
                rows = [_row(dimension, 0, year, total_figures(user=user, year=year))]
            else:
                by_year = figures_by_year(user=user)
                rows = [_row(dimension, 0, y, figures) for y, figures in by_year.items()]
        elif member is not None and year is None and until is None:
            by_year = figures_by_year(user=user, dimension=dimension, member_id=member)
            rows = [_row(dimension, member, y, figures) for y, figures in by_year.items()]
        else:
            by_member = figures_by_member(
                user=user,
                dimension=dimension,
                year=year,
                until=until,
                member_ids=[member] if member is not None else None,
            )
            rows = [_row(dimension, pk, year, figures) for pk, figures in sorted(by_member.items())]
        freshness = rollup_freshness()
        data = {
            "computed_at": freshness.computed_at,
            "reference_date": freshness.reference_date,
            "results": rows,
        }
        return Response(FiguresSerializer(data).data)
