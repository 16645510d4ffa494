"""The request file sent to the CNSS: the people to check for a period
(docs/verification.md, "Request file").

One row per hire dated in the period (the person's CIN, the employer's ICE, its CNSS
affiliation number when known, the hire date), and one row per graduate of the period
with no hire recorded (employer columns empty: the CNSS answers with whoever declares
the person). Columns: cin; ice_employeur; cnss_employeur; date_embauche; date_diplome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from tracker.models import EmployerAffiliation, Enrollment, Placement
from web.exports import ExportColumn

# The request file's layout, in this order (the answer file's: tracker.imports.declarations.layout).
REQUEST_COLUMNS = ("cin", "ice_employeur", "cnss_employeur", "date_embauche", "date_diplome")


def request_rows(*, start: dt.date, end: dt.date) -> Iterator[dict[str, object]]:
    """The rows of the request file for hires and graduations from start to end."""
    ice = Coalesce(NullIf("employer__ice", Value("")), "employer_ice")
    hires = (
        Placement.objects.filter(hired_on__range=(start, end))
        .annotate(
            ice=ice,
            cnss=Subquery(
                EmployerAffiliation.objects.filter(ice=OuterRef("ice"))
                .order_by("cnss_number")
                .values("cnss_number")[:1]
            ),
        )
        .values("enrollment__trainee__cin", "ice", "cnss", "hired_on", "enrollment__graduated_on")
        .order_by("enrollment__trainee__cin", "hired_on", "id")
    )
    for hire in hires.iterator(chunk_size=2000):
        yield {
            "cin": hire["enrollment__trainee__cin"],
            "ice_employeur": hire["ice"] or "",
            "cnss_employeur": hire["cnss"] or "",
            "date_embauche": hire["hired_on"],
            "date_diplome": hire["enrollment__graduated_on"],
        }
    unplaced = (
        Enrollment.objects.filter(
            status=Enrollment.Status.GRADUATED, graduated_on__range=(start, end)
        )
        .exclude(Exists(Placement.objects.filter(enrollment__trainee=OuterRef("trainee"))))
        .values("trainee__cin", "graduated_on")
        .order_by("trainee__cin", "graduated_on")
    )
    for graduate in unplaced.iterator(chunk_size=2000):
        yield {
            "cin": graduate["trainee__cin"],
            "ice_employeur": "",
            "cnss_employeur": "",
            "date_embauche": None,
            "date_diplome": graduate["graduated_on"],
        }


def _reader(column: str) -> Callable[[dict[str, object]], object]:
    """A machine file for the CNSS: dates in ISO (the exports otherwise write a date the
    way the user's language reads it)."""

    def read(row: dict[str, object]) -> object:
        value = row[column]
        return value.isoformat() if isinstance(value, dt.date) else value

    return read


REQUEST_EXPORT_COLUMNS = [ExportColumn(column, _reader(column)) for column in REQUEST_COLUMNS]
