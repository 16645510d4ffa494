"""Verified figures beside the declared ones, by the dashboard's dimensions, and the
rows each one counts (the drill-down recounts exactly what the figure counts).

Per member of a dimension: jobs declared by partners (the dashboard's jobs created: each
enrollment's first stable hire), jobs verified, the verification
rate (verified / declared), placement at 6 months (graduates declared by any employer
within 6 months of graduating / graduates whose 6 months the declarations cover, as the
dashboard's placement rate) and retention at 12 months (hires declared by any employer
in the 12th month after the hire / hires whose 12th month is covered). Hires and
graduates belong to their cohort's region, filière, convention and operator (as the
rollups count them), hires to the year of their hire date, graduates to the year of
their graduation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tracker.figures.definitions import FIGURES, period_bounds
from tracker.figures.slices import Slice
from tracker.models import Enrollment, GraduateOutcome, HireVerification, Placement
from tracker.verification.selectors import found_by_cnss_scope, verified_hire_scope


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str | Promise
    group_by: Any  # an expression over HireVerification rows
    label_field: str  # the member's name, or "" when the member is its own label
    graduate_group_by: Any  # the same over GraduateOutcome rows
    graduate_label_field: str


def _through_cohort(key: str, label: str | Promise, field: str, name: str) -> Dimension:
    """A dimension read from the cohort: the hire's (through its enrollment) or the
    graduate's."""
    hire, graduate = "placement__enrollment__cohort__", "enrollment__cohort__"
    return Dimension(key, label, F(hire + field), hire + name, F(graduate + field), graduate + name)


