"""Reference data: regions, P2I zones, filières (read only, the same for every role)."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from conventions.models import Filiere, Region, Zone
from tracker.api.protocol import ApiViewMixin


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name_fr", "name_ar", "name_en", "capital"]


class ZoneSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Zone
        fields = ["id", "code", "name_fr", "name_ar", "name_en", "city", "region", "tier"]


class FiliereSerializer(serializers.ModelSerializer):
    class Meta:
        model = Filiere
        fields = ["id", "code", "name_fr", "name_ar", "name_en"]


class RegionViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.order_by("code")
    serializer_class = RegionSerializer
    pagination_class = None
    filter_backends: list[type] = []


class ZoneViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Zone.objects.select_related("region").order_by("code")
    serializer_class = ZoneSerializer
    pagination_class = None
    filter_backends: list[type] = []


class FiliereViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Filiere.objects.order_by("code")
    serializer_class = FiliereSerializer
    pagination_class = None
    filter_backends: list[type] = []
