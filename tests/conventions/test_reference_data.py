from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.utils import translation

from conventions.models import Filiere, NationalFigure, Region, Zone

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).resolve().parents[2] / "conventions" / "reference"


def _codes(name: str) -> set[str]:
    with open(REFERENCE / name, encoding="utf-8") as handle:
        return {row["code"] for row in csv.DictReader(handle)}


def test_the_twelve_regions_are_loaded_with_three_names() -> None:
    assert Region.objects.count() == 12
    region = Region.objects.get(code="MA-06")
    assert (region.name_fr, region.name_en) == ("Casablanca-Settat", "Casablanca-Settat")
    assert region.name_ar == "الدار البيضاء - سطات"


def test_zones_filieres_and_national_figures_match_the_reference_files() -> None:
    assert set(Zone.objects.values_list("code", flat=True)) == _codes("zones.csv")
    assert set(Filiere.objects.values_list("code", flat=True)) == _codes("filieres.csv")
    assert Zone.objects.get(code="OUJ").region.code == "MA-02"
    assert Zone.objects.get(code="CNS").income_tax_cap_percent == 20
    jobs = NationalFigure.objects.get(indicator="sector_jobs", year=2030, kind="target")
    assert jobs.value == 270000


def test_reference_names_follow_the_active_language() -> None:
    filiere = Filiere.objects.get(code="CRM")
    with translation.override("en"):
        assert filiere.name == "Customer relationship management"
    with translation.override("ar"):
        assert filiere.name == "إدارة العلاقة مع الزبناء"
    with translation.override("fr"):
        assert filiere.name == "Gestion de la relation client"
