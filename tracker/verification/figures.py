"""Verified figures beside the declared ones, by the dashboard's dimensions, and the
rows each one counts (the drill-down recounts exactly what the figure counts).

Per member of a dimension: hires declared by partners, hires verified, the verification
rate (verified / declared), placement at 6 months (hires declared by any employer in the
6th month / hires whose 6th month the declarations cover) and retention at 12 months
(same at the 12th month). A hire belongs to its cohort's region, filière, convention and
operator (as the rollups count jobs), and to the year of its hire date."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tracker.models import HireVerification, Placement, User
from tracker.verification.policy import verified_hire_scope


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str | Promise
    group_by: Any  # an expression over HireVerification rows
    label_field: str  # the member's name, or "" when the member is its own label


DIMENSIONS: dict[str, Dimension] = {
    "year": Dimension("year", _("Année"), ExtractYear("placement__hired_on"), ""),
    "region": Dimension(
        "region",
        _("Région"),
        F("placement__enrollment__cohort__region_id"),
        "placement__enrollment__cohort__region__name_fr",
    ),
    "filiere": Dimension(
        "filiere",
        _("Filière"),
        F("placement__enrollment__cohort__filiere_id"),
        "placement__enrollment__cohort__filiere__code",
    ),
    "convention": Dimension(
        "convention",
        _("Convention"),
        F("placement__enrollment__cohort__convention_id"),
        "placement__enrollment__cohort__convention__reference",
    ),
    "operator": Dimension(
        "operator", _("Opérateur"), F("placement__operator_id"), "placement__operator__name"
    ),
}

# status -> the rows a drill-down lists (and the figure counts)
STATUSES: dict[str, Q] = {
    "declared": Q(),
    "verified": Q(verified=True),
    "not_verified": Q(verified=False),
    "eligible_6m": Q(eligible_6m=True),
    "retained_6m": Q(eligible_6m=True, retained_6m=True),
    "eligible_12m": Q(eligible_12m=True),
    "retained_12m": Q(eligible_12m=True, retained_12m=True),
}


@dataclass
class VerifiedRow:
    member: Any
    label: str
    declared: int
    verified: int
    eligible_6m: int
    retained_6m: int
    eligible_12m: int
    retained_12m: int

    @property
    def gap(self) -> int:
        return self.declared - self.verified

    @property
    def verification_rate(self) -> float | None:
        return self.verified / self.declared if self.declared else None

    @property
    def placement_6m_rate(self) -> float | None:
        return self.retained_6m / self.eligible_6m if self.eligible_6m else None

    @property
    def retention_12m_rate(self) -> float | None:
        return self.retained_12m / self.eligible_12m if self.eligible_12m else None


_MEASURES = ("declared", "verified", "eligible_6m", "retained_6m", "eligible_12m", "retained_12m")


def verification_rows(*, user: User) -> QuerySet[HireVerification]:
    """The match rows the user may read (a partner: its own hires)."""
    return HireVerification.objects.filter(placement__in=verified_hire_scope(user=user))


def _counts() -> dict[str, Count]:
    # Prefixed: the match's own fields carry the statuses' names.
    return {
        f"n_{status}": Count("id", filter=condition) if condition else Count("id")
        for status, condition in STATUSES.items()
        if status != "not_verified"
    }


def verified_figures(*, user: User, dimension: str) -> list[VerifiedRow]:
    """One row per member of ``dimension`` (a KeyError for an unknown one)."""
    spec = DIMENSIONS[dimension]
    rows = verification_rows(user=user).annotate(member=spec.group_by)
    values = ["member"] + ([spec.label_field] if spec.label_field else [])
    grouped = rows.values(*values).annotate(**_counts()).order_by("member")
    return [
        VerifiedRow(
            member=row["member"],
            label=str(row[spec.label_field] if spec.label_field else row["member"]),
            **{name: row[f"n_{name}"] for name in _MEASURES},
        )
        for row in grouped
    ]


def verified_totals(*, user: User) -> VerifiedRow:
    totals = verification_rows(user=user).aggregate(**_counts())
    return VerifiedRow(member=None, label="", **{name: totals[f"n_{name}"] for name in _MEASURES})


def verified_drilldown(
    *, user: User, dimension: str = "", member: str = "", status: str = "declared"
) -> QuerySet[Placement]:
    """The hires a figure counts; raises KeyError/ValueError on an unknown query."""
    rows = verification_rows(user=user).filter(STATUSES[status])
    if dimension:
        rows = rows.annotate(member=DIMENSIONS[dimension].group_by).filter(member=int(member))
    return (
        verified_hire_scope(user=user)
        .filter(id__in=rows.values("placement_id"))
        .select_related(
            "enrollment__trainee",
            "enrollment__cohort__convention",
            "operator",
            "employer",
            "verification",
        )
        .order_by("-hired_on", "id")
    )


def gap_reason(placement: Placement) -> str:
    """Why a declared hire is not verified, in words (the follow-up list's column)."""
    verification = getattr(placement, "verification", None)
    if verification is None:
        return str(_("Pas encore comparée aux déclarations."))
    if verification.verified:
        return ""
    if not (placement.employer and placement.employer.ice) and not placement.employer_ice:
        return str(_("ICE de l'employeur non renseigné : la comparaison est impossible."))
    if verification.months_with_employer:
        return str(
            _(
                "Déclarée par l'employeur, mais ni le mois de l'embauche ni le suivant : "
                "date à vérifier."
            )
        )
    return str(_("Aucune déclaration de cet employeur pour cette personne : à suivre."))
