"""A cohort as a partner keeps it, for the round-trip tests: trainees in every status,
contact details, hires with a named employer and with an employer partner (with and
without an ICE), an Arabic name the partner supplied and one it did not."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from openpyxl import load_workbook

from conventions.models import Convention, Partner
from tests.support.factories import (
    CohortFactory,
    ConventionFactory,
    ConventionPartyFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeContactFactory,
    TraineeFactory,
    region,
    zone,
)
from tracker.imports.columns import COLUMNS
from tracker.models import Enrollment, Placement, Trainee

TRAINEES = 36


def partner_cohort(
    operator: Partner, *, code: str = "RT-COH", size: int = TRAINEES, cin_prefix: str = "RT"
) -> Any:
    convention = ConventionFactory.create(status=Convention.Status.ACTIVE)
    ConventionPartyFactory.create(convention=convention, partner=operator)
    cohort = CohortFactory.create(code=code, convention=convention, operator=operator)
    with_ice, _ = Partner.objects.get_or_create(
        name="Employeur Partenaire SA",
        defaults={"kind": Partner.Kind.EMPLOYER, "ice": "004455667000011"},
    )
    without_ice, _ = Partner.objects.get_or_create(
        name="Employeur Sans ICE SARL", defaults={"kind": Partner.Kind.EMPLOYER}
    )
    enrollments = []
    for index in range(size):
        trainee = TraineeFactory.create(
            cin=f"{cin_prefix}{index:06d}",
            first_name_ar="فاطمة" if index % 5 == 0 else "",
            last_name_ar="بنعلي" if index % 5 == 0 else "",
        )
        TraineeContactFactory.create(
            trainee=trainee,
            operator=operator,
            phone=f"+2126{index:08d}",
            residence_region=region(),
            education_level=Trainee.EducationLevel.BAC2 if index % 2 else "",
            arabic_names_known=index % 10 == 0,  # half of the Arabic names supplied
        )
        enrollment = EnrollmentFactory.create(trainee=trainee, cohort=cohort)
        if index % 4 == 1:
            enrollment.status = Enrollment.Status.GRADUATED
            enrollment.graduated_on = enrollment.exited_on = dt.date(2026, 6, 30)
            enrollment.certificate_ref = f"CERT-{index}"
        elif index % 4 == 2:
            enrollment.status = Enrollment.Status.DROPPED_OUT
            enrollment.exited_on = dt.date(2026, 3, 2)
        enrollment.save()
        if index % 4 == 1:
            kind = index % 3
            PlacementFactory.create(
                enrollment=enrollment,
                employer=with_ice if kind == 1 else without_ice if kind == 2 else None,
                employer_name="" if kind else "Casablanca Nearshore Services",
                employer_ice="" if kind else f"{1987654000078 + index:015d}",
                hired_on=dt.date(2026, 8, 1),
                contract_type=Placement.ContractType.CDD,
                gross_monthly_salary_mad=Decimal("9500.50"),
                ended_on=dt.date(2027, 7, 31) if index % 8 == 1 else None,
                cnss_verified_on=dt.date(2026, 9, 15) if index % 8 == 5 else None,
                zone=zone() if kind == 0 else None,
                region=region() if kind == 0 else None,
            )
        enrollments.append(enrollment)
    return SimpleNamespace(convention=convention, cohort=cohort, enrollments=enrollments)


def header_index(header: list[str]) -> dict[str, int]:
    """Column key -> position, from the French template header."""
    labels = {column.header: column.key for column in COLUMNS}
    return {labels[name]: position for position, name in enumerate(header)}


def xlsx_data_rows(content: bytes) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def edit_xlsx(content: bytes, edits: Mapping[str, Mapping[str, object]]) -> bytes:
    """``edits``: CIN -> column key -> new value, written into the data sheet."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    positions = header_index(header)
    for row in sheet.iter_rows(min_row=2):
        cin = row[positions["cin"]].value
        for key, value in edits.get(str(cin), {}).items():
            row[positions[key]].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
