"""Loads the reference data the project carries (conventions/reference/*.csv): regions,
P2I zones, filières and the national figures. Idempotent (keyed by code).

Used by the data migration (with the historical models) and by the tests that flush the
database (with the current ones)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(apps: Any) -> None:
    region_model = apps.get_model("conventions", "Region")
    zone_model = apps.get_model("conventions", "Zone")
    filiere_model = apps.get_model("conventions", "Filiere")
    figure_model = apps.get_model("conventions", "NationalFigure")

    for row in _rows("regions.csv"):
        region_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_fr": row["name_fr"],
                "name_ar": row["name_ar"],
                "name_en": row["name_en"],
                "capital": row["capital"],
            },
        )
    for row in _rows("zones.csv"):
        zone_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_fr": row["name"],
                "name_ar": row["name_ar"],
                "name_en": row["name_en"],
                "city": row["city"],
                "region": region_model.objects.get(code=row["region_code"]),
                "income_tax_cap_percent": int(row["income_tax_cap_percent"]),
                "tier": row["tier"],
            },
        )
    for row in _rows("filieres.csv"):
        filiere_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_fr": row["name_fr"],
                "name_ar": row["name_ar"],
                "name_en": row["name_en"],
                "example_metiers": row["example_metiers"],
            },
        )
    for row in _rows("national_targets.csv"):
        figure_model.objects.update_or_create(
            indicator=row["indicator"],
            year=int(row["year"]),
            kind=row["kind"],
            defaults={"value": Decimal(row["value"]), "source": row["source"]},
        )
