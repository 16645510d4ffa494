"""The 2025 values of the PAE and PAF schemes, written once as the admins' starting point
(by the migration 0004 and the demo). Admins change them, dated, in the admin site;
the estimates read the table only (tracker.verification.incentives)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

IN_FORCE_FROM = dt.date(2025, 7, 1)

SOURCE = (
    "Offre Offshoring Maroc (Ministère de la Transition numérique et de la Réforme de "
    "l'administration / AMDIE), cadre incitatif en vigueur depuis juillet 2025 : PAE = "
    "17 % du revenu brut imposable annuel par emploi stable créé et maintenu au moins "
    "18 mois ; PAF = 3,5 % du revenu brut imposable annuel par nouvelle recrue de "
    "nationalité marocaine, chaque année. Types de contrat et plafond : non publiés, "
    "valeurs de départ à confirmer par l'administration."
)

DEFAULTS: list[dict[str, Any]] = [
    {
        "scheme": "pae",
        "valid_from": IN_FORCE_FROM,
        "rate": Decimal("0.1700"),
        "minimum_months": 18,
        "eligible_contract_types": ["cdi"],  # a "stable" job
        "moroccan_only": False,
        "yearly": False,
        "hires_from": IN_FORCE_FROM,
        "ceiling_mad": None,
        "source": SOURCE,
    },
    {
        "scheme": "paf",
        "valid_from": IN_FORCE_FROM,
        "rate": Decimal("0.0350"),
        "minimum_months": 0,
        "eligible_contract_types": ["cdi", "cdd", "anapec"],
        "moroccan_only": True,  # a CIN holder is Moroccan: every trainee qualifies
        "yearly": True,
        "hires_from": IN_FORCE_FROM,
        "ceiling_mad": None,
        "source": SOURCE,
    },
]


def write_defaults(model: Any) -> None:
    """Creates the 2025 parameter sets that are not there yet (by scheme and date)."""
    for values in DEFAULTS:
        model.objects.get_or_create(
            scheme=values["scheme"], valid_from=values["valid_from"], defaults=values
        )