DIMENSIONS: dict[str, Dimension] = {
    # Hires by hire year, graduates by graduation year (as the dashboard counts them).
    "year": Dimension(
        "year",
        _("Année"),
        ExtractYear("placement__hired_on"),
        "",
        ExtractYear("enrollment__graduated_on"),
        "",
    ),
    "region": _through_cohort("region", _("Région"), "region_id", "region__name_fr"),
    "filiere": _through_cohort("filiere", _("Filière"), "filiere_id", "filiere__code"),
    "convention": _through_cohort(
        "convention", _("Convention"), "convention_id", "convention__reference"
    ),
    # The operator stored on the hire and on the enrollment (always its cohort's).
    "operator": Dimension(
        "operator",
        _("Opérateur"),
        F("placement__operator_id"),
        "placement__operator__name",
        F("enrollment__operator_id"),
        "enrollment__operator__name",
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
# status -> the graduates a placement figure counts (GraduateOutcome rows)
GRADUATE_STATUSES: dict[str, Q] = {
    "graduates_eligible_6m": Q(eligible_6m=True),
    "graduates_placed_6m": Q(eligible_6m=True, placed_6m=True),
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
    graduates_eligible_6m: int = 0
    graduates_placed_6m: int = 0

    @property
    def gap(self) -> int:
        return self.declared - self.verified

    @property
    def verification_rate(self) -> float | None:
        return self.verified / self.declared if self.declared else None

    @property
    def placement_6m_rate(self) -> float | None:
        """Graduates declared within 6 months / graduates whose 6 months are covered."""
        if not self.graduates_eligible_6m:
            return None
        return self.graduates_placed_6m / self.graduates_eligible_6m

    @property
    def retention_12m_rate(self) -> float | None:
        return self.retained_12m / self.eligible_12m if self.eligible_12m else None


_MEASURES = ("declared", "verified", "eligible_6m", "retained_6m", "eligible_12m", "retained_12m")


def verification_rows(*, user: User) -> QuerySet[HireVerification]:
    """The match rows of the jobs the user may read (a partner: its own), jobs as the
    dashboard counts them (FIGURES["jobs_created"]: each enrollment's first stable
    hire), so that "declared" here is the dashboard's jobs created."""
    jobs = verified_hire_scope(user=user).filter(
        FIGURES["jobs_created"].predicate(timezone.localdate())
    )
    return HireVerification.objects.filter(placement__in=jobs)


def _counts() -> dict[str, Count]:
    # Prefixed: the match's own fields carry the statuses' names.
    return {
        f"n_{status}": Count("id", filter=condition) if condition else Count("id")
        for status, condition in STATUSES.items()
        if status != "not_verified"
    }


def graduate_rows(*, user: User) -> QuerySet[GraduateOutcome]:
    """The graduates' outcomes the user may read (a partner: its own enrollments)."""
    return GraduateOutcome.objects.filter(enrollment__in=found_by_cnss_scope(user=user))


def _graduate_counts() -> dict[str, Count]:
    return {f"n_{status}": Count("id", filter=q) for status, q in GRADUATE_STATUSES.items()}


def verified_figures(*, user: User, dimension: str) -> list[VerifiedRow]:
    """One row per member of ``dimension`` (a KeyError for an unknown one)."""
    spec = DIMENSIONS[dimension]
    rows: dict[Any, VerifiedRow] = {}
    hires = verification_rows(user=user).annotate(member=spec.group_by)
    values = ["member"] + ([spec.label_field] if spec.label_field else [])
    for row in hires.values(*values).annotate(**_counts()).order_by("member"):
        rows[row["member"]] = VerifiedRow(
            member=row["member"],
            label=str(row[spec.label_field] if spec.label_field else row["member"]),
            **{name: row[f"n_{name}"] for name in _MEASURES},
        )
    graduates = graduate_rows(user=user).annotate(member=spec.graduate_group_by)
    values = ["member"] + ([spec.graduate_label_field] if spec.graduate_label_field else [])
    for row in graduates.values(*values).annotate(**_graduate_counts()).order_by("member"):
        if not row["n_graduates_eligible_6m"]:
            continue
        label = row[spec.graduate_label_field] if spec.graduate_label_field else row["member"]
        target = rows.setdefault(
            row["member"],
            VerifiedRow(row["member"], str(label), **dict.fromkeys(_MEASURES, 0)),
        )
        target.graduates_eligible_6m = row["n_graduates_eligible_6m"]
        target.graduates_placed_6m = row["n_graduates_placed_6m"]
    return [rows[member] for member in sorted(rows, key=lambda m: (m is None, m))]


def in_slice(rows: QuerySet[Any], part: Slice | None, *, enrollment: str, date: str) -> Any:
    """The match rows of ``part`` (a dashboard slice): their cohort's current attributes,
    the person's sex, the quarter or year of ``date`` (the hire or graduation date), as
    the store's cells are summed for it (tracker.figures.verified.rollup)."""
    if part is None:
        return rows
    for name, value in part.cohort_filters.items():
        lookup = "cohort_id" if name == "cohort" else f"cohort__{name}_id"
        rows = rows.filter(**{f"{enrollment}{lookup}": value})
    if part.sex:
        rows = rows.filter(**{f"{enrollment}trainee__sex": part.sex})
    if part.year is not None:
        start, end = period_bounds(part.year, part.quarter)
        rows = rows.filter(**{f"{date}__gte": start, f"{date}__lt": end})
    return rows


_HIRE_PATHS = {"enrollment": "placement__enrollment__", "date": "placement__hired_on"}
_GRADUATE_PATHS = {"enrollment": "enrollment__", "date": "enrollment__graduated_on"}


def verified_totals(*, user: User, part: Slice | None = None) -> VerifiedRow:
    """The totals counted from the match rows (the dashboard reads the same figures from
    the store: tracker.figures.verified.dashboard), under ``part`` when given."""
    totals = in_slice(verification_rows(user=user), part, **_HIRE_PATHS).aggregate(**_counts())
    graduates = in_slice(graduate_rows(user=user), part, **_GRADUATE_PATHS).aggregate(
        **_graduate_counts()
    )
    return VerifiedRow(
        member=None,
        label="",
        **{name: totals[f"n_{name}"] for name in _MEASURES},
        **{name: graduates[f"n_{name}"] for name in GRADUATE_STATUSES},
    )


def verified_drilldown(
    *,
    user: User,
    dimension: str = "",
    member: str = "",
    status: str = "declared",
    part: Slice | None = None,
) -> QuerySet[Placement]:
    """The hires a figure counts (under the dashboard's slice ``part`` when given);
    raises KeyError/ValueError on an unknown query."""
    rows = in_slice(verification_rows(user=user).filter(STATUSES[status]), part, **_HIRE_PATHS)
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


def graduate_drilldown(
    *,
    user: User,
    dimension: str = "",
    member: str = "",
    status: str = "graduates_placed_6m",
    part: Slice | None = None,
) -> QuerySet[Enrollment]:
    """The graduates a placement figure counts (under the dashboard's slice ``part``
    when given); KeyError/ValueError on an unknown query."""
    rows = in_slice(
        graduate_rows(user=user).filter(GRADUATE_STATUSES[status]), part, **_GRADUATE_PATHS
    )
    if dimension:
        rows = rows.annotate(member=DIMENSIONS[dimension].graduate_group_by).filter(
            member=int(member)
        )
    return (
        found_by_cnss_scope(user=user)
        .filter(id__in=rows.values("enrollment_id"))
        .select_related("trainee", "cohort", "cnss_outcome")
        .order_by("-graduated_on", "id")
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
