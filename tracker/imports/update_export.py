"""Export for update: enrollments written in the import template's own columns and
formats (``tracker.imports.columns.COLUMNS``, one source of truth), so a partner exports
a cohort or any filtered list, fills in graduation dates, statuses or hires, and imports
the file back. Re-imported unchanged, the file changes nothing (the import compares
every row with the database and reports it unchanged).

One row per enrollment. A trainee hired more than once carries the latest hire on its
row; the others are left as they are (an import matches hires by enrollment, hire date
and employer and never deletes one). Values are written as the import reads them back:
dates dd/mm/yyyy (date cells in XLSX), coded values as labels in the reader's language,
regions, zones and filières as codes, amounts without thousands separators in CSV.

Personal columns follow ``PrivacyPolicy``: the rows are those whose personal data the
user sees; Arabic names only where the policy lets the user read them (a blank Arabic
name in an imported file changes nothing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import formats

from accounts.models import User
from accounts.policy import PrivacyPolicy
from conventions.models import Filiere, Partner, Region, Zone
from tracker.models import Enrollment, Placement, Trainee, TraineeContact

CHUNK_ROWS = 2000
XLSX_DATE_FORMAT = "DD/MM/YYYY"
CSV_DATE_FORMAT = "%d/%m/%Y"


def _labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _codes(model: Any) -> dict[int, str]:
    return dict(model.objects.values_list("id", "code"))


@dataclass(frozen=True)
class _Names:
    """Stored value -> what the file shows: labels in the reader's language, codes."""

    statuses: dict[str, str]
    levels: dict[str, str]
    contracts: dict[str, str]
    regions: dict[int, str]
    zones: dict[int, str]
    filieres: dict[int, str]


def update_rows(enrollments: QuerySet[Enrollment], *, user: User) -> Iterator[dict[str, Any]]:
    """Column key -> typed value (date, Decimal, text) for each enrollment of
    ``enrollments`` (already scoped and filtered by the caller) whose personal data the
    user sees, in the queryset's order. A handful of queries per chunk of rows."""
    policy = PrivacyPolicy.for_user(user)
    names = _Names(
        statuses=_labels(Enrollment.Status.choices),
        levels=_labels(Trainee.EducationLevel.choices),
        contracts=_labels(Placement.ContractType.choices),
        regions=_codes(Region),
        zones=_codes(Zone),
        filieres=_codes(Filiere),
    )
    rows = (
        enrollments.filter(policy.visible_enrollments_q())
        .select_related("trainee", "cohort")
        .iterator(chunk_size=CHUNK_ROWS)
    )
    chunk: list[Enrollment] = []
    for enrollment in rows:
        chunk.append(enrollment)
        if len(chunk) == CHUNK_ROWS:
            yield from _chunk_rows(chunk, policy, names)
            chunk = []
    if chunk:
        yield from _chunk_rows(chunk, policy, names)


def _chunk_rows(
    chunk: list[Enrollment],
    policy: PrivacyPolicy,
    names: _Names,
) -> Iterator[dict[str, Any]]:
    trainee_ids = {enrollment.trainee_id for enrollment in chunk}
    contacts = {
        (contact.trainee_id, contact.operator_id): contact
        for contact in TraineeContact.objects.filter(trainee_id__in=trainee_ids)
    }
    latest: dict[int, Placement] = {}
    for placement in Placement.objects.filter(
        enrollment_id__in=[enrollment.id for enrollment in chunk]
    ).order_by("hired_on", "id"):
        latest[placement.enrollment_id] = placement  # the last one wins: the latest hire
    employer_ids = {p.employer_id for p in latest.values() if p.employer_id}
    employers = {partner.id: partner for partner in Partner.objects.filter(id__in=employer_ids)}
    for enrollment in chunk:
        trainee, cohort = enrollment.trainee, enrollment.cohort
        contact = contacts.get((trainee.id, enrollment.operator_id))
        own_contact = contacts.get((trainee.id, policy.user.partner_id or 0))
        arabic = policy.can_see_arabic_names(cohort, own_contact)
        values: dict[str, Any] = {
            "cohort": cohort.code,
            "cin": trainee.cin,
            "last_name": trainee.last_name,
            "first_name": trainee.first_name,
            "last_name_ar": trainee.last_name_ar if arabic else "",
            "first_name_ar": trainee.first_name_ar if arabic else "",
            "sex": trainee.sex,
            "birth_date": trainee.birth_date,
            "phone": contact.phone if contact else "",
            "email": contact.email if contact else "",
            "residence_region": names.regions.get(contact.residence_region_id, "")
            if contact and contact.residence_region_id
            else "",
            "education_level": names.levels.get(contact.education_level, "")
            if contact and contact.education_level
            else "",
            "status": names.statuses[enrollment.status],
            "enrolled_on": enrollment.enrolled_on,
            # A graduate's exit is its graduation day (the import reads a blank so): left
            # blank, a corrected graduation date needs no second edit.
            "exited_on": None
            if enrollment.status == Enrollment.Status.GRADUATED
            else enrollment.exited_on,
            "graduated_on": enrollment.graduated_on,
            "certificate_ref": enrollment.certificate_ref,
        }
        hire = latest.get(enrollment.id)
        if hire is not None:
            employer = employers.get(hire.employer_id) if hire.employer_id else None
            values.update(
                {
                    # An employer partner by its name and ICE (the import finds it by ICE).
                    "employer_name": employer.name if employer else hire.employer_name,
                    "employer_ice": (employer.ice or "") if employer else hire.employer_ice,
                    "hired_on": hire.hired_on,
                    "contract_type": names.contracts.get(hire.contract_type, hire.contract_type),
                    "job_title": hire.job_title,
                    "job_filiere": names.filieres.get(hire.filiere_id, ""),
                    "job_zone": names.zones.get(hire.zone_id, "") if hire.zone_id else "",
                    "job_region": names.regions.get(hire.region_id, "") if hire.region_id else "",
                    "salary": hire.gross_monthly_salary_mad,
                    "hire_ended_on": hire.ended_on,
                    "cnss_verified_on": hire.cnss_verified_on,
                }
            )
        yield values


def csv_text(value: Any) -> str:
    """A value as the import reads it back from a CSV file, in the reader's separators
    for amounts (never a thousands separator, which an amount would be misread with)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime(CSV_DATE_FORMAT)
    if isinstance(value, Decimal):
        return str(value).replace(".", formats.get_format("DECIMAL_SEPARATOR"))
    return str(value)
